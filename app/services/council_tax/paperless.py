"""Paperless council tax bills (e-billing): a linked payer switches an account's bills to email, or
back to paper. Like the 12-instalments request (instalment_requests.py), the choice goes to the
revenues system in the export, which sends the bills; Doorstep keeps the latest choice per account
so the account page can say what was chosen and the council's figures can count the post avoided
(paperless accounts x paper bills a year)."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import User, utcnow
from app.models.council_tax import CouncilTaxAccount
from app.models.council_tax_requests import CouncilTaxPaperless, CouncilTaxRequest, RequestKind
from app.services.errors import ServiceError

PAPER_BILLS_PER_YEAR = 1  # without council tax settings: the annual bill


def paper_bills_per_year(settings) -> int:
    return settings.paper_bills_per_year if settings is not None else PAPER_BILLS_PER_YEAR


def choice(account: CouncilTaxAccount) -> CouncilTaxPaperless | None:
    return db.session.scalar(
        sa.select(CouncilTaxPaperless).where(CouncilTaxPaperless.account_reference == account.reference)
    )


def is_paperless(account: CouncilTaxAccount) -> bool:
    found = choice(account)
    return found is not None and found.paperless


def switch(user: User, account: CouncilTaxAccount, *, paperless: bool) -> CouncilTaxRequest | None:
    """Records the choice and hands it to the revenues system. Choosing what is already chosen
    sends nothing (None). Raises ServiceError("no-email") for paperless bills without an email
    address on the person's account."""
    if paperless and not user.email:
        raise ServiceError("no-email")
    found = choice(account)
    if (found is not None and found.paperless) == paperless:
        return None
    if found is None:
        found = CouncilTaxPaperless(account_reference=account.reference)
        db.session.add(found)
    found.paperless = paperless
    found.email = user.email if paperless else None
    found.changed_by_id = user.id
    found.changed_at = utcnow()
    request = CouncilTaxRequest(
        kind=RequestKind.PAPERLESS_BILLS,
        account_reference=account.reference,
        user_id=user.id,
        details={"paperless": paperless, "email": user.email if paperless else None},
    )
    db.session.add(request)
    db.session.flush()
    return request


def paperless_accounts() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(CouncilTaxPaperless.id)).where(CouncilTaxPaperless.paperless.is_(True))
    )
