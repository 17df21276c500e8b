from flask_babel import lazy_gettext as _l

from app.forms_common import BaseForm, email_field, password_field, text_field


class SignInForm(BaseForm):
    email = email_field()
    password = password_field(
        _l("Password"), required_message=_l("Enter your password"), autocomplete="current-password"
    )


class RegisterForm(BaseForm):
    full_name = text_field(
        _l("Full name"),
        required_message=_l("Enter your full name"),
        max_length=200,
        too_long_message=_l("Full name must be 200 characters or fewer"),
        autocomplete="name",
        spellcheck=False,
    )
    email = email_field(hint=_l("We will send you a link to confirm it"))
    password = password_field(
        _l("Create a password"),
        required_message=_l("Enter a password"),
        autocomplete="new-password",
        new_password=True,
        hint=_l("Must be at least 10 characters. A few unrelated words make a strong password."),
    )


class ForgottenPasswordForm(BaseForm):
    email = email_field()


class ResetPasswordForm(BaseForm):
    password = password_field(
        _l("New password"),
        required_message=_l("Enter a new password"),
        autocomplete="new-password",
        new_password=True,
        hint=_l("Must be at least 10 characters"),
    )
