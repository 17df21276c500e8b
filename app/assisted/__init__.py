"""A volunteer helping someone: the pages to find the person and record their consent, and the
guard that, while they help, lets them reach only what the consent covers."""

from __future__ import annotations

from flask import flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

SESSION_KEY = "assisted_session_id"
FOUND_KEY = "assisted_found"  # the accounts the last search found: only these may be chosen
CHOSEN_KEY = "assisted_person"

# While helping, the volunteer may use these and nothing else: public pages, the forms the consent
# names (checked below), the helping pages themselves, and signing out.
ALWAYS_ALLOWED = {"static", "auth.sign_out", "auth.signed_out"}
ALLOWED_BLUEPRINTS = {"pages", "assisted", "street_reports"}  # street_reports: the public chooser


def person_served():
    """Whom a form filled in now is for: the person a volunteer is helping (None when they have no
    account), or else the person signed in (None when nobody is)."""
    helping = g.get("assisted_session")
    if helping is not None:
        return helping.person
    return current_user if current_user.is_authenticated else None


def forget_helping() -> None:
    """Everything this browser kept about the person: the session, and the forms filled in for them."""
    from app.forms_engine.routes import ASSISTED_SESSION_KEY

    for key in (SESSION_KEY, FOUND_KEY, CHOSEN_KEY, ASSISTED_SESSION_KEY):
        session.pop(key, None)


def _allowed(helping) -> bool:
    endpoint = request.endpoint or ""
    if not endpoint or endpoint in ALWAYS_ALLOWED or request.blueprint in ALLOWED_BLUEPRINTS:
        return True
    if request.blueprint == "forms":
        from app.services import assisted

        return assisted.covers(helping, (request.view_args or {}).get("form_id", ""))
    return False


def init_app(app) -> None:
    from app.services import assisted

    @app.before_request
    def only_what_the_consent_covers():
        g.assisted_session = None
        if SESSION_KEY not in session:
            return None
        if not current_user.is_authenticated:
            forget_helping()
            return None
        helping = assisted.current(current_user, session.get(SESSION_KEY))
        if helping is None:
            forget_helping()
            flash(_("You are no longer helping anyone: the time their consent covered has run out."), "important")
            return None
        if request.endpoint == "auth.sign_out":
            assisted.end(helping, current_user)
            return None
        g.assisted_session = helping
        if _allowed(helping):
            return None
        assisted.refuse(helping, current_user, f"{request.method} {request.path}")
        return redirect(url_for("assisted.not_covered"))

    @app.context_processor
    def whom_the_volunteer_is_helping():
        helping = g.get("assisted_session")
        if helping is None:
            return {"helping": None}
        return {"helping": helping, "helping_name": assisted.person_name(helping)}
