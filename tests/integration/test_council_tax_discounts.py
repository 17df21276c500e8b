"""Discounts, exemptions and Council Tax Reduction applied for through form definitions: the
person picks one of their linked accounts (another person's is refused), sees the estimated effect
on this year's bill and the next instalments before sending (worked out by hand below), and the
application goes to the revenues team's queue and, as a request, to the export."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import Case, CaseStatus, CouncilTaxRequest, OutboundMessage, RequestKind, Role, User
from app.services import cases, working_days
from app.services.council_tax import export, extract, links
from tests.factories import sign_in
from tests.form_walk import example_page_data, example_route
from tests.integration.test_council_tax_import import ACCOUNT_A, ACCOUNT_B, extract_files, write_extract
from tests.integration.test_council_tax_links import in_app, linked, person

pytestmark = pytest.mark.db

TODAY = date(2026, 11, 24)  # the record is for 2026-27
# Account A: band C (£2,128.00 a year), liable from 20 July 2026 with the single person discount;
# the record's bill is £1,119.39, in 8 monthly instalments on the 15th, the first 4 paid.
INSTALMENTS = [
    ["2026-08-15", 13939, 13939],
    ["2026-09-15", 14000, 14000],
    ["2026-10-15", 14000, 14000],
    ["2026-11-15", 14000, 14000],
    ["2026-12-15", 14000, 0],
    ["2027-01-15", 14000, 0],
    ["2027-02-15", 14000, 0],
    ["2027-03-15", 14000, 0],
]


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(cases, "london_today", lambda: TODAY)


@pytest.fixture
def imported(app, database, tmp_path):
    files = extract_files()
    files["instalments.csv"] = [
        [ACCOUNT_A, "2026", str(number), due, str(amount), str(paid)]
        for number, (due, amount, paid) in enumerate(INSTALMENTS, start=1)
    ]
    with app.app_context():
        extract.import_folder(write_extract(tmp_path / "extract", files))
        db.session.commit()


@pytest.fixture
def owner(imported, client, app):
    someone = person(app, email="payer@example.com")
    linked(app, someone)
    sign_in(client, someone)
    return someone


def day(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def answer(client, url, data, expect=302):
    page = client.get(url)
    return client.post(url, {"csrf_token": page.csrf_token(), **data}, expect=expect)


def walk(client, app, form_id, **answers):
    """Answer every page of the form with the example answers, and `answers` instead where given;
    return check your answers."""
    with app.app_context():
        definition = forms_engine.get(form_id)
    client.get(f"/services/{form_id}/begin", expect=302)
    for step in example_route(definition):
        url = f"/services/{form_id}/{step.id}"
        shown = client.get(url)
        asked = {question.id for question in step.questions}
        data = {**example_page_data(step, shown), **{key: value for key, value in answers.items() if key in asked}}
        sent = client.post(url, {"csrf_token": shown.csrf_token(), **data})
        assert sent.status == 302, (url, sent.error_summary)
    return client.get(f"/services/{form_id}/check-answers")


def rows(page, selector="#estimate") -> dict[str, str]:
    return {
        row.select_one("dt").get_text(strip=True): row.select_one(".govuk-summary-list__value").get_text(strip=True)
        for row in page.soup.select(f"{selector} .govuk-summary-list__row")
    }


def instalment_rows(page) -> list[list[str]]:
    return [
        [cell.get_text(strip=True) for cell in row.select("th, td")]
        for row in page.soup.select("#instalments tbody tr")
    ]


def requests(app) -> list[CouncilTaxRequest]:
    return in_app(app, lambda: list(db.session.scalars(sa.select(CouncilTaxRequest).order_by(CouncilTaxRequest.id))))


def test_the_forms_are_linked_from_the_start_and_account_pages(owner, client):
    for url in ("/services/council-tax", f"/services/council-tax/accounts/{ACCOUNT_A}"):
        links_found = [a["href"] for a in client.get(url).soup.select("#discount-forms a")]
        assert "/services/council-tax-single-person-discount" in links_found
        assert "/services/council-tax-reduction" in links_found and len(links_found) == 7


def test_someone_moved_in_shows_the_estimate_then_goes_to_the_queue_and_the_export(owner, client, app, tmp_path):
    account_page = client.get("/services/council-tax-someone-moved-in/begin", expect=302)
    account_page = client.get("/services/council-tax-someone-moved-in/account")
    # One linked account: shown, not asked.
    assert "Account 70000001: 1 High Street, Demoton, DM1 1AB" in account_page.text
    assert not account_page.soup.select("input[type=radio]")
    check = walk(
        client,
        app,
        "council-tax-someone-moved-in",
        moved_in_on=day(date(2026, 11, 1)),
        new_adult_name=["Alex Jones"],
        new_adult_student=["no"],
    )
    # The discount ends on 1 November. By day, at £2,128.00 a year (365 days):
    # now: 20 July to 31 March, 255 days at 75% = £1,115.01 (the record says £1,119.39);
    # after: 20 July to 31 October, 104 days at 75% = £454.75, and 1 November to 31 March, 151 days
    # in full = £880.35: £1,335.10 (rounded once, from £1,335.0959), so £220.09 more: £1,339.48.
    assert rows(check) == {
        "Your bill now": "£1,119.39",
        "Your bill after the change": "£1,339.48",
        "Difference": "£220.09 more",
    }
    # 4 instalments paid (£559.39); £780.09 left over the 4 to come: £195.09, then 3 x £195.00.
    assert instalment_rows(check) == [
        ["15 December 2026", "£140.00", "£195.09"],
        ["15 January 2027", "£140.00", "£195.00"],
        ["15 February 2027", "£140.00", "£195.00"],
        ["15 March 2027", "£140.00", "£195.00"],
    ]
    assert "What this does to your bill for 2026-27: our estimate" in check.text
    assert "This is an estimate" in check.text
    assert requests(app) == []  # nothing sent before "Accept and send"

    client.post("/services/council-tax-someone-moved-in/check-answers", {"csrf_token": check.csrf_token()}, expect=302)
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.service_id == "council-tax-someone-moved-in"))
        assert (case.team, case.user_id) == ("revenues", owner.id)
        assert case.due_date == working_days.add_working_days(TODAY, 10)
        [request] = db.session.scalars(sa.select(CouncilTaxRequest))
        assert (request.kind, request.account_reference) == (RequestKind.DISCOUNT_APPLICATION, ACCOUNT_A)
        assert request.details["form"] == "council-tax-someone-moved-in"
        assert request.details["case_reference"] == case.reference
        assert request.details["answers"]["new_adult_name"] == "Alex Jones"
        assert request.details["estimate"]["bill_estimate_pence"] == 133948
        assert request.details["estimate"]["percent_off"] == 0
        [written] = export.export(tmp_path, commit=db.session.commit)
    [line] = [json.loads(text) for text in written.path.read_text().splitlines()]
    assert (line["kind"], line["account_ref"]) == ("discount_application", ACCOUNT_A)
    assert line["details"]["answers"]["moved_in_on"] == "2026-11-01"


def test_a_student_exemption_leaves_a_credit_and_no_instalments_to_come(owner, client, app):
    check = walk(client, app, "council-tax-student", who_studies=["everyone"], course_start=day(date(2026, 10, 1)))
    # Exempt from 1 October: 20 July to 30 September, 73 days at 75% = £319.20 instead of £1,115.01,
    # so £795.81 less: £323.58. £559.39 is paid: £235.81 more than that, and nothing more to pay.
    assert rows(check) == {
        "Your bill now": "£1,119.39",
        "Your bill after the change": "£323.58",
        "Difference": "£795.81 less",
    }
    assert instalment_rows(check) == [
        [due, "£140.00", "None"] for due in ("15 December 2026", "15 January 2027", "15 February 2027", "15 March 2027")
    ]
    assert "You have paid £235.81 more than the estimate for this year" in check.text
    assert "100% off your council tax" in check.text


def test_a_single_person_discount_backdated_past_april_is_estimated_for_this_year_only(owner, client, app):
    check = walk(client, app, "council-tax-single-person-discount", discount_from=day(date(2026, 1, 10)))
    # The record has the discount all year already: no change this year; earlier years the team works out.
    assert rows(check)["Difference"] == "No change"
    assert check.soup.select_one("#earlier-years") is not None


def test_when_the_effect_is_not_known_the_team_works_it_out(owner, client, app):
    reduction = walk(client, app, "council-tax-reduction")
    assert reduction.soup.select_one("#estimate") is None
    assert "Our council tax team will work out what this means for your bill for account 70000001" in reduction.text
    some = walk(client, app, "council-tax-student", who_studies=["some"])
    assert some.soup.select_one("#estimate") is None


def test_another_persons_account_or_a_forged_reference_is_refused(owner, client, app):
    form = "/services/council-tax-single-person-discount"
    client.get(f"{form}/begin", expect=302)
    page = client.get(f"{form}/account")
    for forged in (ACCOUNT_B, "<script>alert(1)</script>", "7" * 5000, ""):
        refused = client.post(f"{form}/account", {"csrf_token": page.csrf_token(), "account": forged}, expect=200)
        assert refused.error_summary == ["Select your council tax account"]
        assert not any("alert(1)" in (script.string or "") for script in refused.soup.find_all("script"))
    # Without the CSRF token nothing is saved.
    client.post(f"{form}/account", {"account": ACCOUNT_A}, expect=400)


def test_with_no_linked_account_the_form_says_link_one_first(imported, client, app):
    someone = person(app, email="nobody@example.com")
    sign_in(client, someone)
    form = "/services/council-tax-carer"
    client.get(f"{form}/begin", expect=302)
    page = client.get(f"{form}/account")
    assert page.soup.select_one("a#account")["href"] == "/services/council-tax/link"
    errors = client.post(f"{form}/account", {"csrf_token": page.csrf_token(), "account": ACCOUNT_A}, expect=200)
    assert errors.error_summary == ["Link your council tax account to your Doorstep account first"]


def test_an_account_unlinked_before_sending_is_not_sent(owner, client, app):
    check = walk(client, app, "council-tax-reduction")
    with app.app_context():
        user = db.session.get(User, owner.id)
        links.unlink(user, links.linked_account(user, ACCOUNT_A))
        db.session.commit()
    client.post("/services/council-tax-reduction/check-answers", {"csrf_token": check.csrf_token()}, expect=302)
    assert requests(app) == []
    assert in_app(app, lambda: db.session.scalar(sa.select(sa.func.count(Case.id)))) == 0


def test_staff_assess_a_council_tax_reduction_and_the_person_hears_the_outcome(owner, client, app):
    check = walk(client, app, "council-tax-reduction")
    client.post("/services/council-tax-reduction/check-answers", {"csrf_token": check.csrf_token()}, expect=302)
    reference = in_app(app, lambda: db.session.scalar(sa.select(Case.reference)))
    client.post("/sign-out", {"csrf_token": client.get("/").csrf_token()})
    staff = person(app, email="revenues@example.com", role=Role.STAFF)
    sign_in(client, staff)
    case_page = client.get(f"/staff/cases/{reference}")
    outcome = "We have accepted your application: you get £5.00 a week off from 1 December."
    client.post(
        f"/staff/cases/{reference}/status",
        {"csrf_token": case_page.csrf_token(), "status": "closed", "message": outcome},
        expect=302,
    )
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert case.status == CaseStatus.CLOSED
        messages = db.session.scalars(
            sa.select(OutboundMessage).where(OutboundMessage.recipient == "payer@example.com")
        )
        assert any("accepted your application" in message.body for message in messages)


def test_in_welsh(owner, client, app):
    client.raw.set_cookie("doorstep_language", "cy")
    links_found = client.get("/services/council-tax").soup.select_one("#discount-forms").get_text(" ", strip=True)
    assert "Gwneud cais am ostyngiad person sengl" in links_found
    check = walk(client, app, "council-tax-student", who_studies=["everyone"], course_start=day(date(2026, 10, 1)))
    assert "Beth mae hyn yn ei wneud i'ch bil ar gyfer 2026-27: ein hamcangyfrif" in check.text
    assert rows(check)["Eich bil ar ôl y newid"] == "£323.58"
    assert "Amcangyfrif yw hwn" in check.text


def test_a_volunteer_helping_someone_applies_with_that_persons_account(imported, app, client, database):
    """The accounts offered, the estimate and the application are the helped person's, not the
    volunteer's (who has none linked)."""
    from app.models import PlaceKind
    from app.services import places
    from tests.factories import make_user
    from tests.integration.test_assisted import start_helping

    admin = make_user(role=Role.ADMIN)
    place = places.create(
        name="Northgate Library", name_cy="Llyfrgell Northgate", kind=PlaceKind.LIBRARY, ward=None, created_by=admin
    )
    volunteer = make_user(role=Role.VOLUNTEER, email="val@example.com")
    places.add_volunteer(place, "val@example.com", added_by=admin)
    resident = make_user(full_name="Rita Rowe", email="rita@example.com", address_postcode="DM1 1AB")
    db.session.commit()
    linked(app, resident)
    sign_in(client, volunteer)
    start_helping(client, resident, services=("council-tax-someone-moved-in",))
    client.get("/services/council-tax-someone-moved-in/begin", expect=302)
    account_page = client.get("/services/council-tax-someone-moved-in/account")
    assert "Account 70000001: 1 High Street, Demoton, DM1 1AB" in account_page.text
    check = walk(
        client,
        app,
        "council-tax-someone-moved-in",
        moved_in_on=day(date(2026, 11, 1)),
        new_adult_name=["Alex Jones"],
        new_adult_student=["no"],
    )
    assert rows(check)["Your bill after the change"] == "£1,339.48"
    client.post("/services/council-tax-someone-moved-in/check-answers", {"csrf_token": check.csrf_token()}, expect=302)
    [request] = requests(app)
    assert (request.account_reference, request.user_id) == (ACCOUNT_A, resident.id)
