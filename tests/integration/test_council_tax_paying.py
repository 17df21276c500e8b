"""Paying council tax by card (the balance, what is overdue, or any amount) with the account
reference on the payment and a receipt; the payment handed back to the revenues system in an export
batch, once; and nobody else can pay through, or see a receipt for, someone else's account."""

import json
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CouncilTaxExportBatch, CouncilTaxRequest, Payment, RequestKind
from app.models.council_tax_requests import BatchStatus
from app.money import parse_pounds
from app.services.council_tax import export
from tests.conftest import count
from tests.factories import sign_in
from tests.integration.test_council_tax_import import ACCOUNT_A
from tests.integration.test_council_tax_links import account_url, imported, in_app, linked, person  # noqa: F401

pytestmark = pytest.mark.db

PAY = account_url(ACCOUNT_A) + "/pay"


@pytest.fixture
def owner(imported, client, app):  # noqa: F811
    someone = person(app)
    linked(app, someone)
    sign_in(client, someone)
    return someone


def pay(client, local_stripe, data):
    sent = client.submit(PAY, data)
    assert sent.status == 303 and sent.location.startswith(local_stripe.url), sent.error_summary
    paid = local_stripe.pay(sent.location)
    assert paid.status_code == 303, paid.text
    back = urlsplit(paid.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def test_paying_the_balance_gives_a_receipt_and_a_request_for_the_back_office(owner, client, app, local_stripe):
    page = client.get(PAY)
    choices = [label.get_text(" ", strip=True) for label in page.soup.select("label.govuk-radios__label")]
    assert choices == ["The balance: £1,000.00", "What is overdue: £125.00", "Another amount"]
    receipt = pay(client, local_stripe, {"what": "balance"})
    assert receipt.h1 == "Payment received"
    assert "£1,000.00 for council tax account 70000001" in receipt.text
    assert "Account reference 70000001" in receipt.soup.select_one("#receipt").get_text(" ", strip=True)
    with app.app_context():
        payment = db.session.scalar(sa.select(Payment))
        assert (payment.description, payment.details, payment.amount_pence) == (
            "Council tax 70000001",
            {"account_reference": "70000001"},
            100000,
        )
        [request] = db.session.scalars(sa.select(CouncilTaxRequest))
        assert (request.kind, request.account_reference, request.details["amount_pence"]) == (
            RequestKind.CARD_PAYMENT,
            ACCOUNT_A,
            100000,
        )
    # Coming back to the receipt again records nothing more.
    client.get(urlsplit(receipt.response.request.url).path + "?" + urlsplit(receipt.response.request.url).query)
    assert in_app(app, lambda: count(CouncilTaxRequest)) == 1


@pytest.mark.parametrize(("what", "typed", "pence"), [("overdue", "", 12500), ("other", "£1,234.5", 123450)])
def test_paying_what_is_overdue_or_another_amount(owner, client, app, local_stripe, what, typed, pence):
    receipt = pay(client, local_stripe, {"what": what, "other_amount": typed})
    assert receipt.h1 == "Payment received"
    assert in_app(app, lambda: db.session.scalar(sa.select(Payment.amount_pence))) == pence


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "what", "Select how much you want to pay"),
        ({"what": "everything"}, "what", "Select how much you want to pay"),
        ({"what": "other", "other_amount": ""}, "other_amount", "Enter the amount you want to pay"),
        (
            {"what": "other", "other_amount": "ten pounds"},
            "other_amount",
            "Enter an amount in pounds, like 50 or 125.50",
        ),
        ({"what": "other", "other_amount": "<b>5</b>"}, "other_amount", "Enter an amount in pounds, like 50 or 125.50"),
        ({"what": "other", "other_amount": "-5"}, "other_amount", "Enter an amount in pounds, like 50 or 125.50"),
        ({"what": "other", "other_amount": "0.99"}, "other_amount", "Enter an amount of £1.00 or more"),
        ({"what": "other", "other_amount": "20000.01"}, "other_amount", "Enter an amount of £20,000.00 or less"),
        ({"what": "other", "other_amount": "9" * 30}, "other_amount", "Enter an amount in pounds, like 50 or 125.50"),
    ],
)
def test_a_wrong_amount_is_refused_next_to_its_field(owner, client, app, data, field, message):
    page = client.submit(PAY, data, expect=200)
    assert page.error_for(field) == message
    if data.get("other_amount") and len(data["other_amount"]) <= 20:
        assert page.value_of("other_amount") == data["other_amount"]  # nothing entered is lost
    assert in_app(app, lambda: count(Payment)) == 0


def test_nobody_else_pays_through_or_sees_a_receipt_for_someone_else_s_account(owner, client, app, local_stripe):
    receipt = pay(client, local_stripe, {"what": "balance"})
    session_id = in_app(app, lambda: db.session.scalar(sa.select(Payment.stripe_session_id)))
    assert receipt.status == 200
    stranger = type(client)(app.test_client())
    sign_in(stranger, person(app))
    stranger.get(PAY, expect=404)
    token = stranger.get("/services/council-tax/link").csrf_token()
    stranger.post(PAY, {"csrf_token": token, "what": "balance"}, expect=404)
    stranger.get(account_url(ACCOUNT_A) + f"/paid?session_id={session_id}", expect=404)
    client.get(account_url(ACCOUNT_A) + "/paid?session_id=cs_made_up", expect=404)
    client.get(account_url(ACCOUNT_A) + "/paid?session_id=" + "x" * 5000, expect=404)
    client.post(PAY, {"what": "balance"}, expect=400)  # no CSRF token
    assert in_app(app, lambda: count(Payment)) == 1


def test_the_export_hands_each_request_back_once_and_writes_an_unfinished_batch_again(
    owner, client, app, local_stripe, tmp_path
):
    pay(client, local_stripe, {"what": "overdue"})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["council-tax", "export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert ": 1 requests written to" in result.output
    [written] = sorted(tmp_path.glob("council-tax-batch-*.jsonl"))
    [line] = [json.loads(text) for text in written.read_text().splitlines()]
    assert (line["kind"], line["account_ref"], line["details"]["amount_pence"], line["format"]) == (
        "card_payment",
        ACCOUNT_A,
        12500,
        1,
    )
    again = runner.invoke(args=["council-tax", "export", str(tmp_path)])
    assert "nothing waiting" in again.output
    assert len(list(tmp_path.glob("*.jsonl"))) == 1
    # A lost file is written again, the same.
    first = written.read_text()
    written.unlink()
    batch_id = line["batch"]
    assert runner.invoke(args=["council-tax", "export", str(tmp_path), "--again", str(batch_id)]).exit_code == 0
    assert written.read_text() == first
    assert runner.invoke(args=["council-tax", "export", str(tmp_path), "--again", "999"]).exit_code != 0
    # A run that stopped after choosing its requests: the next run writes that batch whole.
    with app.app_context():
        batch = db.session.get(CouncilTaxExportBatch, batch_id)
        batch.status = BatchStatus.WRITING
        db.session.commit()
        written.unlink()
        done = export.export(tmp_path, commit=db.session.commit)
        assert [(found.batch_id, found.requests) for found in done] == [(batch_id, 1)]
        assert db.session.get(CouncilTaxExportBatch, batch_id).status == BatchStatus.WRITTEN
    assert written.read_text() == first


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("12", 1200), ("12.5", 1250), ("£1,234.56", 123456), (" 0.01 ", 1), ("1,23", None), ("12.345", None), ("", None)],
)
def test_amounts_as_people_type_them(typed, pence):
    assert parse_pounds(typed) == pence
