"""The staff queue of parking permits waiting for checks: approving makes the permit valid and tells
the applicant from when; refusing needs a reason, cancels the permit, refunds it in full through
Stripe and sends the applicant the reason; only staff see it, and a decision is made once."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import OutboundMessage, ParkingPermit, ParkingPermitChange, PaymentRefund, PermitStatus, Role
from app.services.parking import permits
from tests.factories import make_user, sign_in
from tests.integration.test_parking_vehicle_changes import buy

pytestmark = pytest.mark.db
FORM_EMAIL = "person@example.com"  # the email address given on the form's contact page (the example answer)
QUEUE = "/staff/parking/checks"


@pytest.fixture
def awaiting(app, client, local_stripe):
    """A paid permit (DM19 LOW, £55) waiting for checks, then the member of staff signed in."""
    resident = make_user(email="applicant@example.com", uprn=100000000001)
    sign_in(client, resident)
    permit = buy(app, client, local_stripe)
    permit.status = PermitStatus.AWAITING_CHECKS
    db.session.commit()
    client.post("/sign-out", {"csrf_token": client.get("/").csrf_token()}, expect=302)
    sign_in(client, make_user(email="checker@example.com", role=Role.STAFF))
    return permit


def last_message() -> OutboundMessage:
    return db.session.scalar(
        sa.select(OutboundMessage).where(OutboundMessage.template == "case_update").order_by(OutboundMessage.id.desc())
    )


def test_refusing_needs_a_reason_then_refunds_and_tells_the_applicant(client, awaiting):
    queue = client.get(QUEUE)
    assert awaiting.reference in queue.soup.find(id="parking-checks").text
    page = client.get(f"{QUEUE}/{awaiting.reference}")
    assert "DM19 LOW" in page.soup.find(id="permit-to-check").text
    missing = client.post(
        f"{QUEUE}/{awaiting.reference}", {"csrf_token": page.csrf_token(), "decision": "refuse", "reason": ""}
    )
    assert missing.error_for("reason") == "Enter why the permit cannot be given"
    for forged in ("maybe", "<script>", ""):
        wrong = client.post(f"{QUEUE}/{awaiting.reference}", {"csrf_token": page.csrf_token(), "decision": forged})
        assert wrong.error_for("decision") == "Select whether the permit can be given", forged
    too_long = client.post(
        f"{QUEUE}/{awaiting.reference}",
        {"csrf_token": page.csrf_token(), "decision": "refuse", "reason": "x" * 501},
    )
    assert too_long.error_for("reason") == "Reason must be 500 characters or fewer"
    assert too_long.soup.find(id="reason").text.strip() == "x" * 501  # nothing typed is lost
    client.post(f"{QUEUE}/{awaiting.reference}", {"decision": "refuse", "reason": "No CSRF"}, expect=400)
    db.session.refresh(awaiting)
    assert awaiting.status == PermitStatus.AWAITING_CHECKS

    reason = "The V5C you sent is for <b>another</b> vehicle"
    client.post(
        f"{QUEUE}/{awaiting.reference}",
        {"csrf_token": page.csrf_token(), "decision": "refuse", "reason": reason},
        expect=302,
    )
    db.session.refresh(awaiting)
    assert awaiting.status == PermitStatus.CANCELLED
    refund = db.session.scalar(sa.select(PaymentRefund))
    assert (refund.amount_pence, refund.succeeded) == (5500, True)
    told = last_message()
    assert reason in told.body and "£55.00" in told.body and told.recipient == FORM_EMAIL
    change = db.session.scalar(sa.select(ParkingPermitChange))
    assert (change.kind, change.difference_pence) == ("refused", -5500)
    # Decided once: the page and a second post send staff back to the queue, and nothing more happens.
    client.get(f"{QUEUE}/{awaiting.reference}", expect=302)
    client.post(
        f"{QUEUE}/{awaiting.reference}",
        {"csrf_token": page.csrf_token(), "decision": "approve"},
        expect=302,
    )
    db.session.refresh(awaiting)
    assert awaiting.status == PermitStatus.CANCELLED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentRefund)) == 1
    assert "No permits are waiting for checks." in client.get(QUEUE).text


def test_approving_makes_the_permit_valid_and_says_from_when(client, awaiting):
    page = client.get(f"{QUEUE}/{awaiting.reference}")
    client.post(f"{QUEUE}/{awaiting.reference}", {"csrf_token": page.csrf_token(), "decision": "approve"}, expect=302)
    db.session.refresh(awaiting)
    assert awaiting.status == PermitStatus.ACTIVE
    assert "it is valid now, until the end of" in last_message().body
    assert db.session.scalar(sa.select(ParkingPermitChange.kind)) == "approved"


def test_only_staff_see_the_queue(client, awaiting):
    client.post("/sign-out", {"csrf_token": client.get("/").csrf_token()}, expect=302)
    sign_in(client, make_user(email="nosy@example.com"))
    for path in (QUEUE, f"{QUEUE}/{awaiting.reference}"):
        client.get(path, expect=403)
    client.post("/sign-out", {"csrf_token": client.get("/").csrf_token()}, expect=302)
    sign_in(client, make_user(email="checker2@example.com", role=Role.STAFF))
    client.get(f"{QUEUE}/NOPE-NOPE", expect=404)


def waiting_permit(reference: str, vrm: str, due) -> ParkingPermit:
    starts = permits.london_midnight(permits.london_today())
    permit = ParkingPermit(
        reference=reference,
        permit_type="resident",
        status=PermitStatus.AWAITING_CHECKS,
        uprn=100000000001,
        zone="A",
        vrm=vrm,
        vehicle={"vrm": vrm, "source": "entered"},
        starts_at=starts,
        ends_at=starts + timedelta(days=365),
        months=12,
        price_pence=8200,
        quote={"lines": []},
        checks_due_on=due,
    )
    db.session.add(permit)
    db.session.flush()
    return permit


def test_the_queue_lists_the_overdue_first_marked_and_then_by_due_date(client, awaiting):
    today = permits.london_today()
    awaiting.checks_due_on = today + timedelta(days=7)
    waiting_permit("DUE-TDAY", "ER19NFD", today)
    waiting_permit("DUE-LATE", "ER19NFE", today - timedelta(days=2))
    waiting_permit("DUE-SOON", "ER19NFF", today + timedelta(days=1))
    db.session.commit()
    rows = client.get(QUEUE).soup.find(id="parking-checks").select("tbody tr")
    listed = [(row.find("a").text, "Overdue" in row.text) for row in rows]
    assert listed == [
        ("DUE-LATE", True),
        ("DUE-TDAY", False),
        ("DUE-SOON", False),
        (awaiting.reference, False),
    ]
    assert f"{today - timedelta(days=2):%-d %B %Y}" in rows[0].text
    assert "govuk-tag--red" in str(rows[0]) and "govuk-tag" not in str(rows[1])
    page = client.get(f"{QUEUE}/DUE-LATE")
    assert f"{today - timedelta(days=2):%-d %B %Y}" in page.soup.find(id="permit-to-check").text
