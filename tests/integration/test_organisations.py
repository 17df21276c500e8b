"""Business accounts: invitations, roles, removing people, acting for an organisation, and its
requests seen by every member with who sent each."""

import re

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import (
    AuditEvent,
    Case,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationRole,
    OutboundMessage,
    utcnow,
)
from tests.conftest import count
from tests.factories import make_user, sign_in
from tests.form_walk import send, walk
from tests.pages import PageClient

pytestmark = pytest.mark.db


@pytest.fixture
def firm(database):
    admin = make_user(full_name="Alex Admin", email="alex@firm.example")
    organisation = Organisation(name="Demoton Plumbing Ltd")
    organisation.memberships.append(OrganisationMembership(user=admin, role=OrganisationRole.ADMIN))
    db.session.add(organisation)
    db.session.commit()
    return organisation, admin


def people_page(organisation) -> str:
    return f"/account/organisations/{organisation.id}"


def invitation_link(email: str) -> str:
    message = db.session.scalar(
        sa.select(OutboundMessage).where(OutboundMessage.recipient == email).order_by(OutboundMessage.id.desc())
    )
    return re.search(r"http://\S+/account/invitations/\S+", message.body)[0]


def invite(client, organisation, email: str, role: str = "member"):
    return client.submit(f"{people_page(organisation)}/invite", {"email": email, "role": role})


def test_an_admin_invites_someone_who_joins_and_sees_the_organisations_requests(app, client, firm):
    organisation, admin = firm
    member = make_user(full_name="Sam Member", email="sam@firm.example")
    sign_in(client, admin)
    sent = invite(client, organisation, " SAM@firm.example ", "member")
    assert sent.location == people_page(organisation)
    page = client.get(people_page(organisation))
    assert "sam@firm.example, as member" in page.text
    link = invitation_link("sam@firm.example")
    assert "Alex Admin has invited you to join Demoton Plumbing Ltd" in db.session.scalar(
        sa.select(OutboundMessage.subject).where(OutboundMessage.recipient == "sam@firm.example")
    )
    invitation = db.session.scalar(sa.select(OrganisationInvitation))
    assert link.rsplit("/", 1)[1] not in invitation.token_hash  # only a hash is kept

    # The admin acts for the organisation and sends a request for it.
    client.submit("/account/acting-for", {"acting_for": str(organisation.id)}, expect=302)
    assert "You are acting for Demoton Plumbing Ltd." in client.get("/account/").text
    with app.app_context():
        definition = forms_engine.definitions()["missed-bin"]
    walk(client, definition)
    send(client, definition, None)
    case = db.session.scalar(sa.select(Case))
    assert (case.organisation_id, case.user_id) == (organisation.id, admin.id)

    member_client = PageClient(app.test_client())
    sign_in(member_client, member)
    path = link.split("http://localhost", 1)[-1]
    assert "Join Demoton Plumbing Ltd" in member_client.get(path).text
    joined = member_client.submit(path, {}, expect=302)
    assert joined.location == "/account/organisation"
    assert db.session.scalar(
        sa.select(OrganisationMembership.role).where(OrganisationMembership.user_id == member.id)
    ) == (OrganisationRole.MEMBER)
    requests = member_client.get("/account/requests").text
    assert "Requests for Demoton Plumbing Ltd" in requests
    assert case.reference in requests and "by Alex Admin" in requests
    # The link works once.
    assert member_client.get(path, expect=404).status == 404
    assert count(AuditEvent, AuditEvent.organisation_id == organisation.id) == 2  # invited, joined


def test_an_invitation_only_works_for_its_own_email_address_and_until_it_ends(app, client, firm):
    organisation, admin = firm
    someone_else = make_user(email="other@example.com")
    sign_in(client, admin)
    invite(client, organisation, "sam@firm.example")
    path = invitation_link("sam@firm.example").split("localhost", 1)[1]
    other_client = PageClient(app.test_client())
    sign_in(other_client, someone_else)
    assert "sent to another email address" in other_client.get(path).text
    refused = other_client.submit(path, {}, from_url="/account/", expect=200)
    assert refused.error_summary
    assert count(OrganisationMembership, OrganisationMembership.user_id == someone_else.id) == 0

    invitation = db.session.scalar(sa.select(OrganisationInvitation))
    invitation.expires_at = utcnow()
    db.session.commit()
    assert "does not work" in other_client.get(path, expect=404).text
    assert other_client.get("/account/invitations/" + "x" * 500, expect=404).status == 404


