"""How a person wants an account's bills and notices: the alternative formats service's own list,
sent to the back office in the export; the bill page says what was asked for and offers a
large-print view at the size chosen. Refused for anyone not linked (404), without a CSRF token,
and for anything not on the lists."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CouncilTaxRequest, RequestKind
from app.services import cases
from app.services.council_tax import export
from tests.factories import sign_in
from tests.integration.test_council_tax_import import ACCOUNT_A
from tests.integration.test_council_tax_links import account_url, imported, in_app, linked, person  # noqa: F401

pytestmark = pytest.mark.db

FORMAT = account_url(ACCOUNT_A) + "/bill-format"
BILL = account_url(ACCOUNT_A) + "/bill"
LARGE = BILL + "/large-print"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(cases, "london_today", lambda: date(2026, 11, 24))


@pytest.fixture
def owner(imported, client, app):  # noqa: F811
    someone = person(app)
    linked(app, someone)
    sign_in(client, someone)
    return someone


def choose(client, format_value, point_size="", language="", expect=None):
    return client.submit(
        FORMAT, {"format": format_value, "point_size": point_size, "language": language}, expect=expect
    )


def sent(app) -> list[dict]:
    return in_app(
        app,
        lambda: [
            found.details
            for found in db.session.scalars(
                sa.select(CouncilTaxRequest)
                .where(CouncilTaxRequest.kind == RequestKind.BILL_FORMAT)
                .order_by(CouncilTaxRequest.id)
            )
        ],
    )


def test_the_choices_are_the_alternative_formats_services_own(owner, client):
    page = client.get(account_url(ACCOUNT_A))
    assert page.soup.select_one("#bill-format-link a")["href"] == FORMAT
    form = client.get(FORMAT)
    values = [box["value"] for box in form.soup.select("input[name=format]")]
    assert values == [
        "standard",
        "large_print",
        "braille_1",
        "braille_2",
        "audio",
        "easy_read",
        "bsl",
        "other_language",
        "coloured_paper",
    ]
    assert form.soup.select_one("input[name=format][value=standard]").has_attr("checked")
    assert "pt24" in [option["value"] for option in form.soup.select("select[name=point_size] option")]
    assert "Polish" in form.soup.select_one("select[name=language]").get_text()


def test_large_print_is_sent_and_the_bill_has_a_large_print_view(owner, client, app, tmp_path):
    done = choose(client, "large_print", point_size="pt24")
    assert done.location.endswith(account_url(ACCOUNT_A))
    assert "We have sent your choice: Large print, 24 point." in client.follow(done).text
    assert sent(app) == [{"format": "large_print", "point_size": 24, "language": None}]
    bill = client.get(BILL)
    assert "You asked for your bills and notices in this format: Large print, 24 point." in bill.text
    assert bill.soup.select_one("#large-print") is None
    large = client.get(bill.soup.select_one("#large-print-link")["href"])
    assert large.soup.select_one("#large-print")["class"] == ["doorstep-large-print", "doorstep-large-print--pt24"]
    assert "(large print)" in large.soup.title.get_text()
    assert large.soup.select_one("#charges") is not None  # the whole bill, not a summary
    client.get(LARGE + "?year=1999", expect=404)
    # Choosing the same again sends nothing more; the form shows the choice.
    assert client.get(FORMAT).soup.select_one("input[name=format][value=large_print]").has_attr("checked")
    choose(client, "large_print", point_size="pt24")
    assert len(sent(app)) == 1
    with app.app_context():
        [written] = export.export(tmp_path, commit=db.session.commit)
    [line] = [json.loads(text) for text in written.path.read_text().splitlines()]
    assert (line["kind"], line["account_ref"], line["details"]["point_size"]) == ("bill_format", ACCOUNT_A, 24)


def test_another_language_and_braille_and_back_to_standard(owner, client, app):
    choose(client, "standard")  # what the revenues system does anyway: nothing to send
    assert sent(app) == []
    choose(client, "other_language", language="pl")
    assert "Another language: Polish" in client.get(BILL).text
    choose(client, "braille_2", language="pl")  # a language given with braille is not kept
    assert "Braille grade 2 (contracted)" in client.get(BILL).text
    assert client.get(BILL).soup.select_one("#large-print-link") is None
    choose(client, "standard")
    assert [found["format"] for found in sent(app)] == ["other_language", "braille_2", "standard"]
    assert sent(app)[1]["language"] is None
    assert "this format: Standard print." in client.get(BILL).text


def test_the_bill_in_welsh_names_the_format_in_welsh(owner, client):
    choose(client, "large_print", point_size="pt18")
    client.raw.set_cookie("doorstep_language", "cy")
    assert "Print bras, 18 pwynt" in client.get(BILL).text


@pytest.mark.parametrize(
    ("fields", "error_id", "message"),
    [
        ({"format": ""}, "format-error", "Select how you want your bills and notices"),
        ({"format": "<script>"}, "format-error", "Select how you want your bills and notices"),
        ({"format": "large_print", "point_size": ""}, "point_size-error", "Select the print size you need"),
        ({"format": "large_print", "point_size": "pt9999"}, "point_size-error", "Select the print size you need"),
        ({"format": "other_language", "language": ""}, "language-error", "Select the language you need"),
        ({"format": "other_language", "language": "x" * 5000}, "language-error", "Select the language you need"),
    ],
)
def test_what_is_not_on_the_lists_is_refused_next_to_the_field(owner, client, app, fields, error_id, message):
    page = client.submit(FORMAT, {"point_size": "", "language": "", **fields}, expect=200)
    assert page.soup.select_one(f"#{error_id}").get_text(strip=True).endswith(message)
    assert sent(app) == []


def test_nobody_else_chooses_or_sees_the_large_print_bill(owner, client, app):
    stranger = type(client)(app.test_client())
    sign_in(stranger, person(app))
    stranger.get(FORMAT, expect=404)
    stranger.get(LARGE, expect=404)
    token = stranger.get("/services/council-tax/link").csrf_token()
    stranger.post(FORMAT, {"csrf_token": token, "format": "braille_1"}, expect=404)
    client.post(FORMAT, {"format": "braille_1"}, expect=400)  # no CSRF token: refused, nothing sent
    assert sent(app) == []
