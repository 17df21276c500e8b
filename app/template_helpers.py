"""Template globals used across features."""

from flask_babel import gettext as _


def password_input_params() -> dict:
    """The show/hide password button's words, in the page's language."""
    return {
        "showPasswordText": _("Show"),
        "hidePasswordText": _("Hide"),
        "showPasswordAriaLabelText": _("Show password"),
        "hidePasswordAriaLabelText": _("Hide password"),
        "passwordShownAnnouncementText": _("Your password is visible"),
        "passwordHiddenAnnouncementText": _("Your password is hidden"),
    }


def init_app(app):
    app.add_template_global(password_input_params)
    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)
