"""The vehicle question: a registration number, looked up with the DVLA and confirmed by the person.

Works without JavaScript: "Find vehicle", "Enter the vehicle's details yourself" and "Continue" are
ordinary buttons. The states a person can see:

- the registration number box (and "Find vehicle");
- the DVLA's make, colour and fuel type, with "Is this the vehicle?" (yes or no);
- the DVLA does not know the number: an error, with a button to type the details in;
- the DVLA cannot be asked now: a message saying so, and Continue goes on with the number alone
  (the service checks it later); Continue tries the DVLA once more first;
- typing the make, colour and fuel type in, for staff to check.

What the DVLA said is signed before it goes into the page, so the details a person confirms are the
DVLA's, not something sent back from the browser. The stored answer is
app/services/vehicles/answers.py's VehicleAnswer as a dict.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict
from wtforms import Field
from wtforms.utils import unset_value

from app.form_model.question_types import FieldContext, QuestionKind, register
from app.form_model.schema import Question, Text
from app.forms_common import CONTROL_CHARACTERS
from app.forms_engine.question_types.base import label_and_hint
from app.services import tokens, vehicles
from app.services.vehicles import answers as vehicle_answers

LOOKUP = "lookup"
MANUAL = "manual"
SIGNATURE_SALT = "vehicle-details"
TOKEN_MAX_AGE_SECONDS = 2 * 60 * 60  # a person who leaves the page longer is shown the DVLA's answer again
MAX_LENGTHS = {"make": 50, "colour": 30}
TYPED_PARTS = ("make", "colour", "fuel_type")

FUEL_TYPES = {
    "PETROL": _l("Petrol"),
    "DIESEL": _l("Diesel"),
    "ELECTRICITY": _l("Electric"),
    "HYBRID ELECTRIC": _l("Hybrid electric"),
    "ELECTRIC DIESEL": _l("Diesel hybrid"),
    "GAS": _l("Gas"),
    "GAS BI-FUEL": _l("Gas bi-fuel"),
    "OTHER": _l("Other"),
}


class VehicleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # Shown with the DVLA's details when the vehicle is taxed and has a valid MOT (an abandoned
    # vehicle report says it is probably not abandoned). The person can still go on.
    when_taxed_with_mot: Text | None = None


def is_taxed_with_valid_mot(details: vehicles.VehicleDetails | None) -> bool:
    return (
        details is not None
        and details.tax_status == vehicles.TaxStatus.TAXED
        and details.mot_status == vehicles.MotStatus.VALID
    )


def fuel_label(fuel_type: str | None) -> str:
    if not fuel_type:
        return ""
    known = FUEL_TYPES.get(fuel_type.upper())
    return str(known) if known is not None else fuel_type.capitalize()


def as_written(text: str | None) -> str:
    """The DVLA writes in capitals ("LAND ROVER"); people read "Land Rover"."""
    return (text or "").title()


def describe(answer: vehicle_answers.VehicleAnswer) -> str:
    """ "Ford, red, petrol": what the person and staff read about the vehicle."""
    parts = [as_written(answer.make), (answer.colour or "").lower(), fuel_label(answer.fuel_type).lower()]
    return ", ".join(part for part in parts if part)


def sign_details(details: vehicles.VehicleDetails) -> str:
    return tokens.make(current_app.config["SECRET_KEY"], SIGNATURE_SALT, details.to_dict())


def read_signed_details(token: str, vrm: str) -> vehicles.VehicleDetails | None:
    try:
        payload = tokens.read(current_app.config["SECRET_KEY"], SIGNATURE_SALT, token, TOKEN_MAX_AGE_SECONDS)
        details = vehicles.VehicleDetails.from_dict(payload)
    except (tokens.TokenInvalid, KeyError, TypeError, ValueError):
        return None
    return details if details.registration == vrm else None


class VehicleField(Field):
    """Errors are a dict of part name to messages (vrm, correct, make, colour, fuel_type), so the
    error summary links to the box at fault. All the work happens when the page is sent: `process`
    decides what to show and what to store; `validate` reports it."""

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        optional: bool,
        error_name: str,
        taxed_with_mot_notice: str | None = None,
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        self.optional = optional
        self.error_name = error_name
        self.taxed_with_mot_notice = taxed_with_mot_notice

    # --- what the page shows ------------------------------------------------------------------------

    def _reset(self) -> None:
        self.process_errors = []
        self.errors = {}
        self.found_errors: dict[str, list[str]] = {}
        self.data = None
        self.interim = False
        self.mode = LOOKUP
        self.vrm_text = ""
        self.details: vehicles.VehicleDetails | None = None  # what the DVLA said, shown to confirm
        self.details_token = ""
        self.correct = ""
        self.unavailable_vrm = ""  # the DVLA could not be asked about this number (shown once)
        self.not_known = False  # the DVLA does not know the number: offer to type it in
        self.typed = {part: "" for part in TYPED_PARTS}

    def process(self, formdata, data=unset_value, extra_filters=None):
        self._reset()
        if formdata is None:
            if isinstance(data, dict):
                self._show_stored(data)
            return
        self._posted(formdata)

    def _show_stored(self, stored: dict) -> None:
        try:
            answer = vehicle_answers.VehicleAnswer.from_answer(stored)
        except ValueError:
            return
        self.data = answer.to_answer()
        self.vrm_text = answer.plate
        if answer.source == vehicle_answers.DVLA and answer.details is not None:
            self._show_details(answer.details)
            self.correct = "yes"
        elif answer.source == vehicle_answers.ENTERED:
            self.mode = MANUAL
            self.typed.update({part: str(answer.entered.get(part) or "") for part in TYPED_PARTS})

    def _show_details(self, details: vehicles.VehicleDetails) -> None:
        self.details = details
        self.details_token = sign_details(details)

    def _text(self, formdata, part: str, limit: int = 200) -> str:
        value = formdata.get(f"{self.name}-{part}", "")
        return value.strip()[:limit] if isinstance(value, str) else ""

    def _error(self, part: str, message: str) -> None:
        self.found_errors.setdefault(part, []).append(message)

    def _posted(self, formdata) -> None:
        self.vrm_text = self._text(formdata, "vrm")
        self.mode = MANUAL if formdata.get(f"{self.name}-mode") == MANUAL else LOOKUP
        self.typed = {part: self._text(formdata, part, 500) for part in TYPED_PARTS}
        self.correct = self._text(formdata, "correct")
        switch_to_manual = f"{self.name}-manual" in formdata
        switch_to_lookup = f"{self.name}-lookup" in formdata
        searching = f"{self.name}-find" in formdata or switch_to_lookup
        if switch_to_manual:
            self.mode, self.interim = MANUAL, True
        elif switch_to_lookup:
            self.mode = LOOKUP
        if searching:
            self.interim = True
        if self.optional and not self.vrm_text and not any(self.typed.values()):
            return
        try:
            vrm = vehicles.parse_registration(self.vrm_text).vrm
        except vehicles.InvalidRegistration as error:
            if not self.vrm_text:
                self._error("vrm", _("Enter %(name)s", name=self.error_name))
            elif not switch_to_manual:
                self._error("vrm", str(error.message))
            return
        if switch_to_manual:
            return
        if self.mode == MANUAL:
            self._check_typed(vrm)
            return
        signed = read_signed_details(self._text(formdata, "details", 2000), vrm)
        if signed is not None and not searching:
            self._confirm(vrm, signed)
            return
        self._look_up(
            vrm,
            searching,
            retrying=self._text(formdata, "unchecked") == vrm,
            seen=self._text(formdata, "looked-up") == vrm,
        )

    def _confirm(self, vrm: str, details: vehicles.VehicleDetails) -> None:
        """The person has seen the DVLA's details: is it their vehicle?"""
        self._show_details(details)
        if self.correct == "yes":
            self.data = vehicle_answers.VehicleAnswer.from_dvla(details).to_answer()
        elif self.correct == "no":
            self.not_known = True
            self._error(
                "correct",
                _("Check the registration number and find the vehicle again, or enter the vehicle's details yourself"),
            )
        else:
            self._error("correct", _("Select yes if this is the vehicle"))

    def _look_up(self, vrm: str, searching: bool, retrying: bool, seen: bool) -> None:
        """Ask the DVLA. `retrying`: the person was told it could not be asked and pressed Continue;
        `seen`: they were shown this number's details before (their signature has run out)."""
        try:
            details = vehicles.look_up(vrm)
        except vehicles.VehicleNotKnown:
            self.not_known = True
            self._error(
                "vrm",
                _(
                    "We cannot find a vehicle with the registration number %(vrm)s. Check it, or enter the "
                    "vehicle's details yourself",
                    vrm=vehicles.display(vrm),
                ),
            )
            return
        except vehicles.LookupUnavailable as error:
            if retrying and not searching:
                # The person has been told and pressed Continue: go on with the number alone.
                self.data = vehicle_answers.VehicleAnswer(
                    vrm, vehicle_answers.UNCHECKED, problem=error.outcome
                ).to_answer()
            else:
                self.unavailable_vrm, self.interim = vrm, True
            return
        if seen and not searching and self.correct in ("yes", "no"):
            self._confirm(vrm, details)
            return
        self._show_details(details)
        self.interim = True  # shown to the person to confirm before it is stored

    def _check_typed(self, vrm: str) -> None:
        typed = self.typed
        if not typed["make"]:
            self._error("make", _("Enter the make of the vehicle, like Ford"))
        elif len(typed["make"]) > MAX_LENGTHS["make"]:
            self._error("make", _("The make must be 50 characters or fewer"))
        elif CONTROL_CHARACTERS.search(typed["make"]):
            self._error("make", _("Remove any special characters, like tabs"))
        if not typed["colour"]:
            self._error("colour", _("Enter the colour of the vehicle"))
        elif len(typed["colour"]) > MAX_LENGTHS["colour"]:
            self._error("colour", _("The colour must be 30 characters or fewer"))
        elif CONTROL_CHARACTERS.search(typed["colour"]):
            self._error("colour", _("Remove any special characters, like tabs"))
        if typed["fuel_type"] not in vehicle_answers.ENTERED_FUEL_TYPES:
            self._error("fuel_type", _("Select the fuel type"))
        if self.found_errors:
            return
        entered = {"make": typed["make"].upper(), "colour": typed["colour"].upper(), "fuel_type": typed["fuel_type"]}
        self.data = vehicle_answers.VehicleAnswer(vrm, vehicle_answers.ENTERED, entered=entered).to_answer()

    # --- what the template reads ---------------------------------------------------------------------

    @property
    def fuel_choices(self) -> list[tuple[str, str]]:
        return [(value, fuel_label(value)) for value in vehicle_answers.ENTERED_FUEL_TYPES]

    @property
    def notice(self) -> str | None:
        """The definition's words for a vehicle the DVLA says is taxed with a valid MOT, if it has any."""
        if self.taxed_with_mot_notice and is_taxed_with_valid_mot(self.details):
            return self.taxed_with_mot_notice
        return None

    def shown_details(self) -> list[tuple[str, str]]:
        details = self.details
        if details is None:
            return []
        rows = [
            (_("Registration number"), vehicles.display(details.registration)),
            (_("Make"), as_written(details.make)),
            (_("Colour"), as_written(details.colour)),
            (_("Fuel type"), fuel_label(details.fuel_type)),
        ]
        return [(label, value) for label, value in rows if value]

    def validate(self, form, extra_validators=()):
        self.errors = {part: list(messages) for part, messages in self.found_errors.items()}
        if not self.errors and self.data is None and not self.interim and not self.optional:
            self.errors["vrm"] = [_("Enter %(name)s", name=self.error_name)]
        return not self.errors


