from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import AnyOf, ValidationError

from app.forms_common import BaseForm, GovRadioField, NoAngleBrackets, text_field
from app.forms_engine.question_types.base import Names
from app.forms_engine.question_types.dates import PartsDateField
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


def _address_line(label, *, required_message=None, too_long_message, autocomplete):
    found = text_field(
        label,
        required_message=required_message,
        max_length=100,
        too_long_message=too_long_message,
        autocomplete=autocomplete,
    )
    found.kwargs["validators"].append(NoAngleBrackets(_l("Address lines must not include < or >")))
    return found


class MovingOutForm(BaseForm):
    """The date the person moves out, where to send the final bill, and who is moving in or owns
    the property if they know. The limits on the date depend on the account (moving_out.py)."""

    moving_out_on = PartsDateField(
        _l("When are you moving out?"),
        names=Names(_l("the date you move out"), optional=False),
        description=_l("The last day you live there. You pay council tax up to and including that day."),
    )
    address_line_1 = _address_line(
        _l("Address line 1"),
        required_message=_l("Enter the first line of your new address"),
        too_long_message=_l("Address line 1 must be 100 characters or fewer"),
        autocomplete="address-line1",
    )
    address_line_2 = _address_line(
        _l("Address line 2 (optional)"),
        too_long_message=_l("Address line 2 must be 100 characters or fewer"),
        autocomplete="address-line2",
    )
    town = _address_line(
        _l("Town or city"),
        required_message=_l("Enter the town or city of your new address"),
        too_long_message=_l("Town or city must be 100 characters or fewer"),
        autocomplete="address-level2",
    )
    postcode = text_field(
        _l("Postcode"),
        required_message=_l("Enter the postcode of your new address"),
        max_length=10,
        too_long_message=_l("Enter a full UK postcode, like DM1 1AB"),
        autocomplete="postal-code",
        spellcheck=False,
    )
    new_occupier = text_field(
        _l("Who is moving in (optional)"),
        required_message=None,
        max_length=200,
        too_long_message=_l("Who is moving in must be 200 characters or fewer"),
        hint=_l("Their name, if you know it"),
        spellcheck=False,
    )
    landlord = text_field(
        _l("Your landlord or letting agent (optional)"),
        required_message=None,
        max_length=200,
        too_long_message=_l("Landlord or letting agent must be 200 characters or fewer"),
        hint=_l("Their name and phone number, if you rent"),
        spellcheck=False,
    )

    def validate_postcode(self, field):
        if field.data and not gazetteer.is_valid_postcode(field.data):
            raise ValidationError(_l("Enter a full UK postcode, like DM1 1AB"))

    def validate_new_occupier(self, field):
        if "<" in (field.data or "") or ">" in (field.data or ""):
            raise ValidationError(_l("Who is moving in must not include < or >"))

    def validate_landlord(self, field):
        if "<" in (field.data or "") or ">" in (field.data or ""):
            raise ValidationError(_l("Landlord or letting agent must not include < or >"))
