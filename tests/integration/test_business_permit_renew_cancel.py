"""Business permits renewed and cancelled by the organisation's admins, on the same pages and rules
as a resident's (the business tariff prices a renewal; the limit per premises replaces the
household's); members who are not admins may only change the vehicle; anyone outside gets 404."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    ParkingPermit,
    ParkingPermitChange,
    Payment,
    PaymentRefund,
    PermitStatus,
)
from app.services.parking import permits, renewals
from tests.factories import make_user, sign_in
from tests.form_walk import follow_payment
from tests.integration.test_business_parking_permits import PERMITS, act_for, apply, approve, enforcement_answer, firm
from tests.pages import PageClient

pytestmark = pytest.mark.db
__all__ = ["firm"]  # the fixture, shared


@pytest.fixture
def permit(app, client, firm, local_stripe) -> ParkingPermit:
    """An approved 12-month business permit (£450) for DM19 LOW at the yard, the admin signed in."""
    organisation, admin, _member = firm
    sign_in(client, admin)
    act_for(client, organisation)
    apply(client, app, local_stripe)
    found = db.session.scalar(sa.select(ParkingPermit))
    approve(app, found)
    return found


def ending_soon(permit: ParkingPermit, days: int) -> None:
    ends = renewals.london_today() + timedelta(days=days + 1)
    permit.starts_at = permits.london_midnight(permits.add_months(ends, -12))
    permit.ends_at = permits.london_midnight(ends)
    db.session.commit()


def test_an_admin_renews_a_business_permit_at_the_business_price(app, client, permit, local_stripe):
    ending_soon(permit, 10)
    page = client.get(f"{PERMITS}/{permit.reference}")
    choosing = client.get(page.soup.find(id="renew-permit")["href"])
    checking = client.post(f"{PERMITS}/{permit.reference}/renew", {"csrf_token": choosing.csrf_token(), "months": "6"})
    summary = " ".join(checking.soup.find(id="renewal").text.split())
    assert "Price £247.50" in summary and "Premises" in summary  # £450 × 55%
    assert checking.soup.find(id="renewal-quote").get_text(" ", strip=True) == "Business permit, 6 months: £247.50"
    paying = client.post(
        f"{PERMITS}/{permit.reference}/renew",
        {"csrf_token": checking.csrf_token(), "months": "6", "confirm": "yes"},
        expect=303,
    )
    follow_payment(client, local_stripe, paying.location)
    renewal = renewals.renewed_by(permit)
    assert renewal is not None
    assert (renewal.permit_type, renewal.organisation_id, renewal.status, renewal.price_pence, renewal.zone) == (
        "business",
        permit.organisation_id,
        PermitStatus.ACTIVE,  # the evidence was checked for the permit it renews
        24750,
        "B",
    )
    assert renewal.starts_at == permit.ends_at and renewal.uprn == permit.uprn
    assert renewal.quote["lines_cy"] == [{"name": "Trwydded busnes, 6 mis", "pence": 24750}]
    assert enforcement_answer(app, "DM19LOW", "B").valid
    again = client.get(f"{PERMITS}/{permit.reference}/renew", expect=302)
    assert again.location.endswith(f"/permits/{permit.reference}")
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Payment).where(Payment.purpose == "parking-renewal"))
        == 1
    )


def test_a_full_premises_cannot_renew(app, client, permit, local_stripe, firm):
    ending_soon(permit, 10)
    organisation = firm[0]
    for number, vrm in enumerate(("DM17MED", "DM15OLD")):  # the limit is 2 a premises
        db.session.add(
            ParkingPermit(
                reference=f"FULL-{number}",
                permit_type="business",
                status=PermitStatus.ACTIVE,
                organisation_id=organisation.id,
                uprn=permit.uprn,
                zone="B",
                vrm=vrm,
                vehicle={},
                starts_at=permit.ends_at - timedelta(days=1),
                ends_at=permit.ends_at + timedelta(days=300),
                months=12,
                price_pence=45000,
                quote={},
            )
        )
    db.session.commit()
    with app.app_context():
        assert renewals.refusal(permit) == renewals.PREMISES_FULL
    refused = client.get(f"{PERMITS}/{permit.reference}/renew", expect=302)
    shown = client.get(refused.location)
    assert "These premises already have the most business permits" in shown.text


def test_an_admin_cancels_a_business_permit_with_the_refund_shown_first(client, permit, firm, local_stripe):
    _organisation, admin, _member = firm
    page = client.get(f"{PERMITS}/{permit.reference}")
    checking = client.get(page.soup.find(id="cancel-permit")["href"])
    # 11 whole months from tomorrow: £450 × 11/12 = £412.50, less the £10 admin fee.
    assert checking.soup.find(id="refund")["data-refund-pence"] == "40250"
    assert "Business parking permit" in checking.text
    client.post(f"{PERMITS}/{permit.reference}/cancel", {"csrf_token": checking.csrf_token()}, expect=302)
    db.session.refresh(permit)
    assert permit.status == PermitStatus.CANCELLED
    refund = db.session.scalar(sa.select(PaymentRefund))
    assert (refund.amount_pence, refund.succeeded) == (40250, True) and refund.stripe_refund_id
    change = db.session.scalar(sa.select(ParkingPermitChange).where(ParkingPermitChange.kind == "cancel"))
    assert (change.actor_id, change.channel, change.difference_pence) == (admin.id, "online", -40250)
    # A second confirm changes nothing.
    client.post(f"{PERMITS}/{permit.reference}/cancel", {"csrf_token": checking.csrf_token()}, expect=302)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentRefund)) == 1


def test_members_who_are_not_admins_and_outsiders_cannot_renew_or_cancel(app, client, permit, firm):
    ending_soon(permit, 10)
    _organisation, _admin, member = firm
    token = client.get(f"{PERMITS}/{permit.reference}/cancel").csrf_token()
    other_admin = make_user(email="boss@elsewhere.example")
    other = Organisation(name="Elsewhere Ltd")
    other.memberships.append(OrganisationMembership(user=other_admin, role=OrganisationRole.ADMIN))
    db.session.add(other)
    db.session.commit()
    member_client = PageClient(app.test_client())
    sign_in(member_client, member)
    page = member_client.get(f"{PERMITS}/{permit.reference}")  # a member still sees it
    assert page.soup.find(id="cancel-permit") is None and page.soup.find(id="renew-permit") is None
    assert page.soup.find(id="change-vehicle") is not None
    outsider = PageClient(app.test_client())
    sign_in(outsider, other_admin)
    for person in (member_client, outsider):
        for path in ("cancel", "renew"):
            person.get(f"{PERMITS}/{permit.reference}/{path}", expect=404)
        person.post(f"{PERMITS}/{permit.reference}/cancel", {"csrf_token": token}, expect=None)
        person.post(
            f"{PERMITS}/{permit.reference}/renew", {"csrf_token": token, "months": "12", "confirm": "yes"}, expect=None
        )
    db.session.refresh(permit)
    assert permit.status == PermitStatus.ACTIVE
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Payment).where(Payment.purpose == "parking-renewal"))
        == 0
    )
