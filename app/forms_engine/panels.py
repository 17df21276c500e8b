"""Sections a service adds to check your answers for the forms with its submit action: the estimated
effect of a change on a council tax bill, say. Each is a function of the definition, the journey and
the page's language that returns HTML (rendered from the service's own template) or None.

    @panels.register("council-tax-change")
    def _estimate(definition, found, language):
        return render_template("council_tax/_estimate.html", ...)
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from app.form_model.schema import Definition
from app.models import FormJourney

Panel = Callable[[Definition, FormJourney, str], Markup | str | None]
_panels: dict[str, Panel] = {}


def register(action: str) -> Callable[[Panel], Panel]:
    def decorator(function: Panel) -> Panel:
        _panels[action] = function
        return function

    return decorator


def for_journey(definition: Definition, found: FormJourney, language: str) -> list[Markup]:
    panel = _panels.get(definition.submit.action or "")
    shown = panel(definition, found, language) if panel is not None else None
    return [Markup(shown)] if shown else []  # noqa: S704  (the service's panel renders an escaped template)
