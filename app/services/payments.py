"""Card payments through Stripe Checkout, for every paid service.

Card details go to Stripe's hosted payment page and never reach the council's servers. A payment
counts as paid only once the server has asked Stripe: on a webhook whose signature verifies, on the
person's return from the payment page, or by `flask payments reconcile`. Each of those retrieves the
Checkout Session from Stripe and applies what it says, so the order the three happen in, or how
often, never changes the outcome.

What a payment is for decides what happens once it is paid: each purpose registers a handler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
import stripe
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app import scheduler
from app.extensions import db
from app.models import Payment, PaymentRefund, PaymentStatus, StripeEvent, utcnow
from app.services.errors import ServiceError

log = logging.getLogger(__name__)
SESSION_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}
_paid_handlers: dict[str, Callable[[Payment], None]] = {}
_ended_handlers: dict[str, Callable[[Payment], None]] = {}


def when_paid(purpose: str):
    """Register what to do, once, when a payment for this purpose is confirmed."""

    def register(handler):
        _paid_handlers[purpose] = handler
        return handler

    return register


def when_ended_unpaid(purpose: str):
    """Register what to do when a payment page for this purpose expires or is abandoned."""

    def register(handler):
        _ended_handlers[purpose] = handler
        return handler

    return register


@dataclass(frozen=True)
class LineItem:
    name: str
    unit_pence: int
    quantity: int = 1

    @property
    def total_pence(self) -> int:
        return self.unit_pence * self.quantity


def stripe_client() -> stripe.StripeClient:
    extensions = current_app.extensions
    if "stripe_client" not in extensions:
        config = current_app.config
        base = config["STRIPE_API_BASE"]
        extensions["stripe_client"] = stripe.StripeClient(
            config["STRIPE_SECRET_KEY"], base_addresses={"api": base} if base else None, max_network_retries=2
        )
    return extensions["stripe_client"]


def start(
    *,
    purpose: str,
    description: str,
    items: list[LineItem],
    success_url: str,
    cancel_url: str,
    language: str,
    user_id: int | None = None,
    journey_id: int | None = None,
    case_id: int | None = None,
    email: str | None = None,
    details: dict | None = None,
    minutes: int | None = None,
) -> Payment:
    """A new payment and its Stripe payment page; send the person to `payment.checkout_url`. The page
    lasts `minutes` (default PAYMENT_SESSION_MINUTES; Stripe allows 30 minutes to 24 hours).

    `success_url` gets `session_id={CHECKOUT_SESSION_ID}` added, which Stripe fills in."""
    amount = sum(item.total_pence for item in items)
    if amount <= 0:
        raise ServiceError("nothing-to-pay")
    now = utcnow()
    payment = Payment(
        purpose=purpose,
        description=description[:200],
        amount_pence=amount,
        currency="gbp",
        status=PaymentStatus.PENDING,
        language=language,
        user_id=user_id,
        journey_id=journey_id,
        case_id=case_id,
        email=email,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes or current_app.config["PAYMENT_SESSION_MINUTES"]),
        details=details or {},
    )
    db.session.add(payment)
    db.session.flush()
    if any(item.unit_pence < 0 for item in items):
        # Stripe refuses a line below nought (a discount or concession): one line for the total,
        # the breakdown having been shown on our own page.
        items = [LineItem(description[:200], amount)]
    separator = "&" if "?" in success_url else "?"
    params = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {"currency": "gbp", "unit_amount": item.unit_pence, "product_data": {"name": item.name}},
                "quantity": item.quantity,
            }
            for item in items
        ],
        "success_url": f"{success_url}{separator}session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": cancel_url,
        "client_reference_id": str(payment.id),
        "metadata": {"payment_id": str(payment.id), "purpose": purpose},
        "payment_intent_data": {"metadata": {"payment_id": str(payment.id), "purpose": purpose}},
        # A minute's grace, so Stripe's own 30-minute minimum holds however long this request took.
        "expires_at": int(min(payment.expires_at + timedelta(minutes=1), now + timedelta(hours=24)).timestamp()),
    }
    if email:
        params["customer_email"] = email
    session = stripe_client().v1.checkout.sessions.create(
        params=params, options={"idempotency_key": f"doorstep-payment-{payment.id}"}
    )
    payment.stripe_session_id = session.id
    payment.checkout_url = session.url
    log.info("payment %s started: %s pence for %s", payment.id, amount, purpose)
    return payment


def _locked(payment_id: int) -> Payment:
    return db.session.scalar(sa.select(Payment).where(Payment.id == payment_id).with_for_update())


def _locked_by_session(session_id: str) -> Payment | None:
    return db.session.scalar(sa.select(Payment).where(Payment.stripe_session_id == session_id).with_for_update())


def refresh(payment: Payment) -> Payment:
    """Ask Stripe how this payment stands and act on it (the person's return, and reconciliation)."""
    locked = _locked(payment.id)
    if locked.status == PaymentStatus.PENDING and locked.stripe_session_id:
        session = stripe_client().v1.checkout.sessions.retrieve(locked.stripe_session_id)
        _apply(locked, session)
    return locked


def _apply(payment: Payment, session) -> None:
    """Record what Stripe says about the payment's session. The caller holds the payment's lock."""
    if session.status == "complete" and session.payment_status == "paid":
        if payment.status == PaymentStatus.PAID:
            return
        if session.amount_total != payment.amount_pence or session.currency != payment.currency:
            # Never treat a different amount as this payment: staff must look at it.
            log.error(
                "payment %s: Stripe session %s is for %s %s",
                payment.id,
                session.id,
                session.amount_total,
                session.currency,
            )
            return
        if payment.status == PaymentStatus.EXPIRED:
            log.warning("payment %s confirmed after its payment page had expired", payment.id)
        payment.status = PaymentStatus.PAID
        payment.paid_at = utcnow()
        payment.stripe_payment_intent_id = session.payment_intent
        db.session.flush()
        _paid_handlers[payment.purpose](payment)
    elif session.status == "expired" and payment.status == PaymentStatus.PENDING:
        payment.status = PaymentStatus.EXPIRED
        db.session.flush()
        if payment.purpose in _ended_handlers:
            _ended_handlers[payment.purpose](payment)


def handle_webhook(payload: bytes, signature: str | None) -> str | None:
    """Act on one webhook from Stripe. None when its signature does not verify (refuse it)."""
    try:
        event = stripe_client().construct_event(payload, signature, current_app.config["STRIPE_WEBHOOK_SECRET"])
    except (ValueError, stripe.SignatureVerificationError):
        log.warning("webhook refused: signature did not verify")
        return None
    try:
        with db.session.begin_nested():
            record = StripeEvent(id=event.id, type=event.type, outcome="received")
            db.session.add(record)
    except IntegrityError:
        log.info("webhook %s (%s) already handled", event.id, event.type)
        return "duplicate"
    outcome = "ignored"
    if event.type in SESSION_EVENTS:
        payment = _locked_by_session(event.data.object.id)
        if payment is None:
            outcome = "unknown-session"
        else:
            _apply(payment, stripe_client().v1.checkout.sessions.retrieve(payment.stripe_session_id))
            outcome = f"payment-{payment.status}"
    record.outcome = outcome
    log.info("webhook %s (%s): %s", event.id, event.type, outcome)
    return outcome


def reconcile(settle_after_minutes: int = 2) -> dict[str, int]:
    """Settle payments whose webhook never came: every pending payment older than a couple of
    minutes is checked with Stripe. Run it every few minutes (cron or a scheduler)."""
    due = utcnow() - timedelta(minutes=settle_after_minutes)
    ids = db.session.scalars(
        sa.select(Payment.id).where(Payment.status == PaymentStatus.PENDING, Payment.created_at <= due)
    ).all()
    counts: dict[str, int] = {}
    for payment_id in ids:
        payment = refresh(db.session.get(Payment, payment_id))
        counts[payment.status.value] = counts.get(payment.status.value, 0) + 1
    return counts


@scheduler.job(
    "reconcile-payments",
    every=timedelta(minutes=5),
    title=_l("Settle card payments whose confirmation from Stripe never came"),
    summary=_l("%(checked)s pending payments checked with Stripe, %(settled)s settled"),
)
def reconcile_pending_payments(settle_after_minutes: int = 2) -> dict[str, int]:
    counts = reconcile(settle_after_minutes=settle_after_minutes)
    still_pending = counts.get(PaymentStatus.PENDING.value, 0)
    return {"checked": sum(counts.values()), "settled": sum(counts.values()) - still_pending}


def refund(
    payment: Payment, amount_pence: int, *, reason: str, actor_id: int | None = None, case_id: int | None = None
) -> PaymentRefund:
    """Give back some or all of a payment. The payment's lock makes two refunds at once impossible
    to exceed what was paid; the idempotency key stops Stripe refunding twice on a retried request."""
    locked = _locked(payment.id)
    db.session.refresh(locked, ["refunds"])
    if not isinstance(amount_pence, int) or amount_pence <= 0:
        raise ServiceError("refund-amount")
    if amount_pence > locked.refundable_pence:
        raise ServiceError("refund-too-large")
    record = PaymentRefund(
        payment=locked,
        case_id=case_id if case_id is not None else locked.case_id,
        amount_pence=amount_pence,
        reason=reason[:200],
        actor_id=actor_id,
    )
    db.session.add(record)
    db.session.flush()
    result = stripe_client().v1.refunds.create(
        params={
            "payment_intent": locked.stripe_payment_intent_id,
            "amount": amount_pence,
            "metadata": {"payment_id": str(locked.id), "refund_id": str(record.id)},
        },
        options={"idempotency_key": f"doorstep-refund-{record.id}"},
    )
    record.stripe_refund_id = result.id
    record.succeeded = result.status in ("succeeded", "pending")
    db.session.flush()
    log.info("payment %s: refunded %s pence (%s)", locked.id, amount_pence, result.status)
    return record


def for_session(session_id: str) -> Payment | None:
    return db.session.scalar(sa.select(Payment).where(Payment.stripe_session_id == session_id))
