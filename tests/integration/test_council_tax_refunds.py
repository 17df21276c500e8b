"""Asking for a credit balance back: only when the record shows a credit, the whole credit or less,
to a bank account checked like a Direct Debit's; a case for the revenues team with a due date, the
request in the export (then only the last digits kept), and no second request while one waits."""

import json
import threading
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Case,
    CaseStatus,
    ChannelFigureCount,
    CouncilTaxRequest,
    OutboundMessage,
    RequestKind,
    Role,
    User,
)
from app.models.council_tax import AccountStatus, CouncilTaxAccount, CouncilTaxProperty, PaymentMethod
from app.services.council_tax import export, refunds
from app.services.council_tax.direct_debits import BankAccount
from app.services.errors import ServiceError
from tests.factories import make_user, sign_in
from tests.integration.test_council_tax_import import ACCOUNT_A, ACCOUNT_B
from tests.integration.test_council_tax_links import account_url, imported, in_app, linked, person  # noqa: F401

pytestmark = pytest.mark.db

REFUND = account_url(ACCOUNT_B) + "/refund"
GOOD = {
    "what": "all",
    "other_amount": "",
    "account_holder": "Sam Patel",
    "sort_code": "200000",
    "account_number": "55779911",
}


@pytest.fixture
def payer(imported, client, app):  # noqa: F811
    someone = person(app)
    linked(app, someone, reference=ACCOUNT_B, key="ZZZZ9999", postcode="DM1 2CD")
    sign_in(client, someone)
    return someone


def requests_count(app):
    return in_app(app, lambda: db.session.scalar(sa.select(sa.func.count(CouncilTaxRequest.id))))


def test_a_payer_in_credit_asks_for_it_back_once_and_it_is_exported(payer, client, app, tmp_path):
    account = client.get(account_url(ACCOUNT_B))
    link = account.soup.select_one("#refund-link a")
    assert link.get_text(strip=True) == "Ask for your credit of £15.00 back"
    page = client.get(REFUND)
    assert "£15.00 in credit" in page.soup.select_one("#credit").text
    sent = client.submit(REFUND, {**GOOD, "what": "other", "other_amount": "12.50"})
    confirmation = client.follow(sent)
    reference = confirmation.soup.select_one("#reference").get_text(strip=True)
    assert "£12.50" in confirmation.text
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert case.team == "revenues" and case.due_date is not None and case.user_id == payer.id
        assert "55779911" not in json.dumps(case.answers)  # staff see only the last digits
        assert "ending 9911" in case.answers["bank_account"]
        [request] = db.session.scalars(sa.select(CouncilTaxRequest))
        assert request.kind == RequestKind.CREDIT_REFUND
        assert (request.details["amount_pence"], request.details["case_reference"]) == (1250, reference)
        assert request.details["due_on"] == case.due_date.isoformat()
        message = db.session.scalar(sa.select(OutboundMessage).where(OutboundMessage.recipient == payer.email))
        assert reference in message.subject and "pay the refund into your bank account" in message.body
        assert "55779911" not in message.body
    assert reference in client.get("/account/requests").text
    waiting = client.get(REFUND)
    assert waiting.soup.select_one("#refusal")["data-refusal"] == "waiting" and not waiting.soup.select("main form")
    assert reference in client.get(account_url(ACCOUNT_B)).soup.select_one("#refund-link").text
    token = client.get("/services/council-tax/link").csrf_token()
    client.post(REFUND, {**GOOD, "csrf_token": token}, expect=200)
    assert requests_count(app) == 1  # not sent twice
    with app.app_context():
        [written] = export.export(tmp_path, commit=db.session.commit)
        [line] = [json.loads(text) for text in written.path.read_text().splitlines()]
        assert (line["kind"], line["details"]["account_number"], line["details"]["amount_pence"]) == (
            "credit_refund",
            "55779911",
            1250,
        )
        assert "account_number" not in db.session.scalar(sa.select(CouncilTaxRequest)).details
        db.session.scalar(sa.select(Case)).status = CaseStatus.CLOSED
        db.session.commit()
    assert client.get(REFUND).soup.select_one("main form") is not None  # dealt with: may ask again


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"what": ""}, "what", "Select how much you want back"),
        ({"what": "other", "other_amount": ""}, "other_amount", "Enter the amount you want back"),
        ({"what": "other", "other_amount": "£<b>5"}, "other_amount", "Enter an amount in pounds, like 5 or 12.50"),
        (
            {"what": "other", "other_amount": "15.01"},
            "other_amount",
            "Enter an amount no more than your credit of £15.00",
        ),
        (
            {"what": "other", "other_amount": "999999999"},
            "other_amount",
            "Enter an amount no more than your credit of £15.00",
        ),
        ({"what": "other", "other_amount": "0"}, "other_amount", "Enter an amount more than £0"),
        ({"sort_code": "abcdef"}, "sort_code", "Enter a valid sort code, like 20-00-00"),
        (
            {"account_number": "55779912"},
            "account_number",
            "Check the sort code and account number: together they are not a UK bank account",
        ),
    ],
)
def test_bad_or_hostile_input_is_refused_next_to_its_field(payer, client, app, changes, field, message):
    page = client.submit(REFUND, {**GOOD, **changes}, expect=200)
    assert page.error_for(field) == message
    assert page.value_of("account_holder") == "Sam Patel"
    assert requests_count(app) == 0


def test_an_account_not_in_credit_cannot_ask(imported, client, app):  # noqa: F811
    someone = person(app)
    linked(app, someone)
    sign_in(client, someone)
    assert client.get(account_url(ACCOUNT_A)).soup.select_one("#refund-link") is None
    page = client.get(account_url(ACCOUNT_A) + "/refund")
    assert page.soup.select_one("#refusal")["data-refusal"] == "no_credit"
    token = client.get("/services/council-tax/link").csrf_token()
    client.post(account_url(ACCOUNT_A) + "/refund", {**GOOD, "csrf_token": token}, expect=200)
    assert requests_count(app) == 0


