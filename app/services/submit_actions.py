"""Submit actions: what happens when a case is made from a form, beyond the case itself.

A definition names one with `submit.action:`; the service that owns the rule registers it here
(parking: issue the permit; council tax: hand the change to the revenues system). The function runs
in the same transaction as the case, after the case exists and before the confirmation is queued,
so a failure rolls both back. Definitions are checked at start-up against the names registered, so
the module registering an action must be imported before the form engine loads (app/__init__.py).
"""

from __future__ import annotations

from collections.abc import Callable

from app.form_model.schema import Definition
from app.models import Case, FormJourney

Action = Callable[[Definition, Case, FormJourney], None]
_actions: dict[str, Action] = {}


def register(name: str) -> Callable[[Action], Action]:
    def decorator(function: Action) -> Action:
        if name in _actions and _actions[name] is not function:
            raise ValueError(f"two submit actions are called {name!r}")
        _actions[name] = function
        return function

    return decorator


def names() -> set[str]:
    return set(_actions)


def run(definition: Definition, case: Case, journey: FormJourney) -> None:
    if definition.submit.action is not None:
        _actions[definition.submit.action](definition, case, journey)
