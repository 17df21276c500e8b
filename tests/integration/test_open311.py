"""Open311 beyond the specification's examples: reports sent this way are cases like any other
(channel recorded, in the staff inbox, the reporter told), reports sent on the web are listed, the
filters and limits of the list, FixMyStreet's servicerequestupdates, and every kind of bad call
answered in the standard's error shape with the right status, never a page or a 500."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    Channel,
    ClosedReason,
    OutboundMessage,
    Role,
    StreetReport,
    StreetReportState,
    utcnow,
)
from app.services import api_keys, street_report_updates
from app.services.open311 import service_requests
from tests.conftest import count
from tests.factories import make_user, sign_in
from tests.integration.test_street_report_updates import make_report
from tests.open311_client import Open311Client

pytestmark = pytest.mark.db
FLY_TIPPING = {
    "service_code": "fly-tipping",
    "lat": "52.40010",
    "long": "-3.00150",
    "email": "reporter@example.com",
    "first_name": "Rhian",
    "last_name": "Jones",
    "description": "Two mattresses by the bus stop",
    "attribute[land]": "road",
    "attribute[amount]": "van",
    "attribute[kind]": "furniture",
    "attribute[hazardous]": "no",
    "attribute[witnessed]": "no",
}


@pytest.fixture
def admin(app_context):
    return make_user(role=Role.ADMIN)


@pytest.fixture
def key(admin):
    made = api_keys.create("FixMyStreet", api_keys.OPEN311, created_by=admin)
    db.session.commit()
    return made


@pytest.fixture
def open311(client, key):
    return Open311Client(client.raw, "json", api_key=key.secret)


def post(open311, **changes) -> StreetReport:
    fields = {name: value for name, value in (FLY_TIPPING | changes).items() if value is not None}
    request_id = open311.post(**fields)[0]["service_request_id"]
    return db.session.get(StreetReport, int(request_id))


def test_a_posted_report_is_a_case_in_the_staff_inbox_with_its_channel(app, client, open311, key):
    report = post(open311, **{"attribute[hazardous]": "yes"})
    case = report.case
    assert case.channel == Channel.OPEN311
    assert case.service_id == "fly-tipping" and case.urgent  # the form's urgent rule holds
    assert case.contact_email == "reporter@example.com"
    assert case.answers["full_name"] == "Rhian Jones"
    assert case.answers["kind"] == ["furniture"]
    assert case.ward == "Central" and report.ward == "Central"
    assert report.state == StreetReportState.OPEN and report.description == "Two mattresses by the bus stop"
    note = db.session.scalar(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == CaseEventKind.NOTE)
    )
    assert "FixMyStreet" in note.text and f"key {key.key.id}" in note.text
    # The reporter gets the reference, as from the web form.
    assert count(OutboundMessage, OutboundMessage.recipient == "reporter@example.com") == 1

    sign_in(client, make_user(role=Role.STAFF))
    inbox = client.get("/staff/cases")
    assert inbox.soup.find("a", string=lambda text: text and case.reference in text)
    case_page = client.get(f"/staff/cases/{case.reference}")
    assert "Open311 (another system)" in case_page.text


def test_a_report_made_on_the_web_form_is_listed(app, client, open311):
    report = make_report(app, client)
    listed = open311.requests()
    assert [item["service_request_id"] for item in listed] == [report.id]
    assert listed[0]["address"] and "DM1" not in listed[0]["address"]  # no postcode or house number
    assert "reporter@example.com" not in str(listed)


def test_states_and_public_notes_reach_the_list_and_servicerequestupdates(open311, admin):
    report = post(open311)
    staff = make_user(role=Role.STAFF)
    street_report_updates.update(report, staff, StreetReportState.INVESTIGATING, "An officer is on the way.")
    street_report_updates.update(
        report,
        staff,
        StreetReportState.CLOSED_NOT_FIXED,
        "This is on railway land.",
        reason=ClosedReason.NOT_OUR_RESPONSIBILITY,
    )
    db.session.commit()
    found = open311.request(report.id)
    assert found["status"] == "closed" and found["status_notes"] == "This is on railway land."
    assert open311.requests(status="open") == []
    assert [item["service_request_id"] for item in open311.requests(status="open,closed")] == [report.id]

    updates = open311.updates(
        start_date=(utcnow() - timedelta(hours=1)).isoformat(), end_date=(utcnow() + timedelta(hours=1)).isoformat()
    )
    assert [(item["service_request_id"], item["status"], item["description"]) for item in updates] == [
        (report.id, "investigating", "An officer is on the way."),
        (report.id, "not_councils_responsibility", "This is on railway land."),
    ]
    assert updates[0]["update_id"] < updates[1]["update_id"]
    assert service_requests.w3c(report.updates[0].created_at) == updates[0]["updated_datetime"]
    assert open311.updates(start_date="2020-01-01T00:00:00Z", end_date="2020-02-01T00:00:00Z") == []
    xml = Open311Client(open311.raw, "xml").updates()
    assert [item["status"] for item in xml] == ["investigating", "not_councils_responsibility"]


def test_the_list_filters_by_id_service_window_and_status_within_its_limits(open311, monkeypatch):
    first, second = post(open311), post(open311)
    graffiti = post(
        open311,
        service_code="graffiti",
        **{key: None for key in FLY_TIPPING if key.startswith("attribute[")},
        **{"attribute[surface]": "wall", "attribute[offensive]": "no", "attribute[size]": "small"},
    )
    old = post(open311)
    old.created_at = utcnow() - timedelta(days=100)
    db.session.commit()

    def ids(**filters):
        return [item["service_request_id"] for item in open311.requests(**filters)]

    assert ids() == [graffiti.id, second.id, first.id]  # the last 90 days, newest first
    assert ids(service_code="graffiti") == [graffiti.id]
    assert ids(start_date=(utcnow() - timedelta(days=120)).date().isoformat()) == [
        graffiti.id,
        second.id,
        first.id,
        old.id,
    ]
    assert ids(end_date=(utcnow() - timedelta(days=99)).isoformat()) == [old.id]
    assert ids(service_request_id=f"{first.id},{old.id},999999") == [first.id, old.id]
    monkeypatch.setattr(service_requests, "MAX_REQUESTS", 2)
    assert ids() == [graffiti.id, second.id]


def test_keys_missing_bad_revoked_or_for_another_api_are_refused(open311, admin, key):
    before = count(Case)
    enforcement = api_keys.create("Handhelds", api_keys.ENFORCEMENT, created_by=admin)
    revoked = api_keys.create("Old FixMyStreet", api_keys.OPEN311, created_by=admin)
    api_keys.revoke(revoked.key, revoked_by=admin)
    db.session.commit()
    # One character of the real key changed (to "B" when it already ends in "A": a key is random).
    forged = key.secret[:-1] + ("A" if key.secret[-1] != "A" else "B")
    for bad in ["", "not-a-key", "dsk_" + "x" * 200, enforcement.secret, revoked.secret, forged]:
        for client in (open311, Open311Client(open311.raw, "xml")):
            description = client.error("requests", 403, "post", **(FLY_TIPPING | {"api_key": bad}))
            assert "api_key" in description
    assert count(Case) == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"service_code": "potholes"}, "service_code is not one of our services"),
        ({"service_code": None}, "service_code is not one of our services"),
        ({"lat": "abc"}, "lat must be a decimal number"),
        ({"lat": "1e400"}, "lat must be a decimal number"),
        ({"lat": "95.0"}, "lat must be between -90 and 90"),
        ({"long": None}, "Send both lat and long"),
        ({"lat": None, "long": None}, "Say where the problem is"),
        ({"long": "-3.0500"}, "Westvale District Council's area, not ours"),
        ({"lat": "51.5", "long": "-0.1"}, "not in our area"),
        ({"lat": None, "long": None, "address_string": "ZZ1 1ZZ"}, "not a postcode in our area"),
        ({"lat": None, "long": None, "address_id": "12345678901234567890"}, "address_id must be the property's UPRN"),
        ({"lat": None, "long": None, "address_id": "100000009999"}, "address_id is not an address in our area"),
        ({"lat": None, "long": None, "address_string": "Lane"}, "or the name of one street"),
        ({"lat": None, "long": None, "address_string": "Boundary Lane"}, "That point is in Westvale District Council"),
        ({"attribute[land]": "motorway"}, "attribute[land] must be one of: road, public_space, private_land"),
        ({"attribute[land]": "private_land"}, "We do not take this report: We cannot clear waste from private land"),
        ({"attribute[amount]": None}, "attribute[amount] is required"),
        ({"attribute[witnessed]": "yes"}, "attribute[what_seen] is required"),
        ({"attribute[kind]": "<script>alert(1)</script>"}, "attribute[kind] must be some of"),
        ({"attribute[colour]": "red"}, "attribute[colour] is not an attribute of fly-tipping"),
        ({"attribute[land]": ["road", "road"]}, "attribute[land] takes one value"),
        ({"email": "not an email"}, "email is not an email address"),
        ({"email": None}, "Send email or phone"),
        ({"email": None, "phone": "12"}, "phone is not a UK phone number"),
        ({"description": "x" * 2001}, "description must be 2000 characters or fewer"),
        ({"first_name": "x" * 501}, "first_name must be 500 characters or fewer"),
        ({"first_name": "a" * 60, "last_name": "b" * 60}, "together must be 100 characters or fewer"),
        ({"description": "bad\x00byte"}, "description must not contain control characters"),
        ({"media_url": "javascript:alert(1)"}, "media_url must be an http or https address"),
        ({"email": ["a@example.com", "b@example.com"]}, "email was sent more than once"),
        ({"media_url": ["https://example.com/a.jpg"] * 11}, "media_url takes at most 10 addresses"),
    ],
)
def test_bad_reports_are_refused_with_the_reason_and_nothing_is_kept(open311, changes, expected):
    before = count(Case), count(StreetReport)
    fields = {name: value for name, value in (FLY_TIPPING | changes).items() if value is not None}
    for format in ("json", "xml"):
        client = Open311Client(open311.raw, format, api_key=open311.api_key)
        assert expected in client.error("requests", 400, "post", api_key=open311.api_key, **fields)
    assert (count(Case), count(StreetReport)) == before


def test_a_report_can_be_placed_by_address_postcode_or_street_name(open311):
    by_address = post(open311, lat=None, long=None, address_id="100000000001")
    assert by_address.uprn == 100000000001 and by_address.ward == "Central"
    assert open311.request(by_address.id)["lat"] == 52.4  # an address's point is rounded in public
    by_postcode = post(open311, lat=None, long=None, address_string="dm1 1ab")
    assert by_postcode.place == "DM1 1AB" and by_postcode.ward == "Central"
    by_street = post(open311, lat=None, long=None, address_string="Mill Lane")
    assert by_street.usrn == 20000003 and by_street.place == "Mill Lane, Demoton"
    by_phone = post(open311, email=None, phone="07700 900982")
    assert by_phone.case.contact_phone == "+447700900982" and by_phone.case.answers["updates_by"] == "text"


def test_what_fixmystreet_sends_of_its_own_accord_is_accepted(open311):
    report = post(
        open311,
        media_url=["https://fms.example/photo/1.jpeg", "https://fms.example/photo/2.jpeg"],
        deviceid="fms",
        **{
            "attribute[fixmystreet_id]": "1234",
            "attribute[title]": "Mattresses",
            "attribute[report_url]": "https://fms.example/report/1234",
            "attribute[closest_address]": "1 High Street",
            "attribute[easting]": "300000",
            "attribute[northing]": "270000",
            "attribute[uprn]": "100000000001",
        },
    )
    note = db.session.scalar(
        sa.select(CaseEvent.text).where(CaseEvent.case_id == report.case_id, CaseEvent.kind == CaseEventKind.NOTE)
    )
    assert "https://fms.example/photo/1.jpeg https://fms.example/photo/2.jpeg" in note
    assert "fixmystreet_id" not in str(report.case.answers)


def test_markup_comes_back_as_text_never_as_markup(open311):
    report = post(open311, description='<script>alert("x")</script> & <b>bold</b>')
    assert open311.request(report.id)["description"] == '<script>alert("x")</script> & <b>bold</b>'
    xml = open311.raw.get(f"/open311/v2/requests/{report.id}.xml").data.decode()
    assert "&lt;script&gt;" in xml and "<script>" not in xml
    assert Open311Client(open311.raw, "xml").request(report.id)["description"].startswith("<script>")


@pytest.mark.parametrize(
    ("path", "params", "status", "expected"),
    [
        ("services/potholes", {}, 404, "no service with that service_code"),
        ("services/" + "x" * 5000, {}, 404, "no service"),
        ("requests/abc", {}, 404, "no service request"),
        ("requests/99999999999", {}, 404, "no service request"),
        ("requests/0", {}, 404, "no service request"),
        ("tokens/not-a-token", {}, 404, "no service request with that token"),
        ("requests", {"start_date": "yesterday"}, 400, "start_date must be a W3C date and time"),
        ("requests", {"end_date": "99999-01-01"}, 400, "end_date must be a W3C date and time"),
        ("requests", {"start_date": "2026-02-01", "end_date": "2026-01-01"}, 400, "start_date must be before end_date"),
        ("requests", {"status": "fixed"}, 400, "status must be open, closed"),
        ("requests", {"service_code": "<b>x</b>"}, 400, "service_code is not one of our services"),
        ("requests", {"service_request_id": "1,abc"}, 400, "service_request_id must be whole numbers"),
        ("requests", {"service_request_id": "99999999999"}, 400, "service_request_id must be whole numbers"),
        ("requests", {"service_request_id": ",".join(["1"] * 1001)}, 400, "at most 1000 ids"),
        ("requests", {"status": "x" * 30000}, 400, "too long"),
        ("servicerequestupdates", {"start_date": "0001-01-01T00:00:00+14:00"}, 400, "start_date is out of range"),
        ("nothing-here", {}, 404, "nothing at this address"),
    ],
)
def test_bad_questions_get_the_standard_error_with_its_status(client, path, params, status, expected):
    for format in ("json", "xml"):
        assert expected in Open311Client(client.raw, format).error(path, status, **params)


def test_wrong_methods_get_the_standard_error(client):
    response = client.raw.delete("/open311/v2/requests.xml")
    assert response.status_code == 405 and b"<errors><error><code>405</code>" in response.data
    response = client.raw.post("/open311/v2/services.json")
    assert response.status_code == 405 and response.json[0]["code"] == 405


def test_the_readmes_dog_fouling_example_is_accepted(open311):
    report = post(
        open311,
        service_code="dog-fouling",
        lat="52.4",
        long="-3.0",
        email="you@example.com",
        **({key: None for key in FLY_TIPPING if key.startswith("attribute[")} | {"attribute[land]": "pavement"}),
        **{"attribute[often]": "no"},
    )
    assert report.category == "dog-fouling" and report.case.channel == Channel.OPEN311


def test_the_demo_key_sends_a_report_that_reaches_the_staff_inbox(client, admin):
    from app.services import demo

    demo_key = next(found for found in demo.DEMO_API_KEYS if found.scope == api_keys.OPEN311)
    api_keys.create_demo_key(demo_key.name, demo_key.scope, demo_key.secret, created_by=admin)
    db.session.commit()
    report = post(Open311Client(client.raw, "xml", api_key=demo_key.secret))
    sign_in(client, make_user(role=Role.STAFF))
    assert report.case.reference in client.get("/staff/cases").text


def test_reports_sent_through_open311_are_counted_as_their_own_channel_in_the_figures(client, open311):
    post(open311)
    sign_in(client, make_user(role=Role.MANAGER))
    page = client.get("/staff/figures")
    assert "Open311 (another system)" in page.text
    download = client.raw.get("/staff/figures/download?table=shares")
    assert download.status_code == 200 and "Open311 (another system)" in download.text
