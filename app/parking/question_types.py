"""The parking permit's own question types, registered with the engine's registry:

- parking_address: an address that may have resident permits. Found by postcode like any address;
  one that cannot have permits (no zone, car-free, excluded, or already at the household's limit)
  gets an error saying why, in plain words, so nobody pays for a permit they cannot have.
- parking_vehicle: the vehicle question, refusing a vehicle that already has a resident permit.
"""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from app.form_model.question_types import FieldContext, register
from app.form_model.schema import Question
from app.forms_engine.question_types.address import AddressField, AddressKind
from app.forms_engine.question_types.base import label_and_hint
from app.forms_engine.question_types.vehicle import VehicleField, VehicleKind
from app.i18n import current_language
from app.services import parking
from app.services.parking import permits


class ParkingAddressField(AddressField):
    def _check_chosen_address(self) -> None:
        super()._check_chosen_address()
        if self.data is None or self.errors:
            return
        standing = parking.standing_of(self.data.get("uprn"))
        if standing is None or not standing.resident_permits:
            self.data = None
            self._error("uprn", parking_refusal(standing))
            return
        most = parking.settings().max_permits_per_household
        if permits.live_permits_at(standing.uprn) >= most:
            self.data = None
            self._error(
                "uprn",
                _("This address already has %(num)s resident permits, the most one address can have", num=most),
            )


def parking_refusal(standing) -> str:
    """Why an address cannot have resident permits, as the error next to it."""
    if standing is None or standing.zone is None:
        return _("This address is not in a controlled parking zone, so you do not need a permit to park near it")
    if standing.reason is not None:
        return _(
            "This address cannot have resident parking permits. %(why)s",
            why=standing.reason.why.get(current_language()),
        )
    return _("This address cannot have resident parking permits. Call us to find out why")


@register
class ParkingAddressKind(AddressKind):
    """An address in a controlled parking zone that may have resident permits. Stored like an
    address answer (uprn, lines, postcode, ward)."""

    name = "parking_address"
    settings = frozenset()
    account_field = None

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        return ParkingAddressField(label, description=hint, optional=question.optional, in_area_only=True)

    def example(self, question: Question) -> dict[str, list]:
        found = parking.any_eligible_address()
        if found is None:
            return super().example(question)
        return {
            f"{question.id}-mode": ["lookup"],
            f"{question.id}-postcode": [found.postcode],
            f"{question.id}-uprn": [str(found.uprn)],
        }


class ParkingVehicleField(VehicleField):
    def validate(self, form, extra_validators=()):
        if not super().validate(form, extra_validators) or not self.data:
            return not self.errors
        current = permits.current_permit_for_vehicle(self.data["vrm"])
        if current is not None:
            self.data = None
            self.errors = {
                "vrm": [
                    _(
                        "This vehicle already has a resident permit until %(day)s. "
                        "A vehicle can have one permit at a time",
                        day=format_date(permits.last_day(current), "d MMMM yyyy"),
                    )
                ]
            }
        return not self.errors


@register
class ParkingVehicleKind(VehicleKind):
    """The vehicle question (see vehicle.py), refusing a vehicle that already has a resident permit."""

    name = "parking_vehicle"

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        return ParkingVehicleField(
            label, description=hint, optional=question.optional, error_name=question.error_name.get(context.language)
        )
