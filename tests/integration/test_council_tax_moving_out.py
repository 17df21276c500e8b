"""Telling us you are moving out: the date and forwarding address asked, the final bill estimated
day by day (with the record's discount) before anything is sent, then a request for the export, a
case in the revenues team's queue with a due date, a confirmation with a reference and a message.
Refused for anyone who has not linked the account, without a CSRF token, and, next to the field
with what was typed kept, for dates and addresses that will not do."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CouncilTaxRequest, OutboundMessage, RequestKind, Role
from app.services import cases, working_days
from app.services.council_tax import export, extract
from tests.factories import sign_in
from tests.integration.test_council_tax_import import ACCOUNT_A, ACCOUNT_B, extract_files, write_extract
from tests.integration.test_council_tax_links import account_url, imported, in_app, linked, person  # noqa: F401

pytestmark = pytest.mark.db

TODAY = date(2026, 11, 24)  # the fixture's record is for 2026-27
MOVING = account_url(ACCOUNT_A) + "/moving-out"
CHECK = MOVING + "/check"
ADDRESS = {"address_line_1": "12 Sea View", "address_line_2": "", "town": "Aberystwyth", "postcode": "sy23 1ab"}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(cases, "london_today", lambda: TODAY)


@pytest.fixture
def owner(imported, client, app):  # noqa: F811
    someone = person(app, email="mover@example.com")
    linked(app, someone)
    sign_in(client, someone)
    return someone


def moving_out_on(day: date) -> dict:
    return {"moving_out_on": [str(day.day), str(day.month), str(day.year)]}


def tell(client, day: date, **fields):
    return client.submit(MOVING, {**moving_out_on(day), **ADDRESS, **fields})


def estimate_rows(page) -> dict[str, str]:
    rows = page.soup.select("#estimate .govuk-summary-list__row")
    return {
        row.select_one("dt").get_text(strip=True): row.select_one(".govuk-summary-list__value").get_text(strip=True)
        for row in rows
    }


def count_requests(app) -> int:
    return in_app(app, lambda: db.session.scalar(sa.select(sa.func.count(CouncilTaxRequest.id))))


def test_the_move_is_estimated_then_sent_exported_and_queued_for_the_revenues_team(owner, client, app, tmp_path):
    account = client.get(account_url(ACCOUNT_A))
    assert account.soup.select_one("#moving-out-link a")["href"] == MOVING
    sent = tell(client, date(2026, 11, 30), new_occupier="Alex Jones", landlord="Demo Lettings 01234 567890")
    assert sent.location.endswith(CHECK), sent.error_summary
    check = client.follow(sent)
    answers = check.soup.select_one("#answers").get_text(" ", strip=True)
    assert "30 November 2026" in answers and "12 Sea View" in answers and "SY23 1AB" in answers
    assert "Alex Jones" in answers and "Demo Lettings" in answers
    # 20 July to 30 November is 134 days: £2,128.00 x 134 / 365, less the 25% single person discount,
    # is £585.93; £119.39 is paid, so £466.54 is left.
    assert estimate_rows(check) == {
        "Days you pay for": "134 of the 365 days in the year, 20 July 2026 to 30 November 2026",
        "Council tax for those days": "£585.93",
        "Paid so far this year": "£119.39",
        "Left to pay": "£466.54",
    }
    assert "Your final bill for 2026-27: our estimate" in check.text
    assert "This is an estimate" in check.text
    assert count_requests(app) == 0  # nothing is sent before "Send"

    done = client.submit(CHECK)
    confirmation = client.follow(done)
    reference = confirmation.soup.select_one("#reference").get_text(strip=True)
    assert "You have told us you are moving out" in confirmation.h1
    with app.app_context():
        [request] = db.session.scalars(sa.select(CouncilTaxRequest))
        assert (request.kind, request.account_reference) == (RequestKind.MOVING_OUT, ACCOUNT_A)
        assert request.details["moving_out_on"] == "2026-11-30"
        assert request.details["forwarding_address"] == {
            "lines": ["12 Sea View", "Aberystwyth"],
            "postcode": "SY23 1AB",
        }
        assert request.details["estimated_final_bill"] == {
            "year": "2026-27",
            "liable_from": "2026-07-20",
            "days": 134,
            "charge_pence": 58593,
            "paid_pence": 11939,
            "left_pence": 46654,
        }
        assert (request.details["new_occupier"], request.details["case_reference"]) == ("Alex Jones", reference)
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert (case.service_id, case.team, case.user_id) == ("council-tax-moving-out", "revenues", owner.id)
        assert case.due_date == working_days.add_working_days(TODAY, 10) > TODAY
        assert reference in confirmation.text and case.due_date.strftime("%-d %B %Y") in confirmation.text
        message = db.session.scalar(sa.select(OutboundMessage).where(OutboundMessage.recipient == "mover@example.com"))
        assert reference in message.subject and "final bill" in message.body
        [written] = export.export(tmp_path, commit=db.session.commit)
    [line] = [json.loads(text) for text in written.path.read_text().splitlines()]
    assert (line["kind"], line["account_ref"], line["details"]["moving_out_on"]) == (
        "moving_out",
        ACCOUNT_A,
        "2026-11-30",
    )
    # Sent once: the answers are gone, so "Send" again (a second tab, the back button) sends nothing.
    assert client.get(CHECK, expect=302).location.endswith(MOVING)
    assert count_requests(app) == 1


def test_the_revenues_team_sees_the_move_in_the_staff_inbox(owner, client, app):
    tell(client, date(2026, 11, 30))
    reference = client.follow(client.submit(CHECK)).soup.select_one("#reference").get_text(strip=True)
    staff = type(client)(app.test_client())
    sign_in(staff, person(app, role=Role.STAFF))
    inbox = staff.get("/staff/cases?service=council-tax-moving-out")
    assert reference in inbox.text and "Council tax: moving out" in inbox.text
    assert "Council tax: moving out" in client.get("/account/requests").text  # the person's own list
    case = staff.get(f"/staff/cases/{reference}")
    assert "30 November 2026" in case.text and "12 Sea View" in case.text and "£466.54 left to pay" in case.text


def test_moving_out_on_the_first_day_liable_costs_one_day(owner, client):
    check = client.follow(tell(client, date(2026, 7, 20)))
    rows = estimate_rows(check)
    assert rows["Days you pay for"].startswith("1 of the 365 days")
    assert rows["Council tax for those days"] == "£4.37"  # £2,128.00 / 365 less 25%: £4.3726
    assert rows["In credit"] == "£115.02"  # £119.39 paid
    assert check.soup.select_one("#credit") is not None


def test_everything_paid_then_leaving_early_gives_a_credit(app, database, client, tmp_path):
    files = extract_files()
    files["instalments.csv"][1] = [ACCOUNT_A, "2026", "2", "2026-09-15", "12500", "12500"]
    with app.app_context():
        extract.import_folder(write_extract(tmp_path / "paid", files))
        db.session.commit()
    someone = person(app)
    linked(app, someone)
    sign_in(client, someone)
    rows = estimate_rows(client.follow(tell(client, date(2026, 8, 31))))
    # 43 days: £2,128.00 x 43 / 365 x 75% is £188.02; £244.39 is paid, so £56.37 comes back.
    assert (rows["Council tax for those days"], rows["Paid so far this year"], rows["In credit"]) == (
        "£188.02",
        "£244.39",
        "£56.37",
    )


def test_nobody_else_tells_us_about_someone_else_s_account(owner, client, app):
    stranger = type(client)(app.test_client())
    sign_in(stranger, person(app))
    stranger.get(MOVING, expect=404)
    stranger.get(CHECK, expect=404)
    token = stranger.get("/services/council-tax/link").csrf_token()
    stranger.post(MOVING, {"csrf_token": token, **moving_out_on(date(2026, 11, 30)), **ADDRESS}, expect=404)
    stranger.post(CHECK, {"csrf_token": token}, expect=404)
    tell(client, date(2026, 11, 30))
    reference = client.follow(client.submit(CHECK)).soup.select_one("#reference").get_text(strip=True)
    stranger.get(f"{MOVING}/sent/{reference}", expect=404)
    client.get(f"{MOVING}/sent/NOT-A-CASE", expect=404)
    assert count_requests(app) == 1


def test_without_a_csrf_token_nothing_is_sent(owner, client, app):
    client.post(MOVING, {**moving_out_on(date(2026, 11, 30)), **ADDRESS}, expect=400)
    tell(client, date(2026, 11, 30))
    client.post(CHECK, {}, expect=400)
    assert count_requests(app) == 0


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["", "", ""], "Enter the date you move out"),
        (["31", "2", "2027"], "The date you move out must be a real date"),
        (["<b>1</b>", "12", "2026"], "The date you move out must be a real date"),
        (["1", "12", "99999999999999999999"], "The date you move out must be a real date"),
        (["1", "", "2026"], "The date you move out must include a month"),
        (["9", "12", "2026"], "The date you move out must be the same as or before 8 December 2026"),
        (["19", "7", "2026"], "The date you move out must be the same as or after 20 July 2026"),
    ],
)
def test_a_date_that_will_not_do_is_refused_next_to_the_field(owner, client, app, parts, message):
    page = client.submit(MOVING, {"moving_out_on": parts, **ADDRESS}, expect=200)
    assert page.soup.select_one("#moving_out_on-fieldset-error").get_text(strip=True).endswith(message)
    assert [
        box["value"] if box.has_attr("value") else "" for box in page.soup.select("#moving_out_on-fieldset input")
    ] == parts
    assert page.soup.select_one("#address_line_1")["value"] == "12 Sea View"  # nothing typed is lost
    assert count_requests(app) == 0


def test_the_limits_quoted_in_errors_are_themselves_accepted(owner, client):
    for day in (date(2026, 12, 8), date(2026, 7, 20)):
        assert tell(client, day).location.endswith(CHECK)


def test_the_date_hint_s_example_is_accepted(owner, client):
    hint = client.get(MOVING).soup.select_one("#moving_out_on-fieldset-hint").get_text(strip=True)
    assert hint.endswith("For example, 24 11 2026")
    assert tell(client, TODAY).location.endswith(CHECK)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("address_line_1", "", "Enter the first line of your new address"),
        ("address_line_1", "<script>alert(1)</script>", "Address lines must not include < or >"),
        ("address_line_1", "x" * 10_000, "Address line 1 must be 100 characters or fewer"),
        ("town", "", "Enter the town or city of your new address"),
        ("postcode", "", "Enter the postcode of your new address"),
        ("postcode", "NOT A CODE", "Enter a full UK postcode, like DM1 1AB"),
        ("postcode", "x" * 500, "Enter a full UK postcode, like DM1 1AB"),
        ("new_occupier", "<img src=x>", "Who is moving in must not include < or >"),
        ("landlord", "y" * 201, "Landlord or letting agent must be 200 characters or fewer"),
        ("address_line_2", "line\x00two", "Remove any special characters, like tabs or line breaks"),
    ],
)
def test_an_address_that_will_not_do_is_refused_next_to_the_field(owner, client, app, field, value, message):
    page = client.submit(MOVING, {**moving_out_on(date(2026, 11, 30)), **ADDRESS, field: value}, expect=200)
    assert page.soup.select_one(f"#{field}-error").get_text(strip=True).endswith(message)
    assert [box["value"] for box in page.soup.select("#moving_out_on-fieldset input")] == ["30", "11", "2026"]
    assert count_requests(app) == 0


def test_the_example_postcode_in_the_error_is_accepted(owner, client):
    assert tell(client, date(2026, 11, 30), postcode="DM1 1AB").location.endswith(CHECK)


def test_wrong_types_and_repeated_fields_are_refused_not_a_crash(owner, client, app):
    token = client.get(MOVING).csrf_token()
    page = client.post(
        MOVING,
        {"csrf_token": token, "moving_out_on": ["1", "12", "2026", "extra"], **ADDRESS, "postcode": ["A", "B"]},
        expect=200,
    )
    assert page.error_summary
    assert count_requests(app) == 0


def test_change_goes_back_to_the_answers_as_given(owner, client):
    client.follow(tell(client, date(2026, 11, 30), landlord="Demo Lettings"))
    form = client.get(MOVING)
    assert [box["value"] for box in form.soup.select("#moving_out_on-fieldset input")] == ["30", "11", "2026"]
    assert (form.soup.select_one("#postcode")["value"], form.soup.select_one("#landlord")["value"]) == (
        "SY23 1AB",
        "Demo Lettings",
    )


def test_an_account_that_has_ended_says_so(imported, client, app):  # noqa: F811
    someone = person(app)
    linked(app, someone, reference=ACCOUNT_B, key="ZZZZ9999", postcode="DM1 2CD")
    sign_in(client, someone)
    assert client.get(account_url(ACCOUNT_B)).soup.select_one("#moving-out-link") is None
    page = client.get(account_url(ACCOUNT_B) + "/moving-out")
    assert "19 July 2026" in page.soup.select_one("#ended").text
    assert not page.soup.select("main form")


def test_in_welsh(owner, client):
    client.raw.set_cookie("doorstep_language", "cy")
    page = client.get(MOVING)
    assert "Rhowch wybod i ni eich bod yn symud allan" in page.h1
    check = client.follow(tell(client, date(2026, 11, 30)))
    assert "amcangyfrif" in check.text


def test_a_discount_that_ended_before_the_move_counts_only_for_its_days(app, database, client, tmp_path):
    files = extract_files()
    files["reductions.csv"][0] = [ACCOUNT_A, "2026", "single_person", "", "", "2026-07-20", "2026-09-30", "25", "7980"]
    with app.app_context():
        extract.import_folder(write_extract(tmp_path / "ended", files))
        db.session.commit()
    someone = person(app)
    linked(app, someone)
    sign_in(client, someone)
    rows = estimate_rows(client.follow(tell(client, date(2026, 11, 30))))
    # 20 July to 30 September (73 days) at 75%: £319.20; 1 October to 30 November (61 days) in full:
    # £355.638...; rounded together, £674.84.
    assert rows["Council tax for those days"] == "£674.84"
    assert rows["Left to pay"] == "£555.45"  # £119.39 paid
