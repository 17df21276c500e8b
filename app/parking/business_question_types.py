"""The business parking permit's question types, registered with the engine's registry:

- organisation_premises: the engine's premises question (premises.py) for admins only: one of the
  premises of the organisation the person acts for as one of its admins. Premises that cannot have
  another business permit (in no zone, car-free or excluded, or at the limit per premises) get an
  error saying why. Someone not acting for an organisation as its admin is told so and cannot go on.
- business_vehicle: the vehicle question, refusing a vehicle that already has a business permit.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from app.form_model.question_types import register
from app.forms_engine.question_types.premises import PremisesKind
from app.parking.question_types import ParkingVehicleField, ParkingVehicleKind
from app.services import parking
from app.services.parking import business


def premises_refusal_text(code: str) -> str:
    """Why the chosen premises cannot have a business permit, in plain words."""
    if code == "no-zone":
        return _("These premises are not in a controlled parking zone, so you do not need a permit to park near them")
    if code == "not-eligible":
        return _("These premises cannot have business parking permits. Call us to find out why")
    if code == "premises-limit":
        return _(
            "These premises already have %(num)s business permits, the most one address can have",
            num=parking.settings().business_permits_per_premises,
        )
    return _("Select one of the organisation's premises")


@register
class OrganisationPremisesKind(PremisesKind):
    """One of the premises of the organisation the person acts for, as one of its admins, that may
    have another business permit."""

    name = "organisation_premises"

    def organisation(self):
        acting = super().organisation()
        return business.applying_for(current_user, acting.id) if acting is not None else None

    def not_acting_messages(self) -> tuple[str, str]:
        return (
            _("Act for an organisation as one of its admins to apply for a business permit"),
            _(
                "Only an organisation's admins can apply for business permits, while acting for it. "
                "Choose who you are acting for from Your account."
            ),
        )

    def refusal(self, organisation, premises) -> str | None:
        code = business.premises_refusal(organisation, premises)
        return premises_refusal_text(code) if code is not None else None


class BusinessVehicleField(ParkingVehicleField):
    permit_type = business.PERMIT_TYPE

    def already_has_one(self, day: str) -> str:
        return _(
            "This vehicle already has a business permit until %(day)s. "
            "A vehicle can have one business permit at a time",
            day=day,
        )


@register
class BusinessVehicleKind(ParkingVehicleKind):
    """The vehicle question (see vehicle.py), refusing a vehicle that already has a business permit."""

    name = "business_vehicle"
    field_class = BusinessVehicleField
