from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import AnyOf, ValidationError

from app.forms_common import BaseForm, GovRadioField, text_field
from app.money import parse_pounds
from app.services import gazetteer


class LinkForm(BaseForm):
    reference = text_field(
        _l("Account reference"),
        required_message=_l("Enter your account reference"),
        max_length=20,
        too_long_message=_l("Enter the account reference as it is on your bill, like 60000001"),
        hint=_l("It is at the top of your bill, like 60000001"),
        spellcheck=False,
    )
    postcode = text_field(
        _l("Postcode of the property"),
        required_message=_l("Enter the postcode of the property the bill is for"),
        max_length=10,
        too_long_message=_l("Enter a full UK postcode, like DM1 1AB"),
        autocomplete="postal-code",
        spellcheck=False,
    )
    online_key = text_field(
        _l("Online key"),
        required_message=None,
        max_length=20,
        too_long_message=_l("Enter the online key as it is on your bill, like ABCD-EFGH"),
        hint=_l("It is printed on your bill under the account reference, like ABCD-EFGH"),
        spellcheck=False,
    )
    name = text_field(
        _l("Name as it is on the bill"),
        required_message=None,
        max_length=200,
        too_long_message=_l("Name must be 200 characters or fewer"),
        hint=_l("Only if you do not have the online key. For joint payers, either name."),
        autocomplete="name",
        spellcheck=False,
    )

    def validate_postcode(self, field):
        if field.data and not gazetteer.is_valid_postcode(field.data):
            raise ValidationError(_l("Enter a full UK postcode, like DM1 1AB"))

    def validate_online_key(self, field):
        if not (field.data or "").strip() and not (self.name.data or "").strip():
            raise ValidationError(_l("Enter the online key from your bill, or the name as it is on the bill"))


class ConfirmForm(BaseForm):
    """A button that changes something: only the CSRF token."""


class PayForm(BaseForm):
    what = GovRadioField(
        _l("How much do you want to pay?"),
        choice_message=_l("Select how much you want to pay"),
        choices=[],
    )
    other_amount = text_field(
        _l("Another amount, in pounds"),
        required_message=None,
        max_length=20,
        too_long_message=_l("Enter an amount in pounds, like 50 or 125.50"),
        hint=_l("Only if you chose another amount. For example, 50 or 125.50"),
        spellcheck=False,
    )

    def validate_other_amount(self, field):
        if self.what.data != "other":
            return
        if not (field.data or "").strip():
            raise ValidationError(_l("Enter the amount you want to pay"))
        if parse_pounds(field.data) is None:
            raise ValidationError(_l("Enter an amount in pounds, like 50 or 125.50"))


class PaperlessForm(BaseForm):
    """Switch to paperless bills ("yes") or back to paper ("no"): the button says which."""

    paperless = HiddenField(validators=[AnyOf(["yes", "no"])])
