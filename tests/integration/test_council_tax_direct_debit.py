"""Setting up or changing a Direct Debit: bank details checked next to each field, the paper mandate
for someone who cannot authorise alone, the check page with the Direct Debit Guarantee, the
instruction in the export, and only the last digits kept once its batch is written."""

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CouncilTaxRequest, RequestKind
from app.models.council_tax import CouncilTaxAccount, PaymentMethod
from app.services.council_tax import export
from tests.factories import sign_in
from tests.integration.test_council_tax_import import ACCOUNT_A, ACCOUNT_B
from tests.integration.test_council_tax_links import account_url, imported, in_app, linked, person  # noqa: F401

pytestmark = pytest.mark.db

DD = account_url(ACCOUNT_A) + "/direct-debit"
CONFIRM = DD + "/confirm"
GOOD = {
    "account_holder": "Rhian Evans",
    "sort_code": "20-00-00",
    "account_number": "55779911",
    "sole_authority": "yes",
    "payment_day": "8",
    "instalments": "12",
}


@pytest.fixture
def owner(imported, client, app):  # noqa: F811
    someone = person(app)
    linked(app, someone)
    sign_in(client, someone)
    return someone


def requests_count(app):
    return in_app(app, lambda: db.session.scalar(sa.select(sa.func.count(CouncilTaxRequest.id))))


def hidden_values(page) -> dict:
    form = page.soup.select_one("main form")
    return {field["name"]: field["value"] for field in form.select("input[type=hidden]")}


def test_a_payer_changes_their_direct_debit_and_only_the_last_digits_stay_once_exported(owner, client, app, tmp_path):
    account = client.get(account_url(ACCOUNT_A))
    assert account.soup.select_one("#direct-debit-link").get_text(strip=True) == "Change your Direct Debit"
    check = client.submit(DD, {**GOOD, "sort_code": "20 00 00"}, expect=200)
    assert check.h1 == "Check your Direct Debit details"
    answers = check.soup.select_one("#answers").get_text(" ", strip=True)
    assert "20-00-00" in answers and "55779911" in answers and "Day 8 of each month" in answers
    assert "The Direct Debit Guarantee" in check.text and "full and immediate refund" in check.text
    assert requests_count(app) == 0  # nothing is sent before they confirm
    sent = client.post(CONFIRM, hidden_values(check))
    assert sent.location.endswith(DD + "/sent")
    confirmation = client.follow(sent)
    assert "at least 10 working days before the first payment" in confirmation.soup.select_one("#advance-notice").text
    assert "then on day 8 of each month" in confirmation.soup.select_one("#first-payment").text
    assert "Account number ending 9911" in confirmation.text
    page = client.get(account_url(ACCOUNT_A))
    assert "payments on day 8 of each month" in page.soup.select_one("#direct-debit-sent").text
    with app.app_context():
        [request] = db.session.scalars(sa.select(CouncilTaxRequest))
        assert request.kind == RequestKind.DIRECT_DEBIT
        assert (request.details["sort_code"], request.details["account_number"]) == ("200000", "55779911")
        assert (request.details["change"], request.details["instalments"], request.details["payment_day"]) == (
            True,
            12,
            8,
        )
        [written] = export.export(tmp_path, commit=db.session.commit)
    [line] = [json.loads(text) for text in written.path.read_text().splitlines()]
    assert line["kind"] == "direct_debit_instruction" and line["account_ref"] == ACCOUNT_A
    assert (line["details"]["sort_code"], line["details"]["account_number"]) == ("200000", "55779911")
    assert line["details"]["account_holder"] == "Rhian Evans"
    with app.app_context():
        [request] = db.session.scalars(sa.select(CouncilTaxRequest))
        assert "sort_code" not in request.details and "account_number" not in request.details
        assert (request.details["sort_code_ending"], request.details["account_number_ending"]) == ("00", "9911")
        stored = json.dumps(request.details)
        assert "55779911" not in stored and "200000" not in stored
        again = export.write_again(tmp_path / "again", written.batch_id)
    assert "55779911" not in again.path.read_text()
    assert "Account number ending 9911" in client.get(DD + "/sent").text  # still says which account


def test_a_batch_not_finished_keeps_the_full_numbers_until_it_is_written(owner, client, app, tmp_path):
    check = client.submit(DD, GOOD, expect=200)
    client.post(CONFIRM, hidden_values(check), expect=302)

    commits = []

    def stops_after_the_file_is_written():
        commits.append(1)
        if len(commits) == 2:  # the batch's requests are chosen and its file written; marking it fails
            raise RuntimeError("the database went away")
        db.session.commit()

    with app.app_context():
        with pytest.raises(RuntimeError):
            export.export(tmp_path, commit=stops_after_the_file_is_written)
        db.session.rollback()
        [request] = db.session.scalars(sa.select(CouncilTaxRequest))
        assert request.batch_id is not None
        assert request.details["account_number"] == "55779911"  # not marked handed over: still whole
        [written] = export.export(tmp_path, commit=db.session.commit)  # the next run writes it again, whole
        assert "sort_code" not in db.session.scalar(sa.select(CouncilTaxRequest)).details
    assert "55779911" in written.path.read_text()


