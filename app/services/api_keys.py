"""API keys for other systems: which APIs they open (scopes), creating, revoking, listing, and
checking a key a caller presents.

A key looks like `dsk_1a2b3c4d_<43 random characters>`. `dsk_` says it is a Doorstep key (so a
key pasted somewhere it should not be can be recognised), the 8 characters after it are the key's
prefix (not secret: shown to admins to tell keys apart, and how a presented key finds its row), and
the rest is 256 bits from `secrets`. Only a SHA-256 hash of the whole key is stored; the key itself
is returned once, by `create`, and never stored or logged.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import ApiKey, AuditEvent, User, utcnow
from app.services.people import Page

KEY_START = "dsk_"
PREFIX_LENGTH = 8
KEY_PATTERN = re.compile(r"dsk_([a-z0-9]{8})_[A-Za-z0-9_-]{43}")
LONGEST_KEY = 100  # anything longer is refused before any work is done on it
NAME_MAX_LENGTH = 100
# A busy fleet of handhelds calls many times a second: "last used" is written at most this often
# per key, so checking a key is a read, not a write, on nearly every call.
LAST_USED_INTERVAL = timedelta(minutes=1)
PAGE_SIZE = 25


# Scopes: which API a key opens. A key for one API never opens another.


@dataclass(frozen=True)
class ApiScope:
    id: str  # stored on the key; never change it once keys use it
    label: str  # what admins see, in their language
    usage: str  # how the calling system sends the key, for the page that shows a new key
    example: str  # that, with `{key}` where the key goes; not translated (it is what the system sends)


_SCOPES: dict[str, ApiScope] = {}
SCOPE_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")


def register_scope(scope_id: str, *, label, usage, example: str) -> str:
    """Add an API to the choices admins have when they create a key; returns the scope's id.

    Call it once at import time, in the service module the API belongs to, with lazy (`_l`) texts.
    """
    if not SCOPE_ID.fullmatch(scope_id):
        raise ValueError(f"scope ids are lower-case letters, digits and _, up to 40: {scope_id!r}")
    if "{key}" not in example:
        raise ValueError("the example must show where the key goes with {key}")
    scope = ApiScope(scope_id, label, usage, example)
    existing = _SCOPES.get(scope_id)
    if existing is not None and existing != scope:
        raise ValueError(f"API scope {scope_id!r} is already registered differently")
    _SCOPES[scope_id] = scope
    return scope_id


def scopes() -> list[ApiScope]:
    """Every registered scope, in the order they were registered."""
    return list(_SCOPES.values())


def get_scope(scope_id: str) -> ApiScope:
    try:
        return _SCOPES[scope_id]
    except KeyError:
        raise LookupError(f"no API scope {scope_id!r}: register it with api_keys.register_scope") from None


def scope_label(scope_id: str) -> str:
    """The scope's label, or its id for a key whose API has since been taken out of the registry."""
    scope = _SCOPES.get(scope_id)
    return str(scope.label) if scope else scope_id


# The APIs Doorstep has, registered in this one place. A new API adds one call like these.
ENFORCEMENT = register_scope(
    "enforcement",
    label=_l("Parking enforcement (officers' handhelds)"),
    usage=_l("Send the key in the Authorization header of every request, after the word Bearer and a space:"),
    example="Authorization: Bearer {key}",
)
OPEN311 = register_scope(
    "open311",
    label=_l("Open311 street problem reports"),
    usage=_l("Send the key as the api_key parameter with every report you post:"),
    example="api_key={key}",
)


# Creating, revoking and listing.


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    secret: str  # the whole key: give it to the person once, never store or log it


def hash_secret(secret: str) -> str:
    # SHA-256 and not a slow password hash: the key is 256 random bits, not something a person chose,
    # so there is no dictionary to try and guessing is hopeless however fast the hash; a slow hash
    # would only add tens of milliseconds to every API call.
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_new_key(name: str, scope: str) -> None:
    """The forms check these with messages for people; this stops any other caller storing nonsense."""
    get_scope(scope)
    if not name or not name.strip() or len(name) > NAME_MAX_LENGTH:
        raise ValueError("an API key needs a name of 1 to 100 characters")


def _audit(action: str, key: ApiKey, actor: User | None) -> None:
    db.session.add(AuditEvent(actor_id=actor.id if actor else None, action=action, api_key_id=key.id))


def _store(name: str, scope: str, secret: str, created_by: User | None) -> ApiKey:
    key = ApiKey(
        name=name,
        scope=scope,
        prefix=secret[len(KEY_START) : len(KEY_START) + PREFIX_LENGTH],
        secret_hash=hash_secret(secret),
        created_by_id=created_by.id if created_by else None,
        created_at=utcnow(),
    )
    db.session.add(key)
    db.session.flush()
    _audit("api_key.created", key, created_by)
    return key


