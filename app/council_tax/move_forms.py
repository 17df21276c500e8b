"""Forms for moving in and moving within the area. The limits on the dates depend on the day and the
account (app/services/council_tax/moving_in.py, moving_within.py)."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import AnyOf, Regexp, ValidationError

from app.council_tax.forms import _address_line
from app.forms_common import BaseForm, GovRadioField, NoAngleBrackets, text_field
from app.forms_engine.question_types.base import Names
from app.forms_engine.question_types.dates import PartsDateField
from app.services import gazetteer
from app.services.council_tax import moves

POSTCODE_EXAMPLE = _l("Enter a full UK postcode, like DM1 1AB")
NOT_LISTED = "not-listed"


def _postcode(label, required_message):
    return text_field(
        label,
        required_message=required_message,
        max_length=10,
        too_long_message=POSTCODE_EXAMPLE,
        autocomplete="postal-code",
        spellcheck=False,
    )


def _check_postcode(field):
    if field.data and not gazetteer.is_valid_postcode(field.data):
        raise ValidationError(POSTCODE_EXAMPLE)


def _name_field(label, *, required_message=None, too_long_message, hint=None, max_length=200):
    found = text_field(
        label,
        required_message=required_message,
        max_length=max_length,
        too_long_message=too_long_message,
        hint=hint,
        spellcheck=False,
    )
    found.kwargs["validators"].append(NoAngleBrackets(_l("Names and addresses must not include < or >")))
    return found


class FindAddressForm(BaseForm):
    postcode = _postcode(_l("Postcode"), _l("Enter the postcode of the address you are moving to"))

    def validate_postcode(self, field):
        _check_postcode(field)


class ChooseAddressForm(BaseForm):
    """The gazetteer's addresses at the postcode (set by the route), and "not listed"."""

    address = GovRadioField(_l("Select your new address"), choice_message=_l("Select your address from the list"))


class ManualAddressForm(BaseForm):
    address_line_1 = _address_line(
        _l("Address line 1"),
        required_message=_l("Enter the first line of the address"),
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
        required_message=_l("Enter the town or city"),
        too_long_message=_l("Town or city must be 100 characters or fewer"),
        autocomplete="address-level2",
    )
    postcode = _postcode(_l("Postcode"), _l("Enter the postcode"))

    def validate_postcode(self, field):
        _check_postcode(field)


class MovingInForm(BaseForm):
    moving_in_on = PartsDateField(
        _l("When did you move in, or when will you?"),
        names=Names(_l("the date you move in"), optional=False),
        description=_l("The first night you live there. You pay council tax from that day."),
    )
    tenure = GovRadioField(
        _l("Do you own or rent the property?"),
        choice_message=_l("Select whether you own or rent the property"),
        choices=[("owns", _l("I own it (or am buying it)")), ("rents", _l("I rent it"))],
    )
    landlord_name = _name_field(
        _l("Name of your landlord or letting agent"),
        too_long_message=_l("Name of your landlord or letting agent must be 200 characters or fewer"),
    )
    landlord_address = _name_field(
        _l("Address of your landlord or letting agent"),
        too_long_message=_l("Address of your landlord or letting agent must be 200 characters or fewer"),
        hint=_l("Only if you rent. Their address, with the postcode"),
    )
    previous_line_1 = _address_line(
        _l("Address line 1"),
        required_message=_l("Enter the first line of your previous address"),
        too_long_message=_l("Address line 1 must be 100 characters or fewer"),
        autocomplete="off",
    )
    previous_line_2 = _address_line(
        _l("Address line 2 (optional)"),
        too_long_message=_l("Address line 2 must be 100 characters or fewer"),
        autocomplete="off",
    )
    previous_town = _address_line(
        _l("Town or city"),
        required_message=_l("Enter the town or city of your previous address"),
        too_long_message=_l("Town or city must be 100 characters or fewer"),
        autocomplete="off",
    )
    previous_postcode = _postcode(_l("Postcode"), _l("Enter the postcode of your previous address"))

    def validate_previous_postcode(self, field):
        _check_postcode(field)

    def validate_landlord_name(self, field):
        if self.tenure.data == "rents" and not field.data:
            raise ValidationError(_l("Enter the name of your landlord or letting agent"))

    def validate_landlord_address(self, field):
        if self.tenure.data == "rents" and not field.data:
            raise ValidationError(_l("Enter the address of your landlord or letting agent"))


class AdultsForm(BaseForm):
    """One name at a time: "Add another adult" adds it and asks again, "Continue" adds it if given."""

    name = _name_field(
        _l("Full name"),
        too_long_message=_l("Full name must be %(max)s characters or fewer", max=moves.NAME_MAX),
        max_length=moves.NAME_MAX,
    )
    action = StringField(validators=[AnyOf(["add", "continue"], message=_l("Choose a button"))])


class RemoveAdultForm(BaseForm):
    """Which adult to take off the list: their place in it, counting from 0."""

    index = StringField(validators=[Regexp(r"^[0-9]{1,2}$")])


class DiscountForm(BaseForm):
    single_person_discount = GovRadioField(
        _l("Do you want to apply for the single person discount?"),
        choice_message=_l("Select yes if you want to apply for the single person discount"),
        choices=[("yes", _l("Yes")), ("no", _l("No"))],
        description=_l("You pay less council tax when you are the only adult (18 or over) who lives there."),
    )


class MovingWithinForm(BaseForm):
    moving_on = PartsDateField(
        _l("When do you move?"),
        names=Names(_l("the date you move"), optional=False),
        description=_l("The first night at your new address. You pay for your old address up to the day before."),
    )
    moving_with = _name_field(
        _l("Who is moving with you (optional)"),
        too_long_message=_l("Who is moving with you must be 200 characters or fewer"),
        hint=_l("The names of the adults (18 or over) moving with you, if anyone"),
    )
    landlord = _name_field(
        _l("Your landlord or letting agent at the new address (optional)"),
        too_long_message=_l("Landlord or letting agent must be 200 characters or fewer"),
        hint=_l("Their name and address, if you rent"),
    )
