"""Moving within the area from a linked account: the new address from the gazetteer, the date, who
moves too, the landlord; the old address's final bill (up to the day before the move) and the new
address's bill (from the day of the move) estimated before anything is sent; then a request for the
export and a case for the revenues team. Nobody who has not linked the account can use it."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CouncilTaxRequest, RequestKind, Role
from app.services import cases, working_days
from app.services.council_tax import export, extract
from tests.factories import sign_in
from tests.integration.test_council_tax_import import ACCOUNT_A, ACCOUNT_B, extract_files, write_extract
from tests.integration.test_council_tax_links import account_url, in_app, linked, person

pytestmark = pytest.mark.db

TODAY = date(2026, 11, 24)
START = account_url(ACCOUNT_A) + "/moving-within"
ADDRESS = START + "/address"
MANUAL = ADDRESS + "/manual"
DETAILS = START + "/details"
CHECK = START + "/check"
NEW_UPRN = "100000000002"  # Flat A, 2 High Street, DM1 1AB: band D in this test's valuation list


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(cases, "london_today", lambda: TODAY)


@pytest.fixture
def imported_with_flat(app, database, tmp_path):
    files = extract_files()
    files["properties.csv"].append(["P3", NEW_UPRN, "Flat A, 2 High Street", "", "Demoton", "DM1 1AB", "D"])
    with app.app_context():
        result = extract.import_folder(write_extract(tmp_path / "extract", files))
        assert not result.rejected
        db.session.commit()


@pytest.fixture
def owner(imported_with_flat, client, app):
    someone = person(app, email="mover@example.com")
    linked(app, someone)
    sign_in(client, someone)
    return someone


def moving_on(day: date) -> dict:
    return {"moving_on": [str(day.day), str(day.month), str(day.year)]}


def to_check(client, day=date(2026, 12, 1), uprn=NEW_UPRN, **fields):
    assert client.submit(START, {"postcode": "DM1 1AB"}).location.endswith(ADDRESS)
    assert client.submit(ADDRESS, {"address": uprn}).location.endswith(DETAILS)
    sent = client.submit(DETAILS, {**moving_on(day), **fields})
    assert sent.location.endswith(CHECK), sent.error_summary
    return client.get(CHECK)


def rows(page, selector) -> dict[str, str]:
    return {
        row.select_one("dt").get_text(strip=True): row.select_one(".govuk-summary-list__value").get_text(strip=True)
        for row in page.soup.select(f"{selector} .govuk-summary-list__row")
    }


def requests(app) -> list:
    return in_app(app, lambda: list(db.session.scalars(sa.select(CouncilTaxRequest))))


def test_the_move_is_estimated_twice_then_sent_exported_and_queued(owner, client, app, tmp_path):
    assert client.get(account_url(ACCOUNT_A)).soup.select_one("#moving-within-link a")["href"] == START
    check = to_check(client, moving_with="Alex Jones", landlord="Demo Lettings, 1 Market Street")
    answers = check.soup.select_one("#answers").get_text(" ", strip=True)
    assert "Flat A, 2 High Street, Demoton, DM1 1AB" in answers and "1 December 2026" in answers
    assert "Alex Jones" in answers and "Demo Lettings" in answers
    # The old address up to 30 November, as moving out that day: 134 days, £585.93 with the single
    # person discount the record has; £119.39 paid.
    assert rows(check, "#estimate") == {
        "Days you pay for": "134 of the 365 days in the year, 20 July 2026 to 30 November 2026",
        "Council tax for those days": "£585.93",
        "Paid so far this year": "£119.39",
        "Left to pay": "£466.54",
    }
    # The new address, band D (£2,394.00), 1 December to 31 March: 121 days, £793.6274..., no discount.
    assert rows(check, "#estimate-2026-27") == {
        "Band": "D",
        "Council tax for the whole year": "£2,394.00",
        "Days you pay for": "121 of the 365 days in the year, 1 December 2026 to 31 March 2027",
        "Estimated council tax for those days": "£793.63",
    }
    assert "These are estimates" in check.text
    assert requests(app) == []

    confirmation = client.follow(client.submit(CHECK))
    reference = confirmation.soup.select_one("#reference").get_text(strip=True)
    assert "You have told us you are moving" in confirmation.h1
    with app.app_context():
        [request] = db.session.scalars(sa.select(CouncilTaxRequest))
        assert (request.kind, request.account_reference) == (RequestKind.MOVING_WITHIN, ACCOUNT_A)
        details = request.details
        assert (details["moving_on"], details["old_address_last_day"]) == ("2026-12-01", "2026-11-30")
        assert details["new_address"]["uprn"] == 100000000002
        assert details["estimated_final_bill"]["left_pence"] == 46654
        assert [year["charge_pence"] for year in details["estimated_new_bill"]] == [79363]
        assert (details["moving_with"], details["case_reference"]) == ("Alex Jones", reference)
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert (case.service_id, case.team, case.user_id) == ("council-tax-moving-within", "revenues", owner.id)
        assert case.due_date == working_days.add_working_days(TODAY, 10)
        [written] = export.export(tmp_path, commit=db.session.commit)
    [line] = [json.loads(text) for text in written.path.read_text().splitlines()]
    assert (line["kind"], line["account_ref"]) == ("moving_within", ACCOUNT_A)
    assert client.get(CHECK, expect=302).location.endswith(START)  # sent once
    assert "Council tax: moving within the area" in client.get("/account/requests").text
    staff = type(client)(app.test_client())
    sign_in(staff, person(app, role=Role.STAFF))
    assert reference in staff.get("/staff/cases?service=council-tax-moving-within").text
    page = staff.get(f"/staff/cases/{reference}")
    assert "£466.54 left to pay" in page.text and "band D" in page.text


def test_the_property_being_left_cannot_be_chosen(owner, client):
    client.submit(START, {"postcode": "DM1 1AB"})
    page = client.submit(ADDRESS, {"address": "100000000001"}, expect=200)
    assert (
        page.soup.select_one("#address-error")
        .get_text(strip=True)
        .endswith("Select the address you are moving to, not the one you are leaving")
    )


def test_a_new_address_with_no_band_says_the_council_will_tell_them(owner, client):
    check = to_check(client, uprn="100000000003")
    assert check.soup.select_one("#no-band") and rows(check, "#estimate")["Left to pay"] == "£466.54"


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["", "", ""], "Enter the date you move"),
        (["30", "2", "2027"], "The date you move must be a real date"),
        (["9", "12", "2026"], "The date you move must be the same as or before 8 December 2026"),
        (["20", "7", "2026"], "The date you move must be the same as or after 21 July 2026"),
    ],
)
def test_a_date_that_will_not_do_is_refused_next_to_the_field(owner, client, parts, message):
    client.submit(START, {"postcode": "DM1 1AB"})
    client.submit(ADDRESS, {"address": NEW_UPRN})
    page = client.submit(DETAILS, {"moving_on": parts, "moving_with": "Alex Jones"}, expect=200)
    assert page.soup.select_one("#moving_on-fieldset-error").get_text(strip=True).endswith(message)
    assert page.soup.select_one("#moving_with")["value"] == "Alex Jones"


def test_the_limits_quoted_are_accepted(owner, client):
    for day in (date(2026, 12, 8), date(2026, 7, 21)):
        assert to_check(client, day=day).status == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("moving_with", "<script>x</script>", "Names and addresses must not include < or >"),
        ("landlord", "y" * 201, "Landlord or letting agent must be 200 characters or fewer"),
    ],
)
def test_hostile_answers_are_refused(owner, client, field, value, message):
    client.submit(START, {"postcode": "DM1 1AB"})
    client.submit(ADDRESS, {"address": NEW_UPRN})
    page = client.submit(DETAILS, {**moving_on(date(2026, 12, 1)), field: value}, expect=200)
    assert page.soup.select_one(f"#{field}-error").get_text(strip=True).endswith(message)


def test_nobody_else_can_use_someone_else_s_account(owner, client, app):
    stranger = type(client)(app.test_client())
    sign_in(stranger, person(app))
    for url in (START, ADDRESS, MANUAL, DETAILS, CHECK):
        stranger.get(url, expect=404)
    token = stranger.get("/services/council-tax/link").csrf_token()
    stranger.post(START, {"csrf_token": token, "postcode": "DM1 1AB"}, expect=404)
    stranger.post(CHECK, {"csrf_token": token}, expect=404)
    to_check(client)
    reference = client.follow(client.submit(CHECK)).soup.select_one("#reference").get_text(strip=True)
    stranger.get(f"{START}/sent/{reference}", expect=404)
    client.get(f"{START}/sent/NOT-A-CASE", expect=404)
    assert len(requests(app)) == 1


def test_without_a_csrf_token_nothing_is_sent(owner, client, app):
    client.post(START, {"postcode": "DM1 1AB"}, expect=400)
    to_check(client)
    client.post(CHECK, {}, expect=400)
    assert requests(app) == []


def test_an_account_that_has_ended_says_so(imported_with_flat, client, app):
    someone = person(app)
    linked(app, someone, reference=ACCOUNT_B, key="ZZZZ9999", postcode="DM1 2CD")
    sign_in(client, someone)
    assert client.get(account_url(ACCOUNT_B)).soup.select_one("#moving-within-link") is None
    page = client.get(account_url(ACCOUNT_B) + "/moving-within")
    assert page.soup.select_one("#ended") and not page.soup.select("main form")


def test_in_welsh(owner, client):
    client.raw.set_cookie("doorstep_language", "cy")
    check = to_check(client)
    assert "amcangyfrif" in check.text.lower()
