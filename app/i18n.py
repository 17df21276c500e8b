"""Language selection (cookie, then account, then browser) and bilingual template helpers."""

from flask import current_app, g, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

LANGUAGE_COOKIE = "doorstep_language"
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}


def select_locale() -> str:
    supported = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in supported:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in supported:
        return current_user.language
    kiosk = g.get("kiosk")
    if kiosk is not None and kiosk.language in supported:
        return kiosk.language  # a kiosk's start page is in the language it is set to
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "en")


def localised_setting(name: str) -> str:
    """A council setting in the page's language, e.g. COUNCIL_NAME or COUNCIL_NAME_CY."""
    if current_language() == "cy" and current_app.config.get(f"{name}_CY"):
        return current_app.config[f"{name}_CY"]
    return current_app.config[name]


def init_app(app, babel):
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def language_context():
        language = current_language()
        other = "cy" if language == "en" else "en"
        return {
            "current_language": language,
            "other_language": other,
            "other_language_name": LANGUAGE_NAMES[other],
            "council_name": localised_setting("COUNCIL_NAME"),
            "council_logo_text": localised_setting("COUNCIL_LOGO_TEXT"),
            "service_name": localised_setting("SERVICE_NAME"),
        }

    app.jinja_env.filters["datetime"] = lambda value, fmt="d MMMM yyyy, h:mmaaa": format_datetime(value, fmt)
    app.jinja_env.filters["date"] = lambda value, fmt="d MMMM yyyy": format_date(value, fmt)
