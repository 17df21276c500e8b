"""A volunteer helping a person: finding them, recording consent, sending a request as theirs, and
everything outside the consent refused and audited."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AssistedSession,
    AuditEvent,
    Case,
    Channel,
    ConsentGiven,
    ConsentLasts,
    OutboundMessage,
    PlaceKind,
    Role,
    utcnow,
)
from app.services import assisted, places
from tests.conftest import count
from tests.factories import make_user, sign_in
from tests.form_walk import send, walk
from tests.integration.test_form_engine import forms_engine_definition

pytestmark = pytest.mark.db

START = "/help/"


@pytest.fixture
def people(database):
    admin = make_user(role=Role.ADMIN)
    place = places.create(
        name="Northgate Library", name_cy="Llyfrgell Northgate", kind=PlaceKind.LIBRARY, ward=None, created_by=admin
    )
    volunteer = make_user(role=Role.VOLUNTEER, full_name="Val Volunteer", email="val@example.com")
    places.add_volunteer(place, "val@example.com", added_by=admin)
    resident = make_user(
        full_name="Rita Rowe",
        email="rita@example.com",
        phone="+447700900123",
        address_line_1="12 Acacia Avenue",
        address_town="Demoton",
        address_postcode="DM1 1AB",
    )
    db.session.commit()
    return place, volunteer, resident


def start_helping(client, resident, services=("missed-bin",), given="in_person", lasts="visit"):
    found = client.submit(START, {"name": "rita", "postcode": "dm11ab", "email": ""})
    assert found.location == "/help/choose"
    chosen = client.submit("/help/choose", {"person": str(resident.id)})
    assert chosen.location == "/help/consent"
    recorded = client.submit("/help/consent", {"given": given, "services": list(services), "lasts": lasts})
    assert recorded.location == START, recorded.error_summary
    return db.session.scalar(sa.select(AssistedSession).order_by(AssistedSession.id.desc()))


def test_a_volunteer_finds_a_person_seeing_only_initials_and_part_of_the_address(client, people):
    place, volunteer, resident = people
    make_user(full_name="Rita Elsewhere", address_line_1="1 Far Road", address_postcode="DM9 9ZZ")
    sign_in(client, volunteer)
    assert client.get(START).h1 == "Help someone"
    choose = client.follow(client.submit(START, {"name": "Rita", "postcode": "DM1 1AB"}))
    labels = [label.get_text(" ", strip=True) for label in choose.soup.select("label.govuk-radios__label")]
    assert labels == ["R. R., Acacia Avenue, DM1"]
    assert "Rowe" not in choose.text and "12 Acacia" not in choose.text and "rita@example.com" not in choose.text
    by_email = client.follow(client.submit(START, {"email": "RITA@example.com"}))
    assert [label.get_text(" ", strip=True) for label in by_email.soup.select("label.govuk-radios__label")] == [
        "R. R., Acacia Avenue, DM1"
    ]
    nobody = client.follow(client.submit(START, {"name": "Nobody", "postcode": "DM1 1AB"}))
    assert nobody.h1 == "No account found"


def test_the_find_and_consent_forms_explain_each_mistake(client, people):
    place, volunteer, resident = people
    sign_in(client, volunteer)
    empty = client.submit(START, {})
    assert empty.error_for("name") == "Enter their name and postcode, or their email address"
    no_postcode = client.submit(START, {"name": "Rita"})
    assert no_postcode.error_for("postcode") == "Enter their postcode"
    hostile = client.submit(START, {"name": "<b>Rita</b>", "postcode": "nowhere", "email": "not an email"})
    assert hostile.error_for("name") == "Name must not include < or >"
    assert hostile.error_for("postcode") == "Enter a real postcode, like DM1 1AA"
    assert hostile.error_for("email") == "Enter an email address in the correct format, like name@example.com"
    assert hostile.value_of("name") == "<b>Rita</b>" and "<b>Rita</b>" not in hostile.html

    guest = client.submit(
        "/help/consent?who=guest",
        {"person_name": "x" * 201, "services": ["nonsense"], "given": "telepathy", "lasts": "forever"},
    )
    assert guest.error_for("person_name") == "Name must be 200 characters or fewer"
    assert guest.error_for("given") == "Select how they gave their consent"
    assert guest.error_for("services") == "Select the services they agreed you can use for them"
    assert guest.error_for("lasts") == "Select how long their consent lasts"
    none_chosen = client.submit(
        "/help/consent?who=guest", {"person_name": "Gwen", "given": "in_person", "lasts": "visit"}
    )
    assert none_chosen.error_for("services") == "Select the services they agreed you can use for them"
    assert count(AssistedSession) == 0


def test_a_volunteer_cannot_choose_an_account_the_search_did_not_find(client, people):
    place, volunteer, resident = people
    other = make_user(full_name="Someone Else", address_line_1="3 Hill Road", address_postcode="DM2 2AA")
    sign_in(client, volunteer)
    assert client.get("/help/consent", expect=302).location == START  # nobody chosen yet
    client.submit(START, {"name": "rita", "postcode": "DM1 1AB"})
    forged = client.submit("/help/choose", {"person": str(other.id)})
    assert forged.error_for("person") == "Select their account, or search again"
    assert client.get("/help/consent", expect=302).location == START
    assert count(AssistedSession) == 0


def test_only_volunteers_at_a_place_may_help(client, people):
    place, volunteer, resident = people
    sign_in(client, resident)
    client.get(START, expect=403)
    client.get("/help/consent?who=guest", expect=403)
    client.post("/help/stop", expect=400)  # no CSRF token
    unplaced = make_user(role=Role.VOLUNTEER)
    client.post("/sign-out", {"csrf_token": client.get("/").csrf_token()})
    sign_in(client, unplaced)
    page = client.get(START)
    assert "You are not set up to help at any place yet." in page.text
    assert client.get("/help/consent?who=guest", expect=302).location == START


def test_a_volunteer_sends_a_request_as_the_person_who_sees_it_as_assisted(app, client, people, local_stripe):
    place, volunteer, resident = people
    sign_in(client, volunteer)
    helping = start_helping(client, resident)
    assert (helping.person_id, helping.volunteer_id, helping.place_id) == (resident.id, volunteer.id, place.id)
    assert helping.consent_given is ConsentGiven.IN_PERSON and helping.consent_services == ["missed-bin"]
    assert helping.consent_lasts is ConsentLasts.VISIT
    assert helping.consent_expires_at - helping.started_at == assisted.LONGEST_VISIT

    page = client.get(START)
    assert page.h1 == "You are helping Rita Rowe"
    banner = page.soup.select_one(".doorstep-helping-banner")
    assert "You are helping Rita Rowe" in banner.get_text() and banner.find("button", string="Stop helping")
    other_page = client.get("/services/missed-bin")
    assert "You are helping Rita Rowe" in other_page.soup.select_one(".doorstep-helping-banner").get_text()

    definition = forms_engine_definition(app, "missed-bin")
    walked = walk(client, definition)
    assert not any(p.soup.find("button", {"value": "save"}) for p in walked)  # no drafts kept for the person
    send(client, definition, local_stripe)
    case = db.session.scalar(sa.select(Case))
    assert (case.user_id, case.submitted_by_id, case.channel) == (resident.id, volunteer.id, Channel.ASSISTED)
    assert (case.place_id, case.assisted_session_id) == (place.id, helping.id)
    assert case.contact_email == "rita@example.com"  # their own details, not what was typed for them
    sent_to = db.session.scalars(sa.select(OutboundMessage.recipient)).all()
    assert sent_to == ["rita@example.com"]
    assert client.get("/services/missed-bin/confirmation").soup.find(string=lambda text: case.reference in text)

    stopped = client.submit("/help/stop", {}, from_url=START)
    assert "You have stopped helping Rita Rowe" in client.follow(stopped).text
    db.session.refresh(helping)
    assert helping.ended_at is not None
    assert client.get("/services/missed-bin/confirmation", expect=302).location == "/services/missed-bin"
    assert client.get(START).soup.select_one(".doorstep-helping-banner") is None
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.assisted_session_id == helping.id).order_by(AuditEvent.id)
    ).all()
    assert actions == ["assisted.started", "assisted.submitted", "assisted.ended"]

    client.post("/sign-out", {"csrf_token": client.get("/").csrf_token()})
    sign_in(client, resident)
    requests = client.get("/account/requests")
    assert case.reference in requests.text
    assert "Submitted with help from a volunteer at Northgate Library" in requests.text
    client.raw.set_cookie("doorstep_language", "cy")
    welsh = client.get("/account/requests")
    assert "Cyflwynwyd gyda help gwirfoddolwr yn Llyfrgell Northgate" in welsh.text


@pytest.mark.parametrize(
    "url",
    [
        "/account/requests",  # the person's other requests, and the volunteer's own
        "/account/your-data/download",  # data download
        "/account/",
        "/account/email",
        "/services/bulky-waste/begin",  # a paid service (cards) the consent does not cover
        "/services/fly-tipping/where",  # a service the consent does not cover
        "/staff/",
        "/admin/places",
        "/payments/done",
    ],
)
def test_everything_outside_the_consent_is_refused_and_audited(client, people, url):
    place, volunteer, resident = people
    sign_in(client, volunteer)
    helping = start_helping(client, resident)
    refused = client.get(url, expect=302)
    assert refused.location == "/help/not-covered"
    page = client.get("/help/not-covered", expect=403)
    assert page.h1 == "Their consent does not cover this"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "assisted.refused"))
    assert (event.actor_id, event.subject_user_id, event.assisted_session_id) == (volunteer.id, resident.id, helping.id)
    assert event.detail == f"GET {url.split('?')[0]}"


def test_a_refused_post_changes_nothing(client, people):
    place, volunteer, resident = people
    sign_in(client, volunteer)
    start_helping(client, resident)
    token = client.get(START).csrf_token()
    refused = client.post("/account/name", {"csrf_token": token, "full_name": "Changed"}, expect=302)
    assert refused.location == "/help/not-covered"
    db.session.refresh(volunteer)
    db.session.refresh(resident)
    assert (volunteer.full_name, resident.full_name) == ("Val Volunteer", "Rita Rowe")


def test_a_volunteer_helps_someone_without_an_account(app, client, people, local_stripe):
    place, volunteer, resident = people
    sign_in(client, volunteer)
    recorded = client.submit(
        "/help/consent?who=guest",
        {"person_name": " Gwen Guest ", "given": "telephone", "services": ["missed-bin"], "lasts": "today"},
    )
    assert recorded.location == START
    helping = db.session.scalar(sa.select(AssistedSession))
    assert (helping.person_id, helping.person_name, helping.consent_given) == (
        None,
        "Gwen Guest",
        ConsentGiven.TELEPHONE,
    )
    assert helping.consent_expires_at > utcnow()
    assert client.get(START).h1 == "You are helping Gwen Guest"
    definition = forms_engine_definition(app, "missed-bin")
    walk(client, definition)
    send(client, definition, local_stripe)
    case = db.session.scalar(sa.select(Case))
    assert (case.user_id, case.channel, case.assisted_session_id) == (None, Channel.ASSISTED, helping.id)
    assert case.contact_email == "person@example.com"  # the details they gave in the form


def test_a_volunteer_helping_cannot_start_helping_someone_else(client, people):
    place, volunteer, resident = people
    sign_in(client, volunteer)
    start_helping(client, resident)
    elsewhere = client.get("/help/consent?who=guest", expect=302)
    assert elsewhere.location == START
    assert "Stop helping Rita Rowe before you help someone else." in client.follow(elsewhere).text


def test_helping_ends_when_the_consent_runs_out_and_on_signing_out(client, people):
    place, volunteer, resident = people
    sign_in(client, volunteer)
    helping = start_helping(client, resident)
    helping.consent_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(START)
    assert "the time their consent covered has run out" in page.text
    assert page.h1 == "Help someone" and page.soup.select_one(".doorstep-helping-banner") is None
    db.session.refresh(helping)
    assert helping.ended_at == helping.consent_expires_at

    again = start_helping(client, resident)
    client.post("/sign-out", {"csrf_token": client.get(START).csrf_token()}, expect=302)
    db.session.refresh(again)
    assert again.ended_at is not None
    assert "assisted.consent_ran_out" in db.session.scalars(sa.select(AuditEvent.action)).all()


def test_the_volunteers_own_journeys_are_kept_apart_from_the_persons(app, client, people, local_stripe):
    place, volunteer, resident = people
    sign_in(client, volunteer)
    definition = forms_engine_definition(app, "missed-bin")
    walk(client, definition)  # the volunteer's own report, unsent
    start_helping(client, resident)
    begin = client.get("/services/missed-bin/begin", expect=302)
    assert begin.location == "/services/missed-bin/bin-type"  # a fresh form, not the volunteer's answers
    assert client.get("/services/missed-bin/check-answers", expect=302).location == "/services/missed-bin"


def test_staff_audit_every_assisted_session(client, people, local_stripe, app):
    place, volunteer, resident = people
    sign_in(client, volunteer)
    helping = start_helping(client, resident)
    client.get("/account/requests", expect=302)
    definition = forms_engine_definition(app, "missed-bin")
    walk(client, definition)
    send(client, definition, local_stripe)
    client.submit("/help/stop", {}, from_url=START)
    case = db.session.scalar(sa.select(Case))
    client.post("/sign-out", {"csrf_token": client.get("/").csrf_token()})

    sign_in(client, volunteer)
    client.get("/staff/assisted", expect=403)
    client.post("/sign-out", {"csrf_token": client.get("/").csrf_token()})
    sign_in(client, make_user(role=Role.STAFF))
    listed = client.get("/staff/assisted")
    assert "Page 1" in listed.text and "Val Volunteer" in listed.text and "Rita Rowe" in listed.text
    detail = client.get(f"/staff/assisted/{helping.id}")
    text = detail.text
    for expected in (
        "Northgate Library",
        "In person, here with me",
        "Report a missed bin",
        "This visit only",
        case.reference,
        "Refused: not covered by the consent",
        "GET /account/requests",
        "Request sent",
        "Stopped helping",
    ):
        assert expected in text, expected
    client.get("/staff/assisted/999999", expect=404)
