"""A payment arrangement when an account is in arrears: income and expenditure under the Standard
Financial Statement's headings, money left over, the payments offered and how long they take to
clear the arrears; a case for the revenues team, who accept or offer different payments; the person
sees the answer in "Your requests", gets a message, and can accept a counter-offer online; the agreed
arrangement goes to the back office in the export. Refused for anyone not entitled (404), without a
CSRF token, and next to the field, with what was typed kept, for amounts and dates that will not do."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Case,
    CaseStatus,
    CouncilTaxArrangement,
    CouncilTaxRequest,
    OutboundMessage,
    RequestKind,
    Role,
    User,
)
from app.models.council_tax_arrangements import Frequency
from app.services import cases, working_days
from app.services.council_tax import arrangements, export, extract, links
from app.services.errors import ServiceError
from tests.factories import sign_in
from tests.integration.test_council_tax_import import ACCOUNT_A, ACCOUNT_B, extract_files, write_extract
from tests.integration.test_council_tax_links import account_url, imported, in_app, linked, person  # noqa: F401

pytestmark = pytest.mark.db

TODAY = date(2026, 11, 24)  # instalment 2 (£125.00, due 15 September) is overdue: the arrears
START = account_url(ACCOUNT_A) + "/arrangement"
INCOME, FIXED, FLEXIBLE, DEBTS = (f"{START}/{slug}" for slug in ("income", "fixed-costs", "flexible-costs", "debts"))
OFFER, CHECK = START + "/offer", START + "/check"
NOTHING = {}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(cases, "london_today", lambda: TODAY)


@pytest.fixture
def owner(imported, client, app):  # noqa: F811
    someone = person(app, email="payer@example.com")
    linked(app, someone)
    sign_in(client, someone)
    return someone


def money(**amounts) -> dict:
    """{heading: "12.50"} or {heading: ("100", "weekly")} as the form sends them."""
    sent = {}
    for heading, given in amounts.items():
        amount, frequency = given if isinstance(given, tuple) else (given, "monthly")
        sent[heading], sent[f"{heading}_frequency"] = amount, frequency
    return sent


def offer(amount="25", frequency="monthly", first=(1, 12, 2026)) -> dict:
    return {"amount": amount, "frequency": frequency, "first_on": [str(part) for part in first]}


def fill_statement(client):
    # £300 a week earnings is £1,300.00 a month; £400 every 2 weeks benefits is £866.67.
    assert client.submit(INCOME, money(earnings=("300", "weekly"), benefits=("400", "fortnightly"))).location.endswith(
        FIXED
    )
    assert client.submit(FIXED, money(home_and_contents="900", utilities=("25", "weekly"))).location.endswith(FLEXIBLE)
    assert client.submit(FLEXIBLE, money(food_and_housekeeping=("80", "weekly"))).location.endswith(DEBTS)
    assert client.submit(DEBTS, money(other_debts="50")).location.endswith(OFFER)


def rows(page, selector) -> dict[str, str]:
    return {
        row.select_one("dt").get_text(strip=True): row.select_one(".govuk-summary-list__value").get_text(
            " ", strip=True
        )
        for row in page.soup.select(f"{selector} .govuk-summary-list__row")
    }


def send(client, **offered) -> str:
    fill_statement(client)
    assert client.submit(OFFER, offer(**offered)).location.endswith(CHECK)
    done = client.submit(CHECK)
    return client.follow(done).soup.select_one("#reference").get_text(strip=True)


def requests_of(app, kind):
    return in_app(
        app,
        lambda: [
            (found.account_reference, found.details)
            for found in db.session.scalars(sa.select(CouncilTaxRequest).where(CouncilTaxRequest.kind == kind))
        ],
    )


def staff_client(client, app):
    staff = type(client)(app.test_client())
    sign_in(staff, person(app, role=Role.STAFF))
    return staff


def test_the_statement_and_offer_are_summed_checked_and_sent_to_the_revenues_team(owner, client, app):
    account = client.get(account_url(ACCOUNT_A))
    assert account.soup.select_one("#arrangement-link a")["href"] == START
    assert account.soup.select_one("#recovery-arrangement-link")["href"] == START  # the recovery panel's help
    assert "You are £125.00 behind with payments" in client.get(START).text
    fill_statement(client)
    page = client.get(OFFER)
    # 1,300.00 + 866.67 income; 900.00 + 108.33 + 346.67 costs; 50.00 debts: 761.67 left over.
    assert rows(page, "#money-left") == {
        "Income": "£2,166.67",
        "Fixed and flexible costs": "£1,355.00",
        "Payments to other debts": "£50.00",
        "Left over": "£761.67",
    }
    assert client.submit(OFFER, offer("30", "fortnightly", (1, 12, 2026))).location.endswith(CHECK)
    check = client.get(CHECK)
    assert rows(check, "#section-income")["Earnings"] == "£300.00 a week"
    assert rows(check, "#section-income")["Pensions"] == "None"
    # £125.00 at £30 every 2 weeks: 4 payments of £30 then £5.00, the fifth on 26 January 2027.
    assert rows(check, "#offer") == {
        "You are behind by": "£125.00",
        "You offer to pay": "£30.00 every 2 weeks from 1 December 2026",
        "Clears what you owe in": "5 payments, the last of £5.00 on 26 January 2027",
    }
    assert in_app(app, lambda: db.session.scalar(sa.select(sa.func.count(CouncilTaxArrangement.id)))) == 0
    page = client.follow(client.submit(CHECK))
    reference = page.soup.select_one("#reference").get_text(strip=True)
    assert page.soup.select_one("#state")["data-state"] == "proposed"
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert (case.service_id, case.team, case.user_id) == ("council-tax-arrangement", "revenues", owner.id)
        assert case.due_date == working_days.add_working_days(TODAY, 10)
        arrangement = db.session.scalar(sa.select(CouncilTaxArrangement))
        assert (arrangement.arrears_pence, arrangement.proposed_pence, arrangement.proposed_first_on) == (
            12500,
            3000,
            date(2026, 12, 1),
        )
        assert arrangement.statement["monthly"]["earnings"] == 130000
        assert arrangement.statement["given"]["utilities"] == [2500, "weekly"]
        message = db.session.scalar(sa.select(OutboundMessage).where(OutboundMessage.recipient == "payer@example.com"))
        assert reference in message.subject
    assert requests_of(app, RequestKind.PAYMENT_ARRANGEMENT) == []  # only an agreed arrangement is exported
    # Sent once: a second "Send" finds the answers gone and the arrangement waiting.
    assert client.get(CHECK, expect=302).location.endswith(START)
    assert client.get(START).soup.select_one("#waiting a")["href"].endswith(reference)
    listed = client.get("/account/requests")
    assert "Council tax: payment arrangement" in listed.text and reference in listed.text


def test_staff_accept_and_the_person_is_told_and_the_export_has_the_terms(owner, client, app, tmp_path):
    reference = send(client, amount="25", frequency="monthly", first=(1, 12, 2026))
    staff = staff_client(client, app)
    case_page = staff.get(f"/staff/cases/{reference}")
    assert "£25.00 a month from 1 December 2026" in case_page.text
    url = case_page.soup.select_one("#arrangement-link a")["href"]
    assert url == f"/staff/cases/{reference}/arrangement"
    assert "£761.67" in staff.get(url).soup.select_one("#offer").get_text()  # left over a month
    page = staff.follow(staff.submit(url + "/accept", from_url=url, form_index=0))
    assert page.soup.select_one("#state")["data-state"] == "agreed"
    mine = client.get(f"{account_url(ACCOUNT_A)}/arrangements/{reference}")
    assert rows(mine, "#agreed") == {
        "You pay": "£25.00 a month from 1 December 2026",
        "Clears what you owe in": "5 payments, the last of £25.00 on 1 April 2027",
    }
    listed = client.get("/account/requests").text
    assert "We have agreed your payment arrangement: £25.00 a month from 1 December 2026" in listed
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert case.status is CaseStatus.CLOSED
        update = db.session.scalar(
            sa.select(OutboundMessage)
            .where(OutboundMessage.subject.contains("update"))
            .order_by(OutboundMessage.id.desc())
        )
        assert update.recipient == "payer@example.com" and "£25.00 a month" in update.body
        [written] = export.export(tmp_path, commit=db.session.commit)
    [line] = [json.loads(text) for text in written.path.read_text().splitlines()]
    assert (line["kind"], line["account_ref"]) == ("payment_arrangement", ACCOUNT_A)
    details = line["details"]
    assert {key: details[key] for key in ("case_reference", "agreed_by", "amount_pence", "frequency")} == {
        "case_reference": reference,
        "agreed_by": "council",
        "amount_pence": 2500,
        "frequency": "monthly",
    }
    assert (details["first_payment_on"], details["payments"], details["last_payment_on"]) == (
        "2026-12-01",
        5,
        "2027-04-01",
    )
    assert details["monthly_statement_pence"]["other_debts"] == 5000
    # Answered once: accepting again changes nothing and exports nothing more.
    staff.submit(
        f"/staff/cases/{reference}/arrangement/accept", from_url=f"/staff/cases/{reference}/arrangement", expect=302
    )
    assert len(requests_of(app, RequestKind.PAYMENT_ARRANGEMENT)) == 1


def test_staff_counter_and_the_person_accepts_online(owner, client, app):
    reference = send(client, amount="5", frequency="weekly", first=(1, 12, 2026))
    staff = staff_client(client, app)
    url = f"/staff/cases/{reference}/arrangement"
    countered = staff.submit(
        url + "/counter",
        {**offer("40", "monthly", (15, 12, 2026)), "reason": "You have £761.67 left over each month."},
        from_url=url,
        form_index=1,
    )
    assert countered.location.endswith(url), countered.error_summary
    mine_url = f"{account_url(ACCOUNT_A)}/arrangements/{reference}"
    mine = client.get(mine_url)
    assert mine.soup.select_one("#state")["data-state"] == "countered"
    assert rows(mine, "#counter-offer") == {
        "We can offer": "£40.00 a month from 15 December 2026",
        "Clears what you owe in": "4 payments, the last of £5.00 on 15 March 2027",
        "Why": "You have £761.67 left over each month.",
    }
    listed = client.get("/account/requests").text
    assert "We can offer £40.00 a month from 15 December 2026" in listed
    assert requests_of(app, RequestKind.PAYMENT_ARRANGEMENT) == []
    accepted = client.follow(client.submit(mine_url))
    assert accepted.soup.select_one("#state")["data-state"] == "agreed"
    assert "You have accepted our offer" in accepted.text
    [(reference_a, details)] = requests_of(app, RequestKind.PAYMENT_ARRANGEMENT)
    assert (reference_a, details["agreed_by"], details["amount_pence"], details["first_payment_on"]) == (
        ACCOUNT_A,
        "person",
        4000,
        "2026-12-15",
    )
    # Accepting twice (a second tab) does not agree it twice.
    client.post(mine_url, {"csrf_token": client.get(f"{account_url(ACCOUNT_A)}/bill-format").csrf_token()}, expect=302)
    assert len(requests_of(app, RequestKind.PAYMENT_ARRANGEMENT)) == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "Enter how much you can pay each time"),
        ("-5", "Each payment must be £1.00 or more"),
        ("0.50", "Each payment must be £1.00 or more"),
        ("<b>5</b>", "Enter an amount in pounds, like 50 or 25.50"),
        ("999999999999999999999", "Enter an amount in pounds, like 50 or 25.50"),
        ("125.01", "Each payment must be £125.00 or less, the amount you are behind with"),
    ],
)
def test_an_offer_that_will_not_do_is_refused_next_to_the_field(owner, client, amount, message):
    fill_statement(client)
    page = client.submit(OFFER, offer(amount), expect=200)
    assert page.soup.select_one("#amount-error").get_text(strip=True).endswith(message)
    assert page.soup.select_one("#amount")["value"] == amount


@pytest.mark.parametrize(
    ("first", "message"),
    [
        ((23, 11, 2026), "The first payment must be on or after 24 November 2026"),
        ((26, 12, 2026), "The first payment must be on or before 25 December 2026"),
        ((31, 2, 2027), "The date of the first payment must be a real date"),
    ],
)
def test_a_first_payment_date_that_will_not_do_is_refused(owner, client, first, message):
    fill_statement(client)
    page = client.submit(OFFER, offer("25", first=first), expect=200)
    assert page.soup.select_one("#first_on-fieldset-error").get_text(strip=True).endswith(message)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-100", "Earnings must be £0 or more"),
        ("<script>", "Enter earnings in pounds and pence, like 250 or 1,200.50"),
        ("100000.01", "Earnings must be £100,000 or less"),
        ("1" * 19, "Enter earnings in pounds and pence, like 250 or 1,200.50"),
    ],
)
def test_an_income_amount_that_will_not_do_is_refused_and_kept(owner, client, amount, message):
    page = client.submit(INCOME, money(earnings=amount, pensions="12.50"), expect=200)
    assert page.soup.select_one("#earnings-error").get_text(strip=True).endswith(message)
    assert page.soup.select_one("#earnings")["value"] == amount
    assert page.soup.select_one("#pensions")["value"] == "12.50"  # nothing typed is lost


def test_a_forged_frequency_is_refused(owner, client):
    page = client.submit(INCOME, money(earnings=("100", "yearly")), expect=200)
    assert page.soup.select_one("#earnings_frequency-error").get_text(strip=True).endswith("Select how often")


def test_a_counter_offer_that_will_not_do_is_refused_and_markup_in_the_reason_too(owner, client, app):
    reference = send(client)
    staff = staff_client(client, app)
    url = f"/staff/cases/{reference}/arrangement"
    page = staff.submit(
        url + "/counter", {**offer("200"), "reason": "<b>no</b>"}, from_url=url, form_index=1, expect=200
    )
    assert "Reason must not include < or >" in page.soup.select_one("#reason-error").get_text()
    page = staff.submit(
        url + "/counter", {**offer("200"), "reason": "Too little."}, from_url=url, form_index=1, expect=200
    )
    assert "Each payment must be £125.00 or less" in page.soup.select_one("#amount-error").get_text()
    page = staff.submit(url + "/counter", {**offer("20"), "reason": ""}, from_url=url, form_index=1, expect=200)
    assert "Enter why you cannot accept their offer" in page.soup.select_one("#reason-error").get_text()
    assert in_app(app, lambda: db.session.scalar(sa.select(CouncilTaxArrangement.status))).value == "proposed"


def test_nobody_else_sees_or_answers_an_arrangement(owner, client, app):
    reference = send(client)
    mine_url = f"{account_url(ACCOUNT_A)}/arrangements/{reference}"
    stranger = type(client)(app.test_client())
    sign_in(stranger, person(app))
    token = stranger.get("/services/council-tax/link").csrf_token()
    for url in (START, INCOME, OFFER, CHECK, mine_url, f"{account_url(ACCOUNT_A)}/bill-format"):
        stranger.get(url, expect=404)
    stranger.post(mine_url, {"csrf_token": token}, expect=404)
    stranger.post(INCOME, {"csrf_token": token, **money(earnings="1")}, expect=404)
    # A joint payer who linked the same account still cannot see someone else's arrangement.
    joint = type(client)(app.test_client())
    someone = person(app, email="joint@example.com")
    linked(app, someone)
    sign_in(joint, someone)
    joint.get(mine_url, expect=404)
    client.get(f"{account_url(ACCOUNT_A)}/arrangements/NOT-A-CASE", expect=404)
    client.get(f"{account_url(ACCOUNT_A)}/arrangements/{'9' * 40}", expect=404)
    client.get(f"{START}/not-a-section", expect=404)
    # Residents do not reach the staff pages; unknown cases are 404 for staff.
    client.get(f"/staff/cases/{reference}/arrangement", expect=403)
    staff = staff_client(client, app)
    staff.get("/staff/cases/NOT-A-CASE/arrangement", expect=404)


def test_without_a_csrf_token_nothing_is_sent_or_answered(owner, client, app):
    client.post(INCOME, money(earnings="100"), expect=400)
    fill_statement(client)
    client.submit(OFFER, offer())
    client.post(CHECK, {}, expect=400)
    reference = client.follow(client.submit(CHECK)).soup.select_one("#reference").get_text(strip=True)
    staff = staff_client(client, app)
    staff.post(f"/staff/cases/{reference}/arrangement/accept", {}, expect=400)
    staff.post(f"/staff/cases/{reference}/arrangement/counter", {**offer(), "reason": "No."}, expect=400)
    assert in_app(app, lambda: db.session.scalar(sa.select(CouncilTaxArrangement.status))).value == "proposed"


def test_an_account_not_behind_has_nothing_to_arrange(imported, client, app):  # noqa: F811
    someone = person(app)
    linked(app, someone, reference=ACCOUNT_B, key="ZZZZ9999", postcode="DM1 2CD")
    sign_in(client, someone)
    assert client.get(account_url(ACCOUNT_B)).soup.select_one("#arrangement-link") is None
    page = client.get(account_url(ACCOUNT_B) + "/arrangement")
    assert page.soup.select_one("#not-behind") is not None
    assert client.get(account_url(ACCOUNT_B) + "/arrangement/income", expect=302).location.endswith(
        account_url(ACCOUNT_B) + "/arrangement"
    )


def test_the_offer_page_waits_for_every_section(owner, client):
    client.submit(INCOME, money(earnings="100"))
    assert client.get(OFFER, expect=302).location.endswith(FIXED)
    assert client.get(CHECK, expect=302).location.endswith(OFFER)


def test_the_answers_come_back_when_the_person_goes_back(owner, client):
    client.submit(INCOME, money(earnings=("300", "weekly")))
    page = client.get(INCOME)
    assert page.soup.select_one("#earnings")["value"] == "300"
    assert page.soup.select_one("#earnings_frequency option[selected]")["value"] == "weekly"


def test_an_account_paid_off_since_the_offer_cannot_send_it(owner, client, app, tmp_path):
    fill_statement(client)
    client.submit(OFFER, offer())
    files = extract_files()
    files["instalments.csv"][1] = [ACCOUNT_A, "2026", "2", "2026-09-15", "12500", "12500"]
    files["recovery.csv"] = []
    files["accounts.csv"][0][8] = "0"
    with app.app_context():
        extract.import_folder(write_extract(tmp_path / "paid", files, extracted_at="2026-11-24T01:30:00Z"))
        db.session.commit()
    assert client.get(CHECK, expect=302).location.endswith(START)


def test_one_arrangement_at_a_time_when_a_joint_payer_sends_first(owner, client, app):
    fill_statement(client)
    client.submit(OFFER, offer())
    joint = type(client)(app.test_client())
    someone = person(app, email="joint@example.com")
    linked(app, someone)
    sign_in(joint, someone)
    send(joint)
    assert client.get(INCOME, expect=302).location.endswith(START)
    token = client.get(f"{account_url(ACCOUNT_A)}/bill-format").csrf_token()
    assert client.post(CHECK, {"csrf_token": token}, expect=302).location.endswith(START)  # nothing sent twice
    assert in_app(app, lambda: db.session.scalar(sa.select(sa.func.count(CouncilTaxArrangement.id)))) == 1


def test_the_service_itself_refuses_a_second_arrangement_waiting(owner, app):
    with app.test_request_context():
        user = db.session.get(User, owner.id)
        account = links.linked_account(user, ACCOUNT_A)
        terms = arrangements.Offer(2500, Frequency.MONTHLY, date(2026, 12, 1))
        arrangements.propose(user, account, 12500, {}, terms, today=TODAY, language="en")
        with pytest.raises(ServiceError):
            arrangements.propose(user, account, 12500, {}, terms, today=TODAY, language="en")
        assert db.session.scalar(sa.select(sa.func.count(CouncilTaxArrangement.id))) == 1
