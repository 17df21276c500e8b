from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from app.forms_common import (
    BaseForm,
    GovRadioField,
    GovSelectField,
    Required,
    email_field,
    password_field,
    text_field,
)
from app.models import AlternativeFormat, ContactMethod
from app.services import gazetteer
from app.services.accounts import FORMAT_CHOICES


class NameForm(BaseForm):
    full_name = text_field(
        _l("Full name"),
        required_message=_l("Enter your full name"),
        max_length=200,
        too_long_message=_l("Full name must be 200 characters or fewer"),
        autocomplete="name",
        spellcheck=False,
    )


class EmailChangeForm(BaseForm):
    email = email_field(
        _l("New email address"),
        required_message=_l("Enter your new email address"),
        hint=_l("We will send a link to this address. Your email changes when you select it."),
    )
    password = password_field(
        _l("Your password"), required_message=_l("Enter your password"), autocomplete="current-password"
    )


class PasswordChangeForm(BaseForm):
    current_password = password_field(
        _l("Current password"), required_message=_l("Enter your current password"), autocomplete="current-password"
    )
    new_password = password_field(
        _l("New password"),
        required_message=_l("Enter a new password"),
        autocomplete="new-password",
        new_password=True,
        hint=_l("Must be at least 10 characters"),
    )


class PhoneForm(BaseForm):
    phone = text_field(
        _l("UK phone number"),
        required_message=None,
        max_length=32,
        too_long_message=_l("Enter a UK phone number, like 01632 960 001 or 07700 900 982"),
        hint=_l("For example, 01632 960 001 or 07700 900 982. Leave it empty to remove your number."),
        autocomplete="tel",
    )


def validate_postcode(form, field):
    if field.data and not gazetteer.is_valid_postcode(field.data):
        raise ValidationError(_l("Enter a full UK postcode, like DM1 1AB"))


class PostcodeForm(BaseForm):
    postcode = text_field(
        _l("Postcode"),
        required_message=_l("Enter your postcode"),
        max_length=10,
        too_long_message=_l("Enter a full UK postcode, like DM1 1AB"),
        autocomplete="postal-code",
        spellcheck=False,
    )

    def validate_postcode(self, field):
        validate_postcode(self, field)


class AddressSelectForm(BaseForm):
    """Choices come from the route's gazetteer lookup; no I/O here."""

    uprn = GovSelectField(
        _l("Select an address"),
        choice_message=_l("Select your address from the list"),
        validators=[Required(message=_l("Select your address from the list"))],
    )


class ManualAddressForm(BaseForm):
    line_1 = text_field(
        _l("Address line 1"),
        required_message=_l("Enter address line 1, typically the building and street"),
        max_length=200,
        too_long_message=_l("Address line 1 must be 200 characters or fewer"),
        autocomplete="address-line1",
    )
    line_2 = text_field(
        _l("Address line 2 (optional)"),
        required_message=None,
        max_length=200,
        too_long_message=_l("Address line 2 must be 200 characters or fewer"),
        autocomplete="address-line2",
    )
    town = text_field(
        _l("Town or city"),
        required_message=_l("Enter town or city"),
        max_length=100,
        too_long_message=_l("Town or city must be 100 characters or fewer"),
        autocomplete="address-level2",
    )
    postcode = text_field(
        _l("Postcode"),
        required_message=_l("Enter postcode"),
        max_length=10,
        too_long_message=_l("Enter a full UK postcode, like DM1 1AB"),
        autocomplete="postal-code",
        spellcheck=False,
    )

    def validate_postcode(self, field):
        validate_postcode(self, field)


CONTACT_METHOD_CHOICES = [
    (ContactMethod.EMAIL.value, _l("Email")),
    (ContactMethod.SMS.value, _l("Text message")),
    (ContactMethod.POST.value, _l("Post")),
]


class ContactMethodForm(BaseForm):
    method = GovRadioField(
        _l("How should we contact you?"),
        choices=CONTACT_METHOD_CHOICES,
        choice_message=_l("Select how we should contact you"),
        validators=[Required(message=_l("Select how we should contact you"))],
    )


class FormatForm(BaseForm):
    alternative_format = GovRadioField(
        _l("How should we send you letters and documents?"),
        choices=FORMAT_CHOICES,
        choice_message=_l("Select a format"),
        validators=[Required(message=_l("Select a format"))],
    )
    point_size = text_field(
        _l("If you need large print, what size in points?"),
        required_message=None,
        max_length=3,
        too_long_message=_l("Print size must be between 14 and 72 points"),
        hint=_l("For example, 16, 18 or 24"),
        spellcheck=False,
    )
    format_language = text_field(
        _l("If you need another language, which language?"),
        required_message=None,
        max_length=100,
        too_long_message=_l("Language must be 100 characters or fewer"),
    )

    def validate_point_size(self, field):
        if self.alternative_format.data != AlternativeFormat.LARGE_PRINT.value:
            return
        if not field.data:
            raise ValidationError(_l("Enter the print size you need, like 18"))
        if not (field.data.isascii() and field.data.isdigit()):
            raise ValidationError(_l("Print size must be a whole number, like 18"))
        if not 14 <= int(field.data) <= 72:
            raise ValidationError(_l("Print size must be between 14 and 72 points"))

    def validate_format_language(self, field):
        if self.alternative_format.data == AlternativeFormat.OTHER_LANGUAGE.value and not field.data:
            raise ValidationError(_l("Enter the language you need"))


class DeleteAccountForm(BaseForm):
    password = password_field(
        _l("Your password"), required_message=_l("Enter your password"), autocomplete="current-password"
    )
