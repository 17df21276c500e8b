"""Walks any form definition with generated answers, so every definition in the folder is tested
without anyone writing test code for it."""

from __future__ import annotations

from app.forms_engine import journey, questions
from app.forms_engine.schema import Definition, Page


def example_page_data(page: Page) -> dict[str, list[str]]:
    data = {}
    for question in page.questions:
        data.update(questions.example_answer(question))
    return data


def example_route(definition: Definition) -> list[Page]:
    """The pages a person giving the example answers sees, in order, ending before check your answers
    (or at an exit page, if the example answers lead to one)."""
    answers, answered, route = {}, [], []
    from werkzeug.datastructures import MultiDict

    for _ in range(len(definition.pages) + 1):
        step = journey.next_step(definition, answers, answered)
        if step == journey.CHECK_ANSWERS:
            return route
        page = definition.page(step)
        route.append(page)
        if page.exit is not None:
            return route
        answers.update(_stored(page, MultiDict(example_page_data(page))))
        answered.append(page.id)
    raise AssertionError(f"{definition.id}: the journey does not end")


def _stored(page: Page, formdata) -> dict:
    # Only conditions need the stored values: choice answers are stored as sent.
    stored = {}
    for question in page.questions:
        values = formdata.getlist(question.id)
        stored[question.id] = values if question.type.value == "checkboxes" else (values[0] if values else None)
    return stored


def walk(client, definition: Definition, prefix: str = "/services") -> list:
    """Answer every page with the example answers through the test client; return the pages seen."""
    seen = []
    location = f"{prefix}/{definition.id}/begin"
    page = client.get(location, expect=302)
    for step in example_route(definition):
        url = f"{prefix}/{definition.id}/{step.id}"
        assert page.location.endswith(url), f"expected {url}, went to {page.location}"
        shown = client.get(url)
        seen.append(shown)
        if step.exit is not None:
            return seen
        page = client.post(url, {"csrf_token": shown.csrf_token(), **example_page_data(step)}, expect=302)
    assert page.location.endswith(f"{prefix}/{definition.id}/check-answers"), page.location
    return seen
