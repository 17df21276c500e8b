"""The form to start a visitor session (used by residents and by staff on the phone), the form to
keep a favourite vehicle, and the words for what the visitor rules refuse."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from app.forms_common import BaseForm, GovRadioField, GovSelectField, Required, text_field
from app.services import vehicles
from app.services.parking import visitors
from app.services.parking.permits import LONDON
from app.services.parking.settings import VisitorRules

NOW, LATER = "now", "later"


def length_label(units: int, unit: str) -> str:
    if unit == "days":
        return ngettext("%(num)d day", "%(num)d days", units)
    return ngettext("%(num)d hour", "%(num)d hours", units)


class SessionForm(BaseForm):
    vrm = text_field(
        _l("Visitor's registration number"),
        required_message=_l("Enter the visitor's registration number"),
        max_length=20,
        too_long_message=_l("Registration number must be 20 characters or fewer"),
        hint=_l("It is on the number plate, like AB12 CDE."),
        autocomplete="off",
        spellcheck=False,
    )
    start = GovRadioField(
        _l("When does the visitor arrive?"),
        validators=[Required(message=_l("Select when the visitor arrives"))],
        choices=[(NOW, _l("Now")), (LATER, _l("At a later time"))],
        choice_message=_l("Select when the visitor arrives"),
    )
    day = GovSelectField(
        _l("Day"),
        choices=[],
        choice_message=_l("Select a day from the list"),
        description=_l("Only if the visitor arrives later."),
    )
    time = text_field(
        _l("Time"),
        required_message=None,
        max_length=5,
        too_long_message=_l("Enter a time like 14:30"),
        hint=_l("Only if the visitor arrives later. Use the 24-hour clock, like 14:30."),
        autocomplete="off",
    )
    length = GovRadioField(
        _l("How long for?"),
        validators=[Required(message=_l("Select how long the session lasts"))],
        choices=[],
        choice_message=_l("Select how long the session lasts"),
    )

    def offer(self, rules: VisitorRules, today) -> SessionForm:
        self.day.choices = [
            (day.isoformat(), format_date(day, "EEEE d MMMM"))
            for day in (today + timedelta(days=n) for n in range(rules.max_days_ahead + 1))
        ]
        self.length.choices = [(str(units), length_label(units, rules.unit)) for units in rules.session_lengths]
        return self

    def validate_vrm(self, field):
        try:
            field.data = vehicles.parse_registration(field.data or "", field="vrm").vrm
        except vehicles.InvalidRegistration as error:
            raise ValidationError(error.message) from None

    def pre_validate_later(self) -> None:
        """The day is checked only when the visitor arrives later."""
        if self.start.data != LATER:
            self.day.validators = []
            self.day.pre_validate = lambda form: None

    def validate_time(self, field):
        if self.start.data != LATER:
            return
        if not field.data:
            raise ValidationError(_("Enter the time the visitor arrives, like 14:30"))
        parsed = _parse_time(field.data)
        if parsed is None:
            raise ValidationError(_("Enter a time like 14:30, using the 24-hour clock"))

    def validate(self, extra_validators=None):
        self.pre_validate_later()
        return super().validate(extra_validators)

    def starts_at(self) -> datetime | None:
        """None for now; otherwise the aware moment chosen (London time)."""
        if self.start.data != LATER:
            return None
        day = datetime.fromisoformat(self.day.data).date()
        return datetime.combine(day, _parse_time(self.time.data), tzinfo=LONDON)


def _parse_time(text: str) -> time | None:
    cleaned = text.strip().replace(".", ":")
    if ":" not in cleaned:
        return None
    hours, _sep, minutes = cleaned.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(hours) <= 2 and len(minutes) == 2):
        return None
    if int(hours) > 23 or int(minutes) > 59:
        return None
    return time(int(hours), int(minutes))


class FavouriteForm(BaseForm):
    favourite_vrm = text_field(
        _l("Registration number"),
        required_message=_l("Enter the registration number of the vehicle to keep"),
        max_length=20,
        too_long_message=_l("Registration number must be 20 characters or fewer"),
        autocomplete="off",
        spellcheck=False,
    )
    favourite_name = text_field(
        _l("Whose vehicle is it?"),
        required_message=_l("Enter whose vehicle it is, like Mum or the carer"),
        max_length=visitors.MAX_NAME_LENGTH,
        too_long_message=_l("Whose vehicle it is must be 40 characters or fewer"),
        hint=_l("So you know it in the list, like Mum or the carer."),
    )

    def validate_favourite_vrm(self, field):
        try:
            field.data = vehicles.parse_registration(field.data or "", field="favourite_vrm").vrm
        except vehicles.InvalidRegistration as error:
            raise ValidationError(error.message) from None


def refusal(code: str, rules: VisitorRules) -> str:
    """What the person is told when the visitor rules refuse a session or a favourite."""
    unit_days = rules.unit == "days"
    return {
        "visitor-address": _("This address cannot have visitor parking permits"),
        "visitor-length": _("Select how long the session lasts"),
        "visitor-start-past": _("The time the visitor arrives must be now or later"),
        "visitor-start-too-far": _(
            "You can start a session up to %(num)s days ahead. Choose an earlier day", num=rules.max_days_ahead
        ),
        "visitor-credit": _("You do not have enough days left for this session. Buy more, or choose a shorter one")
        if unit_days
        else _("You do not have enough hours left for this session. Buy more, or choose a shorter one"),
        "visitor-too-many": _(
            "You can have %(num)s visitor sessions at the same time. Choose another time, or cancel a session",
            num=rules.max_sessions_at_once,
        ),
        "visitor-same-vehicle": _("This vehicle already has a visitor session at that time"),
        "visitor-started": _("This session has already started or been cancelled, so it cannot be cancelled"),
        "favourite-exists": _("You have already kept this vehicle"),
        "favourite-limit": _("You can keep up to %(num)s vehicles. Remove one first", num=rules.max_favourites),
    }.get(code, _("Sorry, that did not work. Try again"))
