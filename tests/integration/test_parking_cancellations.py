"""Cancelling a resident permit: the refund shown before confirming (whole months left less the
admin fee, nothing in the last month or below the minimum), made through Stripe's Refund API on the
local Stripe server, the permit stopped for enforcement and in the feed, the holder told through the
outbox, and a second confirm, someone else's permit or a missing CSRF token changing nothing."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import OutboundMessage, ParkingPermit, ParkingPermitChange, PaymentRefund, PermitStatus, Role
from app.services import api_keys
from app.services.parking import cancellations, permits
from app.services.parking.settings import CancellationRules
from tests.factories import make_user, sign_in
from tests.integration.test_parking_vehicle_changes import FORM, buy, valid

pytestmark = pytest.mark.db
FORM_EMAIL = "person@example.com"  # the email address given on the form's contact page (the example answer)

RULES = CancellationRules(
    admin_fee_pence=1000, whole_months_only=True, minimum_refund_pence=500, no_refund_in_last_months=1
)


@pytest.fixture
def resident(client):
    person = make_user(email="canceller@example.com", uprn=100000000001)
    sign_in(client, person)
    return person


@pytest.fixture
def key(client):
    made = api_keys.create("Handhelds", api_keys.ENFORCEMENT, created_by=make_user(role=Role.ADMIN))
    db.session.commit()
    return made.secret


def a_permit(first: date, months: int = 12, price: int = 5500) -> ParkingPermit:
    permit = ParkingPermit(
        reference=f"CXL-{first:%m%d}-{months}",
        uprn=100000000001,
        zone="A",
        vrm="DM19LOW",
        vehicle={},
        starts_at=permits.london_midnight(first),
        ends_at=permits.london_midnight(permits.add_months(first, months)),
        months=months,
        price_pence=price,
        quote={},
    )
    db.session.add(permit)
    db.session.flush()
    return permit


@pytest.mark.parametrize(
    ("today", "months_left", "unused", "refund", "because"),
    [
        (date(2025, 12, 20), 12, 5500, 4500, None),  # not started: every month back, less the £10 fee
        (date(2026, 1, 1), 11, 5042, 4042, None),  # the first day counts as used
        (date(2026, 3, 15), 9, 4125, 3125, None),  # 16 March to 16 December: 9 whole months
        (date(2026, 11, 29), 1, 458, 0, "below-minimum"),  # one month, £4.58, is less than the fee
        (date(2026, 12, 1), 0, 0, 0, "last-months"),  # 1 December onwards is the last month
    ],
)
def test_the_refund_is_the_whole_months_left_less_the_fee(app_context, today, months_left, unused, refund, because):
    offer = cancellations.refund_offer(a_permit(date(2026, 1, 1)), RULES, refundable_pence=5500, today=today)
    assert (offer.months_left, offer.unused_pence, offer.refund_pence, offer.no_refund_because) == (
        months_left,
        unused,
        refund,
        because,
    )


def test_the_minimum_the_cap_and_counting_days(app_context):
    permit = a_permit(date(2026, 1, 1), months=3, price=1500)  # £5 a month
    offer = cancellations.refund_offer(permit, RULES, refundable_pence=1500, today=date(2026, 1, 10))
    assert (offer.months_left, offer.unused_pence, offer.refund_pence, offer.no_refund_because) == (
        2,
        1000,
        0,
        "below-minimum",  # £10 - £10 fee is under the £5 minimum
    )
    year = a_permit(date(2026, 1, 1))
    capped = cancellations.refund_offer(year, RULES, refundable_pence=2000, today=date(2026, 3, 15))
    assert capped.refund_pence == 2000  # never more than is left to refund
    assert cancellations.refund_offer(year, RULES, refundable_pence=0, today=date(2026, 3, 15)).no_refund_because == (
        "nothing-paid"
    )
    by_days = CancellationRules(admin_fee_pence=0, whole_months_only=False)
    offer = cancellations.refund_offer(year, by_days, refundable_pence=5500, today=date(2026, 7, 1))
    assert (offer.days_left, offer.refund_pence) == (183, round(5500 * 183 / 365))


def test_the_holder_sees_the_refund_cancels_and_enforcement_sees_it_end(app, client, resident, local_stripe, key):
    permit = buy(app, client, local_stripe)  # 12 months from today, £55
    assert valid(client, key, "DM19LOW")
    page = client.get(f"{FORM}/permits/{permit.reference}")
    assert page.soup.find(id="cancel-permit") is not None
    checking = client.get(f"{FORM}/permits/{permit.reference}/cancel")
    # 11 whole months from tomorrow: £55 × 11/12 = £50.42, less the £10 admin fee.
    assert checking.soup.find(id="refund")["data-refund-pence"] == "4042"
    summary = " ".join(checking.soup.find(id="cancel-refund").text.split())
    assert "Whole months left 11" in summary and "Admin fee £10.00" in summary
    assert "Refund to your card £40.42" in summary
    client.post(f"{FORM}/permits/{permit.reference}/cancel", {"csrf_token": checking.csrf_token()}, expect=302)

    db.session.refresh(permit)
    assert permit.status == PermitStatus.CANCELLED
    refund = db.session.scalar(sa.select(PaymentRefund))
    assert (refund.amount_pence, refund.succeeded) == (4042, True)
    assert refund.stripe_refund_id  # made through the local Stripe server's Refund API
    assert not valid(client, key, "DM19LOW")
    feed = client.raw.get(
        "/api/enforcement/v1/permits",
        query_string={"zone": "A", "changed_since": permit.updated_at.isoformat()},
        headers={"Authorization": f"Bearer {key}"},
    ).get_json()
    assert [(p["reference"], p["status"]) for p in feed["permits"]] == [(permit.reference, "cancelled")]
    change = db.session.scalar(sa.select(ParkingPermitChange))
    assert (change.kind, change.difference_pence, change.actor_id, change.channel) == (
        "cancel",
        -4042,
        resident.id,
        "online",
    )
    told = db.session.scalar(
        sa.select(OutboundMessage).where(OutboundMessage.template == "case_update").order_by(OutboundMessage.id.desc())
    )
    assert "is cancelled" in told.body and "£40.42" in told.body and told.recipient == FORM_EMAIL
    shown = client.get(f"{FORM}/permits/{permit.reference}")
    assert shown.soup.find(id="permit-state")["data-state"] == "cancelled"
    assert shown.soup.find(id="cancel-permit") is None
    assert "permit cancelled. We refunded £40.42." in " ".join(shown.soup.find(id="permit-changes").text.split())

    # A second confirm, from an old tab or a double click: nothing more happens.
    client.post(f"{FORM}/permits/{permit.reference}/cancel", {"csrf_token": checking.csrf_token()}, expect=302)
    client.get(f"{FORM}/permits/{permit.reference}/cancel", expect=302)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentRefund)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ParkingPermitChange)) == 1


def test_other_peoples_permits_and_a_missing_csrf_token_are_refused(app, client, resident, local_stripe):
    permit = buy(app, client, local_stripe)
    other = make_user(email="other-canceller@example.com", uprn=100000000003)
    mine = permit.reference
    permit_of_other = a_permit(date.today() - timedelta(days=3))
    permit_of_other.user_id = other.id
    db.session.commit()
    client.get(f"{FORM}/permits/{permit_of_other.reference}/cancel", expect=404)
    shown = client.get(f"{FORM}/permits/{mine}/cancel")
    client.post(f"{FORM}/permits/{permit_of_other.reference}/cancel", {"csrf_token": shown.csrf_token()}, expect=404)
    client.post(f"{FORM}/permits/{'Z' * 300}/cancel", {"csrf_token": shown.csrf_token()}, expect=404)
    client.post(f"{FORM}/permits/{mine}/cancel", {}, expect=400)
    db.session.refresh(permit)
    db.session.refresh(permit_of_other)
    assert permit.status == permit_of_other.status == PermitStatus.ACTIVE
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentRefund)) == 0
