"""The definitions model: what a form definition is (schema), which page comes next (journey), the
question types, the services' settings files, and the definitions the app loaded. No Flask request
and no WTForms here: the services sit on top of this, and the engine's web side on top of them."""

from __future__ import annotations

from flask import current_app

from app.form_model.schema import Definition
from app.form_model.service_settings import ServiceSettings


def definitions() -> dict[str, Definition]:
    return current_app.extensions["doorstep_forms"]


def get(form_id: str) -> Definition | None:
    return definitions().get(form_id)


def settings_id(form_id: str) -> str:
    """Whose settings file a form uses: its own, or the one it shares (`settings_from`). Collection
    days are counted under this id too, so a form for businesses fills the same rounds."""
    definition = definitions().get(form_id)
    return definition.settings_from if definition is not None and definition.settings_from else form_id


def settings_for(form_id: str) -> ServiceSettings | None:
    return current_app.extensions["doorstep_service_settings"].get(settings_id(form_id))


def all_service_settings() -> dict[str, ServiceSettings]:
    return current_app.extensions["doorstep_service_settings"]
