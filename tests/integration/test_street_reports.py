"""Report a street problem: the category chooser, the county's categories, each category's form
making a case with a street report (place, point, ward, urgency, due date), exit pages, and the
reporter as a guest by email or text, or signed in and seeing it in "Your requests"."""

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from app import form_model, forms_engine
from app.extensions import db
from app.models import Case, StreetReport, StreetReportState
from app.services import gazetteer, street_reports, working_days
from app.services.cases import london_today
from app.services.street_reports import StreetReportSettings
from tests.factories import make_user, sign_in
from tests.form_walk import example_page_data, walk
from tests.integration.test_form_engine import submit

pytestmark = pytest.mark.db

CATEGORIES = ["fly-tipping", "graffiti", "abandoned-vehicle", "litter", "dog-fouling"]


def definition(app, form_id):
    with app.app_context():
        return forms_engine.get(form_id)


def answer(client, form_id: str, page_id: str, data: dict, expect=302):
    url = f"/services/{form_id}/{page_id}"
    shown = client.get(url)
    return client.post(url, {"csrf_token": shown.csrf_token(), **data}, expect=expect)


def test_the_service_page_lists_our_categories_and_sends_the_countys_to_the_county(client):
    page = client.get("/services/report-street-problem")
    assert page.h1 == "Report a street problem"
    assert "You cannot do this online yet" not in page.text
    ours = [(a.get_text(strip=True), a["href"]) for a in page.soup.select("main h3 a")]
    assert ours == [
        ("Report fly-tipping", "/services/fly-tipping"),
        ("Report graffiti", "/services/graffiti"),
        ("Report an abandoned vehicle", "/services/abandoned-vehicle"),
        ("Report litter", "/services/litter"),
        ("Report dog fouling", "/services/dog-fouling"),
    ]
    assert "Northshire County Council looks after these, not us" in page.text
    county = [(a.get_text(strip=True), a["href"]) for a in page.soup.select("main .govuk-list--bullet a")]
    assert county == [
        ("Potholes and damaged roads", "/services/roads"),  # sent on by Open311
        ("Broken or uneven pavements", "/services/pavements"),  # sent on by email
        ("Street lights that are out or damaged", "https://www.northshire.example/report/street-lights"),
    ]
    client.get("/language/cy", expect=302)
    welsh = client.get("/services/report-street-problem")
    assert welsh.h1 == "Rhoi gwybod am broblem ar y stryd"
    assert "Cyngor Sir Northshire" in welsh.text and "Rhoi gwybod am dipio anghyfreithlon" in welsh.text


def test_the_home_page_lists_the_service_once_not_each_category(client):
    home = client.get("/")
    titles = [a.get_text(strip=True) for a in home.soup.select("main h3 a")]
    assert "Report a street problem" in titles
    categories = {"Report fly-tipping", "Report graffiti", "Report an abandoned vehicle", "Report litter"}
    assert not (categories | {"Report dog fouling"}) & set(titles)


def test_every_category_is_a_form_with_a_location_that_makes_a_street_report(app):
    with app.app_context():
        listed = street_reports.settings().categories
        assert listed == CATEGORIES
        for form_id in listed:
            found = form_model.get(form_id)
            assert found.submit.action == "street_report", form_id
            assert [q.type for q in found.questions()].count("location") == 1, form_id
            assert any(q.type == "file" and q.optional for q in found.questions()), form_id


@pytest.mark.parametrize(
    ("form_id", "urgent"),
    [
        ("fly-tipping", True),
        ("graffiti", True),
        ("abandoned-vehicle", True),
        ("litter", True),
        ("dog-fouling", False),
    ],
)
def test_a_guest_reports_each_category_and_gets_a_case_with_its_place_ward_and_due_date(app, client, form_id, urgent):
    found = definition(app, form_id)
    walk(client, found)  # the example answers: the first address at DM1 1AB, "yes" to every yes/no question
    _check, sent = submit(client, found)
    confirmation = client.get(sent.location)
    case = db.session.scalar(sa.select(Case).where(Case.service_id == form_id))
    assert case.reference in confirmation.text
    assert case.urgent is urgent
    assert case.due_date == working_days.add_working_days(london_today(), found.service_standard_days)
    assert case.contact_email is not None  # the first way to hear back is email
    report = db.session.scalar(sa.select(StreetReport).where(StreetReport.case_id == case.id))
    address = gazetteer.any_address()
    assert (report.category, report.state, report.uprn, report.usrn) == (
        form_id,
        StreetReportState.OPEN,
        address.uprn,
        None,
    )
    assert (report.place, report.ward, case.ward) == (address.single_line, "Central", "Central")
    assert (report.latitude, report.longitude) == (address.latitude, address.longitude)


