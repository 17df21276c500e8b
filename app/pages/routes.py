from flask import Blueprint, abort, current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from app import forms_engine
from app.extensions import csrf
from app.i18n import LANGUAGE_COOKIE, current_language, localised_setting
from app.pages import catalogue, content
from app.pages.catalogue import BY_SLUG
from app.security import is_safe_next
from app.services import accounts, health

bp = Blueprint("pages", __name__, template_folder="templates")


@bp.get("/")
def home():
    return render_template("pages/home.html", services=catalogue.home_page_services(current_language()))


@bp.get("/services/<slug>")
def service_start(slug):
    definition = forms_engine.get(slug)
    if definition is not None:
        return render_template("forms/start.html", definition=definition, language=current_language())
    entry = BY_SLUG.get(slug)
    if entry is None:
        abort(404)
    return render_template("pages/service_start.html", service=entry)


def _content_page(name: str):
    config = current_app.config
    values = {
        "council_name": localised_setting("COUNCIL_NAME"),
        "council_email": config["COUNCIL_EMAIL"],
        "council_phone": config["COUNCIL_PHONE"],
        "council_address": config["COUNCIL_ADDRESS"],
        "session_idle_minutes": config["SESSION_IDLE_MINUTES"],
    }
    title, body = content.render(name, current_language(), values)
    return render_template("pages/content.html", title=title, body=body)


@bp.get("/accessibility")
def accessibility():
    return _content_page("accessibility")


@bp.get("/privacy")
def privacy():
    return _content_page("privacy")


@bp.get("/cookies")
def cookies():
    return _content_page("cookies")


@bp.get("/contact")
def contact():
    return render_template("pages/contact.html")


@bp.get("/language/<code>")
def switch_language(code):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    target = request.args.get("next")
    response = make_response(redirect(target if is_safe_next(target) else url_for("pages.home")))
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    if current_user.is_authenticated:
        accounts.set_language(current_user, code)
    return response


@bp.get("/healthz")
@csrf.exempt
def healthz():
    result = health.check(current_app.extensions["migration_heads"])
    return jsonify(result), (200 if result["ok"] else 503)
