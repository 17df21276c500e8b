"""Walks any form definition with generated answers, so every definition in the folder is tested
without anyone writing test code for it."""

from __future__ import annotations

from urllib.parse import urlsplit

from app.form_model import journey
from app.form_model.schema import Definition, Page
from app.forms_engine import questions


def example_page_data(page: Page, shown=None) -> dict[str, list[str]]:
    """Valid answers for the page. A question whose answer depends on the moment (a free collection
    day) takes the first choice on `shown`, the page as the test client saw it; without `shown` it
    stays [None], meaning "the first choice offered"."""
    data = {}
    for question in page.questions:
        for name, values in questions.example_answer(question).items():
            if values == [None] and shown is not None:
                first = shown.soup.find("input", {"name": name})
                values = [first["value"]] if first is not None else []
            data[name] = values
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
        stored[question.id] = values if question.kind.many_values else (values[0] if values else None)
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
        page = client.post(url, {"csrf_token": shown.csrf_token(), **example_page_data(step, shown)}, expect=302)
    assert page.location.endswith(f"{prefix}/{definition.id}/check-answers"), page.location
    return seen


def send(client, definition: Definition, local_stripe, prefix: str = "/services"):
    """Accept and send from check your answers, paying with a test card when the form is paid for.
    Returns (check your answers page, the last response: a redirect to the confirmation)."""
    check = client.get(f"{prefix}/{definition.id}/check-answers")
    data = {"csrf_token": check.csrf_token()}
    quoted = check.soup.select_one("input[name=quoted_pence]")
    if quoted is not None:
        data["quoted_pence"] = quoted["value"]
    sent = client.post(f"{prefix}/{definition.id}/check-answers", data)
    if definition.payment is None:
        assert sent.status == 302, sent.status
        return check, sent
    assert sent.status == 303 and sent.location.startswith(local_stripe.url), sent.location
    return check, follow_payment(client, local_stripe, sent.location)


def follow_payment(client, local_stripe, checkout_url: str):
    """Pay on the stand-in payment page and come back to the site, as the browser would."""
    paid = local_stripe.pay(checkout_url)
    assert paid.status_code == 303, paid.text
    back = urlsplit(paid.headers["Location"])
    return client.get(f"{back.path}?{back.query}", expect=302)
