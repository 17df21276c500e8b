"""Template globals used across features."""

from flask import session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.money import pounds
from app.services import organisations


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
    app.add_template_global(same_page_action)
    app.add_template_global(case_status_label)
    app.add_template_global(acting_for_organisation)
    app.add_template_global(channel_label)
    app.add_template_global(street_report_state_label)
    app.add_template_global(closed_reason_label)
    app.add_template_filter(pounds)
    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)


def same_page_action() -> str:
    """A form's own address without any #fragment. With no action the browser posts to the address
    including a fragment such as #main-content (left by the skip link), and on the page that comes back
    it moves focus there instead of to the error summary."""
    from flask import request

    return request.full_path.rstrip("?")


CASE_STATUS_LABELS = {
    "received": _l("Received"),
    "in_progress": _l("In progress"),
    "waiting": _l("Waiting for you"),
    "closed": _l("Closed"),
}
CHANNEL_LABELS = {
    "online": _l("Online"),
    "assisted": _l("Online, helped by a volunteer"),
    "telephone": _l("Telephone"),
    "face_to_face": _l("Face to face"),
    "councillor": _l("Ward councillor, for a resident"),
    "open311": _l("Open311 (another system)"),
}


def case_status_label(status) -> str:
    return str(CASE_STATUS_LABELS[getattr(status, "value", status)])


def channel_label(channel) -> str:
    return str(CHANNEL_LABELS[getattr(channel, "value", channel)])


# What the public, the reporter and staff read for each state of a street report.
STREET_REPORT_STATE_LABELS = {
    "open": _l("Open"),
    "investigating": _l("Investigating"),
    "action_scheduled": _l("Action scheduled"),
    "fixed": _l("Fixed"),
    "closed_not_fixed": _l("Closed, not fixed"),
    "reopened": _l("Reopened"),
}
CLOSED_REASON_LABELS = {
    "not_our_responsibility": _l("Not our responsibility"),
    "no_further_action": _l("No further action"),
    "duplicate": _l("Duplicate of another report"),
}


def street_report_state_label(state) -> str:
    return str(STREET_REPORT_STATE_LABELS[getattr(state, "value", state)])


def closed_reason_label(reason) -> str:
    return str(CLOSED_REASON_LABELS[getattr(reason, "value", reason)])


def acting_for_organisation():
    """The organisation the signed-in person is acting for (a business account), or None."""
    if not current_user.is_authenticated:
        return None
    return organisations.acting_for_in_session(current_user, session)
