"""Business accounts: the people in an organisation, invitations to join it, and acting for it.

An organisation admin invites people by email as admins or members; the invitation's link works for
INVITATION_DAYS, once, for the person signed in with the address it was sent to (so a forwarded
link cannot add somebody else). Admins change roles and remove people, but an organisation always
keeps at least one admin. Every change is audited with the organisation.

A person in one or more organisations chooses whom they are acting for: themselves or one of them.
Forms started while acting for an organisation are its requests: every member sees them beside
their own, with who sent each.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    AuditEvent,
    Case,
    MessageChannel,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationRole,
    User,
    utcnow,
)
from app.services import messages
from app.services.errors import ServiceError

INVITATION_DAYS = 7
OPEN_INVITATIONS_LIMIT = 50
ACTING_FOR_SESSION_KEY = "acting_for_organisation"
REQUESTS_SHOWN = 100


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit(actor: User, action: str, organisation: Organisation, subject: User | None = None) -> None:
    db.session.add(
        AuditEvent(
            actor_id=actor.id,
            action=action,
            organisation_id=organisation.id,
            subject_user_id=subject.id if subject else None,
        )
    )


_BELONGS_TO_ANY = sa.select(sa.exists().where(OrganisationMembership.user_id == sa.bindparam("user_id")))


def belongs_to_any(user: User) -> bool:
    """Whether the person is in any organisation, without loading their memberships."""
    return bool(db.session.scalar(_BELONGS_TO_ANY, {"user_id": user.id}))


def membership(user: User, organisation_id: int) -> OrganisationMembership | None:
    return next((m for m in user.memberships if m.organisation_id == organisation_id), None)


def administered(user: User, organisation_id: int) -> Organisation | None:
    """The organisation, if `user` is one of its admins; None for anyone else (and for ids that do
    not exist), so a page can refuse both the same way."""
    found = membership(user, organisation_id)
    if found is None or found.role != OrganisationRole.ADMIN:
        return None
    return found.organisation


def members(organisation: Organisation) -> list[OrganisationMembership]:
    return list(
        db.session.scalars(
            sa.select(OrganisationMembership)
            .where(OrganisationMembership.organisation_id == organisation.id)
            .options(selectinload(OrganisationMembership.user))
            .join(User, User.id == OrganisationMembership.user_id)
            .order_by(sa.func.lower(User.full_name), OrganisationMembership.id)
        )
    )


def open_invitations(organisation: Organisation) -> list[OrganisationInvitation]:
    return list(
        db.session.scalars(
            sa.select(OrganisationInvitation)
            .where(
                OrganisationInvitation.organisation_id == organisation.id,
                OrganisationInvitation.accepted_at.is_(None),
                OrganisationInvitation.withdrawn_at.is_(None),
                OrganisationInvitation.expires_at > utcnow(),
            )
            .order_by(OrganisationInvitation.created_at.desc())
        )
    )


def invite(organisation: Organisation, *, email: str, role: OrganisationRole, invited_by: User, link_for) -> None:
    """Send an invitation. `link_for(token)` makes the link for the email."""
    email = email.strip().lower()
    if any(m.user.email.lower() == email for m in organisation.memberships):
        raise ServiceError("already-member")
    if len(open_invitations(organisation)) >= OPEN_INVITATIONS_LIMIT:
        raise ServiceError("too-many-invitations")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation = OrganisationInvitation(
        organisation_id=organisation.id,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by_id=invited_by.id,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    messages.queue(
        channel=MessageChannel.EMAIL,
        recipient=email,
        template="organisation_invitation",
        language=invited_by.language,
        context={
            "organisation": organisation.name,
            "invited_by": invited_by.full_name,
            "role": role.value,
            "link": link_for(token),
            "days": INVITATION_DAYS,
        },
    )
    _audit(invited_by, "organisation-invited", organisation)


def find_invitation(token: str) -> OrganisationInvitation | None:
    """The invitation this link is for, while it can still be accepted; None otherwise."""
    if not token or len(token) > 100:
        return None
    found = db.session.scalar(
        sa.select(OrganisationInvitation).where(OrganisationInvitation.token_hash == _hash(token))
    )
    if found is None or not found.is_open or found.expires_at <= utcnow():
        return None
    return found


def accept(invitation: OrganisationInvitation, user: User) -> OrganisationMembership:
    if user.email.lower() != invitation.email:
        raise ServiceError("wrong-person")
    organisation = invitation.organisation
    joined = membership(user, organisation.id)
    if joined is None:
        joined = OrganisationMembership(organisation=organisation, user=user, role=invitation.role)
        db.session.add(joined)
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    _audit(user, "organisation-joined", organisation, subject=user)
    return joined


def withdraw(organisation: Organisation, invitation_id: int, *, withdrawn_by: User) -> bool:
    invitation = db.session.get(OrganisationInvitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id or not invitation.is_open:
        return False
    invitation.withdrawn_at = utcnow()
    _audit(withdrawn_by, "organisation-invitation-withdrawn", organisation)
    return True


def _member(organisation: Organisation, membership_id: int) -> OrganisationMembership | None:
    return next((m for m in organisation.memberships if m.id == membership_id), None)


def _admins(organisation: Organisation) -> int:
    return sum(1 for m in organisation.memberships if m.role == OrganisationRole.ADMIN)


def set_role(organisation: Organisation, membership_id: int, role: OrganisationRole, *, changed_by: User):
    found = _member(organisation, membership_id)
    if found is None:
        return None
    if found.role == OrganisationRole.ADMIN and role != OrganisationRole.ADMIN and _admins(organisation) == 1:
        raise ServiceError("last-admin")
    if found.role != role:
        found.role = role
        _audit(changed_by, "organisation-role-changed", organisation, subject=found.user)
    return found


def remove(organisation: Organisation, membership_id: int, *, removed_by: User) -> User | None:
    found = _member(organisation, membership_id)
    if found is None:
        return None
    if found.role == OrganisationRole.ADMIN and _admins(organisation) == 1:
        raise ServiceError("last-admin")
    person = found.user
    organisation.memberships.remove(found)
    _audit(removed_by, "organisation-member-removed", organisation, subject=person)
    return person


def find_member(organisation: Organisation, membership_id: int) -> OrganisationMembership | None:
    return _member(organisation, membership_id)


def acting_for_in_session(user: User, stored: dict) -> Organisation | None:
    """The organisation the person chose to act for (kept in their session), if they still belong
    to it."""
    return acting_for(user, stored.get(ACTING_FOR_SESSION_KEY))


def acting_for(user: User, chosen_id) -> Organisation | None:
    """The organisation `user` acts for, from what they chose (kept in their session): only one
    they still belong to."""
    if not isinstance(chosen_id, int) or not user.is_authenticated:
        return None
    found = membership(user, chosen_id)
    return found.organisation if found is not None else None


def requests_of(user: User) -> tuple[list[tuple[Organisation, list[Case]]], dict[int, str]]:
    """Each of the person's organisations with its latest requests, newest first, and the names of
    the people who sent them (every action says who did it)."""
    found = []
    for joined in sorted(user.memberships, key=lambda m: m.organisation.name.lower()):
        cases = list(
            db.session.scalars(
                sa.select(Case)
                .where(Case.organisation_id == joined.organisation_id)
                .order_by(Case.created_at.desc())
                .limit(REQUESTS_SHOWN)
            )
        )
        found.append((joined.organisation, cases))
    senders = {case.user_id for _, cases in found for case in cases if case.user_id is not None}
    names = dict(db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(senders))).all())
    return found, names
