"""Kiosk mode: a shared device at a place (a library) that forgets each person.

On a device an admin enrolled (a signed, revocable cookie: app/services/kiosks.py) every request:
- knows the kiosk (g.kiosk), so forms sent from it are recorded with its place;
- ends the session when nothing happened for KIOSK_IDLE_MINUTES, on the server, whether or not the
  page's warning (JavaScript) was seen: signed out, unfinished forms and their files deleted;
- is never kept by the browser (Cache-Control: no-store, so the back button asks the server again);
- has autocomplete off on every field, so the browser offers nobody the last person's answers.
"Finish and clear" (app/kiosk/routes.py) does the same at once, and the start page is in the
kiosk's language unless the person chose another."""

from __future__ import annotations

import re
import time

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import logout_user

COOKIE_NAME = "doorstep_kiosk"
SEEN_KEY = "kiosk_seen"  # when this browser session last asked for something, in seconds
_FIELD = re.compile(r"<(?:input|textarea|select)\b[^>]*>")
_AUTOCOMPLETE = re.compile(r'\sautocomplete="[^"]*"')


def _autocomplete_off(match: re.Match) -> str:
    """One field's tag with every autocomplete attribute it had replaced by one saying "off"."""
    tag = _AUTOCOMPLETE.sub("", match.group(0))
    name_end = tag.index(" ") if " " in tag else len(tag) - 1
    return f'{tag[:name_end]} autocomplete="off"{tag[name_end:]}'


def current_kiosk():
    return g.get("kiosk")


def clear_everything(kiosk) -> None:
    """Signs out, deletes this session's unfinished forms and their files, forgets the session."""
    from app.assisted import SESSION_KEY as ASSISTED_KEY
    from app.forms_engine.routes import ASSISTED_SESSION_KEY, SESSION_KEY
    from app.services import assisted, auth_sessions, kiosks

    journey_tokens = [
        token for key in (SESSION_KEY, ASSISTED_SESSION_KEY) for token in (session.get(key) or {}).values()
    ]
    kiosks.forget_journeys(kiosk, journey_tokens)
    from flask_login import current_user

    if current_user.is_authenticated:
        helping = assisted.current(current_user, session.get(ASSISTED_KEY))
        if helping is not None:
            assisted.end(helping, current_user)
        auth_sessions.end(current_user.current_session_token)
    logout_user()
    session.clear()


def init_app(app) -> None:
    from app.services import kiosks

    @app.before_request
    def kiosk_of_this_device():
        g.kiosk = None
        if request.endpoint == "static":
            return None
        kiosk = kiosks.from_cookie(request.cookies.get(COOKIE_NAME), secret_key=current_app.config["SECRET_KEY"])
        if kiosk is None:
            return None
        g.kiosk = kiosk
        now = int(time.time())
        seen = session.get(SEEN_KEY)
        idle_seconds = current_app.config["KIOSK_IDLE_MINUTES"] * 60
        if isinstance(seen, int) and now - seen >= idle_seconds and len(session) > 1:
            clear_everything(kiosk)
            flash(_("Nothing happened for a while, so everything was cleared for the next person."), "important")
            session[SEEN_KEY] = now
            return redirect(url_for("pages.home"))
        session[SEEN_KEY] = now
        return None

    @app.after_request
    def forget_on_a_kiosk(response):
        if g.get("kiosk") is None:
            if request.cookies.get(COOKIE_NAME) and request.endpoint != "static":
                response.delete_cookie(COOKIE_NAME)  # revoked, or its place closed
            return response
        response.headers["Cache-Control"] = "no-store"
        if response.mimetype == "text/html" and not response.direct_passthrough:
            html = response.get_data(as_text=True)
            html = _FIELD.sub(_autocomplete_off, html)
            response.set_data(html)
        return response

    @app.context_processor
    def kiosk_context():
        kiosk = g.get("kiosk")
        if kiosk is None:
            return {"this_kiosk": None}
        return {
            "this_kiosk": kiosk,
            "kiosk_idle_seconds": current_app.config["KIOSK_IDLE_MINUTES"] * 60,
            "kiosk_warning_seconds": current_app.config["KIOSK_WARNING_SECONDS"],
        }
