"""Forms on the street problem service's own pages."""

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField
from wtforms.validators import Length

from app.forms_common import BaseForm, GovRadioField, NoControlCharacters, Required, strip


class FixedCheckForm(BaseForm):
    fixed = GovRadioField(
        _l("Is it fixed?"),
        validators=[Required(message=_l("Select yes if the problem is still fixed"))],
        choices=[("yes", _l("Yes")), ("no", _l("No, it is not fixed"))],
        choice_message=_l("Select yes if the problem is still fixed"),
    )


class NearbySearchForm(BaseForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    postcode = StringField(
        _l("Postcode"),
        description=_l("For example, DM1 1AB"),
        validators=[
            Required(message=_l("Enter a postcode")),
            NoControlCharacters(_l("Remove any special characters, like tabs")),
            Length(max=20, message=_l("Postcode must be 20 characters or fewer")),
        ],
        filters=[strip],
        widget=GovTextInput(),
        render_kw={"autocomplete": "postal-code", "spellcheck": "false"},
    )


class FollowForm(BaseForm):
    """Only a CSRF token (and the form the person was filling in, in a hidden field)."""
