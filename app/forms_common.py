"""Form fields and validators shared by every feature, with GOV.UK widgets and plain-English errors."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, StopValidation, ValidationError

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """All our forms: CSRF on, and text that cannot be stored (control characters) refused."""

    class Meta:
        locales = False


def sentence(text: str) -> str:
    """A capital letter first. Messages name the answer in lower case ("your collection day") because
    a message may begin with the name in one language and not in the other."""
    return text[:1].upper() + text[1:]


class NoControlCharacters:
    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
            raise StopValidation(self.message)


class Required(InputRequired):
    """InputRequired that also refuses a value of only spaces."""

    def __call__(self, form, field):
        if not field.raw_data or not str(field.raw_data[0]).strip():
            field.errors[:] = []
            raise StopValidation(self.message)


class EmailAddress:
    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        value = field.data or ""
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError as error:
            raise ValidationError(self.message) from error


def text_field(
    label,
    *,
    required_message,
    max_length,
    too_long_message,
    hint=None,
    autocomplete=None,
    spellcheck=None,
    filters=(strip,),
):
    render_kw = {}
    if autocomplete:
        render_kw["autocomplete"] = autocomplete
    if spellcheck is not None:
        render_kw["spellcheck"] = "true" if spellcheck else "false"
    validators = [
        NoControlCharacters(_l("Remove any special characters, like tabs or line breaks")),
        Length(max=max_length, message=too_long_message),
    ]
    if required_message:
        validators.insert(0, Required(message=required_message))
    return StringField(
        label,
        validators=validators,
        filters=list(filters),
        description=hint or "",
        widget=GovTextInput(),
        render_kw=render_kw or None,
    )


def email_field(label=_l("Email address"), *, required_message=_l("Enter your email address"), hint=None):
    field = text_field(
        label,
        required_message=required_message,
        max_length=254,
        too_long_message=_l("Email address must be 254 characters or fewer"),
        hint=hint,
        autocomplete="email",
        spellcheck=False,
    )
    field.kwargs["validators"].append(
        EmailAddress(_l("Enter an email address in the correct format, like name@example.com"))
    )
    field.kwargs["render_kw"]["type"] = "email"
    return field


def password_field(label, *, required_message, autocomplete, new_password=False, hint=None):
    validators = [
        Required(message=required_message),
        Length(max=256, message=_l("Password must be 256 characters or fewer")),
    ]
    if new_password:
        validators.append(Length(min=10, message=_l("Password must be at least 10 characters")))
    return PasswordField(
        label,
        validators=validators,
        description=hint or "",
        widget=GovPasswordInput(),
        render_kw={"autocomplete": autocomplete},
    )


class ChoiceValidation:
    """A friendly message instead of WTForms' "Not a valid choice" for forged or missing values."""

    def pre_validate(self, form):
        values = {str(value) for value, *_ in self.iter_choices()}
        if self.data is None or str(self.data) not in values:
            raise StopValidation(self.choice_message)


class GovRadioField(ChoiceValidation, RadioField):
    widget = GovRadioInput()

    def __init__(self, label=None, validators=None, *, choice_message, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.choice_message = choice_message


class GovSelectField(ChoiceValidation, SelectField):
    widget = GovSelect()

    def __init__(self, label=None, validators=None, *, choice_message, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.choice_message = choice_message


class NoAngleBrackets:
    """Refuses < and > in a name people will read back (a person's, a place's)."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if isinstance(field.data, str) and ("<" in field.data or ">" in field.data):
            raise StopValidation(self.message)
