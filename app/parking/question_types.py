"""The parking permit's own question types, registered with the engine's registry:

- parking_address: an address that may have resident permits. Found by postcode like any address;
  one that cannot have permits (no zone, car-free, excluded, or already at the household's limit)
  gets an error saying why, in plain words, so nobody pays for a permit they cannot have.
- parking_vehicle: the vehicle question, refusing a vehicle that already has a resident permit.
- parking_visitor_address: an address that may have visitor permits (car-free homes too, by setting).
- visitor_pack: a pack of visitor hours or days, refused past the household's yearly allowance.
"""

from __future__ import annotations

from flask import g
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from app import form_model
from app.form_model.question_types import FieldContext, register
from app.form_model.schema import Question
from app.forms_common import GovRadioField
from app.forms_engine.question_types.address import AddressField, AddressKind
from app.forms_engine.question_types.base import label_and_hint, required
from app.forms_engine.question_types.choices import RadiosKind
from app.forms_engine.question_types.vehicle import VehicleField, VehicleKind
from app.i18n import current_language
from app.services import parking
from app.services.errors import ServiceError
from app.services.parking import permits, visitors, zones
from app.services.parking.visitor_packs import units_from


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
            return
        self.data = {**self.data, "proof": "needed" if _proof_needed(standing.uprn) else "not-needed"}


def _proof_needed(uprn: int) -> bool:
    """Whether the applicant is asked for proof of living at the address (zones.address_proof_needed).
    The applicant is the person a volunteer is helping, or the person signed in; staff taking a call
    check the council's records themselves while they talk, so they are not asked to upload."""
    helping = g.get("assisted_session")
    if helping is not None:
        return zones.address_proof_needed(helping.person, uprn)
    if current_user.is_authenticated and current_user.is_staff:
        return False
    return zones.address_proof_needed(current_user if current_user.is_authenticated else None, uprn)


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
    # Conditions may ask whether the applicant must send proof of living there (address_proof):
    # {question: address, equals: needed}.
    usable_in_conditions = True

    def option_values(self, question: Question) -> list[str]:
        return ["needed", "not-needed"]

    def condition_value(self, answer):
        return answer.get("proof") if isinstance(answer, dict) else None

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
    """A vehicle that has no permit of this field's type yet: a vehicle has one of each at a time."""

    permit_type = "resident"

    def already_has_one(self, day: str) -> str:
        return _(
            "This vehicle already has a resident permit until %(day)s. A vehicle can have one permit at a time",
            day=day,
        )

    def validate(self, form, extra_validators=()):
        if not super().validate(form, extra_validators) or not self.data:
            return not self.errors
        current = permits.current_permit_for_vehicle(self.data["vrm"], self.permit_type)
        if current is not None:
            self.data = None
            self.errors = {"vrm": [self.already_has_one(format_date(permits.last_day(current), "d MMMM yyyy"))]}
        return not self.errors


@register
class ParkingVehicleKind(VehicleKind):
    """The vehicle question (see vehicle.py), refusing a vehicle that already has a resident permit."""

    name = "parking_vehicle"
    field_class = ParkingVehicleField

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        return self.field_class(
            label, description=hint, optional=question.optional, error_name=question.error_name.get(context.language)
        )


class VisitorAddressField(AddressField):
    def _check_chosen_address(self) -> None:
        super()._check_chosen_address()
        if self.data is None or self.errors:
            return
        standing = parking.standing_of(self.data.get("uprn"))
        if visitors.household(self.data.get("uprn")) is None:
            self.data = None
            self._error("uprn", visitor_refusal(standing))


def visitor_refusal(standing) -> str:
    """Why an address cannot have visitor permits, in plain words."""
    if standing is None or standing.zone is None:
        return _(
            "This address is not in a controlled parking zone, so your visitors do not need a permit to park near it"
        )
    if standing.reason is not None:
        return _(
            "This address cannot have visitor parking permits. %(why)s",
            why=standing.reason.why.get(current_language()),
        )
    return _("This address cannot have visitor parking permits. Call us to find out why")


@register
class VisitorAddressKind(ParkingAddressKind):
    """An address in a controlled parking zone that may have visitor permits (car-free homes too,
    unless the settings say not)."""

    name = "parking_visitor_address"

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        return VisitorAddressField(label, description=hint, optional=question.optional, in_area_only=True)


class VisitorPackField(GovRadioField):
    """A pack of visitor credit, refused when it would take the household past the year's allowance."""

    def __init__(self, *args, uprn=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.uprn = uprn

    def post_validate(self, form, validation_stopped):
        if validation_stopped or self.errors or self.uprn is None:
            return
        can_buy = visitors.credit(self.uprn).can_buy
        if units_from(self.data) > can_buy:
            unit = visitors.rules().unit
            if not can_buy:
                self.errors.append(_("This address has bought all its visitor parking for this year"))
            elif unit == "days":
                self.errors.append(
                    _("This address can buy %(num)s more days this year. Choose a smaller pack", num=can_buy)
                )
            else:
                self.errors.append(
                    _("This address can buy %(num)s more hours this year. Choose a smaller pack", num=can_buy)
                )


@register
class VisitorPackKind(RadiosKind):
    """A pack of visitor credit: options whose values hold the number of hours or days ("hours-10")."""

    name = "visitor_pack"

    def check(self, question: Question) -> list[str]:
        problems = []
        for option in question.options:
            try:
                units_from(option.value)
            except ServiceError:
                problems.append(
                    f"option {option.value!r} needs the number of hours or days in its value, like hours-10"
                )
        return problems

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        message = self.choice_message(question, context.language)
        settings = form_model.settings_for(context.form_id) if context.form_id else None
        address_question = getattr(getattr(settings, "prices", None), "address_question", None)
        uprn = (context.answers.get(address_question) or {}).get("uprn") if address_question else None
        if uprn is not None:
            credit = visitors.credit(uprn)
            hint = " ".join(
                part
                for part in (
                    hint,
                    _(
                        "This address can buy %(num)s more before %(day)s.",
                        num=credit.can_buy,
                        day=format_date(credit.next_year, "d MMMM yyyy"),
                    ),
                )
                if part
            )
        return VisitorPackField(
            label,
            required(question, message),
            choices=self.choices(question, context.language),
            choice_message=message,
            description=hint,
            uprn=uprn,
        )


from app.parking import business_question_types  # noqa: E402, F401  (the business permit's question types)
