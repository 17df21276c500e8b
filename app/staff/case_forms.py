"""Forms staff use on cases and phone requests."""

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from app.forms_common import BaseForm, GovRadioField, NoControlCharacters, Required, strip
from app.template_helpers import CASE_STATUS_LABELS, CHANNEL_LABELS

NO_CONTROL = NoControlCharacters(_l("Remove any special characters"))


class CaseStatusForm(BaseForm):
    status = GovRadioField(
        _l("Status"),
        validators=[Required(message=_l("Select a status"))],
        choices=list(CASE_STATUS_LABELS.items()),
        choice_message=_l("Select a status"),
    )
    message = TextAreaField(
        _l("Message to the person (optional)"),
        description=_l("We send it by email or text message and show it on their requests page."),
        validators=[NO_CONTROL, Length(max=2000, message=_l("Message must be 2000 characters or fewer"))],
        filters=[strip],
        widget=GovTextArea(),
    )


class NoteForm(BaseForm):
    note = TextAreaField(
        _l("Internal note"),
        description=_l("Only staff can see notes."),
        validators=[
            Required(message=_l("Enter a note")),
            NO_CONTROL,
            Length(max=5000, message=_l("Note must be 5000 characters or fewer")),
        ],
        filters=[strip],
        widget=GovTextArea(),
    )


CONTACT_CHANNEL_LABELS = {
    "telephone": _l("Phone call"),
    "face_to_face": _l("Visit (face to face)"),
    "letter": _l("Letter"),
    "email": _l("Email"),
}


class ContactForm(BaseForm):
    """Two clicks from the case: how they got in touch, then the button."""

    channel = GovRadioField(
        _l("How did they contact us about this request?"),
        validators=[Required(message=_l("Select how they contacted us"))],
        choices=list(CONTACT_CHANNEL_LABELS.items()),
        choice_message=_l("Select how they contacted us"),
    )


class AssignForm(BaseForm):
    """Only a CSRF token: the button pressed says what to do."""


class PhoneRequestForm(BaseForm):
    service = GovRadioField(
        _l("Which service is the caller asking for?"),
        validators=[Required(message=_l("Select a service"))],
        choices=[],
        choice_message=_l("Select a service"),
    )
    channel = GovRadioField(
        _l("How are they contacting us?"),
        validators=[Required(message=_l("Select how they are contacting us"))],
        choices=[(key, CHANNEL_LABELS[key]) for key in ("telephone", "face_to_face")],
        choice_message=_l("Select how they are contacting us"),
    )


class OutcomeForm(BaseForm):
    outcome = GovRadioField(
        _l("Did the crew collect the items?"),
        validators=[Required(message=_l("Select whether the crew collected the items"))],
        choices=[("collected", _l("Yes, collected")), ("not_collected", _l("No, not collected"))],
        choice_message=_l("Select whether the crew collected the items"),
    )
    reason = TextAreaField(
        _l("Why not? (we send this to the person)"),
        description=_l("For example: there were no items outside the address by 7am."),
        validators=[NO_CONTROL, Length(max=500, message=_l("Reason must be 500 characters or fewer"))],
        filters=[strip],
        widget=GovTextArea(),
    )


class RefundForm(BaseForm):
    amount = StringField(
        _l("Amount to refund"),
        validators=[Required(message=_l("Enter the amount to refund"))],
        filters=[strip],
        widget=GovTextInput(),
        render_kw={"inputmode": "decimal", "spellcheck": "false"},
    )
    reason = TextAreaField(
        _l("Reason for the refund"),
        description=_l("Kept with the payment, and sent to the person."),
        validators=[
            Required(message=_l("Enter the reason for the refund")),
            NO_CONTROL,
            Length(max=200, message=_l("Reason must be 200 characters or fewer")),
        ],
        filters=[strip],
        widget=GovTextArea(),
    )
