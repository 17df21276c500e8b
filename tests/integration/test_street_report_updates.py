"""A street report after it is sent: staff move it between states with a public note that reaches the
reporter and everyone following it, close it as a duplicate of another (linking both), edit its
public description (keeping the original), hide its photo and mark it urgent; four weeks after it is
fixed the reporter is asked "Is it fixed?" and "no" reopens it."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import (
    AuditEvent,
    Case,
    CaseStatus,
    ClosedReason,
    MessageChannel,
    OutboundMessage,
    Role,
    StreetReport,
    StreetReportState,
    utcnow,
)
from app.services import street_report_updates, street_reports
from tests.factories import make_user, sign_in
from tests.form_walk import walk
from tests.integration.test_form_engine import submit

pytestmark = pytest.mark.db


def make_report(app, client, form_id="fly-tipping", email="reporter@example.com") -> StreetReport:
    """A report sent by a guest with the example answers, hearing back by email at `email`."""
    with app.app_context():
        definition = forms_engine.get(form_id)
    walk(client, definition)
    submit(client, definition)
    case = db.session.scalars(sa.select(Case).order_by(Case.id.desc())).first()
    case.contact_email = email
    db.session.flush()
    client.raw.delete_cookie("doorstep_session")
    return street_reports.for_case(case)


def as_staff(client):
    staff = make_user(role=Role.STAFF, full_name="Sam Staff")
    sign_in(client, staff)
    return staff


def post_update(client, reference, expect=302, **data):
    page = client.get(f"/staff/street-reports/{reference}")
    token = page.soup.select_one(f"form[action='/staff/street-reports/{reference}/update'] input[name=csrf_token]")
    return client.post(
        f"/staff/street-reports/{reference}/update", {"csrf_token": token["value"], **data}, expect=expect
    )


def updates_to(recipient: str) -> list[OutboundMessage]:
    return db.session.scalars(
        sa.select(OutboundMessage)
        .where(OutboundMessage.recipient == recipient, OutboundMessage.template == "street_report_update")
        .order_by(OutboundMessage.id)
    ).all()


def test_staff_move_a_report_through_its_states_and_the_reporter_hears_each_update(app, client):
    report = make_report(app, client)
    reference = report.case.reference
    as_staff(client)
    case_page = client.get(f"/staff/cases/{reference}")
    assert case_page.soup.find("a", href=f"/staff/street-reports/{reference}")
    page = client.get(f"/staff/street-reports/{reference}")
    assert page.h1.startswith(f"Street report {reference}")
    assert "Open" in page.text and "No updates yet." in page.text

    post_update(client, reference, state="investigating", note="An officer will look at it today.")
    post_update(client, reference, state="action_scheduled", note="A crew will clear it on Friday.")
    done = post_update(client, reference, state="fixed", note="Cleared this morning.")
    shown = client.follow(done)
    assert "Status changed to Fixed" in shown.text
    db.session.refresh(report)
    assert report.state == StreetReportState.FIXED and report.fixed_at is not None
    assert report.case.status == CaseStatus.CLOSED
    assert [u.state for u in report.updates] == ["investigating", "action_scheduled", "fixed"]
    sent = updates_to("reporter@example.com")
    assert len(sent) == 3
    assert "Status: Fixed" in sent[-1].body and "Cleared this morning." in sent[-1].body
    assert reference in sent[-1].subject
    # The notes show under the case's messages too, as any status message does.
    assert "A crew will clear it on Friday." in client.get(f"/staff/cases/{reference}").text

    reopened = post_update(client, reference, state="reopened", note="It is back: we will clear it again.")
    assert reopened.status == 302
    db.session.refresh(report)
    assert (report.state, report.fixed_at, report.case.status) == (
        StreetReportState.REOPENED,
        None,
        CaseStatus.IN_PROGRESS,
    )


def test_an_update_in_welsh_reaches_a_welsh_reporter_in_welsh(app, client):
    report = make_report(app, client)
    report.case.language = "cy"
    db.session.flush()
    as_staff(client)
    post_update(client, report.case.reference, state="investigating", note="Rydym yn edrych arno.")
    message = updates_to("reporter@example.com")[-1]
    assert message.language == "cy" and "Statws" in message.body and "Rydym yn edrych arno." in message.body


def test_closing_without_a_reason_or_with_a_bad_duplicate_says_what_to_fix(app, client):
    report = make_report(app, client)
    reference = report.case.reference
    as_staff(client)
    no_reason = post_update(client, reference, expect=200, state="closed_not_fixed", note="Closing.")
    assert no_reason.error_for("reason") == "Select why it is closed"
    assert no_reason.title.startswith("Error:")
    assert no_reason.soup.find(id="note").get_text() == "Closing."  # nothing typed is lost
    missing = post_update(client, reference, expect=200, state="closed_not_fixed", reason="duplicate", note="Same.")
    assert missing.error_for("duplicate_of") == "Enter the reference of the report this one repeats"
    unknown = post_update(
        client, reference, expect=200, state="closed_not_fixed", reason="duplicate", duplicate_of="ZZZZ-ZZZZ", note="x"
    )
    assert unknown.error_for("duplicate_of") == "There is no street report with that reference"
    itself = post_update(
        client, reference, expect=200, state="closed_not_fixed", reason="duplicate", duplicate_of=reference, note="x"
    )
    assert itself.error_for("duplicate_of") == "Enter the reference of a different report, not this one"
    not_closed = post_update(client, reference, expect=200, state="reopened", note="Again.")
    assert not_closed.error_for("state") == "Only a fixed or closed report can be reopened"
    no_note = post_update(client, reference, expect=200, state="investigating", note="   ")
    assert no_note.error_for("note") == "Enter a public note"
    db.session.refresh(report)
    assert report.state == StreetReportState.OPEN and report.updates == []
    assert updates_to("reporter@example.com") == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"state": "demolished", "note": "x"}, "state", "Select a status"),
        ({"state": "closed_not_fixed", "reason": "bored", "note": "x"}, "reason", "Select why it is closed"),
        ({"state": "investigating", "note": "x" * 2001}, "note", "Public note must be 2000 characters or fewer"),
        ({"state": "investigating", "note": "bell\x07here"}, "note", "Remove any special characters, like tabs"),
        (
            {"state": "closed_not_fixed", "reason": "duplicate", "duplicate_of": "A" * 5000, "note": "x"},
            "duplicate_of",
            "Reference must be 20 characters or fewer",
        ),
    ],
)
def test_hostile_updates_are_refused_next_to_the_field(app, client, data, field, message):
    report = make_report(app, client)
    as_staff(client)
    refused = post_update(client, report.case.reference, expect=200, **data)
    assert refused.error_for(field) == message
    db.session.refresh(report)
    assert report.updates == []


def test_markup_in_a_note_is_shown_as_text(app, client):
    report = make_report(app, client)
    as_staff(client)
    post_update(client, report.case.reference, state="investigating", note="<script>alert(1)</script>")
    page = client.get(f"/staff/street-reports/{report.case.reference}")
    assert "<script>alert(1)</script>" in page.text and not page.soup.select("main script")


def test_a_duplicate_links_both_reports_and_its_reporter_follows_the_original(app, client):
    original = make_report(app, client, email="first@example.com")
    repeat = make_report(app, client, email="second@example.com")
    as_staff(client)
    post_update(
        client,
        repeat.case.reference,
        state="closed_not_fixed",
        reason="duplicate",
        duplicate_of=original.case.reference.lower(),
        note="Someone reported this already.",
    )
    db.session.refresh(repeat)
    assert (repeat.state, repeat.closed_reason, repeat.duplicate_of_id) == (
        StreetReportState.CLOSED_NOT_FIXED,
        ClosedReason.DUPLICATE,
        original.id,
    )
    told = updates_to("second@example.com")
    assert len(told) == 1 and original.case.reference in told[0].body
    repeat_page = client.get(f"/staff/street-reports/{repeat.case.reference}")
    assert repeat_page.soup.find("a", href=f"/staff/street-reports/{original.case.reference}")
    original_page = client.get(f"/staff/street-reports/{original.case.reference}")
    assert original_page.soup.find("a", href=f"/staff/street-reports/{repeat.case.reference}")

    post_update(client, original.case.reference, state="fixed", note="Cleared.")
    assert len(updates_to("first@example.com")) == 1
    following = updates_to("second@example.com")
    assert len(following) == 2 and "you are following" in following[-1].body


def test_each_follower_hears_each_update_once_by_their_channel(app, client):
    report = make_report(app, client)
    street_report_updates.add_follower(report, MessageChannel.EMAIL, "neighbour@example.com", "en")
    street_report_updates.add_follower(report, MessageChannel.EMAIL, "neighbour@example.com", "en")  # twice
    street_report_updates.add_follower(report, MessageChannel.SMS, "+447700900999", "cy")
    street_report_updates.add_follower(report, MessageChannel.EMAIL, "reporter@example.com", "en")  # the reporter
    as_staff(client)
    post_update(client, report.case.reference, state="investigating", note="Looking.")
    assert len(updates_to("neighbour@example.com")) == 1
    texts = updates_to("+447700900999")
    assert len(texts) == 1 and texts[0].channel == MessageChannel.SMS and texts[0].language == "cy"
    assert len(updates_to("reporter@example.com")) == 1


def test_staff_edit_the_public_description_and_the_original_is_kept(app, client):
    report = make_report(app, client)
    first_words = report.description
    assert first_words == "On the pavement by the lamp post outside"  # the location's description
    staff = as_staff(client)
    url = f"/staff/street-reports/{report.case.reference}/description"
    page = client.get(f"/staff/street-reports/{report.case.reference}")
    token = page.soup.select_one(f"form[action='{url}'] input[name=csrf_token]")["value"]
    same = client.post(url, {"csrf_token": token, "description": first_words}, expect=200)
    assert same.error_for("description") == "Change the public description, or go back to the report"
    empty = client.post(url, {"csrf_token": token, "description": " "}, expect=200)
    assert empty.error_for("description") == "Enter a public description"
    client.post(url, {"csrf_token": token, "description": "By the lamp post"}, expect=302)
    client.post(url, {"csrf_token": token, "description": "By lamp post 12"}, expect=302)
    db.session.refresh(report)
    assert (report.description, report.original_description) == ("By lamp post 12", first_words)
    edits = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "street_report.description_edited")
    ).all()
    assert [(edit.actor_id, edit.case_id) for edit in edits] == [(staff.id, report.case_id)] * 2
    assert first_words in client.get(f"/staff/street-reports/{report.case.reference}").text


def test_staff_hide_a_photo_and_mark_a_report_urgent(app, client):
    report = make_report(app, client)
    reference = report.case.reference
    assert report.case.urgent is True  # the example answers say it has something dangerous in it
    report.case.answers = report.case.answers | {"photo": {"file": "k", "name": "tip.jpg", "type": "jpg"}}
    db.session.flush()
    as_staff(client)
    page = client.get(f"/staff/street-reports/{reference}")
    assert "Download the photo" in page.text
    token = page.csrf_token(0)
    client.post(f"/staff/street-reports/{reference}/photo", {"csrf_token": token, "photo": "hide"}, expect=302)
    client.post(f"/staff/street-reports/{reference}/urgent", {"csrf_token": token, "urgent": "no"}, expect=302)
    db.session.refresh(report)
    assert report.photo_hidden is True and report.case.urgent is False
    assert "The photo is hidden from the public." in client.get(f"/staff/street-reports/{reference}").text
    client.post(f"/staff/street-reports/{reference}/photo", {"csrf_token": token, "photo": "show"}, expect=302)
    client.post(f"/staff/street-reports/{reference}/urgent", {"csrf_token": token, "urgent": "yes"}, expect=302)
    db.session.refresh(report)
    assert report.photo_hidden is False and report.case.urgent is True
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("street_report.%"))).all()
    assert actions == [
        "street_report.photo_hidden",
        "street_report.not_urgent",
        "street_report.photo_shown",
        "street_report.urgent",
    ]


def test_the_pages_are_for_staff_only_refuse_forged_posts_and_unknown_reports(app, client):
    report = make_report(app, client)
    reference = report.case.reference
    resident = make_user(email="nosy@example.com")
    sign_in(client, resident)
    client.get(f"/staff/street-reports/{reference}", expect=403)
    client.raw.delete_cookie("doorstep_session")
    as_staff(client)
    client.get("/staff/street-reports/ZZZZ-ZZZZ", expect=404)
    client.get(f"/staff/street-reports/{'A' * 500}", expect=404)
    for action in ("update", "description", "photo", "urgent"):
        client.post(f"/staff/street-reports/{reference}/{action}", {"state": "fixed", "note": "x"}, expect=400)
    db.session.refresh(report)
    assert report.state == StreetReportState.OPEN and report.case.urgent is True


def test_four_weeks_after_fixed_the_reporter_is_asked_and_no_reopens_it(app, client):
    report = make_report(app, client)
    staff = make_user(role=Role.STAFF)
    report_id = report.id
    with app.test_request_context():  # as the scheduler runs it: its own session, outside any request
        report = db.session.get(StreetReport, report_id)
        street_report_updates.update(report, staff, StreetReportState.FIXED, "Cleared.")
        assert street_report_updates.send_fixed_checks(utcnow()) == 0  # not four weeks yet
        report.fixed_at = utcnow() - timedelta(weeks=4, hours=1)
        assert street_report_updates.send_fixed_checks(utcnow()) == 1
        assert street_report_updates.send_fixed_checks(utcnow()) == 0  # asked once
        db.session.commit()
    report = db.session.get(StreetReport, report_id)
    asked = db.session.scalar(sa.select(OutboundMessage).where(OutboundMessage.template == "street_report_fixed_check"))
    assert asked.recipient == "reporter@example.com" and report.case.reference in asked.subject
    link = next(line for line in asked.body.splitlines() if "/street-reports/is-it-fixed/" in line)
    path = link[link.index("/street-reports/") :]

    page = client.get(path)
    assert page.h1 == "Is it fixed?"
    empty = client.post(path, {"csrf_token": page.csrf_token()}, expect=200)
    assert empty.error_for("fixed") == "Select yes if the problem is still fixed"
    done = client.post(path, {"csrf_token": page.csrf_token(), "fixed": "no"}, expect=200)
    assert "We have reopened your report" in done.text
    db.session.refresh(report)
    assert report.state == StreetReportState.REOPENED and report.case.status == CaseStatus.IN_PROGRESS
    told = updates_to("reporter@example.com")
    assert "told us it is not fixed" in told[-1].body
    again = client.post(path, {"csrf_token": page.csrf_token(), "fixed": "no"}, expect=200)
    assert "we have not reopened it" in again.text
    assert len(report.updates) == 2


def test_yes_it_is_fixed_changes_nothing_and_bad_links_are_explained(app, client):
    report = make_report(app, client)
    staff, report_id = make_user(role=Role.STAFF), report.id
    with app.test_request_context():
        report = db.session.get(StreetReport, report_id)
        street_report_updates.update(report, staff, StreetReportState.FIXED, "Cleared.")
        path = f"/street-reports/is-it-fixed/{street_report_updates.fixed_check_token(report)}"
        db.session.commit()
    report = db.session.get(StreetReport, report_id)
    page = client.get(path)
    done = client.post(path, {"csrf_token": page.csrf_token(), "fixed": "yes"}, expect=200)
    assert "We are glad it is still fixed." in done.text
    db.session.refresh(report)
    assert report.state == StreetReportState.FIXED
    bad = client.get("/street-reports/is-it-fixed/not-a-token", expect=400)
    assert bad.h1 == "This link does not work"
    client.get(f"/street-reports/is-it-fixed/{'x' * 5000}", expect=400)
    client.post(path, {"fixed": "no"}, expect=400)  # no CSRF token
    assert report.state == StreetReportState.FIXED
