"""What Doorstep hands back to the revenues system: card payments people made, and requests they
sent, each exported once in a batch (app/services/council_tax/export.py)."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, string_enum, utcnow


class RequestKind(enum.StrEnum):
    CARD_PAYMENT = "card_payment"  # paid by card through Doorstep: the back office posts it
    TWELVE_INSTALMENTS = "twelve_instalments"  # pay this year's bill in 12 monthly instalments
    PAPERLESS_BILLS = "paperless_bills"  # bills by email instead of post (e-billing), or back to paper
    MOVING_OUT = "moving_out"  # the person is leaving the property: the date and where to send the final bill
    # A discount, exemption or Council Tax Reduction applied for (or a discount ending) through a form
    # definition: its id and answers (app/services/council_tax/discounts.py)
    DISCOUNT_APPLICATION = "discount_application"
    DIRECT_DEBIT = "direct_debit_instruction"  # set up or change a Direct Debit: the back office lodges it with Bacs
    CREDIT_REFUND = "credit_refund"  # pay (part of) a credit balance back to the person's bank account
    MOVING_IN = "moving_in"  # someone is becoming liable at a property in the borough (no account yet)
    MOVING_WITHIN = "moving_within"  # from one property in the borough to another: a final bill and a new one
    PAYMENT_ARRANGEMENT = "payment_arrangement"  # agreed payments to clear arrears (council_tax_arrangements)
    BILL_FORMAT = "bill_format"  # how the person wants bills and notices: large print, braille, a language...


class BatchStatus(enum.StrEnum):
    WRITING = "writing"  # its requests are chosen; the file is not finished (a rerun writes it again)
    WRITTEN = "written"  # the file is complete: the back office can load it


class CouncilTaxExportBatch(Base):
    __tablename__ = "council_tax_export_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[BatchStatus] = mapped_column(string_enum(BatchStatus))
    file_name: Mapped[str] = mapped_column(sa.String(100))
    request_count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    written_at: Mapped[datetime | None]


class CouncilTaxRequest(Base):
    """One thing for the revenues system, waiting for an export batch or in one."""

    __tablename__ = "council_tax_requests"
    __table_args__ = (sa.Index("ix_council_tax_requests_waiting", "batch_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RequestKind] = mapped_column(string_enum(RequestKind, length=30))
    account_reference: Mapped[str] = mapped_column(sa.String(20), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # A payment is recorded once however often Stripe tells us it was paid.
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payments.id", ondelete="SET NULL"), unique=True)
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("council_tax_export_batches.id", ondelete="RESTRICT"))


class CouncilTaxPaperless(Base):
    """An account's choice of paperless bills (e-billing) made in Doorstep: the choice is sent to the
    revenues system in the export, and kept here so the account page says what was chosen and the
    council's figures count the post it avoids."""

    __tablename__ = "council_tax_paperless"
    __table_args__ = (sa.Index("ix_council_tax_paperless_paperless", "paperless"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    paperless: Mapped[bool]
    email: Mapped[str | None] = mapped_column(sa.String(320))  # where the bills go, when paperless
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
