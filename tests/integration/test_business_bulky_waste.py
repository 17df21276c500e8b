"""Bulky waste from business premises: anyone in an organisation, acting for it, books a collection
at one of its premises at the business rate; the booking is the organisation's request and fills the
same rounds as homes' collections; someone not acting for an organisation, another organisation's
premises and a council that does not collect from businesses are refused."""

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import (
    Booking,
    BookingStatus,
    Case,
    CollectionSlot,
    Organisation,
    OrganisationAddress,
    OrganisationMembership,
    OrganisationRole,
)
from tests.factories import make_user, sign_in
from tests.form_walk import send, walk
from tests.pages import PageClient

pytestmark = pytest.mark.db
FORM = "/services/bulky-waste-business"


@pytest.fixture
def firm(database):
    admin = make_user(full_name="Alex Admin", email="alex@firm.example")
    member = make_user(full_name="Sam Member", email="person@example.com")
    organisation = Organisation(name="Demoton Plumbing Ltd")
    organisation.memberships.append(OrganisationMembership(user=admin, role=OrganisationRole.ADMIN))
    organisation.memberships.append(OrganisationMembership(user=member, role=OrganisationRole.MEMBER))
    organisation.addresses.append(
        OrganisationAddress(
            uprn=100000000022, line_1="2 Mill Lane", town="Demoton", postcode="DM2 3EF", ward="Riverside", label="Yard"
        )
    )
    db.session.add(organisation)
    db.session.commit()
    return organisation, admin, member


def definition(app):
    with app.app_context():
        return forms_engine.get("bulky-waste-business")


def act_for(client, organisation):
    client.submit("/account/acting-for", {"acting_for": str(organisation.id)}, expect=302)


def test_a_member_books_at_the_premises_at_the_business_rate(app, client, firm, local_stripe):
    organisation, admin, member = firm
    sign_in(client, member)
    act_for(client, organisation)
    check, sent = send_walked(client, app, local_stripe)
    assert "Yard: 2 Mill Lane, Demoton, DM2 3EF" in check.text
    price_rows = [row.get_text(" ", strip=True) for row in check.soup.select("table tbody tr")]
    assert price_rows[0] == "Collection of up to 3 items (business premises price) £60.00"
    assert "Council Tax Reduction" not in check.text
    case = db.session.scalar(sa.select(Case).where(Case.service_id == "bulky-waste-business"))
    assert (case.organisation_id, case.user_id, case.ward) == (organisation.id, member.id, "Riverside")
    booking = db.session.scalar(sa.select(Booking).where(Booking.case_id == case.id))
    slot = db.session.get(CollectionSlot, booking.slot_id)
    assert (slot.service_id, slot.round_id) == ("bulky-waste", "river")  # the same round as homes' collections

    admin_client = PageClient(app.test_client())
    sign_in(admin_client, admin)
    requests = admin_client.get("/account/requests").text
    assert case.reference in requests and "by Sam Member" in requests


def send_walked(client, app, local_stripe):
    walk(client, definition(app))
    return send(client, definition(app), local_stripe)


def test_someone_not_acting_for_an_organisation_and_other_premises_are_refused(app, client, firm):
    organisation, _admin, member = firm
    other = Organisation(name="Other Ltd")
    other.addresses.append(
        OrganisationAddress(uprn=100000000023, line_1="3 Mill Lane", town="Demoton", postcode="DM2 3EF")
    )
    db.session.add(other)
    db.session.commit()
    sign_in(client, member)
    client.get(f"{FORM}/begin", expect=302)
    shown = client.get(f"{FORM}/premises")
    assert "Choose who you are acting for" in shown.text
    refused = client.post(
        f"{FORM}/premises", {"csrf_token": shown.csrf_token(), "premises": str(organisation.addresses[0].id)}
    )
    assert refused.status == 200 and refused.error_summary == ["Act for an organisation to choose one of its premises"]

    act_for(client, organisation)
    shown = client.get(f"{FORM}/premises")
    forged = client.post(f"{FORM}/premises", {"csrf_token": shown.csrf_token(), "premises": str(other.addresses[0].id)})
    assert forged.status == 200 and forged.error_summary == ["Select one of the organisation's premises"]
    assert client.post(f"{FORM}/premises", {"premises": str(organisation.addresses[0].id)}).status == 400  # no CSRF
    chosen = client.post(
        f"{FORM}/premises", {"csrf_token": shown.csrf_token(), "premises": str(organisation.addresses[0].id)}
    )
    assert chosen.status == 302


def test_a_council_that_does_not_collect_from_businesses_says_so(app, client, firm, monkeypatch):
    organisation, _admin, member = firm
    settings = app.extensions["doorstep_service_settings"]["bulky-waste"]
    closed = settings.prices.business.model_copy(update={"allowed": False})
    monkeypatch.setitem(
        app.extensions["doorstep_service_settings"],
        "bulky-waste",
        settings.model_copy(update={"prices": settings.prices.model_copy(update={"business": closed})}),
    )
    sign_in(client, member)
    act_for(client, organisation)
    client.get(f"{FORM}/begin", expect=302)
    shown = client.get(f"{FORM}/premises")
    assert "We do not collect from business premises" in shown.text
    refused = client.post(
        f"{FORM}/premises", {"csrf_token": shown.csrf_token(), "premises": str(organisation.addresses[0].id)}
    )
    assert refused.status == 200 and refused.error_summary == [
        "We do not collect from business premises. Ask a licensed waste carrier instead"
    ]


def test_anyone_in_the_organisation_manages_its_booking_and_nobody_else(app, client, firm, local_stripe):
    """The organisation's requests are everyone's in it: the admin, who did not book it, finds the
    booking in Your requests and cancels it; someone outside, or who has left, is not shown it."""
    organisation, admin, member = firm
    sign_in(client, member)
    act_for(client, organisation)
    send_walked(client, app, local_stripe)
    case = db.session.scalar(sa.select(Case).where(Case.service_id == "bulky-waste-business"))

    outsider = PageClient(app.test_client())
    sign_in(outsider, make_user(email="outsider@example.com"))
    for path in ("", "/day", "/items", "/cancel"):
        outsider.get(f"/bookings/{case.reference}{path}", expect=404)

    admin_client = PageClient(app.test_client())
    sign_in(admin_client, admin)
    listed = admin_client.get("/account/requests")
    links = [link["href"] for link in listed.soup.select("a") if "/bookings/" in link.get("href", "")]
    assert links == [f"/bookings/{case.reference}"]
    confirm = admin_client.get(f"/bookings/{case.reference}/cancel")
    admin_client.post(f"/bookings/{case.reference}/cancel", {"csrf_token": confirm.csrf_token()}, expect=302)
    booking = db.session.scalar(sa.select(Booking).where(Booking.case_id == case.id))
    db.session.refresh(booking)
    assert booking.status == BookingStatus.CANCELLED

    membership = db.session.scalar(sa.select(OrganisationMembership).where(OrganisationMembership.user_id == admin.id))
    db.session.delete(membership)
    db.session.commit()
    admin_client.get(f"/bookings/{case.reference}", expect=404)
