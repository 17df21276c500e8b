"""A linked account's pages: the balance, this year's bill explained (band, charge, discounts with
dates, liability by period after a move), the instalments with what is paid and due, payments, and
the recovery stage with what it means and what to do; in English and Welsh; only for people who
have linked the account."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CouncilTaxAccount, User
from app.services import demo
from app.services.council_tax import links
from tests.factories import sign_in
from tests.integration.test_council_tax_import import ACCOUNT_A, ACCOUNT_B
from tests.integration.test_council_tax_links import account_url, imported, linked, person  # noqa: F401

pytestmark = pytest.mark.db


@pytest.fixture
def owner(imported, client, app):  # noqa: F811
    someone = person(app)
    linked(app, someone)
    sign_in(client, someone)
    return someone


def test_the_account_page_shows_the_balance_this_year_payments_and_the_reminder(owner, client):
    page = client.get(account_url(ACCOUNT_A))
    assert "You owe £1,000.00" in page.soup.select_one("#balance").get_text(" ", strip=True)
    assert "From our records on 23 November 2026" in page.text
    summary = page.soup.select_one("#this-year-summary").get_text(" ", strip=True)
    assert "Your bill for 2026-27" in page.text
    assert "Bill for the year £1,119.39" in summary  # 149252 - 37313, from the record
    assert "Paid of this year's instalments £119.39" in summary
    assert "Overdue now £125.00" in summary  # instalment 2, due 15 September, not paid
    payments = page.soup.select_one("#payments").get_text(" ", strip=True)
    assert "15 Aug 2026 Payment (Direct Debit) £119.39" in payments
    recovery = page.soup.select_one("#recovery")
    assert recovery["data-stage"] == "reminder"
    text = recovery.get_text(" ", strip=True)
    assert "Reminder, sent on 25 September 2026: it asks for £125.00 by 2 October 2026." in text
    assert "you can keep paying by instalments" in text and "Call us on" in text
    assert page.soup.find("a", href=f"/services/council-tax/accounts/{ACCOUNT_A}/bill")


def test_the_bill_page_explains_a_part_year_with_the_discount_and_the_instalments(owner, client):
    page = client.get(account_url(ACCOUNT_A) + "/bill")
    assert page.h1 == "Your council tax bill for 2026-27"
    charges = page.soup.select_one("#charges").get_text(" ", strip=True)
    assert (
        "Band C from 20 July 2026 to 31 March 2027: 255 of the 365 days in the year, so £1,492.52 "
        "(the year's charge of £2,128.00, times 255, divided by 365)."
    ) in charges
    assert "You pay only for the days you were liable" in page.text
    reductions = page.soup.select_one("#reductions").get_text(" ", strip=True)
    assert "Single person discount (25%) from 20 July 2026 to 31 March 2027: £373.13 off." in reductions
    total = page.soup.select_one("#bill-total").get_text(" ", strip=True)
    assert "Charge before discounts £1,492.52" in total and "Bill for the year £1,119.39" in total
    rows = page.soup.select("#instalments tbody tr")
    assert [row["data-state"] for row in rows] == ["paid", "overdue"]
    assert "15 August 2026 £119.39 £119.39 Paid" in rows[0].get_text(" ", strip=True)
    assert "Total £244.39 £119.39" in page.soup.select_one("#instalments tfoot").get_text(" ", strip=True)
    # The record's two instalments do not add up to the bill: said plainly, not hidden.
    assert "The instalments add up to £244.39, not the bill's £1,119.39" in page.text


def test_the_pages_in_welsh(owner, client):
    client.raw.set_cookie("doorstep_language", "cy")
    page = client.get(account_url(ACCOUNT_A))
    assert "Mae arnoch £1,000.00" in page.text and "Nodyn atgoffa" in page.text
    bill = client.get(account_url(ACCOUNT_A) + "/bill")
    assert "Gostyngiad person sengl" in bill.text and "Eich bil treth gyngor ar gyfer 2026-27" in bill.h1


@pytest.mark.parametrize("year", ["2025", "1999", "<script>", "99999999999999999999", "-1", "２０２６"])
def test_a_year_the_account_has_no_bill_for_is_not_found(owner, client, year):
    client.get(account_url(ACCOUNT_A) + "/bill", query_string={"year": year}, expect=404)


def test_a_credit_and_a_closed_account_say_so(imported, client, app):  # noqa: F811
    someone = person(app)
    linked(app, someone, reference=ACCOUNT_B, key="ZZZZ9999", postcode="DM1 2CD")
    sign_in(client, someone)
    page = client.get(account_url(ACCOUNT_B))
    assert "You are £15.00 in credit" in page.text
    assert "You were liable for this property until 19 July 2026." in page.text
    assert page.soup.select_one("#recovery") is None
    assert "Sam Patel, Ria Patel" in page.text


def test_nobody_else_sees_the_bill(owner, client, app):
    stranger = type(client)(app.test_client())
    sign_in(stranger, person(app))
    stranger.get(account_url(ACCOUNT_A) + "/bill", expect=404)
    stranger.get(account_url(ACCOUNT_A) + "/bill?year=2026", expect=404)
    assert client.get(account_url(ACCOUNT_A) + "/bill?year=2026").status == 200


def test_every_demo_account_s_pages_show_without_an_error(app, client, database):
    """Every kind of account the demo extract makes (moves, joint payers, every recovery stage,
    credits, exemptions) renders, in both languages."""
    with app.test_request_context():
        demo.load()
        resident = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
        references = list(db.session.scalars(sa.select(CouncilTaxAccount.reference)))
        for reference in references:
            links.link_demo_account(resident, reference)
        db.session.commit()
    client.submit("/sign-in", {"email": demo.DEMO_ACCOUNTS[0].email, "password": demo.DEMO_ACCOUNTS[0].password})
    stages = set()
    for number, reference in enumerate(references):
        if number % 2:
            client.raw.set_cookie("doorstep_language", "cy" if number % 4 == 1 else "en")
        page = client.get(account_url(reference))
        if (found := page.soup.select_one("#recovery")) is not None:
            stages.add(found["data-stage"])
        client.get(account_url(reference) + "/bill")
    assert len(stages) >= 6, stages
