"""Staff working cases: inbox filters, the case page, status, notes, assignment, audit, phone requests."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import AuditEvent, Case, CaseStatus, Channel, OutboundMessage, Role
from app.services import case_work
from app.services import cases as cases_service
from tests.factories import make_user, sign_in
from tests.form_walk import walk
from tests.integration.test_form_engine import submit

pytestmark = pytest.mark.db


def make_case(app, client, form_id="missed-bin") -> Case:
    with app.app_context():
        definition = forms_engine.get(form_id)
    walk(client, definition)
    submit(client, definition)
    return db.session.scalars(sa.select(Case).order_by(Case.id.desc())).first()


def staff_client(client):
    staff = make_user(role=Role.STAFF, full_name="Sam Staff")
    sign_in(client, staff)
    return staff


def test_staff_see_the_case_with_its_answers_and_every_view_is_audited(app, database, client):
    case = make_case(app, client)
    staff = staff_client(client)
    inbox = client.get("/staff/cases")
    assert case.reference in inbox.text
    page = client.get(f"/staff/cases/{case.reference}")
    assert "Which bin did we miss?" in page.text and "General waste (black bin)" in page.text
    client.get(f"/staff/cases/{case.reference}")
    views = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.case_id == case.id)).all()
    assert [(view.actor_id, view.action) for view in views] == [(staff.id, "case.viewed")] * 2


def test_changing_the_status_with_a_message_tells_the_person_and_shows_on_their_requests(app, database, client):
    person = make_user(email="resident@example.com")
    sign_in(client, person)
    case = make_case(app, client)
    client.raw.delete_cookie("doorstep_session")
    staff_client(client)
    page = client.get(f"/staff/cases/{case.reference}")
    token = page.csrf_token(1)
    client.post(
        f"/staff/cases/{case.reference}/status",
        {"csrf_token": token, "status": "closed", "message": "We collected your bin this morning."},
        expect=302,
    )
    db.session.refresh(case)
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    update = db.session.scalar(
        sa.select(OutboundMessage).where(
            OutboundMessage.template == "case_update", OutboundMessage.user_id == person.id
        )
    )
    assert update.recipient == "person@example.com"  # the address given on the form
    assert "We collected your bin this morning." in update.body
    client.post(
        f"/staff/cases/{case.reference}/notes",
        {"csrf_token": page.csrf_token(2), "note": "Crew missed the street"},
        expect=302,
    )

    client.raw.delete_cookie("doorstep_session")
    sign_in(client, person)
    requests = client.get("/account/requests")
    row = requests.soup.find(string=lambda text: text and case.reference in text).find_parent("tr")
    assert "Closed" in row.get_text() and "We collected your bin this morning." in row.get_text()
    assert "Crew missed the street" not in requests.text  # internal notes never reach the person


def test_a_note_is_internal_and_errors_keep_what_was_typed(app, database, client):
    case = make_case(app, client)
    staff_client(client)
    page = client.get(f"/staff/cases/{case.reference}")
    empty = client.post(f"/staff/cases/{case.reference}/notes", {"csrf_token": page.csrf_token(2), "note": "  "})
    assert empty.status == 200 and empty.error_summary == ["Enter a note"]
    long_note = "x" * 5001
    too_long = client.post(
        f"/staff/cases/{case.reference}/notes", {"csrf_token": page.csrf_token(2), "note": long_note}
    )
    assert too_long.error_summary == ["Note must be 5000 characters or fewer"]
    assert too_long.soup.find("textarea", {"name": "note"}).get_text() == long_note
    client.post(
        f"/staff/cases/{case.reference}/notes", {"csrf_token": page.csrf_token(2), "note": "<b>Called back</b>"}
    )
    shown = client.get(f"/staff/cases/{case.reference}")
    assert "&lt;b&gt;Called back&lt;/b&gt;" in shown.html


def test_assign_to_me_and_the_inbox_filters(app, database, client):
    first = make_case(app, client)
    second = make_case(app, client, "alternative-formats")
    staff = staff_client(client)
    page = client.get(f"/staff/cases/{first.reference}")
    client.post(f"/staff/cases/{first.reference}/assign", {"csrf_token": page.csrf_token(0), "to": "me"}, expect=302)
    db.session.expire_all()
    assert db.session.get(Case, first.id).assigned_to_id == staff.id

    def listed(query):
        text = client.get(f"/staff/cases?{query}").text
        return {reference for reference in (first.reference, second.reference) if reference in text}

    assert listed("") == {first.reference, second.reference}
    assert listed("mine=1") == {first.reference}
    assert listed("service=alternative-formats") == {second.reference}
    assert listed("urgent=1") == set()
    assert listed("status=closed") == set()
    second_case = db.session.get(Case, second.id)
    second_case.due_date = cases_service.london_today() - timedelta(days=1)
    db.session.commit()
    assert listed("overdue=1") == {second.reference}
    assert listed("page=abc&status=<script>") == {first.reference, second.reference}


def test_an_unknown_case_is_404_and_residents_cannot_see_cases(app, database, client):
    case = make_case(app, client)
    resident = make_user()
    sign_in(client, resident)
    assert client.get(f"/staff/cases/{case.reference}", expect=403)
    client.raw.delete_cookie("doorstep_session")
    staff_client(client)
    client.get("/staff/cases/NOPE-NOPE", expect=404)


def test_staff_take_a_phone_request_recorded_as_telephone_by_them(app, database, client):
    staff = staff_client(client)
    empty = client.submit("/staff/phone-request", {})
    assert empty.error_summary == ["Select a service", "Select how they are contacting us"]
    started = client.submit("/staff/phone-request", {"service": "missed-bin", "channel": "telephone"}, expect=302)
    assert started.location.endswith("/services/missed-bin/bin-type")
    with app.app_context():
        definition = forms_engine.get("missed-bin")
    # walk() begins with /begin, which continues the phone journey just started.
    walk(client, definition)
    submit(client, definition)
    case = db.session.scalars(sa.select(Case).order_by(Case.id.desc())).first()
    assert case.channel == Channel.TELEPHONE
    assert case.submitted_by_id == staff.id and case.user_id is None
    assert case.contact_email == "person@example.com"  # the caller's, never the staff member's


def test_the_inbox_offers_every_service_and_ward_that_has_cases_once_each(app, database, client):
    make_case(app, client)  # the example address is in a ward
    make_case(app, client, "alternative-formats")
    for service_id, ward in [("missed-bin", None), ("zz-retired-form", "Abbey"), ("missed-bin", "Zetland")]:
        extra = db.session.scalars(sa.select(Case).limit(1)).first()
        db.session.add(
            Case(
                reference=f"TEST-{service_id[:2]}{ward or 'NO'}"[:12],
                service_id=service_id,
                definition_version=extra.definition_version,
                team="test",
                answers={},
                channel=Channel.ONLINE,
                language="en",
                ward=ward,
                due_date=extra.due_date,
            )
        )
    db.session.commit()
    expected_services = list(db.session.scalars(sa.select(Case.service_id).distinct().order_by(Case.service_id)))
    expected_wards = list(
        db.session.scalars(sa.select(Case.ward).where(Case.ward.is_not(None)).distinct().order_by(Case.ward))
    )
    assert case_work.services_in_use() == expected_services == ["alternative-formats", "missed-bin", "zz-retired-form"]
    assert (
        case_work.wards_in_use() == expected_wards and expected_wards[0] == "Abbey" and expected_wards[-1] == "Zetland"
    )
    # The inbox asks for both at once, in one statement.
    assert case_work.services_and_wards_in_use() == (expected_services, expected_wards)
