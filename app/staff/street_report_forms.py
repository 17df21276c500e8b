"""Forms staff use on a street report: a public update, the public description, and buttons."""

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, StopValidation

from app.forms_common import BaseForm, GovRadioField, NoControlCharacters, Required, strip
from app.services import street_report_updates
from app.template_helpers import CLOSED_REASON_LABELS, STREET_REPORT_STATE_LABELS

NO_CONTROL = NoControlCharacters(_l("Remove any special characters, like tabs"))


class OptionalRadioField(GovRadioField):
    """Radios that may be left empty; a value that is not one of the choices is still refused."""

    def pre_validate(self, form):
        if self.data in (None, "", "None"):
            self.data = None
            return
        if str(self.data) not in {str(value) for value, *_ in self.iter_choices()}:
            raise StopValidation(self.choice_message)


class StreetReportUpdateForm(BaseForm):
    state = GovRadioField(
        _l("Status"),
        validators=[Required(message=_l("Select a status"))],
        choices=list(STREET_REPORT_STATE_LABELS.items()),
        choice_message=_l("Select a status"),
    )
    reason = OptionalRadioField(
        _l("If it is closed, not fixed: why?"),
        choices=list(CLOSED_REASON_LABELS.items()),
        choice_message=_l("Select why it is closed"),
    )
    duplicate_of = StringField(
        _l("If it is a duplicate: the other report's reference"),
        description=_l("For example, ACDE-FGHJ. People following this report will hear about that one."),
        validators=[NO_CONTROL, Length(max=20, message=_l("Reference must be 20 characters or fewer"))],
        filters=[strip],
        widget=GovTextInput(),
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    note = TextAreaField(
        _l("Public note"),
        description=_l(
            "Everyone can read it on the report, and we send it to the person who reported it and to "
            "everyone following it. Do not include names or contact details."
        ),
        validators=[
            Required(message=_l("Enter a public note")),
            NO_CONTROL,
            Length(max=street_report_updates.NOTE_MAX, message=_l("Public note must be 2000 characters or fewer")),
        ],
        filters=[strip],
        widget=GovTextArea(),
    )


class DescriptionForm(BaseForm):
    description = TextAreaField(
        _l("Public description"),
        description=_l("Take out anything that identifies a person, like a name or a car's number plate."),
        validators=[
            Required(message=_l("Enter a public description")),
            NO_CONTROL,
            Length(
                max=street_report_updates.DESCRIPTION_MAX,
                message=_l("Public description must be 2000 characters or fewer"),
            ),
        ],
        filters=[strip],
        widget=GovTextArea(),
    )


class ButtonForm(BaseForm):
    """Only a CSRF token: the button pressed says what to do."""