def create(name: str, scope: str, *, created_by: User | None) -> NewKey:
    """A new key for one API. The secret in the result is the only copy there will ever be."""
    name = name.strip()
    _check_new_key(name, scope)
    while True:
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        # 4 billion prefixes: a clash is rare, and the unique index catches one made at the same moment.
        if db.session.scalar(sa.select(ApiKey.id).where(ApiKey.prefix == prefix)) is None:
            break
    secret = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(_store(name, scope, secret, created_by), secret)


def create_demo_key(name: str, scope: str, secret: str, *, created_by: User | None) -> ApiKey:
    """A key with a published secret, for the demo data only (never loaded in production).
    Loading it again changes nothing."""
    if not secret.startswith(f"{KEY_START}demo") or not KEY_PATTERN.fullmatch(secret):
        raise ValueError("demo keys start dsk_demo and have the shape of a real key")
    _check_new_key(name, scope)
    prefix = secret[len(KEY_START) : len(KEY_START) + PREFIX_LENGTH]
    existing = db.session.scalar(sa.select(ApiKey).where(ApiKey.prefix == prefix))
    return existing or _store(name, scope, secret, created_by)


def revoke(key: ApiKey, *, revoked_by: User) -> bool:
    """Stop the key working, at once. False (and nothing changes) when it was already revoked, even
    by another admin at the same moment."""
    result = db.session.execute(
        sa.update(ApiKey)
        .where(ApiKey.id == key.id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by_id=revoked_by.id)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        db.session.refresh(key)
        return False
    _audit("api_key.revoked", key, revoked_by)
    db.session.flush()
    return True


def get(key_id: int) -> ApiKey | None:
    return db.session.get(ApiKey, key_id, options=[selectinload(ApiKey.created_by), selectinload(ApiKey.revoked_by)])


def list_keys(*, page: int = 1) -> Page:
    """Keys still in use first, then revoked ones; newest first within each."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ApiKey))
    page = max(1, page)
    items = list(
        db.session.scalars(
            sa.select(ApiKey)
            .options(selectinload(ApiKey.created_by), selectinload(ApiKey.revoked_by))
            .order_by(ApiKey.revoked_at.is_not(None), ApiKey.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return Page(items=items, page=page, total=total, page_size=PAGE_SIZE)


# Checking a key a caller presents.


class Refusal(enum.StrEnum):
    """Why a presented key was refused: for the log and for the API's error, never shown to people."""

    MISSING = "missing"
    MALFORMED = "malformed"
    UNKNOWN = "unknown"  # no key with that prefix, or the secret does not match it
    REVOKED = "revoked"
    WRONG_SCOPE = "wrong_scope"  # a real key, for another API


@dataclass(frozen=True)
class Authentication:
    key: ApiKey | None  # the key, when it may be used
    refusal: Refusal | None = None
    refused_key_id: int | None = None  # a genuine key refused (revoked, wrong API): for the log
    recorded_use: bool = False  # "last used" was written: the caller should commit it now


_NO_KEY_HASH = hash_secret("no key has this")


def check(scope: str, presented: str | None, *, now: datetime | None = None) -> Authentication:
    """Whether `presented` is a key for `scope` that may be used now, and if not, why not. A good key's
    "last used" time is brought up to date when it is more than a minute old."""
    get_scope(scope)
    if not presented:
        return Authentication(None, Refusal.MISSING)
    if len(presented) > LONGEST_KEY or not (match := KEY_PATTERN.fullmatch(presented)):
        return Authentication(None, Refusal.MALFORMED)
    key = db.session.scalar(sa.select(ApiKey).where(ApiKey.prefix == match.group(1)))
    # The prefix is not secret, so finding the row by it gives nothing away; the secret is compared in
    # constant time, and compared with something even when no key has that prefix.
    matches = hmac.compare_digest(key.secret_hash if key else _NO_KEY_HASH, hash_secret(presented))
    if key is None or not matches:
        return Authentication(None, Refusal.UNKNOWN)
    if key.revoked_at is not None:
        return Authentication(None, Refusal.REVOKED, refused_key_id=key.id)
    if key.scope != scope:
        return Authentication(None, Refusal.WRONG_SCOPE, refused_key_id=key.id)
    return Authentication(key, recorded_use=_record_use(key, now or utcnow()))


def authenticate(scope: str, presented: str | None, *, now: datetime | None = None) -> ApiKey | None:
    """The key, if `presented` is a key for `scope` that has not been revoked; otherwise None."""
    return check(scope, presented, now=now).key


def _record_use(key: ApiKey, now: datetime) -> bool:
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_INTERVAL:
        return False
    # Only if nobody else (another process, another request) has just written it.
    result = db.session.execute(
        sa.update(ApiKey)
        .where(
            ApiKey.id == key.id,
            sa.or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= now - LAST_USED_INTERVAL),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1
