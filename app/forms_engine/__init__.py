"""The form engine: form definitions written by the web team become working services."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from app.forms_engine.registry import load_services
from app.forms_engine.schema import Definition
from app.forms_engine.service_settings import ServiceSettings

DEFAULT_FOLDER = Path(__file__).resolve().parents[1] / "definitions"


def init_app(app) -> None:
    """Load and check every definition; a broken one stops the app starting, naming file and place."""
    from app.forms_engine.file_field import describe_types
    from app.pages.content import markdown_html
    from app.services.uploads import describe_size

    folder = Path(app.config.get("FORM_DEFINITIONS_DIR") or DEFAULT_FOLDER)
    settings_folder = app.config.get("SERVICE_SETTINGS_DIR") or None
    definitions_found, settings_found = load_services(folder, Path(settings_folder) if settings_folder else None)
    app.extensions["doorstep_forms"] = definitions_found
    app.extensions["doorstep_service_settings"] = settings_found
    app.jinja_env.filters["markdown"] = markdown_html
    app.jinja_env.globals.update(describe_types=describe_types, describe_size=describe_size)


def definitions() -> dict[str, Definition]:
    return current_app.extensions["doorstep_forms"]


def get(form_id: str) -> Definition | None:
    return definitions().get(form_id)


def settings_for(form_id: str) -> ServiceSettings | None:
    return current_app.extensions["doorstep_service_settings"].get(form_id)


def all_service_settings() -> dict[str, ServiceSettings]:
    return current_app.extensions["doorstep_service_settings"]
