"""Sign-ins as rows, so one can be ended from anywhere ("sign out of all devices")."""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app import scheduler
from app.extensions import db
from app.models import AuthSession, User, utcnow

TOUCH_INTERVAL = timedelta(minutes=1)

# Built once: every signed-in request runs these, and building a statement (and the key SQLAlchemy
# caches its SQL under) cost a quarter of loading the person.
_SIGN_IN_WITH_PERSON = (
    sa.select(AuthSession, User).join(AuthSession.user).where(AuthSession.token_hash == sa.bindparam("token_hash"))
)
_ACTIVE_SIGN_INS = (
    sa.select(sa.func.count()).select_from(AuthSession).where(AuthSession.user_id == sa.bindparam("user_id"))
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, *, max_hours: int, now: datetime | None = None) -> str:
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(
        AuthSession(
            token_hash=_hash(token),
            user=user,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=max_hours),
        )
    )
    db.session.flush()
    user.current_session_token = token
    return token


def load_user(token: str, *, idle_minutes: int, now: datetime | None = None) -> User | None:
    """The user this sign-in belongs to, or None when it has ended, expired or been idle too long."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    # The person comes in the same query: every signed-in request needs them.
    found = db.session.execute(_SIGN_IN_WITH_PERSON, {"token_hash": _hash(token)}).first()
    if found is None:
        return None
    record, user = found
    if record.expires_at <= now or record.last_seen_at + timedelta(minutes=idle_minutes) <= now:
        db.session.delete(record)
        return None
    if not user.is_active:
        return None
    if now - record.last_seen_at >= TOUCH_INTERVAL:
        record.last_seen_at = now
    user.current_session_token = token
    return user


def end(token: str | None) -> None:
    if token:
        db.session.execute(sa.delete(AuthSession).where(AuthSession.token_hash == _hash(token)))


def end_all(user: User, *, except_token: str | None = None) -> int:
    query = sa.delete(AuthSession).where(AuthSession.user_id == user.id)
    if except_token:
        query = query.where(AuthSession.token_hash != _hash(except_token))
    return db.session.execute(query).rowcount


def count_active(user: User) -> int:
    return db.session.scalar(_ACTIVE_SIGN_INS, {"user_id": user.id})


def purge_expired(*, idle_minutes: int, now: datetime | None = None) -> int:
    now = now or utcnow()
    return db.session.execute(
        sa.delete(AuthSession).where(
            sa.or_(AuthSession.expires_at <= now, AuthSession.last_seen_at <= now - timedelta(minutes=idle_minutes))
        )
    ).rowcount


@scheduler.job(
    "purge-expired",
    daily_at="03:00",
    title=_l("Delete expired sign-ins, and unfinished forms past their time with any files sent on them"),
    summary=_l("%(sign_ins)s expired sign-ins and %(forms)s unfinished forms deleted"),
)
def purge_expired_sign_ins_and_forms() -> dict[str, int]:
    from app.services import form_journeys

    sign_ins = purge_expired(idle_minutes=current_app.config["SESSION_IDLE_MINUTES"])
    return {"sign_ins": sign_ins, "forms": form_journeys.delete_expired()}