def test_hazardous_fly_tipping_is_urgent_and_the_rest_is_not(app, client):
    found = definition(app, "fly-tipping")
    street = gazetteer.find_streets("mill lane")[0]
    client.get("/services/fly-tipping/begin", expect=302)
    answer(
        client,
        "fly-tipping",
        "where",
        {
            "location-search": "Mill Lane",
            "location-place": f"usrn-{street.usrn}",
            "location-description": "In the lay-by",
        },
    )
    answer(client, "fly-tipping", "land", {"land": "road"})
    answer(client, "fly-tipping", "amount", {"amount": "van"})
    answer(client, "fly-tipping", "kind", {"kind": ["furniture", "tyres"]})
    answer(client, "fly-tipping", "dangerous", {"hazardous": "no"})
    skipped = answer(client, "fly-tipping", "witnessed", {"witnessed": "no"})
    assert skipped.location.endswith("/services/fly-tipping/photo")  # no witness questions
    answer(client, "fly-tipping", "photo", {})
    answer(client, "fly-tipping", "updates", {"updates_by": "text"})
    to_name = answer(client, "fly-tipping", "phone", {"phone": "07700 900123"})
    assert to_name.location.endswith("/services/fly-tipping/name")
    answer(client, "fly-tipping", "name", {"full_name": ""})
    check, _sent = submit(client, found)
    assert "Mill Lane, Demoton: In the lay-by" in check.text
    case = db.session.scalar(sa.select(Case).where(Case.service_id == "fly-tipping"))
    assert case.urgent is False
    assert (case.contact_phone, case.contact_email) == ("+447700900123", None)
    report = street_reports.for_case(case)
    assert (report.usrn, report.ward, report.place) == (street.usrn, "Riverside", "Mill Lane, Demoton")


@pytest.mark.parametrize(
    ("form_id", "page_id", "data", "exit_page", "heading"),
    [
        ("fly-tipping", "land", {"land": "private_land"}, "private-land", "We cannot clear waste from private land"),
        (
            "graffiti",
            "surface",
            {"surface": "private_property"},
            "private-property",
            "The owner must remove graffiti from a private home or business",
        ),
        ("graffiti", "surface", {"surface": "utility"}, "utility", "The company that owns it removes graffiti from it"),
        ("litter", "land", {"land": "private_land"}, "private-land", "The owner must clear litter from private land"),
        ("dog-fouling", "land", {"land": "private_land"}, "private-land", "We cannot clean private land"),
    ],
)
def test_exit_pages_say_who_deals_with_it_and_nothing_is_sent(app, client, form_id, page_id, data, exit_page, heading):
    address = gazetteer.any_address()
    client.get(f"/services/{form_id}/begin", expect=302)
    answer(
        client,
        form_id,
        "where",
        {"location-search": address.postcode, "location-place": f"uprn-{address.uprn}", "location-description": "Here"},
    )
    sent = answer(client, form_id, page_id, data)
    assert sent.location.endswith(f"/services/{form_id}/{exit_page}")
    page = client.get(sent.location)
    assert page.h1 == heading
    assert not page.soup.select("main form button")  # no way on from an exit page
    client.get(f"/services/{form_id}/check-answers", expect=302)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_a_signed_in_resident_sees_the_report_in_your_requests(app, client):
    person = make_user(email="reporter@example.com", full_name="Nia Reporter")
    sign_in(client, person)
    found = definition(app, "graffiti")
    page = client.get("/services/graffiti/begin", expect=302)
    while not page.location.endswith("/check-answers"):  # pages the account answers are skipped
        step = found.page(page.location.rsplit("/", 1)[1])
        shown = client.get(page.location)
        page = client.post(
            page.location, {"csrf_token": shown.csrf_token(), **example_page_data(step, shown)}, expect=302
        )
    _check, _sent = submit(client, found)
    case = db.session.scalar(sa.select(Case).where(Case.service_id == "graffiti"))
    assert case.user_id == person.id and case.contact_email == "reporter@example.com"
    requests = client.get("/account/requests")
    assert case.reference in requests.text and "Report graffiti" in requests.text


def test_a_place_over_the_border_cannot_be_reported_here(app, client):
    street = gazetteer.find_streets("boundary lane")[0]
    client.get("/services/litter/begin", expect=302)
    refused = answer(
        client,
        "litter",
        "where",
        {
            "location-search": "Boundary Lane",
            "location-place": f"usrn-{street.usrn}",
            "location-description": "By the stile",
        },
        expect=200,
    )
    assert "Westvale District Council" in refused.error_summary[0]


def test_the_settings_refuse_a_category_listed_twice():
    county = {
        "name": {"en": "C", "cy": "C"},
        "categories": [{"id": "roads", "title": {"en": "R", "cy": "R"}, "url": "https://c.example"}],
    }
    with pytest.raises(ValidationError, match="each category is listed once: litter"):
        StreetReportSettings.model_validate({"categories": ["litter", "litter"]})
    with pytest.raises(ValidationError, match="each category is listed once: roads"):
        StreetReportSettings.model_validate({"categories": ["roads"], "county": county})
    with pytest.raises(ValidationError, match="url"):
        StreetReportSettings.model_validate(
            {
                "categories": ["litter"],
                "county": county | {"categories": [county["categories"][0] | {"url": "http://c.example"}]},
            }
        )


def test_due_dates_differ_by_category(app):
    with app.app_context():
        days = {form_id: form_model.get(form_id).service_standard_days for form_id in CATEGORIES}
    assert days == {"fly-tipping": 5, "graffiti": 10, "abandoned-vehicle": 5, "litter": 3, "dog-fouling": 5}
