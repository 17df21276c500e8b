"""The kiosk's own actions: "Finish and clear", and "I'm still here" from the inactivity warning."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, make_response, redirect, url_for
from flask_babel import gettext as _

from app.i18n import LANGUAGE_COOKIE
from app.kiosk import clear_everything, current_kiosk

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")


@bp.post("/finish")
def finish():
    """Signs out, deletes unfinished forms and their files, forgets the session and the language
    chosen, and tells the browser to drop what it cached: the next person starts afresh."""
    kiosk = current_kiosk()
    if kiosk is None:
        abort(404)
    clear_everything(kiosk)
    flash(_("Everything has been cleared. The next person can start."), "success")
    response = make_response(redirect(url_for("pages.home")))
    response.delete_cookie(LANGUAGE_COOKIE)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.post("/still-here")
def still_here():
    """The inactivity warning's "Continue": the request itself keeps the session going (CSRF checked
    like every POST)."""
    if current_kiosk() is None:
        abort(404)
    return Response(status=204, mimetype="text/plain")
