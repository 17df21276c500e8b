"""Linking a signed-in person to a council tax account, with facts only the bill carries.

A person gives the account reference, the postcode of the property, and one more fact printed on
the bill: the online key, or the name as on the bill. Joint payers each link their own. Attempts
are limited per person and per reference, and the answer to a wrong attempt is the same whether or
not the account exists, so the form cannot be used to find accounts. Every link, unlink and
attempt is recorded in `council_tax_link_events`.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import User, utcnow
from app.models.council_tax import (
    CouncilTaxAccount,
    CouncilTaxLink,
    CouncilTaxLinkEvent,
    LinkEventKind,
    LinkFact,
)
from app.services.council_tax.extract_format import online_key_hash
from app.services.errors import ServiceError

WINDOW = timedelta(hours=24)
ATTEMPTS_PER_PERSON = 5  # wrong attempts by one person in WINDOW
ATTEMPTS_PER_REFERENCE = 10  # wrong attempts at one reference, by anyone, in WINDOW
REFERENCE_PATTERN = re.compile(r"^[A-Z0-9-]{1,20}$")
COUNTED = (LinkEventKind.REFUSED, LinkEventKind.LIMITED)

NO_MATCH = _l("We could not link an account with those details. Check them against your latest bill and try again")
TOO_MANY = _l(
    "You cannot try again yet: there have been too many attempts. Try again tomorrow, or contact us "
    "and we will link your account for you"
)


@dataclass(frozen=True)
class LinkRequest:
    reference: str
    postcode: str
    online_key: str = ""
    name: str = ""

    @property
    def fact(self) -> LinkFact:
        return LinkFact.ONLINE_KEY if self.online_key.strip() else LinkFact.NAME


def normalise_reference(reference: str) -> str:
    return re.sub(r"\s+", "", reference or "").upper()


def postcode_key(postcode: str) -> str:
    return re.sub(r"\s+", "", postcode or "").upper()


def name_key(name: str) -> str:
    """A name as on the bill, compared without case, accents, punctuation or titles' dots."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    letters = re.sub(r"[^\w\s]", " ", letters.casefold())
    return " ".join(letters.split())


def _recent(condition, now: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(CouncilTaxLinkEvent.id)).where(
            condition, CouncilTaxLinkEvent.kind.in_(COUNTED), CouncilTaxLinkEvent.created_at > now - WINDOW
        )
    )


def _record(kind: LinkEventKind, *, user: User | None, actor: User | None, reference: str, account=None, fact=None):
    db.session.add(
        CouncilTaxLinkEvent(
            kind=kind,
            user_id=user.id if user else None,
            actor_id=actor.id if actor else None,
            account_reference=reference[:20],
            account_id=account.id if account is not None else None,
            fact=fact,
        )
    )
    db.session.flush()


def _matches(account: CouncilTaxAccount | None, request: LinkRequest) -> bool:
    """Whether the facts match the account, checked the same way whether or not it exists."""
    if account is None:
        return False
    postcode_ok = hmac.compare_digest(postcode_key(request.postcode), account.property.postcode_key)
    if request.fact is LinkFact.ONLINE_KEY:
        fact_ok = hmac.compare_digest(online_key_hash(account.reference, request.online_key), account.online_key_hash)
    else:
        wanted = name_key(request.name)
        fact_ok = bool(wanted) and any(name_key(person.full_name) == wanted for person in account.people)
    return postcode_ok and fact_ok


def link(user: User, request: LinkRequest, *, now: datetime | None = None) -> CouncilTaxLink:
    """Link `user` to the account the facts describe, or raise ServiceError with a message that
    does not say whether the account exists."""
    now = now or utcnow()
    reference = normalise_reference(request.reference)
    if not REFERENCE_PATTERN.match(reference):
        raise ServiceError(_l("Enter the account reference as it is on your bill, like 60000001"), field="reference")
    over_limit = (
        _recent(CouncilTaxLinkEvent.user_id == user.id, now) >= ATTEMPTS_PER_PERSON
        or _recent(CouncilTaxLinkEvent.account_reference == reference, now) >= ATTEMPTS_PER_REFERENCE
    )
    if over_limit:
        _record(LinkEventKind.LIMITED, user=user, actor=user, reference=reference, fact=request.fact)
        raise ServiceError(TOO_MANY)
    account = db.session.scalar(
        sa.select(CouncilTaxAccount)
        .options(selectinload(CouncilTaxAccount.people), selectinload(CouncilTaxAccount.property))
        .where(CouncilTaxAccount.reference == reference)
    )
    if not _matches(account, request):
        _record(LinkEventKind.REFUSED, user=user, actor=user, reference=reference, account=account, fact=request.fact)
        raise ServiceError(NO_MATCH)
    existing = db.session.scalar(
        sa.select(CouncilTaxLink).where(CouncilTaxLink.user_id == user.id, CouncilTaxLink.account_id == account.id)
    )
    if existing is not None:
        return existing
    found = CouncilTaxLink(user_id=user.id, account_id=account.id, matched_on=request.fact)
    db.session.add(found)
    _record(LinkEventKind.LINKED, user=user, actor=user, reference=reference, account=account, fact=request.fact)
    return found


