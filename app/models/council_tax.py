"""Council tax accounts: Doorstep's copy of the revenues system's record, imported from its extract
(app/services/council_tax/extract.py). The revenues system is the legal record; these rows are
replaced whole, account by account, when the extract says something changed."""

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, string_enum, utcnow

if TYPE_CHECKING:
    from app.models.accounts import User


class PaymentMethod(enum.StrEnum):
    DIRECT_DEBIT = "direct_debit"
    CASH = "cash"  # anything but Direct Debit: card, bank transfer, at a PayPoint or Post Office


class AccountStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # the person is no longer liable (moved out); a balance may still be owed


class ReductionKind(enum.StrEnum):
    SINGLE_PERSON = "single_person"
    ALL_DISREGARDED = "all_disregarded"
    EXEMPTION = "exemption"
    OTHER = "other"  # a local discount the council gives (care leavers, hardship)


class TransactionKind(enum.StrEnum):
    PAYMENT = "payment"  # money in
    REFUND = "refund"  # money paid back to the person
    COSTS = "costs"  # summons or other costs added
    ADJUSTMENT = "adjustment"  # a write-off or a correction (signed)


class RecoveryStage(enum.StrEnum):
    """The steps of recovery in the order they come (Council Tax (Administration and Enforcement)
    Regulations 1992, Part VI)."""

    REMINDER = "reminder"
    SECOND_REMINDER = "second_reminder"
    FINAL_NOTICE = "final_notice"
    SUMMONS = "summons"
    LIABILITY_ORDER = "liability_order"
    ATTACHMENT_OF_EARNINGS = "attachment_of_earnings"
    ATTACHMENT_OF_BENEFITS = "attachment_of_benefits"
    ENFORCEMENT_AGENT = "enforcement_agent"


class CouncilTaxProperty(Base):
    """A property on the valuation list, as the revenues system holds it."""

    __tablename__ = "council_tax_properties"

    id: Mapped[int] = mapped_column(primary_key=True)
    property_ref: Mapped[str] = mapped_column(sa.String(20), unique=True)
    uprn: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    line_1: Mapped[str] = mapped_column(sa.String(200))
    line_2: Mapped[str | None] = mapped_column(sa.String(200))
    town: Mapped[str] = mapped_column(sa.String(100))
    postcode: Mapped[str] = mapped_column(sa.String(10))
    postcode_key: Mapped[str] = mapped_column(sa.String(8))
    band: Mapped[str] = mapped_column(sa.String(1))
    source_hash: Mapped[str] = mapped_column(sa.String(64))

    @property
    def single_line(self) -> str:
        return ", ".join(part for part in (self.line_1, self.line_2, self.town, self.postcode) if part)


class CouncilTaxAccount(Base):
    """One council tax account: the people liable for one property from one day."""

    __tablename__ = "council_tax_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    property_id: Mapped[int] = mapped_column(sa.ForeignKey("council_tax_properties.id"), index=True)
    status: Mapped[AccountStatus] = mapped_column(string_enum(AccountStatus))
    liable_from: Mapped[date]
    liable_to: Mapped[date | None]
    payment_method: Mapped[PaymentMethod] = mapped_column(string_enum(PaymentMethod))
    payment_day: Mapped[int | None]
    instalments_per_year: Mapped[int]
    # What the person owes now (negative: in credit), as the revenues system worked it out.
    balance_pence: Mapped[int]
    # The online key printed on the bill, kept only as a hash (see extract.online_key_hash).
    online_key_hash: Mapped[str] = mapped_column(sa.String(64))
    # A hash of everything the extract said about this account: an import that finds the same hash
    # changes nothing.
    source_hash: Mapped[str] = mapped_column(sa.String(64))
    extracted_at: Mapped[datetime]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    property: Mapped[CouncilTaxProperty] = relationship()
    people: Mapped[list["CouncilTaxLiablePerson"]] = relationship(
        order_by="CouncilTaxLiablePerson.position", cascade="all, delete-orphan", passive_deletes=True
    )


def _account_fk() -> sa.ForeignKey:
    return sa.ForeignKey("council_tax_accounts.id", ondelete="CASCADE")


