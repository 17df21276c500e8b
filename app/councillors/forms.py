from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation

from app.forms_common import BaseForm, GovRadioField, Required
from app.forms_engine.question_types.choices import MultiCheckboxField

DAY_LABELS = {
    "mon": _l("Monday"),
    "tue": _l("Tuesday"),
    "wed": _l("Wednesday"),
    "thu": _l("Thursday"),
    "fri": _l("Friday"),
    "sat": _l("Saturday"),
    "sun": _l("Sunday"),
}


class DigestForm(BaseForm):
    channel = GovRadioField(
        _l("How should we send it?"),
        choices=[("email", _l("By email")), ("sms", _l("By text message"))],
        choice_message=_l("Select how we should send it"),
        validators=[Required(message=_l("Select how we should send it"))],
    )
    days = MultiCheckboxField(
        _l("On which days?"),
        choices=list(DAY_LABELS.items()),
        choice_message=_l("Select days of the week from the list"),
        description=_l("Select none to stop the digest."),
    )


class ReportForResidentForm(BaseForm):
    category = GovRadioField(
        _l("What is the problem?"),
        choices=[],
        choice_message=_l("Select the problem"),
        validators=[Required(message=_l("Select the problem"))],
    )


class WardsForm(BaseForm):
    wards = MultiCheckboxField(
        _l("Which wards do they represent?"),
        choices=[],
        choice_message=_l("Select wards from the list"),
    )

    def validate_wards(self, field):
        if not field.data:
            raise StopValidation(_l("Select at least one ward"))
