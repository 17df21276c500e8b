"""Submit actions: what happens when a case is made from a form, beyond the case itself.

A definition names one with `submit.action:`; the service that owns the rule registers it here
(parking: issue the permit; council tax: hand the change to the revenues system). The function runs
in the same transaction as the case, after the case exists and before the confirmation is queued,
so a failure rolls both back. Definitions are checked at start-up against the names registered, so
the module registering an action must be imported before the form engine loads (app/__init__.py).

An action may also register what the person is told happens next, for the confirmation page and
message, when it depends on what the action did (a permit that waits for checks, say); it is used
instead of the definition's `submit.confirmation` words when it gives any.

    submit_actions.register_next_steps("issue-parking-permit")(checks.next_steps)
"""

from __future__ import annotations

from collections.abc import Callable

from app.form_model.schema import Definition
from app.models import Case, FormJourney

Action = Callable[[Definition, Case, FormJourney], None]
NextSteps = Callable[[Case], str | None]  # in the current locale
_actions: dict[str, Action] = {}
_next_steps: dict[str, NextSteps] = {}


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


def register_next_steps(name: str) -> Callable[[NextSteps], NextSteps]:
    def decorator(function: NextSteps) -> NextSteps:
        _next_steps[name] = function
        return function

    return decorator


def next_steps(definition: Definition, case: Case) -> str | None:
    """What the action says happens next for this case, in the current locale, or None."""
    function = _next_steps.get(definition.submit.action or "")
    return function(case) if function is not None else None