def test_someone_who_cannot_authorise_alone_is_told_about_the_paper_form(owner, client, app):
    page = client.submit(DD, {**GOOD, "sole_authority": "no"}, expect=200)
    assert page.h1 == "You need a paper Direct Debit form"
    assert requests_count(app) == 0


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"account_holder": ""}, "account_holder", "Enter the name on the account"),
        (
            {"account_holder": "<script>alert(1)</script>"},
            "account_holder",
            "Name on the account must not include < or >",
        ),
        ({"account_holder": "x" * 101}, "account_holder", "Name on the account must be 100 characters or fewer"),
        ({"sort_code": ""}, "sort_code", "Enter a sort code, like 20-00-00"),
        ({"sort_code": "20-00-0O"}, "sort_code", "Enter a valid sort code, like 20-00-00"),
        ({"sort_code": "9" * 100000}, "sort_code", "Enter a valid sort code, like 20-00-00"),
        ({"account_number": ""}, "account_number", "Enter an account number, like 55779911"),
        ({"account_number": "5577991l"}, "account_number", "Account number must be between 6 and 8 digits"),
        (
            {"account_number": "55779912"},
            "account_number",
            "Check the sort code and account number: together they are not a UK bank account",
        ),
        (
            {"sole_authority": "maybe"},
            "sole_authority",
            "Select yes if you can authorise debits from this account on your own",
        ),
        ({"payment_day": "31"}, "payment_day", "Select the day of the month you want to pay on"),
        ({"payment_day": ""}, "payment_day", "Select the day of the month you want to pay on"),
        ({"instalments": "11"}, "instalments", "Select 10 or 12 instalments"),
    ],
)
def test_bad_or_hostile_details_are_refused_next_to_their_field_and_kept(owner, client, app, changes, field, message):
    page = client.submit(DD, {**GOOD, **changes}, expect=200)
    assert page.error_for(field) == message
    assert page.title.startswith("Error:")
    if field != "account_holder":
        assert page.value_of("account_holder") == "Rhian Evans"  # nothing typed is lost
    assert requests_count(app) == 0


def test_forged_or_tokenless_confirmations_send_nothing(owner, client, app):
    client.post(CONFIRM, GOOD, expect=400)  # no CSRF token
    check = client.submit(DD, GOOD, expect=200)
    forged = {**hidden_values(check), "account_number": "55779912"}
    page = client.post(CONFIRM, forged, expect=200)
    assert page.error_for("account_number")
    forged = {**hidden_values(check), "sole_authority": "no"}
    assert client.post(CONFIRM, forged, expect=200).h1 == "Change your Direct Debit"
    assert requests_count(app) == 0


def test_change_your_answers_shows_them_again(owner, client, app):
    check = client.submit(DD, GOOD, expect=200)
    page = client.post(DD, {**hidden_values(check), "change": "1"}, expect=200)
    assert page.h1 == "Change your Direct Debit" and not page.error_summary
    assert page.value_of("sort_code") == "20-00-00" and page.value_of("account_number") == "55779911"
    assert requests_count(app) == 0


def test_a_cash_payer_is_offered_to_set_one_up(owner, client, app):
    with app.app_context():
        db.session.execute(
            sa.update(CouncilTaxAccount)
            .where(CouncilTaxAccount.reference == ACCOUNT_A)
            .values(payment_method=PaymentMethod.CASH, payment_day=None)
        )
        db.session.commit()
    link = client.get(account_url(ACCOUNT_A)).soup.select_one("#direct-debit-link")
    assert link.get_text(strip=True) == "Set up a Direct Debit"
    assert client.get(DD).h1 == "Set up a Direct Debit"
    check = client.submit(DD, GOOD, expect=200)
    client.post(CONFIRM, hidden_values(check), expect=302)
    with app.app_context():
        assert db.session.scalar(sa.select(CouncilTaxRequest)).details["change"] is False


def test_an_account_that_has_ended_is_not_offered_one(imported, client, app):  # noqa: F811
    someone = person(app)
    linked(app, someone, reference=ACCOUNT_B, key="ZZZZ9999", postcode="DM1 2CD")
    sign_in(client, someone)
    assert client.get(account_url(ACCOUNT_B)).soup.select_one("#direct-debit-link") is None
    page = client.get(account_url(ACCOUNT_B) + "/direct-debit")
    assert page.soup.select_one("#ended") is not None and not page.soup.select("main form")
    token = client.get("/services/council-tax/link").csrf_token()
    client.post(account_url(ACCOUNT_B) + "/direct-debit/confirm", {**GOOD, "csrf_token": token}, expect=200)
    assert requests_count(app) == 0


def test_nobody_else_sees_or_sends_for_someone_else_s_account(owner, client, app):
    check = client.submit(DD, GOOD, expect=200)
    client.post(CONFIRM, hidden_values(check), expect=302)
    stranger = type(client)(app.test_client())
    sign_in(stranger, person(app))
    stranger.get(DD, expect=404)
    stranger.get(DD + "/sent", expect=404)
    token = stranger.get("/services/council-tax/link").csrf_token()
    stranger.post(CONFIRM, {**GOOD, "csrf_token": token}, expect=404)
    stranger.post(DD, {**GOOD, "csrf_token": token}, expect=404)
    assert requests_count(app) == 1


def test_the_sent_page_needs_an_instruction(owner, client):
    client.get(DD + "/sent", expect=404)


def test_in_welsh(owner, client):
    client.raw.set_cookie("doorstep_language", "cy")
    page = client.get(DD)
    assert page.h1 == "Newid eich Debyd Uniongyrchol"


def test_the_error_summary_follows_the_page_s_order(owner, client):
    page = client.submit(DD, {})
    assert page.error_summary == [
        "Enter the name on the account",
        "Enter a sort code, like 20-00-00",
        "Enter an account number, like 55779911",
        "Select yes if you can authorise debits from this account on your own",
        "Select the day of the month you want to pay on",
        "Select 10 or 12 instalments",
    ]
