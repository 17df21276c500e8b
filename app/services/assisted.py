"""Assisted digital: a volunteer at a place helping a person, with the consent the person gave.

A volunteer finds the person (showing only enough to confirm it is them), records their consent
(how it was given, which services it covers, for how long), then fills in forms as that person.
Everything is audited against the session: when it started and ended, each request sent, and
each thing the volunteer tried that the consent does not cover."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.form_model.schema import Audience, Definition
from app.models import (
    AssistedSession,
    AuditEvent,
    Case,
    ConsentGiven,
    ConsentLasts,
    ContactMethod,
    Place,
    Role,
    User,
    utcnow,
)
from app.services import keyset, letters, places
from app.services.errors import ServiceError

LONDON = ZoneInfo("Europe/London")
LONGEST_VISIT = timedelta(hours=4)  # "this visit" ends when the volunteer stops, or after this
MOST_FOUND = 10
PAGE_SIZE = 25
NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class Found:
    """Enough of an account to confirm with the person that it is theirs, and no more."""

    user_id: int
    initials: str
    street: str
    postcode_area: str


def _normalised_postcode(postcode: str) -> str:
    return re.sub(r"\s+", "", postcode or "").upper()


def find_people(*, name: str = "", postcode: str = "", email: str = "") -> list[Found]:
    """Residents' accounts matching a name and postcode, or an email address (exactly)."""
    name, postcode, email = (name or "").strip(), (postcode or "").strip(), (email or "").strip()
    statement = sa.select(User).where(User.deleted_at.is_(None), User.role == Role.RESIDENT)
    if email:
        statement = statement.where(sa.func.lower(User.email) == email.lower())
    elif name and postcode:
        pattern = "%" + name.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(
            sa.func.lower(User.full_name).like(pattern, escape="\\"),
            sa.func.upper(sa.func.replace(User.address_postcode, " ", "")) == _normalised_postcode(postcode),
        )
    else:
        return []
    return [_describe(user) for user in db.session.scalars(statement.order_by(User.id).limit(MOST_FOUND))]


def _describe(user: User) -> Found:
    initials = " ".join(part[0].upper() + "." for part in user.full_name.split() if part)
    street = re.sub(r"^[\d\w]*\d[\w-]*,?\s+", "", user.address_line_1 or "")  # no house number
    postcode_area = (user.address_postcode or "").split(" ")[0]
    return Found(user_id=user.id, initials=initials, street=street, postcode_area=postcode_area)


def describe(user_id: int) -> Found | None:
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.role != Role.RESIDENT:
        return None
    return _describe(user)


def services_to_offer(definitions: dict[str, Definition], *, with_account: bool) -> list[Definition]:
    """The services a volunteer may help with: those for residents, or for guests when the person
    has no account."""
    wanted = {Audience.RESIDENTS, Audience.GUESTS} if with_account else {Audience.GUESTS}
    return [definition for definition in definitions.values() if wanted & set(definition.who_can_use)]


def _consent_expiry(lasts: ConsentLasts, now: datetime) -> datetime:
    if lasts is ConsentLasts.TODAY:
        tomorrow = now.astimezone(LONDON).date() + timedelta(days=1)
        return datetime.combine(tomorrow, time(0), tzinfo=LONDON).astimezone(now.tzinfo)
    return now + LONGEST_VISIT


def _audit(session: AssistedSession, actor: User | None, action: str, *, case: Case | None = None, detail=None):
    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor is not None else None,
            action=action,
            assisted_session_id=session.id,
            place_id=session.place_id,
            subject_user_id=session.person_id,
            case_id=case.id if case is not None else None,
            detail=(detail or None) and str(detail)[:200],
        )
    )


