"""Forms on the street problem service's own pages."""

from flask_babel import lazy_gettext as _l

from app.forms_common import BaseForm, GovRadioField, Required


class FixedCheckForm(BaseForm):
    fixed = GovRadioField(
        _l("Is it fixed?"),
        validators=[Required(message=_l("Select yes if the problem is still fixed"))],
        choices=[("yes", _l("Yes")), ("no", _l("No, it is not fixed"))],
        choice_message=_l("Select yes if the problem is still fixed"),
    )