def linked_accounts(user: User) -> list[CouncilTaxAccount]:
    """The accounts `user` has linked, in reference order."""
    return list(
        db.session.scalars(
            sa.select(CouncilTaxAccount)
            .join(CouncilTaxLink, CouncilTaxLink.account_id == CouncilTaxAccount.id)
            .options(selectinload(CouncilTaxAccount.property))
            .where(CouncilTaxLink.user_id == user.id)
            .order_by(CouncilTaxAccount.reference)
        )
    )


def linked_account(user: User, reference: str) -> CouncilTaxAccount | None:
    """The account with `reference` if `user` has linked it; None for anyone else (and for an
    account that does not exist: the two are never told apart)."""
    reference = normalise_reference(reference)
    if not REFERENCE_PATTERN.match(reference) or not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(CouncilTaxAccount)
        .join(CouncilTaxLink, CouncilTaxLink.account_id == CouncilTaxAccount.id)
        .options(selectinload(CouncilTaxAccount.people), selectinload(CouncilTaxAccount.property))
        .where(CouncilTaxLink.user_id == user.id, CouncilTaxAccount.reference == reference)
    )


def unlink(user: User, account: CouncilTaxAccount) -> None:
    found = db.session.scalar(
        sa.select(CouncilTaxLink).where(CouncilTaxLink.user_id == user.id, CouncilTaxLink.account_id == account.id)
    )
    if found is None:
        return
    db.session.delete(found)
    _record(LinkEventKind.UNLINKED, user=user, actor=user, reference=account.reference, account=account)


def unlink_everything(user: User) -> None:
    """When a person deletes their Doorstep account: their links go (the events stay)."""
    for found in db.session.scalars(sa.select(CouncilTaxLink).where(CouncilTaxLink.user_id == user.id)):
        unlink(user, found.account)


# Staff


@dataclass(frozen=True)
class LinksFound:
    reference: str
    account: CouncilTaxAccount | None
    links: list[CouncilTaxLink]
    events: list[CouncilTaxLinkEvent]


def for_staff(reference: str, *, events_limit: int = 50) -> LinksFound:
    """Who has linked the account with `reference`, and the latest attempts at it."""
    reference = normalise_reference(reference)
    account = db.session.scalar(
        sa.select(CouncilTaxAccount)
        .options(selectinload(CouncilTaxAccount.property))
        .where(CouncilTaxAccount.reference == reference)
    )
    links = []
    if account is not None:
        links = list(
            db.session.scalars(
                sa.select(CouncilTaxLink)
                .options(selectinload(CouncilTaxLink.user))
                .where(CouncilTaxLink.account_id == account.id)
                .order_by(CouncilTaxLink.created_at)
            )
        )
    events = list(
        db.session.scalars(
            sa.select(CouncilTaxLinkEvent)
            .where(CouncilTaxLinkEvent.account_reference == reference)
            .order_by(CouncilTaxLinkEvent.created_at.desc(), CouncilTaxLinkEvent.id.desc())
            .limit(events_limit)
        )
    )
    return LinksFound(reference, account, links, events)


def remove_by_staff(staff: User, link_id: int) -> CouncilTaxLink | None:
    found = db.session.scalar(
        sa.select(CouncilTaxLink).options(selectinload(CouncilTaxLink.account)).where(CouncilTaxLink.id == link_id)
    )
    if found is None:
        return None
    account, person = found.account, found.user
    db.session.delete(found)
    _record(LinkEventKind.REMOVED, user=person, actor=staff, reference=account.reference, account=account)
    return found


def link_demo_account(user: User, reference: str) -> None:
    """The demo data: the demo resident has their account linked already (never in production)."""
    account = db.session.scalar(sa.select(CouncilTaxAccount).where(CouncilTaxAccount.reference == reference))
    if account is None:
        return
    exists = db.session.scalar(
        sa.select(CouncilTaxLink.id).where(CouncilTaxLink.user_id == user.id, CouncilTaxLink.account_id == account.id)
    )
    if exists is None:
        db.session.add(CouncilTaxLink(user_id=user.id, account_id=account.id, matched_on=LinkFact.ONLINE_KEY))
        db.session.flush()
