"""Places where volunteers help people (libraries, community centres), set up by admins, and the
volunteers who belong to each."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import AuditEvent, Place, PlaceKind, PlaceVolunteer, Role, User, utcnow
from app.services.errors import ServiceError
from app.services.people import Page

NAME_MAX_LENGTH = 100
PAGE_SIZE = 25


def _audit(actor: User, action: str, place: Place, subject: User | None = None) -> None:
    db.session.add(
        AuditEvent(actor_id=actor.id, action=action, place_id=place.id, subject_user_id=subject.id if subject else None)
    )


def list_places(*, page: int = 1, include_closed: bool = True) -> Page:
    statement = sa.select(Place)
    if not include_closed:
        statement = statement.where(Place.closed_at.is_(None))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))
    page = max(1, page)
    items = list(
        db.session.scalars(
            statement.options(selectinload(Place.volunteers))
            .order_by(Place.closed_at.is_not(None), sa.func.lower(Place.name), Place.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return Page(items=items, page=page, total=total, page_size=PAGE_SIZE)


def get(place_id: int) -> Place | None:
    return db.session.get(Place, place_id)


def create(*, name: str, name_cy: str | None, kind: PlaceKind, ward: str | None, created_by: User) -> Place:
    place = Place(name=name, name_cy=name_cy or None, kind=kind, ward=ward or None)
    db.session.add(place)
    db.session.flush()
    _audit(created_by, "place.created", place)
    return place


def update(
    place: Place, *, name: str, name_cy: str | None, kind: PlaceKind, ward: str | None, changed_by: User
) -> None:
    place.name, place.name_cy, place.kind, place.ward = name, name_cy or None, kind, ward or None
    _audit(changed_by, "place.changed", place)


def set_closed(place: Place, closed: bool, *, changed_by: User) -> None:
    """A closed place keeps its history (requests name it) but volunteers can no longer help there."""
    if closed and place.closed_at is None:
        place.closed_at = utcnow()
        _audit(changed_by, "place.closed", place)
    elif not closed and place.closed_at is not None:
        place.closed_at = None
        _audit(changed_by, "place.reopened", place)


def find_volunteer(email: str) -> User | None:
    """The active volunteer account with this email address, if there is one."""
    return db.session.scalar(
        sa.select(User).where(
            sa.func.lower(User.email) == (email or "").strip().lower(),
            User.deleted_at.is_(None),
        )
    )


def add_volunteer(place: Place, email: str, *, added_by: User) -> User:
    """Adds the volunteer with this email to the place. Raises ServiceError("no-account"),
    ("not-volunteer") or ("already-added")."""
    person = find_volunteer(email)
    if person is None:
        raise ServiceError("no-account")
    if person.role != Role.VOLUNTEER:
        raise ServiceError("not-volunteer")
    if any(member.user_id == person.id for member in place.volunteers):
        raise ServiceError("already-added")
    place.volunteers.append(PlaceVolunteer(user_id=person.id, added_by_id=added_by.id))
    db.session.flush()
    _audit(added_by, "place.volunteer_added", place, person)
    return person


def remove_volunteer(place: Place, user_id: int, *, removed_by: User) -> User | None:
    """Takes a volunteer off the place; None if they were not on it."""
    membership = next((member for member in place.volunteers if member.user_id == user_id), None)
    if membership is None:
        return None
    person = membership.user
    place.volunteers.remove(membership)
    db.session.flush()
    _audit(removed_by, "place.volunteer_removed", place, person)
    return person


def places_of(volunteer: User) -> list[Place]:
    """The open places this volunteer helps at, by name."""
    return list(
        db.session.scalars(
            sa.select(Place)
            .join(PlaceVolunteer)
            .where(PlaceVolunteer.user_id == volunteer.id, Place.closed_at.is_(None))
            .order_by(sa.func.lower(Place.name), Place.id)
        )
    )
