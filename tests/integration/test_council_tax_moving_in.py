"""Telling us you are moving in, with no account needed: the address found by postcode in the
gazetteer (or typed when not listed), the date, owning or renting, the adults, the previous address;
the bill estimated from the band the valuation list has for the UPRN (with the single person discount
when asked for) before anything is sent; then a request for the export, a case for the revenues team
with a due date, a confirmation with a reference, and the case in "Your requests"."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CouncilTaxRequest, OutboundMessage, RequestKind, Role
from app.services import cases, working_days
from app.services.council_tax import export
from tests.factories import sign_in
from tests.integration.test_council_tax_links import imported, in_app, person  # noqa: F401

pytestmark = pytest.mark.db

TODAY = date(2026, 11, 24)
START = "/services/council-tax/moving-in"
ADDRESS = START + "/address"
MANUAL = ADDRESS + "/manual"
DETAILS = START + "/details"
ADULTS = START + "/adults"
DISCOUNT = START + "/discount"
CHECK = START + "/check"
UPRN_BAND_C = "100000000001"  # 1 High Street, DM1 1AB: band C in the imported valuation list
UPRN_NO_BAND = "100000000003"  # 3 High Street, DM1 1AB: in the gazetteer, not in the list
PREVIOUS = {"previous_line_1": "12 Sea View", "previous_line_2": "", "previous_town": "Aberystwyth"}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(cases, "london_today", lambda: TODAY)


@pytest.fixture
def mover(imported, client, app):  # noqa: F811
    someone = person(app, email="newcomer@example.com")
    sign_in(client, someone)
    return someone


def on(day: date, name="moving_in_on") -> dict:
    return {name: [str(day.day), str(day.month), str(day.year)]}


def details(day=date(2026, 11, 30), **fields) -> dict:
    return {**on(day), "tenure": "owns", **PREVIOUS, "previous_postcode": "sy23 1ab", **fields}


def to_details(client, uprn=UPRN_BAND_C):
    assert client.submit(START, {"postcode": "dm1 1ab"}).location.endswith(ADDRESS)
    assert client.submit(ADDRESS, {"address": uprn}).location.endswith(DETAILS)


def to_check(client, adults=("Rhian Evans",), discount="no", uprn=UPRN_BAND_C, **fields):
    to_details(client, uprn)
    sent = client.submit(DETAILS, details(**fields))
    assert sent.location.endswith(ADULTS), sent.error_summary
    for name in adults[:-1]:
        assert client.submit(ADULTS, {"name": name, "action": "add"}).location.endswith(ADULTS)
    last = client.submit(ADULTS, {"name": adults[-1], "action": "continue"})
    if len(adults) == 1:
        assert last.location.endswith(DISCOUNT)
        last = client.submit(DISCOUNT, {"single_person_discount": discount})
    assert last.location.endswith(CHECK), last.error_summary
    return client.get(CHECK)


def estimate_rows(page, year="2026-27") -> dict[str, str]:
    rows = page.soup.select(f"#estimate-{year} .govuk-summary-list__row")
    return {
        row.select_one("dt").get_text(strip=True): row.select_one(".govuk-summary-list__value").get_text(strip=True)
        for row in rows
    }


def requests(app) -> list:
    return in_app(app, lambda: list(db.session.scalars(sa.select(CouncilTaxRequest))))


def test_the_move_in_is_estimated_then_sent_exported_and_queued(mover, client, app, tmp_path):
    start = client.get("/services/council-tax")
    assert start.soup.select_one("#moving-in-link a")["href"] == START
    choose = client.follow(client.submit(START, {"postcode": "dm1 1ab"}))
    assert "1 High Street, Demoton, DM1 1AB" in choose.text and choose.soup.select_one("#not-listed")
    check = to_check(
        client,
        adults=("Rhian Evans",),
        discount="yes",
        tenure="rents",
        landlord_name="Demo Lettings",
        landlord_address="1 Market Street, Demoton, DM1 1AB",
    )
    answers = check.soup.select_one("#answers").get_text(" ", strip=True)
    assert "1 High Street, Demoton, DM1 1AB" in answers and "30 November 2026" in answers
    assert "Demo Lettings" in answers and "Rhian Evans" in answers and "SY23 1AB" in answers
    # Band C in 2026-27: £2,394.00 x 8/9 = £2,128.00; 30 November to 31 March is 122 days of 365:
    # £711.2767...; less the 25% single person discount, £533.4575..., so £533.46.
    assert estimate_rows(check) == {
        "Band": "C",
        "Council tax for the whole year": "£2,128.00",
        "Days you pay for": "122 of the 365 days in the year, 30 November 2026 to 31 March 2027",
        "Single person discount": "25% off",
        "Estimated council tax for those days": "£533.46",
    }
    assert "This is an estimate" in check.text
    assert requests(app) == []

    confirmation = client.follow(client.submit(CHECK))
    reference = confirmation.soup.select_one("#reference").get_text(strip=True)
    assert "You have told us you are moving in" in confirmation.h1
    with app.app_context():
        [request] = db.session.scalars(sa.select(CouncilTaxRequest))
        assert (request.kind, request.account_reference) == (RequestKind.MOVING_IN, "")
        assert request.details["address"] == {
            "uprn": 100000000001,
            "lines": ["1 High Street", "Demoton"],
            "postcode": "DM1 1AB",
        }
        assert request.details["tenure"] == "rents" and request.details["landlord"]["name"] == "Demo Lettings"
        assert (request.details["adults"], request.details["single_person_discount"]) == (["Rhian Evans"], True)
        assert request.details["previous_address"] == {"lines": ["12 Sea View", "Aberystwyth"], "postcode": "SY23 1AB"}
        assert request.details["estimated_bill"] == [
            {
                "year": "2026-27",
                "band": "C",
                "from": "2026-11-30",
                "to": "2027-03-31",
                "days": 122,
                "annual_charge_pence": 212800,
                "percent_off": 25,
                "charge_pence": 53346,
            }
        ]
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert (case.service_id, case.team, case.user_id) == ("council-tax-moving-in", "revenues", mover.id)
        assert case.due_date == working_days.add_working_days(TODAY, 10) > TODAY
        assert case.due_date.strftime("%-d %B %Y") in confirmation.text
        message = db.session.scalar(
            sa.select(OutboundMessage).where(OutboundMessage.recipient == "newcomer@example.com")
        )
        assert reference in message.subject
        [written] = export.export(tmp_path, commit=db.session.commit)
    [line] = [json.loads(text) for text in written.path.read_text().splitlines()]
    assert (line["kind"], line["account_ref"], line["details"]["moving_in_on"]) == ("moving_in", None, "2026-11-30")
    assert client.get(CHECK, expect=302).location.endswith(START)  # sent once
    assert len(requests(app)) == 1
    assert "Council tax: moving in" in client.get("/account/requests").text


def test_the_revenues_team_sees_it_in_the_staff_inbox(mover, client, app):
    to_check(client, adults=("Rhian Evans", "Alex Jones"))
    reference = client.follow(client.submit(CHECK)).soup.select_one("#reference").get_text(strip=True)
    staff = type(client)(app.test_client())
    sign_in(staff, person(app, role=Role.STAFF))
    assert reference in staff.get("/staff/cases?service=council-tax-moving-in").text
    case = staff.get(f"/staff/cases/{reference}")
    assert "Alex Jones" in case.text and "1 High Street" in case.text and "band C" in case.text


def test_two_adults_get_no_discount_question_and_no_discount(mover, client):
    check = to_check(client, adults=("Rhian Evans", "Alex Jones"))
    rows = estimate_rows(check)
    assert "Single person discount" not in rows
    assert rows["Estimated council tax for those days"] == "£711.28"
    assert client.get(DISCOUNT, expect=302).location.endswith(ADULTS)


def test_no_band_for_the_address_says_the_council_will_tell_them(mover, client, app):
    check = to_check(client, uprn=UPRN_NO_BAND)
    assert check.soup.select_one("#no-band") and not check.soup.select('[id^="estimate-"]')
    client.submit(CHECK)
    [request] = requests(app)
    assert (request.details["band"], request.details["estimated_bill"]) == (None, [])


def test_an_address_not_listed_is_typed_in(mover, client, app):
    client.submit(START, {"postcode": "DM9 9ZZ"})
    page = client.get(ADDRESS)
    assert page.soup.select_one("#none-found")
    manual = {"address_line_1": "The Old Barn", "address_line_2": "", "town": "Demoton", "postcode": "DM9 9ZZ"}
    assert client.submit(MANUAL, manual).location.endswith(DETAILS)
    client.submit(DETAILS, details())
    client.submit(ADULTS, {"name": "Rhian Evans", "action": "continue"})
    client.submit(DISCOUNT, {"single_person_discount": "no"})
    check = client.get(CHECK)
    assert "The Old Barn, Demoton, DM9 9ZZ" in check.text and check.soup.select_one("#no-band")
    client.submit(CHECK)
    [request] = requests(app)
    assert request.details["address"] == {"uprn": None, "lines": ["The Old Barn", "Demoton"], "postcode": "DM9 9ZZ"}


def test_a_move_last_year_is_estimated_for_that_year_and_this(mover, client, monkeypatch):
    monkeypatch.setattr(cases, "london_today", lambda: date(2027, 4, 10))
    check = to_check(client, day=date(2027, 3, 31))
    # 31 March 2027 is one day of 2026-27; 2027-28 has no band D charge in the settings, so no estimate.
    assert estimate_rows(check)["Days you pay for"] == "1 of the 365 days in the year, 31 March 2027 to 31 March 2027"
    assert estimate_rows(check)["Estimated council tax for those days"] == "£5.83"
    assert not check.soup.select("#estimate-2027-28")


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["", "", ""], "Enter the date you move in"),
        (["31", "2", "2027"], "The date you move in must be a real date"),
        (["<b>1</b>", "12", "2026"], "The date you move in must be a real date"),
        (["1", "12", "99999999999999999999"], "The date you move in must be a real date"),
        (["9", "12", "2026"], "The date you move in must be the same as or before 8 December 2026"),
        (["23", "11", "2025"], "The date you move in must be the same as or after 24 November 2025"),
    ],
)
def test_a_date_that_will_not_do_is_refused_next_to_the_field(mover, client, app, parts, message):
    to_details(client)
    page = client.submit(DETAILS, {**details(), "moving_in_on": parts}, expect=200)
    assert page.soup.select_one("#moving_in_on-fieldset-error").get_text(strip=True).endswith(message)
    assert page.soup.select_one("#previous_line_1")["value"] == "12 Sea View"  # nothing typed is lost
    assert requests(app) == []


def test_the_limits_quoted_in_errors_are_accepted(mover, client):
    to_details(client)
    for day in (date(2026, 12, 8), date(2025, 11, 24), TODAY):
        assert client.submit(DETAILS, details(day)).location.endswith(ADULTS)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"tenure": "rents"}, "landlord_name", "Enter the name of your landlord or letting agent"),
        (
            {"tenure": "rents", "landlord_name": "A"},
            "landlord_address",
            "Enter the address of your landlord or letting agent",
        ),
        ({"tenure": "squat"}, "tenure", "Select whether you own or rent the property"),
        ({"landlord_name": "<script>x</script>"}, "landlord_name", "Names and addresses must not include < or >"),
        ({"previous_line_1": "x" * 10_000}, "previous_line_1", "Address line 1 must be 100 characters or fewer"),
        ({"previous_postcode": "NOT A CODE"}, "previous_postcode", "Enter a full UK postcode, like DM1 1AB"),
    ],
)
def test_details_that_will_not_do_are_refused_next_to_the_field(mover, client, fields, field, message):
    to_details(client)
    page = client.submit(DETAILS, details(**fields), expect=200)
    assert page.soup.select_one(f"#{field}-error").get_text(strip=True).endswith(message)
    assert [box["value"] for box in page.soup.select("#moving_in_on-fieldset input")] == ["30", "11", "2026"]


def test_the_example_postcode_in_the_error_is_accepted(mover, client):
    to_details(client)
    assert client.submit(DETAILS, details(previous_postcode="DM1 1AB")).location.endswith(ADULTS)
    assert client.submit(START, {"postcode": "DM1 1AB"}).location.endswith(ADDRESS)


def test_a_uprn_outside_the_borough_or_another_postcode_is_refused(mover, client, app):
    client.submit(START, {"postcode": "DM1 1AB"})
    for forged in ("999999999999", "100000000099", "<b>1</b>", "1" * 400):
        page = client.submit(ADDRESS, {"address": forged}, expect=200)
        assert page.soup.select_one("#address-error").get_text(strip=True).endswith("Select your address from the list")
    assert client.get(DETAILS, expect=302).location.endswith(START)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("<img src=x>", "Names and addresses must not include < or >"),
        ("x" * 101, "Full name must be 100 characters or fewer"),
        ("", "Enter your full name, or the name of an adult who lives there"),
    ],
)
def test_an_adult_s_name_that_will_not_do_is_refused(mover, client, name, message):
    to_details(client)
    client.submit(DETAILS, details())
    page = client.submit(ADULTS, {"name": name, "action": "continue"}, expect=200)
    assert page.soup.select_one("#name-error").get_text(strip=True).endswith(message)


def test_adults_can_be_added_and_removed(mover, client):
    to_details(client)
    client.submit(DETAILS, details())
    client.submit(ADULTS, {"name": "Rhian Evans", "action": "add"})
    page = client.follow(client.submit(ADULTS, {"name": "Alex Jones", "action": "add"}))
    assert [row.get_text(strip=True) for row in page.soup.select("#adults dd.govuk-summary-list__value")] == [
        "Rhian Evans",
        "Alex Jones",
    ]
    again = client.submit(ADULTS, {"name": "", "action": "add"}, expect=200)
    assert (
        again.soup.select_one("#name-error")
        .get_text(strip=True)
        .endswith("Enter the full name of an adult who lives there")
    )
    token = client.get(ADULTS).csrf_token()
    client.post(ADULTS + "/remove", {"csrf_token": token, "index": "1"}, expect=302)
    client.post(ADULTS + "/remove", {"csrf_token": token, "index": "7"}, expect=404)
    for forged in ("-1", "<b>", "9" * 400, ""):
        client.post(ADULTS + "/remove", {"csrf_token": token, "index": forged}, expect=400)
    assert client.submit(ADULTS, {"name": "", "action": "continue"}).location.endswith(DISCOUNT)


def test_without_a_csrf_token_nothing_is_saved_or_sent(mover, client, app):
    client.post(START, {"postcode": "DM1 1AB"}, expect=400)
    to_check(client)
    client.post(CHECK, {}, expect=400)
    client.post(ADULTS + "/remove", {"index": "0"}, expect=400)
    assert requests(app) == []


def test_signed_out_people_are_asked_to_sign_in(imported, client):  # noqa: F811
    assert "sign-in" in client.get(START, expect=302).location


def test_nobody_else_sees_the_confirmation(mover, client, app):
    to_check(client)
    reference = client.follow(client.submit(CHECK)).soup.select_one("#reference").get_text(strip=True)
    stranger = type(client)(app.test_client())
    sign_in(stranger, person(app))
    stranger.get(f"{START}/sent/{reference}", expect=404)
    client.get(f"{START}/sent/NOT-A-CASE", expect=404)
    client.get(f"{START}/sent/{'X' * 500}", expect=404)


def test_change_goes_back_to_the_answers_as_given(mover, client):
    to_check(client, tenure="rents", landlord_name="Demo Lettings", landlord_address="1 Market Street")
    form = client.get(DETAILS)
    assert [box["value"] for box in form.soup.select("#moving_in_on-fieldset input")] == ["30", "11", "2026"]
    assert form.soup.select_one("#landlord_name")["value"] == "Demo Lettings"
    assert form.soup.select_one("#previous_postcode")["value"] == "SY23 1AB"


def test_in_welsh(mover, client):
    client.raw.set_cookie("doorstep_language", "cy")
    assert "Rhowch wybod i ni eich bod yn symud i mewn" in client.get(START).h1
    check = to_check(client)
    assert "amcangyfrif" in check.text


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter the postcode of the address you are moving to"),
        ("<script>alert(1)</script>", "Enter a full UK postcode, like DM1 1AB"),
        ("x" * 10_000, "Enter a full UK postcode, like DM1 1AB"),
        ("NOT A CODE", "Enter a full UK postcode, like DM1 1AB"),
    ],
)
def test_a_postcode_that_will_not_do_is_refused_next_to_the_field(mover, client, postcode, message):
    page = client.submit(START, {"postcode": postcode}, expect=200)
    assert page.soup.select_one("#postcode-error").get_text(strip=True).endswith(message)


def test_every_step_refuses_a_post_without_a_csrf_token(mover, client, app):
    to_details(client)
    client.post(ADDRESS, {"address": UPRN_BAND_C}, expect=400)
    client.post(MANUAL, {"address_line_1": "1 Lane", "town": "Demoton", "postcode": "DM1 1AB"}, expect=400)
    client.post(DETAILS, details(), expect=400)
    client.submit(DETAILS, details())
    client.post(ADULTS, {"name": "Rhian Evans", "action": "continue"}, expect=400)
    assert client.get(CHECK, expect=302).location.endswith(START)  # nothing was kept
    assert requests(app) == []


def test_the_steps_cannot_be_skipped(mover, client):
    assert client.get(ADDRESS, expect=302).location.endswith(START)
    assert client.get(DETAILS, expect=302).location.endswith(START)
    assert client.get(ADULTS, expect=302).location.endswith(DETAILS)
    assert client.get(DISCOUNT, expect=302).location.endswith(ADULTS)
    assert client.get(CHECK, expect=302).location.endswith(START)
    to_details(client)
    client.submit(DETAILS, details())
    client.submit(ADULTS, {"name": "Rhian Evans", "action": "continue"})
    assert client.get(CHECK, expect=302).location.endswith(DISCOUNT)  # a sole adult is asked first