def test_nobody_else_asks_or_sees_the_confirmation(payer, client, app):
    client.post(REFUND, GOOD, expect=400)  # no CSRF token
    reference = client.follow(client.submit(REFUND, GOOD)).soup.select_one("#reference").get_text(strip=True)
    stranger = type(client)(app.test_client())
    sign_in(stranger, person(app))
    stranger.get(REFUND, expect=404)
    stranger.get(f"{REFUND}/sent/{reference}", expect=404)
    token = stranger.get("/services/council-tax/link").csrf_token()
    stranger.post(REFUND, {**GOOD, "csrf_token": token}, expect=404)
    client.get(f"{REFUND}/sent/XX-{'9' * 5000}", expect=404)
    assert requests_count(app) == 1


RACERS = 10
RACE_REFERENCE = "79990001"  # no other test uses it


def test_ten_sends_at_once_ask_for_one_refund(app):
    """Each in its own connection and committed transaction, as ten requests at once would be."""
    with app.app_context():
        place = CouncilTaxProperty(
            property_ref="RACE-REFUND",
            line_1="9 Race Street",
            town="Demoton",
            postcode="DM9 9ZZ",
            postcode_key="DM99ZZ",
            band="A",
            source_hash="x",
        )
        db.session.add(place)
        db.session.flush()
        account = CouncilTaxAccount(
            reference=RACE_REFERENCE,
            property_id=place.id,
            status=AccountStatus.CLOSED,
            liable_from=date(2020, 1, 1),
            payment_method=PaymentMethod.CASH,
            instalments_per_year=10,
            balance_pence=-2000,
            online_key_hash="x",
            source_hash="x",
            extracted_at=datetime(2026, 11, 23, tzinfo=UTC),
        )
        db.session.add(account)
        racer = make_user()
        db.session.commit()
        account_id, racer_id = account.id, racer.id
    start_line = threading.Barrier(RACERS)
    outcomes = []

    def run():
        with app.test_request_context():
            start_line.wait()
            try:
                refunds.ask(
                    db.session.get(User, racer_id),
                    db.session.get(CouncilTaxAccount, account_id),
                    refunds.Refund(2000, BankAccount("Sam Patel", "200000", "55779911")),
                    due_in_days=10,
                    language="en",
                )
                db.session.commit()
                outcomes.append("asked")
            except ServiceError as error:
                db.session.rollback()
                outcomes.append(error.message)
            except Exception as error:  # noqa: BLE001  (any other failure must show in the assertion)
                db.session.rollback()
                outcomes.append(repr(error))

    threads = [threading.Thread(target=run) for _ in range(RACERS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        waiting = "You have already asked for a refund. Our council tax team is dealing with it"
        assert sorted(outcomes) == sorted(["asked"] + [waiting] * (RACERS - 1)), outcomes
        with app.app_context():
            assert (
                db.session.scalar(
                    sa.select(sa.func.count(CouncilTaxRequest.id)).where(
                        CouncilTaxRequest.account_reference == RACE_REFERENCE
                    )
                )
                == 1
            )
    finally:
        with app.app_context():
            references = list(
                db.session.scalars(
                    sa.select(CouncilTaxRequest.details["case_reference"].as_string()).where(
                        CouncilTaxRequest.account_reference == RACE_REFERENCE
                    )
                )
            )
            db.session.execute(
                sa.delete(CouncilTaxRequest).where(CouncilTaxRequest.account_reference == RACE_REFERENCE)
            )
            for case in db.session.scalars(sa.select(Case).where(Case.reference.in_(references))):
                db.session.execute(sa.delete(OutboundMessage).where(OutboundMessage.case_id == case.id))
                db.session.delete(case)
            # The committed case's "we have your request" message and its count in the channel figures
            # would otherwise reach the next test on this process (a message sender, the figures).
            db.session.execute(sa.delete(OutboundMessage).where(OutboundMessage.user_id == racer_id))
            db.session.execute(sa.delete(ChannelFigureCount).where(ChannelFigureCount.service_id == refunds.SERVICE_ID))
            db.session.execute(sa.delete(CouncilTaxAccount).where(CouncilTaxAccount.id == account_id))
            db.session.execute(sa.delete(CouncilTaxProperty).where(CouncilTaxProperty.property_ref == "RACE-REFUND"))
            db.session.execute(sa.delete(User).where(User.id == racer_id))
            db.session.commit()


def test_the_revenues_team_sees_the_refund_in_the_staff_inbox_with_only_the_last_digits(payer, client, app):
    reference = client.follow(client.submit(REFUND, GOOD)).soup.select_one("#reference").get_text(strip=True)
    staff = type(client)(app.test_client())
    sign_in(staff, person(app, role=Role.STAFF))
    inbox = staff.get("/staff/cases?service=council-tax-credit-refund")
    assert reference in inbox.text and "Council tax: refund of a credit" in inbox.text
    case = staff.get(f"/staff/cases/{reference}")
    assert "£15.00" in case.text and "account number ending 9911" in case.text and "Sam Patel" in case.text
    assert "55779911" not in case.html
    assert "Council tax: refund of a credit" in client.get("/account/requests").text


def test_the_error_summary_follows_the_page_s_order(payer, client):
    page = client.submit(REFUND, {"what": "", "account_holder": "", "sort_code": "", "account_number": ""})
    assert page.error_summary == [
        "Select how much you want back",
        "Enter the name on the account",
        "Enter a sort code, like 20-00-00",
        "Enter an account number, like 55779911",
    ]
