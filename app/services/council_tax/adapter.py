"""The revenues system behind Doorstep, through one interface.

The council's revenues system (Capita, NEC, Civica) holds the legal record. Doorstep reads an
account through a `RevenuesAdapter`; the one built today, `ExtractAdapter`, reads the copy imported
from the nightly extract (extract.py). Another (a live API) would return the same records: the
council tax models are the shape of an account's record, whether stored or made on the fly.

Requests people make and Direct Debit instructions will be handed back through the same adapter
(as an export for the extract); that half is not built yet.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.council_tax import (
    CouncilTaxAccount,
    CouncilTaxCharge,
    CouncilTaxImport,
    CouncilTaxInstalment,
    CouncilTaxRecoveryEvent,
    CouncilTaxReduction,
    CouncilTaxTransaction,
)


class RevenuesAdapter(Protocol):
    def account(self, reference: str) -> CouncilTaxAccount | None: ...

    def as_at(self) -> datetime | None:
        """When the figures were true (the extract's time; now, for a live system)."""

    def years(self, account: CouncilTaxAccount) -> list[int]:
        """The financial years the account has a bill for, newest first."""

    def charges(self, account: CouncilTaxAccount, year: int) -> list[CouncilTaxCharge]: ...

    def reductions(self, account: CouncilTaxAccount, year: int) -> list[CouncilTaxReduction]: ...

    def instalments(self, account: CouncilTaxAccount, year: int) -> list[CouncilTaxInstalment]: ...

    def transactions(self, account: CouncilTaxAccount, limit: int = 50) -> list[CouncilTaxTransaction]:
        """The newest first."""

    def recovery(self, account: CouncilTaxAccount) -> list[CouncilTaxRecoveryEvent]:
        """Every recovery step, the newest first."""


class ExtractAdapter:
    """Reads the copy imported from the revenues system's extract."""

    def account(self, reference: str) -> CouncilTaxAccount | None:
        return db.session.scalar(
            sa.select(CouncilTaxAccount)
            .options(selectinload(CouncilTaxAccount.people), selectinload(CouncilTaxAccount.property))
            .where(CouncilTaxAccount.reference == reference.strip().upper())
        )

    def as_at(self) -> datetime | None:
        return db.session.scalar(sa.select(sa.func.max(CouncilTaxImport.extracted_at)))

    def years(self, account: CouncilTaxAccount) -> list[int]:
        return list(
            db.session.scalars(
                sa.select(CouncilTaxCharge.year)
                .where(CouncilTaxCharge.account_id == account.id)
                .distinct()
                .order_by(CouncilTaxCharge.year.desc())
            )
        )

    def charges(self, account: CouncilTaxAccount, year: int) -> list[CouncilTaxCharge]:
        return self._for_year(CouncilTaxCharge, account, year, CouncilTaxCharge.period_start)

    def reductions(self, account: CouncilTaxAccount, year: int) -> list[CouncilTaxReduction]:
        return self._for_year(CouncilTaxReduction, account, year, CouncilTaxReduction.period_start)

    def instalments(self, account: CouncilTaxAccount, year: int) -> list[CouncilTaxInstalment]:
        return self._for_year(CouncilTaxInstalment, account, year, CouncilTaxInstalment.number)

    def transactions(self, account: CouncilTaxAccount, limit: int = 50) -> list[CouncilTaxTransaction]:
        return list(
            db.session.scalars(
                sa.select(CouncilTaxTransaction)
                .where(CouncilTaxTransaction.account_id == account.id)
                .order_by(CouncilTaxTransaction.posted_on.desc(), CouncilTaxTransaction.id.desc())
                .limit(limit)
            )
        )

    def recovery(self, account: CouncilTaxAccount) -> list[CouncilTaxRecoveryEvent]:
        return list(
            db.session.scalars(
                sa.select(CouncilTaxRecoveryEvent)
                .where(CouncilTaxRecoveryEvent.account_id == account.id)
                .order_by(CouncilTaxRecoveryEvent.issued_on.desc(), CouncilTaxRecoveryEvent.id.desc())
            )
        )

    @staticmethod
    def _for_year(model, account, year, order):
        return list(
            db.session.scalars(
                sa.select(model).where(model.account_id == account.id, model.year == year).order_by(order)
            )
        )


def revenues() -> RevenuesAdapter:
    """The adapter the council uses (only the extract, so far)."""
    return ExtractAdapter()