class CouncilTaxLiablePerson(Base):
    """A person liable on an account, with the name as printed on the bill (joint payers: several)."""

    __tablename__ = "council_tax_liable_people"
    __table_args__ = (sa.UniqueConstraint("account_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(_account_fk())
    position: Mapped[int]
    full_name: Mapped[str] = mapped_column(sa.String(200))


class CouncilTaxCharge(Base):
    """The charge for a period of a year: the band, the band's annual charge, and what the days
    liable in the period cost before any discount."""

    __tablename__ = "council_tax_charges"
    __table_args__ = (sa.Index("ix_council_tax_charges_account_year", "account_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(_account_fk())
    year: Mapped[int]  # 2026 is 2026-27
    period_start: Mapped[date]
    period_end: Mapped[date]
    band: Mapped[str] = mapped_column(sa.String(1))
    annual_charge_pence: Mapped[int]
    amount_pence: Mapped[int]


class CouncilTaxReduction(Base):
    """A discount or exemption from a day to a day, and what it took off."""

    __tablename__ = "council_tax_reductions"
    __table_args__ = (sa.Index("ix_council_tax_reductions_account_year", "account_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(_account_fk())
    year: Mapped[int]
    kind: Mapped[ReductionKind] = mapped_column(string_enum(ReductionKind))
    exemption_class: Mapped[str | None] = mapped_column(sa.String(1))
    description: Mapped[str | None] = mapped_column(sa.String(200))  # for "other": the council's own name
    period_start: Mapped[date]
    period_end: Mapped[date]
    percent: Mapped[int]
    amount_pence: Mapped[int]  # taken off the charge


class CouncilTaxInstalment(Base):
    __tablename__ = "council_tax_instalments"
    __table_args__ = (sa.UniqueConstraint("account_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(_account_fk())
    year: Mapped[int]
    number: Mapped[int]
    due_date: Mapped[date]
    amount_pence: Mapped[int]
    paid_pence: Mapped[int]  # how much of it the revenues system counts as paid


class CouncilTaxTransaction(Base):
    """Money in or out, and costs added, as posted by the revenues system."""

    __tablename__ = "council_tax_transactions"
    __table_args__ = (
        sa.UniqueConstraint("account_id", "transaction_ref"),
        sa.Index("ix_council_tax_transactions_account_posted", "account_id", "posted_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(_account_fk())
    transaction_ref: Mapped[str] = mapped_column(sa.String(40))
    year: Mapped[int]
    posted_on: Mapped[date]
    kind: Mapped[TransactionKind] = mapped_column(string_enum(TransactionKind))
    method: Mapped[str | None] = mapped_column(sa.String(20))  # direct_debit, card, cash, bank, ...
    amount_pence: Mapped[int]


class CouncilTaxRecoveryEvent(Base):
    """A recovery step taken on an account for a year's charge: a reminder, a summons, ..."""

    __tablename__ = "council_tax_recovery_events"
    __table_args__ = (sa.Index("ix_council_tax_recovery_events_account_issued", "account_id", "issued_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(_account_fk())
    year: Mapped[int]
    stage: Mapped[RecoveryStage] = mapped_column(string_enum(RecoveryStage, length=30))
    issued_on: Mapped[date]
    amount_pence: Mapped[int]  # what the notice asked for
    costs_pence: Mapped[int]
    pay_by: Mapped[date | None]


class CouncilTaxImport(Base):
    """One run of the import: what it found, for the council's records and the admin."""

    __tablename__ = "council_tax_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    extracted_at: Mapped[datetime]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    counts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    rejected: Mapped[list] = mapped_column(sa.JSON, default=list)  # the first rejected lines, with reasons


class LinkFact(enum.StrEnum):
    """The fact from the bill, besides the reference and postcode, a person linked an account with."""

    ONLINE_KEY = "online_key"
    NAME = "name"


class CouncilTaxLink(Base):
    """A signed-in person's link to a council tax account: they may see it and act on it. Joint
    payers each link their own."""

    __tablename__ = "council_tax_links"
    __table_args__ = (sa.UniqueConstraint("user_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(_account_fk(), index=True)
    matched_on: Mapped[LinkFact] = mapped_column(string_enum(LinkFact))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    account: Mapped[CouncilTaxAccount] = relationship()
    user: Mapped["User"] = relationship()


class LinkEventKind(enum.StrEnum):
    LINKED = "linked"
    REFUSED = "refused"  # the facts did not match (or there is no such account: never told apart)
    LIMITED = "limited"  # an attempt over the limit, not checked
    UNLINKED = "unlinked"  # by the person
    REMOVED = "removed"  # by staff


class CouncilTaxLinkEvent(Base):
    """Every link, unlink and attempt to link, for the council's records and the attempt limits.
    Never deleted by the app."""

    __tablename__ = "council_tax_link_events"
    __table_args__ = (
        sa.Index("ix_council_tax_link_events_user_created", "user_id", "created_at"),
        sa.Index("ix_council_tax_link_events_reference_created", "account_reference", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LinkEventKind] = mapped_column(string_enum(LinkEventKind))
    # The person whose link it is (or who tried); the actor is staff when staff removed it.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The reference as entered (normalised), whether or not an account has it.
    account_reference: Mapped[str] = mapped_column(sa.String(20))
    account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("council_tax_accounts.id", ondelete="SET NULL"), index=True
    )
    fact: Mapped[LinkFact | None] = mapped_column(string_enum(LinkFact))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