def start(
    volunteer: User,
    *,
    place: Place,
    person_id: int | None,
    person_name: str | None,
    given: ConsentGiven,
    services: list[str],
    lasts: ConsentLasts,
    by_post: bool = False,
    address: list[str] | None = None,
) -> AssistedSession:
    """Begins helping someone, with their consent recorded. Raises ServiceError("not-at-place"),
    ("no-person") or ("no-services"), or a message for the address (field "address_line_1").

    `by_post`: the person wants their confirmations by letter, to the address on their account or,
    without an account or an address on it, to `address` (its lines, the postcode last)."""
    if volunteer.role != Role.VOLUNTEER or place not in places.places_of(volunteer):
        raise ServiceError("not-at-place")
    if person_id is not None and describe(person_id) is None:
        raise ServiceError("no-person")
    if person_id is None and not (person_name or "").strip():
        raise ServiceError("no-person")
    if not services:
        raise ServiceError("no-services")
    postal_address = None
    if by_post and not (person_id is not None and needs_no_address(person_id)):
        name = person_name if person_id is None else db.session.get(User, person_id).full_name
        try:
            postal_address = letters.joined([name or "", *(address or [])])
        except ServiceError as error:
            raise ServiceError(error.message, "address_line_1") from error
    now = utcnow()
    session = AssistedSession(
        volunteer_id=volunteer.id,
        person_id=person_id,
        person_name=None if person_id is not None else person_name.strip()[:NAME_MAX_LENGTH],
        place_id=place.id,
        consent_given=given,
        consent_services=sorted(set(services)),
        consent_lasts=lasts,
        consent_expires_at=_consent_expiry(lasts, now),
        started_at=now,
        confirm_by_post=by_post,
        postal_address=postal_address,
    )
    db.session.add(session)
    db.session.flush()
    _audit(session, volunteer, "assisted.started", detail=",".join(session.consent_services))
    return session


def current(volunteer: User, session_id: int | None) -> AssistedSession | None:
    """The volunteer's session in progress with this id; a session whose consent has run out is
    ended here (and None returned)."""
    if not session_id or volunteer.role != Role.VOLUNTEER:
        return None
    session = db.session.get(AssistedSession, session_id)
    if session is None or session.volunteer_id != volunteer.id or session.ended_at is not None:
        return None
    now = utcnow()
    if not session.is_live(now):
        session.ended_at = session.consent_expires_at
        _audit(session, volunteer, "assisted.consent_ran_out")
        return None
    return session


def end(session: AssistedSession, volunteer: User) -> None:
    if session.ended_at is None:
        session.ended_at = utcnow()
        _audit(session, volunteer, "assisted.ended")


def covers(session: AssistedSession, form_id: str) -> bool:
    return form_id in session.consent_services


def refuse(session: AssistedSession, volunteer: User, what: str) -> None:
    """Records that the volunteer tried something the consent does not cover."""
    _audit(session, volunteer, "assisted.refused", detail=what)


def record_submitted(session_id: int, case: Case) -> None:
    """A request sent for the person: recorded against the session, with its place."""
    session = db.session.get(AssistedSession, session_id)
    case.assisted_session_id = session.id
    case.place_id = case.place_id or session.place_id
    _audit(session, session.volunteer, "assisted.submitted", case=case, detail=case.reference)


def needs_no_address(person_id: int) -> bool:
    """Whether the person's account has an address a letter can go to (then none is asked for)."""
    person = db.session.get(User, person_id)
    return person is not None and letters.of_account(person) is not None


def prefers_post(person_id: int) -> bool:
    """Whether the person chose post as the way to reach them, on their account."""
    person = db.session.get(User, person_id)
    return person is not None and person.contact_method is ContactMethod.POST


def letter_address(session_id: int) -> str | None:
    """Where a request's confirmations go by post, when the person chose post: the address on their
    account, or the one given when the help started. None when they did not choose post."""
    session = db.session.get(AssistedSession, session_id)
    if session is None or not session.confirm_by_post:
        return None
    if session.person is not None:
        lines = letters.of_account(session.person)
        if lines is not None:
            return "\n".join(lines)
    return session.postal_address


def person_name(session: AssistedSession) -> str:
    if session.person is not None:
        return session.person.full_name
    return session.person_name or ""


def list_sessions(*, page: int = 1, after: str | None = None, before: str | None = None) -> keyset.KeysetPage:
    """Every assisted session, newest first, for staff to audit. Sessions add up over the years, so
    the list is paged by keyset and not counted."""
    statement = sa.select(AssistedSession).options(
        selectinload(AssistedSession.volunteer),
        selectinload(AssistedSession.person),
        selectinload(AssistedSession.place),
    )
    key = (AssistedSession.started_at, AssistedSession.id)
    return keyset.newest_first(statement, key, page=page, after=after, before=before)


def get(session_id: int) -> AssistedSession | None:
    return db.session.get(AssistedSession, session_id)


def events_of(session: AssistedSession) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.assisted_session_id == session.id)
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    )


def cases_of(session: AssistedSession) -> list[Case]:
    return list(db.session.scalars(sa.select(Case).where(Case.assisted_session_id == session.id).order_by(Case.id)))
