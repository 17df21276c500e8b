"""The form engine's web side: definitions written by the web team become working services."""

from __future__ import annotations

from pathlib import Path

from app.form_model import all_service_settings, definitions, get, settings_for  # noqa: F401  (used as forms_engine.get)
from app.form_model.loader import load_services

DEFAULT_FOLDER = Path(__file__).resolve().parents[1] / "definitions"


def init_app(app) -> None:
    """Load and check every definition; a broken one stops the app starting, naming file and place."""
    from app.forms_engine import question_types  # noqa: F401  (registers the built-in question types)
    from app.forms_engine.question_types.file import describe_types
    from app.forms_engine.questions import field_params
    from app.pages.content import markdown_html
    from app.services import submit_actions
    from app.services.uploads import describe_size

    folder = Path(app.config.get("FORM_DEFINITIONS_DIR") or DEFAULT_FOLDER)
    settings_folder = app.config.get("SERVICE_SETTINGS_DIR") or None
    definitions_found, settings_found = load_services(
        folder, Path(settings_folder) if settings_folder else None, actions=submit_actions.names()
    )
    app.extensions["doorstep_forms"] = definitions_found
    app.extensions["doorstep_service_settings"] = settings_found
    app.jinja_env.filters["markdown"] = markdown_html
    app.jinja_env.globals.update(
        describe_types=describe_types, describe_size=describe_size, question_field_params=field_params
    )
