"""Payment arrangements asked for online when an account is in arrears: the person's income and
expenditure and the payments they propose; the revenues team accepts them or offers different
terms, which the person may accept. The agreed terms go to the revenues system in the export
(app/services/council_tax/arrangements.py)."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, string_enum, utcnow


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class ArrangementStatus(enum.StrEnum):
    PROPOSED = "proposed"  # the person's offer, waiting for the revenues team
    COUNTERED = "countered"  # the team offered different terms, waiting for the person
    AGREED = "agreed"  # the team accepted the person's offer, or the person accepted the team's


class CouncilTaxArrangement(Base):
    __tablename__ = "council_tax_arrangements"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    account_reference: Mapped[str] = mapped_column(sa.String(20), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[ArrangementStatus] = mapped_column(string_enum(ArrangementStatus))
    arrears_pence: Mapped[int]
    # {"monthly": {heading: pence a month}, "given": {heading: [pence, frequency]}}
    statement: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    proposed_pence: Mapped[int]
    proposed_frequency: Mapped[Frequency] = mapped_column(string_enum(Frequency))
    proposed_first_on: Mapped[date]
    offered_pence: Mapped[int | None]
    offered_frequency: Mapped[Frequency | None] = mapped_column(string_enum(Frequency))
    offered_first_on: Mapped[date | None]
    offer_reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    agreed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case = relationship("Case")