def test_the_invitation_form_explains_each_mistake_and_keeps_what_was_typed(client, firm):
    organisation, admin = firm
    sign_in(client, admin)
    page = invite(client, organisation, "not an email <b>", "")
    assert page.status == 200
    assert page.error_summary == [
        "Enter an email address in the correct format, like name@example.com",
        "Select what they can do",
    ]
    assert page.soup.find("input", {"name": "email"})["value"] == "not an email <b>"
    assert invite(client, organisation, "alex@firm.example").error_summary == [
        "That person is already in this organisation"
    ]
    assert invite(client, organisation, "a@example.com", "owner").error_summary == ["Select what they can do"]
    assert count(OrganisationInvitation) == 0


def test_an_organisation_always_keeps_an_admin(client, firm):
    organisation, admin = firm
    membership_id = organisation.memberships[0].id
    sign_in(client, admin)
    demoted = client.submit(f"{people_page(organisation)}/people/{membership_id}/role", {"role": "member"})
    assert demoted.error_summary == ["An organisation needs at least one admin. Make someone else an admin first"]
    removed = client.submit(f"{people_page(organisation)}/people/{membership_id}/remove", {})
    assert removed.status == 200
    assert removed.error_summary == ["An organisation needs at least one admin. Make someone else an admin first"]
    db.session.expire_all()
    assert db.session.get(OrganisationMembership, membership_id).role == OrganisationRole.ADMIN


def test_an_admin_changes_a_role_removes_someone_and_withdraws_an_invitation(client, firm):
    organisation, admin = firm
    member = make_user(full_name="Sam Member")
    organisation.memberships.append(OrganisationMembership(user=member, role=OrganisationRole.MEMBER))
    db.session.commit()
    membership_id = next(m.id for m in organisation.memberships if m.user_id == member.id)
    sign_in(client, admin)
    client.submit(f"{people_page(organisation)}/people/{membership_id}/role", {"role": "admin"}, expect=302)
    db.session.expire_all()
    assert db.session.get(OrganisationMembership, membership_id).role == OrganisationRole.ADMIN
    client.submit(f"{people_page(organisation)}/people/{membership_id}/remove", {}, expect=302)
    assert count(OrganisationMembership, OrganisationMembership.user_id == member.id) == 0

    invite(client, organisation, "sam@firm.example")
    invitation = db.session.scalar(sa.select(OrganisationInvitation))
    client.submit(
        f"{people_page(organisation)}/invitations/{invitation.id}/withdraw", {}, from_url=people_page(organisation)
    )
    db.session.expire_all()
    assert invitation.withdrawn_at is not None
    assert "No invitations are waiting." in client.get(people_page(organisation)).text


def test_organisation_pages_refuse_members_other_organisations_and_unknown_ids(app, client, firm):
    organisation, admin = firm
    member = make_user()
    organisation.memberships.append(OrganisationMembership(user=member, role=OrganisationRole.MEMBER))
    other = Organisation(name="Other Firm")
    other_admin = make_user()
    other.memberships.append(OrganisationMembership(user=other_admin, role=OrganisationRole.ADMIN))
    db.session.add(other)
    db.session.commit()
    own_membership = organisation.memberships[0].id
    pages = [
        people_page(organisation),
        f"{people_page(organisation)}/invite",
        f"{people_page(organisation)}/people/{own_membership}/role",
        f"{people_page(organisation)}/people/{own_membership}/remove",
    ]
    sign_in(client, member)  # a member, not an admin
    for page in pages:
        assert client.get(page, expect=404).status == 404
    other_client = PageClient(app.test_client())
    sign_in(other_client, other_admin)  # an admin of another organisation
    for page in pages:
        assert other_client.get(page, expect=404).status == 404
    # Their own organisation's page, with someone else's membership id.
    assert other_client.get(f"/account/organisations/{other.id}/people/{own_membership}/remove", expect=404)
    assert other_client.get("/account/organisations/999999", expect=404)
    # Acting for an organisation they are not in is not offered and not accepted.
    chosen = other_client.submit("/account/acting-for", {"acting_for": str(organisation.id)})
    assert chosen.status == 200 and chosen.error_summary
    assert "Requests for Demoton Plumbing Ltd" not in other_client.get("/account/requests").text


def test_changes_need_the_csrf_token(app, firm):
    organisation, admin = firm
    app.config["WTF_CSRF_ENABLED"] = True
    client = PageClient(app.test_client())
    sign_in(client, admin)
    sent = client.post(f"{people_page(organisation)}/invite", {"email": "a@example.com", "role": "member"})
    assert sent.status in (200, 400)
    assert count(OrganisationInvitation) == 0
