"""Street reports the county council deals with in a two-tier area, sent on to the county: pavements
by email through the outbox, roads to the county's Open311 endpoint (the local stand-in county) by
the scheduled job, with retries, a limit, never twice, and junk answers recorded as failures; staff
see how it went on the case page and can try a failed one again."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from app import forms_engine
from app.extensions import db
from app.models import (
    AuditEvent,
    Case,
    CountyForward,
    ForwardMethod,
    ForwardState,
    MessageStatus,
    OutboundMessage,
    Role,
    StreetReport,
    utcnow,
)
from app.services import county_forwards, county_open311, gazetteer, street_reports
from app.services.street_reports import County, CountyCategory
from tests.factories import make_user, sign_in
from tests.form_walk import walk
from tests.integration.test_form_engine import submit
from tests.local_county311 import LocalCounty311

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def county_server():
    server = LocalCounty311()
    yield server
    server.stop()


@pytest.fixture
def county(app, county_server, monkeypatch):
    """The app sends Open311 forwards to the stand-in county, back to normal after the test."""
    monkeypatch.setitem(app.config, "COUNTY_OPEN311_ENDPOINT", county_server.endpoint)
    monkeypatch.setitem(app.config, "COUNTY_OPEN311_TIMEOUT_SECONDS", 1.0)
    monkeypatch.delenv("NORTHSHIRE_OPEN311_API_KEY", raising=False)
    yield county_server
    county_server.back_to_normal()


def report(app, client, form_id: str) -> tuple[Case, StreetReport, CountyForward]:
    with app.app_context():
        definition = forms_engine.get(form_id)
    walk(client, definition)  # the first address at DM1 1AB, "yes" to every yes/no question
    _check, sent = submit(client, definition)
    confirmation = client.get(sent.location)
    case = db.session.scalars(sa.select(Case).where(Case.service_id == form_id).order_by(Case.id.desc())).first()
    assert case.reference in confirmation.text
    found = street_reports.for_case(case)
    return case, found, county_forwards.for_report(found)


def send_due(app, now=None) -> dict[str, int]:
    """One run of the county-forwards job, as the scheduler runs it (at `now`)."""
    with app.app_context():
        return county_open311.send_due(lambda: now) if now is not None else county_open311.send_due()


def as_staff(client):
    sign_in(client, make_user(role=Role.STAFF, full_name="Sam Staff"))


def test_the_service_page_sends_roads_and_pavements_here_and_street_lights_to_the_county(client):
    page = client.get("/services/report-street-problem")
    forwarded = [(a.get_text(strip=True), a["href"]) for a in page.soup.select("#county-forwarded a")]
    assert forwarded == [
        ("Potholes and damaged roads", "/services/roads"),
        ("Broken or uneven pavements", "/services/pavements"),
    ]
    linked = [(a.get_text(strip=True), a["href"]) for a in page.soup.select("#county-linked a")]
    assert linked == [("Street lights that are out or damaged", "https://www.northshire.example/report/street-lights")]
    assert "Report these here and we will send your report to them" in page.text
    start = client.get("/services/roads")
    assert "Northshire County Council looks after roads, not us" in start.text


def test_a_pavement_report_is_a_case_and_an_email_to_the_county_in_the_outbox(app, client):
    case, found, forward = report(app, client, "pavements")
    confirmation_message = "we have emailed your report to them"
    assert confirmation_message in client.get("/services/pavements/confirmation").text
    assert (found.category, found.ward, case.ward) == ("pavements", "Central", "Central")
    assert case.urgent  # "Could someone trip or fall on it now?" yes
    assert (forward.method, forward.state, forward.service_code) == (ForwardMethod.EMAIL, ForwardState.SENT, None)
    message = forward.message
    assert message.recipient == "streetcare@northshire.example"
    assert message.status is MessageStatus.PENDING and message.template == "county_report"
    assert case.reference in message.subject and "Broken or uneven pavements" in message.subject
    address = gazetteer.any_address()
    body = message.body
    for expected in (
        f"Our reference: {case.reference}",
        f"Place: {address.single_line}",
        f"Latitude and longitude: {address.latitude:.6f}, {address.longitude:.6f}",
        "Ward: Central",
        "What is wrong with the pavement?: Uneven, raised or sunken paving",
        "The resident says it is a danger now.",
        f"Email: {case.contact_email}",
        f"Photo: {app.config['PUBLIC_BASE_URL'].rstrip('/')}/street-reports/{found.id}/photo",
    ):
        assert expected in body, expected
    assert "Add a photo" not in body  # the photo is the link, not its file name
    assert "Cyngor" not in body  # the county's languages: English only


def test_a_county_that_reads_welsh_gets_the_email_in_both_languages(app, client, monkeypatch):
    with app.app_context():
        settings = street_reports.settings()
    welsh_too = settings.model_copy(update={"county": settings.county.model_copy(update={"languages": ["en", "cy"]})})
    monkeypatch.setattr(street_reports, "settings", lambda: welsh_too)
    case, _found, forward = report(app, client, "pavements")
    body = forward.message.body
    assert f"Our reference: {case.reference}" in body
    assert f"Ein cyfeirnod: {case.reference}" in body
    assert body.index("Our reference") < body.index("Ein cyfeirnod")


def test_a_road_report_is_sent_to_the_county_by_open311_and_the_reporter_gets_their_reference(app, client, county):
    case, found, forward = report(app, client, "roads")
    assert "we will send it to you by email or text message" in client.get("/services/roads/confirmation").text
    assert (forward.method, forward.state, forward.service_code) == (
        ForwardMethod.OPEN311,
        ForwardState.QUEUED,
        "POTHOLE",
    )
    assert send_due(app) == {"sent": 1, "retrying": 0, "failed": 0}
    db.session.refresh(forward)
    assert forward.state is ForwardState.SENT and forward.attempts == 1
    assert forward.county_reference.startswith("NS-")
    received = county.received()[-1]
    assert received["service_code"] == "POTHOLE"
    assert received["api_key"] == "doorstep-local-county311-key"
    assert (float(received["lat"]), float(received["long"])) == pytest.approx((found.latitude, found.longitude))
    assert received["email"] == case.contact_email
    assert received["media_url"].endswith(f"/street-reports/{found.id}/photo")
    assert f"our reference {case.reference}" in received["description"]
    assert "What is wrong with the road?: A pothole" in received["description"]
    told = db.session.scalars(sa.select(OutboundMessage).where(OutboundMessage.template == "county_forwarded")).one()
    assert told.recipient == case.contact_email
    assert forward.county_reference in told.body and case.reference in told.body
    # The job never sends it again.
    assert send_due(app) == {"sent": 0, "retrying": 0, "failed": 0}
    assert len([r for r in county.received() if f"our reference {case.reference}" in r["description"]]) == 1
    as_staff(client)
    page = client.get(f"/staff/cases/{case.reference}")
    assert "Sent to Northshire County Council" in page.text
    assert forward.county_reference in page.text
    assert "Try sending it again" not in page.text


@pytest.mark.parametrize(
    ("trouble", "error"),
    [
        ({"outage": 503}, "HTTP 503: The service is not available: try again later"),
        ({"outage": 429}, "HTTP 429"),
        ({"slowness": 3}, "no answer within 1 seconds"),
    ],
)
def test_a_busy_or_slow_county_is_tried_again_later_then_given_up(app, client, county, trouble, error):
    _case, _found, forward = report(app, client, "roads")
    if "outage" in trouble:
        county.outage(trouble["outage"])
    else:
        county.slowness(trouble["slowness"])
    start = utcnow()
    assert send_due(app, start)["retrying"] == 1
    db.session.refresh(forward)
    assert forward.state is ForwardState.QUEUED and forward.attempts == 1
    assert forward.last_error.startswith(error)
    assert forward.next_attempt_at >= start + timedelta(minutes=2)
    assert send_due(app, start)["retrying"] == 0  # not due yet
    later = start
    for attempt in range(2, app.config["COUNTY_FORWARD_MAX_ATTEMPTS"] + 1):
        later = later + timedelta(hours=7)
        counts = send_due(app, later)
        db.session.refresh(forward)
        assert forward.attempts == attempt
    assert counts["failed"] == 1
    assert forward.state is ForwardState.FAILED and forward.county_reference is None


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        ("wrong key", "HTTP 403: Invalid api_key"),
        ("unknown service", "HTTP 404: Service NOSUCH not found"),
        ("junk", "the answer was not an Open311 service request"),
        ("huge", "the answer was larger than 64 KB"),
        ("empty", "the answer was not an Open311 service request"),
    ],
)
def test_a_refusal_or_junk_fails_at_once_with_the_reason_never_a_500(app, client, county, monkeypatch, setup, error):
    case, _found, forward = report(app, client, "roads")
    if setup == "wrong key":
        monkeypatch.setenv("NORTHSHIRE_OPEN311_API_KEY", "not-the-key")
    elif setup == "unknown service":
        forward.service_code = "NOSUCH"
        db.session.flush()
    else:
        county.misbehave(setup)
    assert send_due(app) == {"sent": 0, "retrying": 0, "failed": 1}
    db.session.refresh(forward)
    assert forward.state is ForwardState.FAILED and forward.attempts == 1
    assert forward.last_error.startswith(error), forward.last_error
    as_staff(client)
    page = client.get(f"/staff/cases/{case.reference}")
    assert "Not sent: it failed" in page.text and error in page.text
    assert "Try sending it again" in page.text


def test_a_token_is_kept_when_the_county_gives_no_id_yet(app, client, county):
    _case, _found, forward = report(app, client, "roads")
    county.misbehave("token")
    assert send_due(app)["sent"] == 1
    db.session.refresh(forward)
    assert forward.state is ForwardState.SENT and forward.county_reference is None and forward.county_token
    assert not db.session.scalars(
        sa.select(OutboundMessage).where(OutboundMessage.template == "county_forwarded")
    ).all()


def test_a_forward_is_claimed_once_and_an_interrupted_one_is_never_resent_by_itself(app, client, county):
    _case, _found, forward = report(app, client, "roads")
    now = utcnow()
    assert county_open311.claim(forward.id, now)
    assert not county_open311.claim(forward.id, now)  # a second run (or machine) cannot have it
    db.session.refresh(forward)
    assert forward.state is ForwardState.SENDING
    assert send_due(app) == {"sent": 0, "retrying": 0, "failed": 0}
    assert county_forwards.staff_state(forward, now + timedelta(minutes=1)) == "sending"
    assert county_forwards.staff_state(forward, now + timedelta(minutes=11)) == "interrupted"
    assert not county_forwards.can_try_again(forward, now + timedelta(minutes=1))
    assert county_forwards.can_try_again(forward, now + timedelta(minutes=11))


def test_staff_try_a_failed_forward_again_and_it_is_sent(app, client, county, monkeypatch):
    case, _found, forward = report(app, client, "roads")
    county.misbehave("junk")
    send_due(app)
    county.back_to_normal()
    url = f"/staff/cases/{case.reference}/county-forward/retry"
    as_staff(client)
    page = client.get(f"/staff/cases/{case.reference}")
    client.post(url, {}, expect=400)  # no CSRF token
    db.session.refresh(forward)
    assert forward.state is ForwardState.FAILED
    token = page.soup.select_one(f"form[action='{url}'] input[name=csrf_token]")["value"]
    done = client.post(url, {"csrf_token": token}, expect=302)
    assert done.location.endswith(f"/staff/cases/{case.reference}#county-forward")
    db.session.refresh(forward)
    assert forward.state is ForwardState.QUEUED and forward.attempts == 0
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "county_forward.retried"))
    assert send_due(app)["sent"] == 1
    db.session.refresh(forward)
    assert forward.state is ForwardState.SENT and forward.county_reference


def test_a_resident_cannot_try_again(app, client, county):
    case, _found, forward = report(app, client, "roads")
    county.misbehave("junk")
    send_due(app)
    client.raw.delete_cookie("doorstep_session")
    sign_in(client, make_user())
    token = client.get("/account/").csrf_token()  # the sign-out button's, say: a real token
    client.post(f"/staff/cases/{case.reference}/county-forward/retry", {"csrf_token": token}, expect=403)
    db.session.refresh(forward)
    assert forward.state is ForwardState.FAILED


def test_a_failed_email_to_the_county_can_be_tried_again(app, client):
    case, _found, forward = report(app, client, "pavements")
    message = forward.message
    message.status, message.attempts, message.last_error = MessageStatus.FAILED, 8, "SMTP: ConnectionRefusedError"
    db.session.flush()
    as_staff(client)
    page = client.get(f"/staff/cases/{case.reference}")
    assert "By email, to streetcare@northshire.example" in page.text
    assert "SMTP: ConnectionRefusedError" in page.text
    url = f"/staff/cases/{case.reference}/county-forward/retry"
    token = page.soup.select_one(f"form[action='{url}'] input[name=csrf_token]")["value"]
    client.post(url, {"csrf_token": token}, expect=302)
    db.session.refresh(message)
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 0)


def test_the_settings_say_what_each_way_of_sending_needs():
    name = {"en": "Northshire County Council", "cy": "Cyngor Sir Northshire"}
    title = {"en": "Roads", "cy": "Ffyrdd"}
    with pytest.raises(ValidationError, match="send: link needs the url"):
        CountyCategory(id="roads", title=title)
    with pytest.raises(ValidationError, match="needs the county's service_code"):
        CountyCategory(id="roads", title=title, send="open311")
    with pytest.raises(ValidationError, match="give the county's email address"):
        County(name=name, categories=[{"id": "roads", "title": title, "send": "email"}])
    with pytest.raises(ValidationError, match="give the county's open311 endpoint"):
        County(name=name, categories=[{"id": "roads", "title": title, "send": "open311", "service_code": "R"}])
    with pytest.raises(ValidationError, match="api_key_env"):
        County(
            name=name,
            categories=[{"id": "roads", "title": title, "send": "open311", "service_code": "R"}],
            open311={"endpoint": "https://county.example/open311/v2/", "api_key": "secret"},
        )


def test_the_stand_in_county_refuses_to_start_in_production(monkeypatch):
    from devtools import local_county311

    monkeypatch.setenv("DOORSTEP_ENV", "production")
    with pytest.raises(SystemExit, match="never production"):
        local_county311.main(["--port", "1"])


def test_the_stand_in_county_speaks_open311(county_server):
    import requests

    base = county_server.endpoint
    services = requests.get(base + "services.json", timeout=5).json()
    assert {service["service_code"] for service in services} >= {"POTHOLE", "PAVEMENT", "STREETLIGHT"}
    refused = requests.post(base + "requests.json", data={"api_key": "wrong", "service_code": "POTHOLE"}, timeout=5)
    assert (refused.status_code, refused.json()) == (403, [{"code": 403, "description": "Invalid api_key"}])
    fields = {"api_key": "doorstep-local-county311-key", "service_code": "POTHOLE", "lat": "52.4", "long": "-3.0"}
    made = requests.post(base + "requests.json", data=fields, timeout=5).json()[0]
    one = requests.get(f"{base}requests/{made['service_request_id']}.json", timeout=5).json()[0]
    assert (one["service_request_id"], one["status"]) == (made["service_request_id"], "open")
    missing = requests.get(base + "requests/NS-1.json", timeout=5)
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_the_demo_sends_a_pothole_by_open311_and_a_pavement_by_email_once(app, database, county):
    from app.services import street_reports_demo

    with app.test_request_context():
        staff = make_user(role=Role.STAFF)
        assert street_reports_demo.load_county(staff) == 2
        assert street_reports_demo.load_county(staff) == 0  # once
        db.session.commit()
    forwards = {f.report.category: f for f in db.session.scalars(sa.select(CountyForward))}
    assert forwards["roads"].state is ForwardState.QUEUED
    assert forwards["pavements"].message.recipient == "streetcare@northshire.example"
    assert send_due(app)["sent"] == 1


def ask_county(app, now=None) -> dict[str, int]:
    """One run of the county-forward-updates job."""
    from app.services import county_open311_updates

    with app.app_context():
        return county_open311_updates.ask_all(lambda: now) if now else county_open311_updates.ask_all()


def test_the_countys_progress_is_copied_back_as_a_public_update(app, client, county):
    case, found, forward = report(app, client, "roads")
    send_due(app)
    db.session.refresh(forward)
    assert ask_county(app) == {"asked": 1, "closed": 0, "reference": 0}
    assert ask_county(app)["asked"] == 0  # not asked again within the hour
    county.change(forward.county_reference, "closed", "Pothole   filled on 24 November.")
    later = utcnow() + timedelta(hours=2)
    assert ask_county(app, later)["closed"] == 1
    db.session.refresh(found)
    db.session.refresh(forward)
    assert found.state.value == "fixed" and forward.county_status == "closed"
    assert found.updates[-1].note == "Pothole filled on 24 November."
    told = db.session.scalars(
        sa.select(OutboundMessage).where(
            OutboundMessage.template == "street_report_update", OutboundMessage.recipient == case.contact_email
        )
    ).all()
    assert len(told) == 1 and "Pothole filled on 24 November." in told[0].body
    assert ask_county(app, later + timedelta(hours=2))["asked"] == 0  # closed: not asked again


def test_a_token_becomes_the_countys_reference_and_the_reporter_is_told(app, client, county):
    case, _found, forward = report(app, client, "roads")
    county.misbehave("token")
    send_due(app)
    county.back_to_normal()
    assert ask_county(app)["reference"] == 1
    db.session.refresh(forward)
    assert forward.county_reference.startswith("NS-")
    told = db.session.scalars(sa.select(OutboundMessage).where(OutboundMessage.template == "county_forwarded")).one()
    assert forward.county_reference in told.body


def test_a_county_that_forgets_a_report_changes_nothing(app, client, county):
    _case, found, forward = report(app, client, "roads")
    send_due(app)
    db.session.refresh(forward)
    forward.county_reference = "NS-1"  # the county does not know it
    db.session.flush()
    assert ask_county(app) == {"asked": 1, "closed": 0, "reference": 0}
    db.session.refresh(found)
    assert found.state.value == "open" and not found.updates


def test_a_second_pothole_at_the_same_place_is_offered_the_first_to_follow(app, client):
    report(app, client, "roads")
    client.raw.delete_cookie("doorstep_session")
    with app.app_context():
        definition = forms_engine.get("roads")
    walk(client, definition)
    check = client.get("/services/roads/check-answers")
    assert "Has someone already reported it?" in check.text


def test_the_public_pages_call_a_county_report_by_the_countys_category(app, client):
    _case, found, _forward = report(app, client, "roads")
    client.raw.delete_cookie("doorstep_session")
    page = client.get(f"/street-reports/{found.id}")
    assert "Potholes and damaged roads" in page.text
    client.get("/language/cy", expect=302)
    assert "Tyllau a ffyrdd wedi'u difrodi" in client.get(f"/street-reports/{found.id}").text


def test_a_fault_of_ours_fails_that_forward_only_and_the_job_goes_on(app, client, county, monkeypatch):
    _case, _found, broken = report(app, client, "roads")
    client.raw.delete_cookie("doorstep_session")
    _case, _found, fine = report(app, client, "roads")
    real = county_open311.description

    def description(forward):
        if forward.id == broken.id:
            raise KeyError("location")
        return real(forward)

    monkeypatch.setattr(county_open311, "description", description)
    assert send_due(app) == {"sent": 1, "retrying": 0, "failed": 1}
    db.session.refresh(broken)
    db.session.refresh(fine)
    assert (broken.state, broken.last_error) == (ForwardState.FAILED, "could not be sent: KeyError")
    assert fine.state is ForwardState.SENT


@pytest.mark.parametrize("category", ["roads", "pavements"])
def test_a_county_category_makes_no_promise_that_we_reply(app, client, category):
    """The county deals with it: neither the start page, the confirmation nor its message says when
    we will reply, as every other service does."""
    assert "We will reply within" not in client.get(f"/services/{category}").text
    case, _found, _forward = report(app, client, category)
    assert "We will reply by" not in client.get(f"/services/{category}/confirmation").text
    received = db.session.scalars(
        sa.select(OutboundMessage).where(
            OutboundMessage.template == "case_received", OutboundMessage.case_id == case.id
        )
    ).one()
    assert case.reference in received.body and "We will reply by" not in received.body
    assert "We will reply within" in client.get("/services/fly-tipping").text  # ours still promise
