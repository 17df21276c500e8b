"""Renewing a resident permit: reminders 30, 7 and 1 days before its last day (on fixed days, each
sent once, however often the job runs; by the person's chosen channel; none for a permit already
renewed or cancelled), and the renewal journey: a new permit from the day after the old one ends,
for the same vehicle and address, checked again and paid by card."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import scheduler
from app.extensions import db
from app.models import (
    ContactMethod,
    OutboundMessage,
    ParkingAddress,
    ParkingEligibility,
    ParkingPermit,
    ParkingPermitReminder,
    Payment,
    PermitStatus,
    Role,
)
from app.scheduler.runner import run_job
from app.services import api_keys
from app.services.parking import permits, renewals
from tests.factories import make_user, sign_in
from tests.form_walk import follow_payment
from tests.integration.test_parking_vehicle_changes import FORM, buy

pytestmark = pytest.mark.db

LAST_DAY = date(2027, 3, 31)


def a_permit(user, last_day: date = LAST_DAY, vrm: str = "DM19LOW", status=PermitStatus.ACTIVE) -> ParkingPermit:
    ends = last_day + timedelta(days=1)
    permit = ParkingPermit(
        reference=f"RNW-{vrm[-3:]}-{last_day:%y%m%d}",
        user_id=user.id,
        uprn=100000000001,
        zone="A",
        vrm=vrm,
        vehicle={"vrm": vrm, "source": "dvla"},
        starts_at=permits.london_midnight(permits.add_months(ends, -12)),
        ends_at=permits.london_midnight(ends),
        months=12,
        price_pence=5500,
        quote={},
        status=status,
    )
    db.session.add(permit)
    db.session.flush()
    return permit


def reminders() -> list[OutboundMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboundMessage)
            .where(OutboundMessage.template == "parking_renewal_reminder")
            .order_by(OutboundMessage.id)
        )
    )


def test_a_reminder_30_7_and_1_days_before_each_sent_once(app_context):
    holder = make_user(email="reminded@example.com")
    permit = a_permit(holder)
    sent = []
    for days_before in (31, 30, 30, 29, 8, 7, 7, 6, 2, 1, 1, 0):
        sent.append(renewals.send_reminders(LAST_DAY - timedelta(days=days_before)))
    assert sent == [0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0]
    kept = db.session.scalars(
        sa.select(ParkingPermitReminder.days_before).where(ParkingPermitReminder.permit_id == permit.id)
    ).all()
    assert sorted(kept) == [1, 7, 30]
    messages = reminders()
    assert [message.recipient for message in messages] == ["reminded@example.com"] * 3
    assert "ends on 31 March 2027" in messages[0].subject
    assert "DM19 LOW" in messages[0].body and f"/permits/{permit.reference}/renew" in messages[0].body


def test_a_missed_day_sends_the_nearest_reminder_only(app_context):
    a_permit(make_user(email="late@example.com"))
    assert renewals.send_reminders(LAST_DAY - timedelta(days=5)) == 1  # the 7-day one, not the 30-day one too
    assert renewals.send_reminders(LAST_DAY - timedelta(days=4)) == 0
    assert db.session.scalars(sa.select(ParkingPermitReminder.days_before)).all() == [7]


def test_reminders_go_by_the_chosen_channel_and_not_for_renewed_or_cancelled_permits(app_context):
    texter = make_user(email="texter@example.com", phone="07700900123", contact_method=ContactMethod.SMS)
    a_permit(texter)
    renewed = a_permit(make_user(email="renewed@example.com"), vrm="DM17MED")
    renewal = a_permit(make_user(email="renewal@example.com"), last_day=permits.add_months(LAST_DAY, 12), vrm="DM17MED")
    renewal.starts_at = renewed.ends_at
    a_permit(make_user(email="cancelled@example.com"), vrm="DM21EVC", status=PermitStatus.CANCELLED)
    assert renewals.send_reminders(LAST_DAY - timedelta(days=30)) == 1
    (message,) = reminders()
    assert (message.channel.value, message.recipient) == ("sms", "07700900123")


def test_the_job_run_twice_sends_each_reminder_once(app, database):
    with app.app_context():
        holder = make_user(email="twice@example.com")
        a_permit(holder, last_day=renewals.london_today() + timedelta(days=7))
        db.session.commit()
        job = scheduler.JOBS.get("parking-renewal-reminders")
        first, second = run_job(job, force=True), run_job(job, force=True)
        assert (first.counts, second.counts) == ({"queued": 1}, {"queued": 0})
        assert len(reminders()) == 1


@pytest.fixture
def resident(client):
    person = make_user(email="renewer@example.com", uprn=100000000001)
    sign_in(client, person)
    return person


def ending_soon(permit: ParkingPermit, days: int) -> ParkingPermit:
    """Move a bought permit back in time so that its last day is `days` from today."""
    ends = renewals.london_today() + timedelta(days=days + 1)
    permit.starts_at = permits.london_midnight(permits.add_months(ends, -12))
    permit.ends_at = permits.london_midnight(ends)
    db.session.commit()
    return permit


def test_renewing_starts_the_day_after_the_old_permit_ends(app, client, resident, local_stripe):
    permit = ending_soon(buy(app, client, local_stripe), 10)
    page = client.get(f"{FORM}/permits/{permit.reference}")
    assert page.soup.find(id="renew-permit") is not None
    choosing = client.get(f"{FORM}/permits/{permit.reference}/renew")
    assert [radio["value"] for radio in choosing.soup.select("input[name=months]")] == ["3", "6", "12"]
    checking = client.post(
        f"{FORM}/permits/{permit.reference}/renew", {"csrf_token": choosing.csrf_token(), "months": "12"}
    )
    summary = " ".join(checking.soup.find(id="renewal").text.split())
    first = permits.last_day(permit) + timedelta(days=1)
    assert f"Valid from {first.day} " in summary and "Price £55.00" in summary
    assert "Band 1" in checking.soup.find(id="renewal-quote").text
    paying = client.post(
        f"{FORM}/permits/{permit.reference}/renew",
        {"csrf_token": checking.csrf_token(), "months": "12", "confirm": "yes"},
        expect=303,
    )
    back = follow_payment(client, local_stripe, paying.location)
    renewal = renewals.renewed_by(permit)
    assert renewal is not None and back.location.endswith(f"/permits/{renewal.reference}")
    assert (renewal.vrm, renewal.uprn, renewal.zone, renewal.months, renewal.price_pence) == (
        "DM19LOW",
        100000000001,
        "A",
        12,
        5500,
    )
    assert renewal.starts_at == permit.ends_at and renewal.case_id != permit.case_id
    paid = db.session.scalar(sa.select(Payment).where(Payment.purpose == renewals.PURPOSE))
    assert paid.case_id == renewal.case_id  # its own case: it can be refunded on its own
    # Enforcement: valid on the old permit's last day and on the renewal's first, with no gap.
    key = api_keys.create("Handhelds", api_keys.ENFORCEMENT, created_by=make_user(role=Role.ADMIN)).secret
    db.session.commit()
    for moment in (permit.ends_at - timedelta(minutes=1), permit.ends_at + timedelta(minutes=1)):
        answer = client.raw.get(
            "/api/enforcement/v1/vrm/DM19LOW",
            query_string={"zone": "A", "at": moment.isoformat()},
            headers={"Authorization": f"Bearer {key}"},
        ).get_json()
        assert answer["valid"], moment
    shown = client.get(f"{FORM}/permits/{permit.reference}")
    assert shown.soup.find(id="renewed") is not None and shown.soup.find(id="renew-permit") is None
    # Renewing twice is refused.
    again = client.get(f"{FORM}/permits/{permit.reference}/renew", expect=302)
    assert again.location.endswith(f"/permits/{permit.reference}")
    with app.app_context():
        assert renewals.refusal(permit) == renewals.ALREADY_RENEWED


def test_renewing_is_refused_too_early_off_zone_for_others_and_without_csrf(app, client, resident, local_stripe):
    permit = buy(app, client, local_stripe)  # 12 months from today: too early to renew
    page = client.get(f"{FORM}/permits/{permit.reference}")
    assert page.soup.find(id="renew-permit") is None and "You can renew this permit from" in page.text
    client.get(f"{FORM}/permits/{permit.reference}/renew", expect=302)
    ending_soon(permit, 10)
    choosing = client.get(f"{FORM}/permits/{permit.reference}/renew")
    for forged in ("7", "<b>12</b>", "9" * 500, ""):
        wrong = client.post(
            f"{FORM}/permits/{permit.reference}/renew", {"csrf_token": choosing.csrf_token(), "months": forged}
        )
        assert wrong.error_for("months") == "Select how long you want the new permit for", forged
    client.post(f"{FORM}/permits/{permit.reference}/renew", {"months": "12", "confirm": "yes"}, expect=400)
    other = a_permit(make_user(email="not-mine@example.com"), last_day=renewals.london_today() + timedelta(days=5))
    db.session.commit()
    client.get(f"{FORM}/permits/{other.reference}/renew", expect=404)
    client.post(
        f"{FORM}/permits/{other.reference}/renew",
        {"csrf_token": choosing.csrf_token(), "months": "12", "confirm": "yes"},
        expect=404,
    )
    # The address is taken out of the zone's permits: renewing is refused, with the reason.
    address = db.session.get(ParkingAddress, 100000000001)
    address.eligibility, address.reason = ParkingEligibility.EXCLUDED, "private-road"
    db.session.commit()
    with app.app_context():
        assert renewals.refusal(permit) == renewals.ADDRESS_NOT_ELIGIBLE
    refused = client.get(f"{FORM}/permits/{permit.reference}/renew", expect=302)
    assert "can no longer have resident permits" in client.get(refused.location).text
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Payment).where(Payment.purpose == "parking-renewal"))
        == 0
    )
