"""Kiosks: shared devices at a place where anyone may use the council's services, and which forget
each person when they finish (or walk away).

An admin enrols the device: it gets a signed cookie holding the kiosk's id and a random secret,
whose hash is kept, so revoking the kiosk makes the cookie worthless. The web side
(app/kiosk) reads the cookie on each request and, on a kiosk, keeps no drafts, ends the session
after a few idle minutes, and clears everything when the person presses "Finish and clear"."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import AuditEvent, FormJourney, Kiosk, Place, User, utcnow
from app.services import tokens, uploads
from app.services.errors import ServiceError

COOKIE_PURPOSE = "kiosk"
COOKIE_MAX_AGE_SECONDS = 5 * 365 * 24 * 3600  # the device stays a kiosk until revoked
NAME_MAX_LENGTH = 100


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def enrol(*, place: Place, name: str, language: str, enrolled_by: User, secret_key: str) -> tuple[Kiosk, str]:
    """A new kiosk at an open place, and the signed cookie value for the device."""
    if place.closed_at is not None:
        raise ServiceError("place-closed")
    secret = secrets.token_urlsafe(32)
    kiosk = Kiosk(
        name=name, place_id=place.id, language=language, token_hash=_hash(secret), enrolled_by_id=enrolled_by.id
    )
    db.session.add(kiosk)
    db.session.flush()
    db.session.add(
        AuditEvent(actor_id=enrolled_by.id, action="kiosk.enrolled", place_id=place.id, detail=f"kiosk {kiosk.id}")
    )
    return kiosk, tokens.make(secret_key, COOKIE_PURPOSE, {"kiosk": kiosk.id, "secret": secret})


def from_cookie(value: str | None, *, secret_key: str) -> Kiosk | None:
    """The kiosk a device's cookie names, if it is genuine, not revoked and its place still open."""
    if not value:
        return None
    try:
        payload = tokens.read(secret_key, COOKIE_PURPOSE, value, COOKIE_MAX_AGE_SECONDS)
    except tokens.TokenInvalid:
        return None
    kiosk_id, secret = payload.get("kiosk"), payload.get("secret")
    if not isinstance(kiosk_id, int) or not isinstance(secret, str):
        return None
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None or kiosk.revoked_at is not None or not secrets.compare_digest(kiosk.token_hash, _hash(secret)):
        return None
    if kiosk.place.closed_at is not None:
        return None
    return kiosk


def revoke(kiosk: Kiosk, *, revoked_by: User) -> None:
    if kiosk.revoked_at is None:
        kiosk.revoked_at = utcnow()
        db.session.add(
            AuditEvent(
                actor_id=revoked_by.id, action="kiosk.revoked", place_id=kiosk.place_id, detail=f"kiosk {kiosk.id}"
            )
        )


def get(kiosk_id: int) -> Kiosk | None:
    return db.session.get(Kiosk, kiosk_id)


def list_kiosks() -> list[Kiosk]:
    return list(
        db.session.scalars(
            sa.select(Kiosk).options(selectinload(Kiosk.place)).order_by(Kiosk.revoked_at.is_not(None), Kiosk.id.desc())
        )
    )


def forget_journeys(kiosk: Kiosk, journey_tokens: list[str]) -> int:
    """Unfinished forms filled in on this kiosk in the session ending, with any files sent on them:
    nothing is kept for the next person to find, and no draft for the person to come back to."""
    if not journey_tokens:
        return 0
    unfinished = sa.and_(
        FormJourney.token.in_(journey_tokens), FormJourney.kiosk_id == kiosk.id, FormJourney.case_id.is_(None)
    )
    for answers in db.session.scalars(sa.select(FormJourney.answers).where(unfinished)):
        uploads.delete_all_in(answers)
    return db.session.execute(sa.delete(FormJourney).where(unfinished)).rowcount or 0