@register
class VehicleKind(QuestionKind):
    """A vehicle, by its registration number, looked up with the DVLA. Stored as a dict: vrm,
    source (dvla, entered or unchecked), details, entered and problem (see VehicleAnswer)."""

    name = "vehicle"
    settings_model = VehicleSettings
    own_page = True
    template = "question_types/vehicle.html"
    # Conditions test where the details came from, so a form can ask for proof only when the
    # vehicle was typed in by hand: {question: vehicle, equals: entered}.
    usable_in_conditions = True

    def option_values(self, question: Question) -> list[str]:
        return list(vehicle_answers.SOURCES)

    def condition_value(self, answer):
        return answer.get("source") if isinstance(answer, dict) else None

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        notice = question.typed_settings().when_taxed_with_mot
        return VehicleField(
            label,
            description=hint,
            optional=question.optional,
            error_name=question.error_name.get(context.language),
            taxed_with_mot_notice=notice.get(context.language) if notice else None,
        )

    def is_interim(self, field) -> bool:
        return bool(getattr(field, "interim", False))

    def example(self, question: Question) -> dict[str, list]:
        # With no signed details, Continue looks the number up again and takes "yes" as the answer.
        return {
            f"{question.id}-vrm": ["DM19 LOW"],
            f"{question.id}-looked-up": ["DM19LOW"],
            f"{question.id}-correct": ["yes"],
        }

    def display(self, question: Question, value, language: str) -> str:
        try:
            answer = vehicle_answers.VehicleAnswer.from_answer(value)
        except ValueError:
            return str(value)
        if answer.source == vehicle_answers.UNCHECKED:
            return _("%(plate)s (not checked with the DVLA yet: we will check it)", plate=answer.plate)
        described = describe(answer)
        if answer.source == vehicle_answers.ENTERED:
            return _("%(plate)s: %(vehicle)s (entered by you: we will check it)", plate=answer.plate, vehicle=described)
        return f"{answer.plate}: {described}" if described else answer.plate
