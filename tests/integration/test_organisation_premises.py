"""Business accounts: an organisation's premises, added from the gazetteer and removed by its admins,
seen by every member, refused to everyone else, and audited with who did it."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Organisation, OrganisationAddress, OrganisationMembership, OrganisationRole
from tests.conftest import count
from tests.factories import make_user, sign_in
from tests.pages import PageClient

pytestmark = pytest.mark.db


@pytest.fixture
def firm(database):
    admin = make_user(full_name="Alex Admin", email="alex@firm.example")
    member = make_user(full_name="Sam Member", email="sam@firm.example")
    organisation = Organisation(name="Demoton Plumbing Ltd")
    organisation.memberships.append(OrganisationMembership(user=admin, role=OrganisationRole.ADMIN))
    organisation.memberships.append(OrganisationMembership(user=member, role=OrganisationRole.MEMBER))
    db.session.add(organisation)
    db.session.commit()
    return organisation, admin, member


def premises_page(organisation) -> str:
    return f"/account/organisations/{organisation.id}/premises"


def add(client, organisation, uprn: int, label: str = ""):
    found = client.submit(f"{premises_page(organisation)}/add", {"postcode": "dm2 3ef"})
    assert found.location == f"{premises_page(organisation)}/select?postcode=DM2+3EF"
    return client.submit(found.location, {"uprn": str(uprn), "label": label})


def test_an_admin_adds_premises_from_the_gazetteer_and_a_member_sees_them(app, client, firm):
    organisation, admin, member = firm
    sign_in(client, admin)
    added = add(client, organisation, 100000000022, "Yard")
    assert added.location == premises_page(organisation)
    page = client.get(premises_page(organisation))
    assert "2 Mill Lane, Demoton, DM2 3EF added to your premises" in page.text
    assert "Yard" in page.text and "Add premises" in page.text
    address = db.session.scalar(sa.select(OrganisationAddress))
    assert (address.uprn, address.ward, address.label) == (100000000022, "Riverside", "Yard")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "organisation-premises-added"))
    assert (event.actor_id, event.organisation_id) == (admin.id, organisation.id)
    assert "100000000022" in event.detail

    # The same address twice is refused with the reason.
    again = add(client, organisation, 100000000022)
    assert again.status == 200
    assert again.error_summary == ["That address is already one of the organisation's premises"]

    member_client = PageClient(app.test_client())
    sign_in(member_client, member)
    seen = member_client.get(premises_page(organisation))
    assert "2 Mill Lane" in seen.text and "Add premises" not in seen.text and "Remove" not in seen.text
    assert "Premises" in member_client.get("/account/organisation").text
    # A member cannot add or remove premises.
    assert member_client.get(f"{premises_page(organisation)}/add", expect=404).status == 404
    assert member_client.get(f"{premises_page(organisation)}/{address.id}/remove", expect=404).status == 404


def test_an_admin_removes_premises_and_it_is_audited(client, firm):
    organisation, admin, _member = firm
    sign_in(client, admin)
    add(client, organisation, 100000000023)
    address = db.session.scalar(sa.select(OrganisationAddress))
    path = f"{premises_page(organisation)}/{address.id}/remove"
    assert "Remove 3 Mill Lane, Demoton, DM2 3EF from your premises?" in client.get(path).text
    # Without the form's CSRF token nothing is removed.
    assert client.post(path, {}, expect=400).status == 400
    assert count(OrganisationAddress) == 1
    removed = client.submit(path, {})
    assert removed.location == premises_page(organisation)
    assert count(OrganisationAddress) == 0
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "organisation-premises-removed"))
    assert (event.actor_id, event.organisation_id) == (admin.id, organisation.id)


def test_people_outside_the_organisation_and_other_organisations_premises_get_404(app, client, firm):
    organisation, admin, member = firm
    other_admin = make_user(email="other@firm.example")
    other = Organisation(name="Other Ltd")
    other.memberships.append(OrganisationMembership(user=other_admin, role=OrganisationRole.ADMIN))
    other.addresses.append(
        OrganisationAddress(uprn=100000000024, line_1="4 Mill Lane", town="Demoton", postcode="DM2 3EF")
    )
    db.session.add(other)
    db.session.commit()
    theirs = other.addresses[0].id

    sign_in(client, admin)
    assert client.get(f"{premises_page(organisation)}/{theirs}/remove", expect=404).status == 404
    assert client.get(premises_page(other), expect=404).status == 404
    assert client.get(f"{premises_page(other)}/add", expect=404).status == 404

    resident = PageClient(app.test_client())
    sign_in(resident, make_user())
    assert resident.get(premises_page(organisation), expect=404).status == 404

    # A former member loses the page at once.
    member_client = PageClient(app.test_client())
    sign_in(member_client, member)
    membership = db.session.scalar(sa.select(OrganisationMembership).where(OrganisationMembership.user_id == member.id))
    db.session.delete(membership)
    db.session.commit()
    assert member_client.get(premises_page(organisation), expect=404).status == 404


def test_the_find_page_explains_mistakes_and_an_unknown_postcode(client, firm):
    organisation, admin, _member = firm
    sign_in(client, admin)
    empty = client.submit(f"{premises_page(organisation)}/add", {"postcode": ""})
    assert empty.error_summary == ["Enter the postcode of the premises"]
    wrong = client.submit(f"{premises_page(organisation)}/add", {"postcode": "not a postcode"})
    assert wrong.error_summary == ["Enter a full UK postcode, like DM1 1AB"]
    nothing = client.get(f"{premises_page(organisation)}/select?postcode=DM9+9ZZ")
    assert "We could not find any addresses for DM9 9ZZ" in nothing.text
    forged = client.submit(f"{premises_page(organisation)}/select?postcode=DM2+3EF", {"uprn": "100000000001"})
    assert forged.status == 200 and forged.error_summary
    assert count(OrganisationAddress) == 0
