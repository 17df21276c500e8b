"""Asking for 12 instalments: the estimated plan shown first (adding up to what is left, the first
carrying the rounding, all by March), the request sent once and handed back in the export; refused
plainly when it cannot be asked for online; nobody else can ask for someone else's account."""

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CouncilTaxRequest, RequestKind
from app.services import cases
from app.services.council_tax import export
from tests.factories import sign_in
from tests.integration.test_council_tax_import import ACCOUNT_A, ACCOUNT_B
from tests.integration.test_council_tax_links import account_url, imported, in_app, linked, person  # noqa: F401

pytestmark = pytest.mark.db

TWELVE = account_url(ACCOUNT_A) + "/twelve-instalments"


@pytest.fixture
def owner(imported, client, app):  # noqa: F811
    someone = person(app)
    linked(app, someone)
    sign_in(client, someone)
    return someone


def test_the_estimate_is_shown_then_the_request_is_sent_once_and_exported(owner, client, app, tmp_path):
    page = client.get(TWELVE)
    rows = [row.get_text(" ", strip=True) for row in page.soup.select("#estimate tbody tr")]
    amounts = [int(row.split("£")[1].replace(",", "").replace(".", "")) for row in rows]
    assert sum(amounts) == 12500  # what is left of this year's instalments (instalment 2)
    assert all(amount == amounts[-1] for amount in amounts[1:]) and amounts[-1] % 100 == 0
    assert "our estimate" in page.text and "This is an estimate" in page.text
    assert "Still to pay" in page.soup.select_one("#current").get_text()
    sent = client.submit(TWELVE)
    assert sent.location.endswith(account_url(ACCOUNT_A))
    assert "We have sent your request for 12 instalments" in client.follow(sent).text
    with app.app_context():
        [request] = db.session.scalars(sa.select(CouncilTaxRequest))
        assert request.kind == RequestKind.TWELVE_INSTALMENTS
        plan = request.details["estimated_plan"]
        assert sum(item["amount_pence"] for item in plan) == 12500 == request.details["left_pence"]
        today = cases.london_today()
        assert date.fromisoformat(plan[0]["due"]) >= today + timedelta(days=14)
        assert date.fromisoformat(plan[-1]["due"]) <= date(2027, 3, 31)
        assert {date.fromisoformat(item["due"]).day for item in plan} == {15}
    again = client.get(TWELVE)
    assert again.soup.select_one("#refusal")["data-refusal"] == "asked"
    token = client.get("/services/council-tax/link").csrf_token()
    assert "already asked" in client.post(TWELVE, {"csrf_token": token}, expect=200).text  # not sent twice
    assert in_app(app, lambda: db.session.scalar(sa.select(sa.func.count(CouncilTaxRequest.id)))) == 1
    with app.app_context():
        [written] = export.export(tmp_path, commit=db.session.commit)
    [line] = [json.loads(text) for text in written.path.read_text().splitlines()]
    assert (line["kind"], line["account_ref"]) == ("twelve_instalments", ACCOUNT_A)


def test_nothing_left_to_spread_is_said_plainly(imported, client, app):  # noqa: F811
    someone = person(app)
    linked(app, someone, reference=ACCOUNT_B, key="ZZZZ9999", postcode="DM1 2CD")
    sign_in(client, someone)
    page = client.get(account_url(ACCOUNT_B) + "/twelve-instalments")
    assert page.soup.select_one("#refusal")["data-refusal"] == "nothing_left"
    assert not page.soup.select("main form")
    client.post(account_url(ACCOUNT_B) + "/twelve-instalments", {}, expect=400)  # no CSRF token
    assert in_app(app, lambda: db.session.scalar(sa.select(sa.func.count(CouncilTaxRequest.id)))) == 0


def test_nobody_else_asks_for_someone_else_s_account(owner, client, app):
    stranger = type(client)(app.test_client())
    sign_in(stranger, person(app))
    stranger.get(TWELVE, expect=404)
    token = stranger.get("/services/council-tax/link").csrf_token()
    stranger.post(TWELVE, {"csrf_token": token}, expect=404)
    assert in_app(app, lambda: db.session.scalar(sa.select(sa.func.count(CouncilTaxRequest.id)))) == 0


def test_in_welsh(owner, client):
    client.raw.set_cookie("doorstep_language", "cy")
    page = client.get(TWELVE)
    assert "Talu mewn 12 rhandaliad" in page.h1
