"""Paperless council tax bills: a linked payer switches to bills by email and back, each choice sent
once to the revenues system in the export; nobody else can switch someone else's account; the
council's figures count the post it avoids."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CouncilTaxPaperless, CouncilTaxRequest, RequestKind, Role, User
from app.services import channel_figures
from app.services.council_tax import export, links, paperless
from app.services.errors import ServiceError
from tests.factories import sign_in
from tests.integration.test_council_tax_import import ACCOUNT_A
from tests.integration.test_council_tax_links import account_url, imported, in_app, linked, person  # noqa: F401

pytestmark = pytest.mark.db

PAPERLESS = account_url(ACCOUNT_A) + "/paperless"
COSTS = {"face_to_face": 786, "telephone": 235, "web": 21, "letter_in": 67, "letter_out": 46}


@pytest.fixture
def owner(imported, client, app):  # noqa: F811
    someone = person(app, email="payer@example.com")
    linked(app, someone)
    sign_in(client, someone)
    return someone


def requests_sent(app):
    return in_app(
        app,
        lambda: [
            (found.kind, found.details)
            for found in db.session.scalars(sa.select(CouncilTaxRequest).order_by(CouncilTaxRequest.id))
        ],
    )


def test_a_payer_switches_to_paperless_bills_and_back_each_choice_sent_once_and_exported(owner, client, app, tmp_path):
    account = client.get(account_url(ACCOUNT_A))
    assert account.soup.select_one("#paperless-link a").get_text() == "Switch to paperless bills"
    page = client.get(PAPERLESS)
    assert page.h1 == "Paperless bills" and "payer@example.com" in page.soup.select_one("#paperless-email").text
    sent = client.submit(PAPERLESS, {"paperless": "yes"})
    assert sent.location.endswith(account_url(ACCOUNT_A))
    account = client.follow(sent)
    assert "We have sent your choice of paperless bills" in account.text
    assert account.soup.select_one("#paperless-link a").get_text() == "Switch back to paper bills"
    assert "payer@example.com" in client.get(PAPERLESS).soup.select_one("#paperless-now").text
    client.submit(PAPERLESS, {"paperless": "yes"})  # again (a second tab): nothing more is sent
    assert requests_sent(app) == [(RequestKind.PAPERLESS_BILLS, {"paperless": True, "email": "payer@example.com"})]
    assert (
        in_app(app, lambda: channel_figures.figures(_spring(), unit_costs=COSTS, today=date(2026, 5, 1)).post_avoided)
        == 1
    )

    back = client.follow(client.submit(PAPERLESS, {"paperless": "no"}))
    assert "We have sent your choice of paper bills" in back.text
    assert requests_sent(app)[-1] == (RequestKind.PAPERLESS_BILLS, {"paperless": False, "email": None})
    with app.app_context():
        [written] = export.export(tmp_path, commit=db.session.commit)
        assert db.session.scalar(sa.select(CouncilTaxPaperless)).paperless is False
    lines = [json.loads(text) for text in written.path.read_text().splitlines()]
    assert [(line["kind"], line["account_ref"], line["details"]["paperless"]) for line in lines] == [
        ("paperless_bills", ACCOUNT_A, True),
        ("paperless_bills", ACCOUNT_A, False),
    ]


def test_a_forged_choice_or_no_token_changes_nothing(owner, client, app):
    token = client.get(PAPERLESS).csrf_token()
    client.post(PAPERLESS, {"csrf_token": token, "paperless": "<script>"}, expect=400)
    client.post(PAPERLESS, {"paperless": "yes"}, expect=400)
    assert requests_sent(app) == []


def test_without_an_email_address_the_payer_is_asked_to_add_one(imported, client, app):  # noqa: F811
    someone = person(app, email=None, phone="+447700900123")
    linked(app, someone)
    with app.app_context():
        user = db.session.get(User, someone.id)
        account = links.linked_account(user, ACCOUNT_A)
        with pytest.raises(ServiceError, match="no-email"):
            paperless.switch(user, account, paperless=True)
        assert paperless.switch(user, account, paperless=False) is None  # paper already: nothing sent


def test_nobody_else_switches_someone_else_s_account(owner, client, app):
    stranger = type(client)(app.test_client())
    sign_in(stranger, person(app))
    stranger.get(PAPERLESS, expect=404)
    token = stranger.get("/services/council-tax/link").csrf_token()
    stranger.post(PAPERLESS, {"csrf_token": token, "paperless": "yes"}, expect=404)
    assert requests_sent(app) == []


def test_the_figures_show_post_avoided_for_the_whole_council_only(owner, client, app):
    client.submit(PAPERLESS, {"paperless": "yes"})
    manager = type(client)(app.test_client())
    sign_in(manager, person(app, role=Role.MANAGER))
    page = manager.get("/staff/figures?first=2026-03&last=2026-04&service=&ward=&place=")
    assert (
        "council tax accounts with paperless bills now, 1; paper bills a year for each, 1; letters avoided a year, 1 "
        "(£0.46 at the outgoing letter's unit cost)" in page.text
    )
    by_ward = manager.get("/staff/figures?first=2026-03&last=2026-04&service=&ward=Riverside&place=", expect=None)
    assert "letters avoided a year" not in by_ward.text


def _spring():
    return channel_figures.Filters(first_month=date(2026, 3, 1), last_month=date(2026, 4, 1))
