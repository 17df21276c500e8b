"""Business parking permits: an organisation's admin, acting for it, applies for a permit for one of
its premises in a zone (with evidence, paid by card); enforcement finds it; every member sees it and
can change its vehicle; anyone else gets 404; the premises' eligibility and limit are enforced."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import (
    Case,
    Organisation,
    OrganisationAddress,
    OrganisationMembership,
    OrganisationRole,
    OutboundMessage,
    ParkingPermit,
    ParkingPermitChange,
    PaymentRefund,
    PermitStatus,
    Role,
    utcnow,
)
from app.services import working_days
from app.services.parking import checks, enforcement, feed, permits
from tests.conftest import count
from tests.factories import make_user, sign_in
from tests.form_walk import send, walk
from tests.pages import PageClient

pytestmark = pytest.mark.db
FORM = "/services/parking-business"
QUEUE = "/staff/parking/checks"
PERMITS = "/services/parking-permits/permits"
YARD = 100000000022  # 2 Mill Lane: zone B, eligible


def premises(uprn: int, line_1: str, label: str | None = None) -> OrganisationAddress:
    return OrganisationAddress(
        uprn=uprn, line_1=line_1, town="Demoton", postcode="DM2 3EF", ward="Riverside", label=label
    )


@pytest.fixture
def firm(database):
    admin = make_user(full_name="Alex Admin", email="alex@firm.example")
    member = make_user(full_name="Sam Member", email="sam@firm.example")
    organisation = Organisation(name="Demoton Plumbing Ltd")
    organisation.memberships.append(OrganisationMembership(user=admin, role=OrganisationRole.ADMIN))
    organisation.memberships.append(OrganisationMembership(user=member, role=OrganisationRole.MEMBER))
    organisation.addresses.append(premises(YARD, "2 Mill Lane", "Yard"))
    db.session.add(organisation)
    db.session.commit()
    return organisation, admin, member


def act_for(client, organisation):
    client.submit("/account/acting-for", {"acting_for": str(organisation.id)}, expect=302)


def definition(app):
    with app.app_context():
        return forms_engine.get("parking-business")


def post_page(client, page_id: str, data: dict, expect=None):
    shown = client.get(f"{FORM}/{page_id}")
    return client.post(f"{FORM}/{page_id}", {"csrf_token": shown.csrf_token(), **data}, expect=expect)


def enforcement_answer(app, vrm: str, zone: str):
    with app.app_context():
        return enforcement.check(vrm, zone, datetime.now(UTC) + timedelta(hours=1), api_key_id=None)


def apply(client, app, local_stripe):
    walk(client, definition(app))
    return send(client, definition(app), local_stripe)


def approve(app, permit) -> None:
    """The parking team approves the permit (it waits for checks of its evidence)."""
    with app.test_request_context():
        checks.approve(permit, staff=make_user(role=Role.STAFF))
        db.session.commit()


def test_an_admin_applies_and_once_its_evidence_is_approved_enforcement_finds_it(app, client, firm, local_stripe):
    organisation, admin, _member = firm
    sign_in(client, admin)
    act_for(client, organisation)
    check, sent = apply(client, app, local_stripe)
    assert "Yard: 2 Mill Lane, Demoton, DM2 3EF" in check.text
    price_rows = [row.get_text(" ", strip=True) for row in check.soup.select("table tbody tr")]
    assert price_rows == ["Business permit, 12 months £450.00", "Total £450.00"]
    assert "Zone B: Riverside" in check.soup.find(id="permit-panel").find_next("dl").get_text(" ", strip=True)
    due = working_days.add_working_days(permits.london_today(), 5)
    assert f"We will tell you by {due:%-d %B %Y}" in check.soup.find(id="permit-checks-first").text

    permit = db.session.scalar(sa.select(ParkingPermit))
    assert (permit.permit_type, permit.organisation_id, permit.user_id) == ("business", organisation.id, admin.id)
    assert (permit.uprn, permit.zone, permit.vrm, permit.price_pence) == (YARD, "B", "DM19LOW", 45000)
    assert permit.quote["lines_cy"] == [{"name": "Trwydded busnes, 12 mis", "pence": 45000}]
    case = db.session.scalar(sa.select(Case).where(Case.service_id == "parking-business"))
    assert (case.organisation_id, case.user_id, case.reference) == (organisation.id, admin.id, permit.reference)
    assert case.answers["evidence"]  # the business rates bill or lease is kept with the case

    # The evidence is checked first: not valid yet, and the admin is told by when they will hear.
    assert (permit.status, permit.checks_due_on, case.due_date) == (PermitStatus.AWAITING_CHECKS, due, due)
    assert f"We will tell you by {due:%-d %B %Y} whether we approve it" in client.get(sent.location).text
    assert not enforcement_answer(app, "DM19LOW", "B").valid
    page = client.get(f"{PERMITS}/{permit.reference}")
    assert "Not valid yet: waiting for our checks" in page.text
    approve(app, permit)

    answer = enforcement_answer(app, "DM19LOW", "B")
    assert answer.valid and [p.permit_type for p in answer.permits] == ["business"]
    assert not enforcement_answer(app, "DM19LOW", "A").valid
    page = feed.changed_permits("B", datetime(2000, 1, 1, tzinfo=UTC))
    assert [(p.reference, p.permit_type) for p in page.permits] == [(permit.reference, "business")]

    page = client.get(f"{PERMITS}/{permit.reference}")
    assert page.h1 == "DM19 LOW" and "Business parking permit: Demoton Plumbing Ltd" in page.text


def test_a_member_sees_the_permit_and_changes_its_vehicle(app, client, firm, local_stripe):
    organisation, admin, member = firm
    sign_in(client, admin)
    act_for(client, organisation)
    apply(client, app, local_stripe)
    permit = db.session.scalar(sa.select(ParkingPermit))
    approve(app, permit)

    member_client = PageClient(app.test_client())
    sign_in(member_client, member)
    listed = member_client.get("/account/requests").soup.find(id=f"organisation-{organisation.id}-permits")
    assert "Business permit for DM19LOW, zone B" in listed.get_text(" ", strip=True)
    path = f"{PERMITS}/{permit.reference}/vehicle"
    shown = member_client.submit(path, {"vrm": "DM17 MED"})
    assert shown.status == 200 and "DM17 MED" in shown.text
    done = member_client.post(path, {"csrf_token": shown.csrf_token(), "vrm": "DM17MED", "confirm": "yes"}, expect=302)
    assert done.location == f"{PERMITS}/{permit.reference}"
    db.session.refresh(permit)
    assert (permit.vrm, permit.price_pence) == ("DM17MED", 45000)  # the business price is the same for any vehicle
    change = db.session.scalar(sa.select(ParkingPermitChange).where(ParkingPermitChange.kind == "vehicle"))
    assert (change.actor_id, change.old_vrm, change.new_vrm, change.difference_pence) == (
        member.id,
        "DM19LOW",
        "DM17MED",
        0,
    )
    assert enforcement_answer(app, "DM17MED", "B").valid
    assert not enforcement_answer(app, "DM19LOW", "B").valid


def test_people_outside_the_organisation_get_404_on_its_permits(app, client, firm, local_stripe):
    organisation, admin, member = firm
    sign_in(client, admin)
    act_for(client, organisation)
    apply(client, app, local_stripe)
    reference = db.session.scalar(sa.select(ParkingPermit.reference))

    other_admin = make_user(email="boss@other.example")
    other = Organisation(name="Other Ltd")
    other.memberships.append(OrganisationMembership(user=other_admin, role=OrganisationRole.ADMIN))
    db.session.add(other)
    db.session.commit()
    for person in (other_admin, make_user()):  # another organisation's admin, a plain resident
        outsider = PageClient(app.test_client())
        sign_in(outsider, person)
        for path in (f"{PERMITS}/{reference}", f"{PERMITS}/{reference}/vehicle", f"{PERMITS}/{reference}/vehicle/paid"):
            assert outsider.get(path, expect=404).status == 404
        assert f"{reference}" not in outsider.get("/account/requests").text

    # A former member loses the permit at once.
    member_client = PageClient(app.test_client())
    sign_in(member_client, member)
    assert member_client.get(f"{PERMITS}/{reference}").status == 200
    db.session.delete(
        db.session.scalar(sa.select(OrganisationMembership).where(OrganisationMembership.user_id == member.id))
    )
    db.session.commit()
    assert member_client.get(f"{PERMITS}/{reference}", expect=404).status == 404
    assert member_client.get(f"{PERMITS}/{reference}/vehicle", expect=404).status == 404
    # Its admin may cancel it (tests/integration/test_business_permit_renew_cancel.py); a former member may not.
    assert client.get(f"{PERMITS}/{reference}/cancel").status == 200
    assert member_client.get(f"{PERMITS}/{reference}/cancel", expect=404).status == 404


def test_only_an_admin_acting_for_the_organisation_can_choose_premises(app, client, firm):
    organisation, admin, member = firm
    # A member acting for the organisation, not an admin.
    sign_in(client, member)
    act_for(client, organisation)
    client.get(f"{FORM}/begin", expect=302)
    page = client.get(f"{FORM}/premises")
    assert "Only an organisation's admins can apply" in page.text
    refused = post_page(client, "premises", {"premises": str(organisation.addresses[0].id)}, expect=200)
    assert refused.error_summary == ["Act for an organisation as one of its admins to apply for a business permit"]

    # An admin acting for themselves, not the organisation.
    admin_client = PageClient(app.test_client())
    sign_in(admin_client, admin)
    admin_client.get(f"{FORM}/begin", expect=302)
    shown = admin_client.get(f"{FORM}/premises")
    refused = admin_client.post(
        f"{FORM}/premises", {"csrf_token": shown.csrf_token(), "premises": str(organisation.addresses[0].id)}
    )
    assert refused.status == 200 and refused.error_summary


def test_another_organisations_premises_and_premises_that_cannot_have_permits_are_refused(app, client, firm):
    organisation, admin, _member = firm
    other = Organisation(name="Other Ltd")
    other.addresses.append(premises(100000000023, "3 Mill Lane"))
    organisation.addresses.append(premises(100000000030, "10 Mill Lane", "Car-free office"))  # car-free
    organisation.addresses.append(premises(100000000039, "9 Heol y Nant"))  # a private road: excluded
    organisation.addresses.append(premises(100000000041, "Northfield"))  # in no zone
    db.session.add(other)
    db.session.commit()
    sign_in(client, admin)
    act_for(client, organisation)
    client.get(f"{FORM}/begin", expect=302)
    forged = post_page(client, "premises", {"premises": str(other.addresses[0].id)}, expect=200)
    assert forged.error_summary == ["Select one of the organisation's premises"]
    by_id = {address.uprn: address.id for address in organisation.addresses}
    for uprn, message in (
        (100000000030, "These premises cannot have business parking permits"),
        (100000000039, "These premises cannot have business parking permits"),
        (100000000041, "These premises are not in a controlled parking zone"),
    ):
        page = post_page(client, "premises", {"premises": str(by_id[uprn])}, expect=200)
        assert page.error_for("premises").startswith(message)
    assert post_page(client, "premises", {"premises": str(by_id[YARD])}, expect=302)
    # Without the page's CSRF token nothing is saved.
    assert client.post(f"{FORM}/premises", {"premises": str(by_id[YARD])}).status == 400


def test_premises_at_the_limit_are_refused_and_a_late_application_is_refunded(app, client, firm, local_stripe):
    organisation, admin, _member = firm
    sign_in(client, admin)
    act_for(client, organisation)
    walk(client, definition(app))  # chosen while the yard has no permits
    today = datetime.now(UTC).date()
    for number, vrm in enumerate(("DM17MED", "DM21EVC")):
        db.session.add(
            ParkingPermit(
                reference=f"BIZ-{number}",
                permit_type="business",
                organisation_id=organisation.id,
                user_id=admin.id,
                uprn=YARD,
                zone="B",
                vrm=vrm,
                vehicle={},
                starts_at=permits.london_midnight(today),
                ends_at=permits.london_midnight(today + timedelta(days=30)),
                months=12,
                price_pence=1,
                quote={},
                updated_at=utcnow(),
            )
        )
    db.session.commit()
    send(client, definition(app), local_stripe)  # paid, but the yard reached its limit meanwhile
    assert count(ParkingPermit) == 2
    client.get(f"{FORM}/begin", expect=302)
    full = post_page(client, "premises", {"premises": str(organisation.addresses[0].id)}, expect=200)
    assert full.error_for("premises") == "These premises already have 2 business permits, the most one address can have"


def test_a_vehicle_with_another_business_permit_is_refused_when_changing(app, client, firm, local_stripe):
    organisation, admin, _member = firm
    sign_in(client, admin)
    act_for(client, organisation)
    apply(client, app, local_stripe)
    permit = db.session.scalar(sa.select(ParkingPermit))
    approve(app, permit)
    other = Organisation(name="Other Ltd")
    db.session.add(other)
    db.session.flush()
    today = datetime.now(UTC).date()
    db.session.add(
        ParkingPermit(
            reference="BIZ-OTHER",
            permit_type="business",
            organisation_id=other.id,
            uprn=100000000023,
            zone="B",
            vrm="DM17MED",
            vehicle={},
            starts_at=permits.london_midnight(today),
            ends_at=permits.london_midnight(today + timedelta(days=30)),
            months=12,
            price_pence=1,
            quote={},
            updated_at=utcnow(),
        )
    )
    db.session.commit()
    refused = client.submit(f"{PERMITS}/{permit.reference}/vehicle", {"vrm": "DM17 MED"})
    assert refused.error_for("vrm") == (
        "This vehicle already has a business permit. A vehicle can have one business permit at a time"
    )
    db.session.refresh(permit)
    assert permit.vrm == "DM19LOW"


def test_staff_see_the_evidence_in_the_checks_queue_and_a_refusal_refunds_the_business(app, client, firm, local_stripe):
    organisation, admin, _member = firm
    sign_in(client, admin)
    act_for(client, organisation)
    apply(client, app, local_stripe)
    permit = db.session.scalar(sa.select(ParkingPermit))
    evidence = db.session.get(Case, permit.case_id).answers["evidence"]
    client.post("/sign-out", {"csrf_token": client.get("/").csrf_token()}, expect=302)

    # The admin cannot open the queue or the evidence through the staff pages.
    sign_in(client, admin)
    for path in (QUEUE, f"{QUEUE}/{permit.reference}", f"/staff/cases/{permit.reference}/files/evidence"):
        client.get(path, expect=403)
    client.post("/sign-out", {"csrf_token": client.get("/").csrf_token()}, expect=302)

    sign_in(client, make_user(email="parking-team@example.com", role=Role.STAFF))
    row = next(row for row in client.get(QUEUE).soup.select("#parking-checks tbody tr") if permit.reference in row.text)
    assert "Business permit" in row.text and "DM19LOW" in row.text
    page = client.get(f"{QUEUE}/{permit.reference}")
    shown = page.soup.find(id="permit-to-check")
    assert "Demoton Plumbing Ltd" in shown.text and f"Download {evidence['name']}" in shown.text
    link = shown.find("a", string=f"Download {evidence['name']}")["href"]
    assert link == f"/staff/cases/{permit.reference}/files/evidence"
    download = client.raw.get(link)
    downloaded = download.get_data()
    download.close()
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    assert downloaded and download.mimetype == "image/jpeg"
    client.get(f"/staff/cases/{permit.reference}/files/premises", expect=404)  # not a file

    client.post(
        f"{QUEUE}/{permit.reference}",
        {"csrf_token": page.csrf_token(), "decision": "refuse", "reason": "The lease is for another address"},
        expect=302,
    )
    db.session.refresh(permit)
    assert permit.status == PermitStatus.CANCELLED
    refund = db.session.scalar(sa.select(PaymentRefund))
    assert (refund.amount_pence, refund.succeeded) == (45000, True)
    told = db.session.scalar(
        sa.select(OutboundMessage).where(OutboundMessage.template == "case_update").order_by(OutboundMessage.id.desc())
    )
    assert "The lease is for another address" in told.body and told.recipient == "alex@firm.example"
    assert live_permits(organisation) == 0  # a refused permit frees its place at the premises


def live_permits(organisation) -> int:
    from app.services.parking import business

    return business.live_permits_at(organisation.id, YARD)
