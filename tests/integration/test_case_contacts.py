"""Staff record a contact about a request that did not start online, in two clicks from the case;
whether it was avoidable is worked out from the case's due date, never asked."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CaseContact, CaseStatus, ContactChannel, Role
from app.services import case_contacts
from tests.factories import make_user, sign_in
from tests.integration.test_case_work import make_case, staff_client

pytestmark = pytest.mark.db


def contact_form_token(page) -> str:
    form = page.soup.find("form", action=lambda action: action and action.endswith("/contacts"))
    return form.find("input", {"name": "csrf_token"})["value"]


def test_a_call_chasing_a_request_within_its_standard_is_recorded_as_avoidable_in_two_clicks(app, database, client):
    case = make_case(app, client)
    staff = staff_client(client)
    page = client.get(f"/staff/cases/{case.reference}")
    form = page.soup.find("form", action=f"/staff/cases/{case.reference}/contacts")
    # The two clicks: a radio and the button; nothing else to fill in.
    assert {field["name"] for field in form.find_all("input") if field.get("type") != "hidden"} == {"channel"}
    assert form.find("button").get_text(strip=True) == "Record contact"

    sent = client.post(
        f"/staff/cases/{case.reference}/contacts",
        {"csrf_token": contact_form_token(page), "channel": "telephone"},
        expect=302,
    )
    shown = client.follow(sent)
    assert "Contact recorded: avoidable" in shown.text
    contact = db.session.scalar(sa.select(CaseContact))
    assert (contact.case_id, contact.channel, contact.recorded_by_id, contact.avoidable) == (
        case.id,
        ContactChannel.TELEPHONE,
        staff.id,
        True,
    )
    assert (contact.service_id, contact.ward) == (case.service_id, case.ward)
    row = shown.soup.find("caption", string="Contacts recorded").find_parent("table").find("tbody").find("tr")
    assert "Phone call" in row.get_text() and "Sam Staff" in row.get_text() and "Yes" in row.get_text()


def test_a_contact_after_the_due_date_or_about_a_closed_request_is_not_avoidable(app, database, client):
    case = make_case(app, client)
    staff_client(client)
    case.due_date = (datetime.now(UTC) - timedelta(days=2)).date()
    db.session.flush()
    page = client.get(f"/staff/cases/{case.reference}")
    client.post(
        f"/staff/cases/{case.reference}/contacts",
        {"csrf_token": contact_form_token(page), "channel": "letter"},
        expect=302,
    )
    assert db.session.scalar(sa.select(CaseContact.avoidable)) is False

    case.due_date = (datetime.now(UTC) + timedelta(days=10)).date()
    case.status = CaseStatus.CLOSED
    assert case_contacts.is_avoidable(case, datetime.now(UTC)) is False
    case.status = CaseStatus.IN_PROGRESS
    assert case_contacts.is_avoidable(case, datetime.now(UTC)) is True
    # The due date's last minute counts as within the standard, in London time (here, summer time).
    case.due_date = datetime(2026, 7, 1).date()
    assert case_contacts.is_avoidable(case, datetime(2026, 7, 1, 22, 59, tzinfo=UTC)) is True
    assert case_contacts.is_avoidable(case, datetime(2026, 7, 1, 23, 0, tzinfo=UTC)) is False


def test_no_choice_or_a_made_up_channel_gets_an_error_next_to_the_field(app, database, client):
    case = make_case(app, client)
    staff_client(client)
    page = client.get(f"/staff/cases/{case.reference}")
    for channel in (None, "fax", "<script>alert(1)</script>", "x" * 10_000):
        data = {"csrf_token": contact_form_token(page)}
        if channel is not None:
            data["channel"] = channel
        refused = client.post(f"/staff/cases/{case.reference}/contacts", data, expect=200)
        assert refused.title.startswith("Error:")
        assert "Select how they contacted us" in refused.error_summary
        assert refused.soup.select_one("#channel-error") is not None
        assert "<script>alert(1)</script>" not in refused.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseContact)) == 0


def test_without_a_csrf_token_or_as_the_person_or_for_a_case_that_is_not_there_nothing_is_recorded(
    app, database, client
):
    person = make_user(email="resident@example.com")
    sign_in(client, person)
    case = make_case(app, client)
    token = client.get("/account/").csrf_token()
    # The person whose request it is cannot record contacts on it (staff only).
    assert (
        client.post(f"/staff/cases/{case.reference}/contacts", {"csrf_token": token, "channel": "email"}).status == 403
    )

    client.raw.delete_cookie("doorstep_session")
    staff_client(client)
    page = client.get(f"/staff/cases/{case.reference}")
    missing = client.post(f"/staff/cases/{case.reference}/contacts", {"channel": "email"})
    assert missing.status == 400 and missing.h1 == "This form has expired"
    client.post(
        "/staff/cases/ZZZZ-ZZZZ/contacts", {"csrf_token": contact_form_token(page), "channel": "email"}, expect=404
    )
    volunteer = make_user(role=Role.VOLUNTEER)
    client.raw.delete_cookie("doorstep_session")
    sign_in(client, volunteer)
    token = client.get("/account/").csrf_token()
    assert (
        client.post(f"/staff/cases/{case.reference}/contacts", {"csrf_token": token, "channel": "email"}).status == 403
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseContact)) == 0
