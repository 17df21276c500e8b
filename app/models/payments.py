"""Card payments taken through Stripe Checkout, their refunds, and the Stripe events received."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, string_enum, utcnow


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"  # the person is on the payment page
    PAID = "paid"  # confirmed with Stripe, never on the return address alone
    EXPIRED = "expired"  # the payment page timed out or was abandoned
    CANCELLED = "cancelled"  # replaced by a newer attempt before it was paid


class Payment(Base):
    """One attempt to pay: a Checkout Session. A person who tries again gets a new row."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(40))  # what to do once paid, e.g. "form"
    description: Mapped[str] = mapped_column(sa.String(200))
    amount_pence: Mapped[int]
    currency: Mapped[str] = mapped_column(sa.String(3), default="gbp")
    status: Mapped[PaymentStatus] = mapped_column(string_enum(PaymentStatus), default=PaymentStatus.PENDING)
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    journey_id: Mapped[int | None] = mapped_column(sa.ForeignKey("form_journeys.id", ondelete="SET NULL"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(320))
    stripe_session_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    checkout_url: Mapped[str | None] = mapped_column(sa.String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    paid_at: Mapped[datetime | None]
    # Extra facts the purpose needs once paid (kept small: ids, never card details).
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    refunds: Mapped[list["PaymentRefund"]] = relationship(back_populates="payment", order_by="PaymentRefund.id")

    @property
    def refunded_pence(self) -> int:
        return sum(refund.amount_pence for refund in self.refunds if refund.succeeded)

    @property
    def refundable_pence(self) -> int:
        return self.amount_pence - self.refunded_pence if self.status == PaymentStatus.PAID else 0


class PaymentRefund(Base):
    __tablename__ = "payment_refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payments.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    amount_pence: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(200))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    stripe_refund_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    payment: Mapped[Payment] = relationship(back_populates="refunds")


class StripeEvent(Base):
    """Each webhook event handled, so the same event delivered twice is only acted on once."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(100))
    outcome: Mapped[str] = mapped_column(sa.String(100))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
