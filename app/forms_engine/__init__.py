"""The form engine: form definitions written by the web team become working services."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from app.forms_engine.registry import load_folder
from app.forms_engine.schema import Definition

DEFAULT_FOLDER = Path(__file__).resolve().parents[1] / "definitions"


def init_app(app) -> None:
    """Load and check every definition; a broken one stops the app starting, naming file and place."""
    from app.forms_engine.file_field import describe_types
    from app.pages.content import markdown_html
    from app.services.uploads import describe_size

    folder = Path(app.config.get("FORM_DEFINITIONS_DIR") or DEFAULT_FOLDER)
    app.extensions["doorstep_forms"] = load_folder(folder)
    app.jinja_env.filters["markdown"] = markdown_html
    app.jinja_env.globals.update(describe_types=describe_types, describe_size=describe_size)


def definitions() -> dict[str, Definition]:
    return current_app.extensions["doorstep_forms"]


def get(form_id: str) -> Definition | None:
    return definitions().get(form_id)
