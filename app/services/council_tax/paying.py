"""Paying council tax by card through the payment step every paid service uses (Stripe Checkout).

The account reference goes on the payment (its description and details) and, once Stripe confirms
it, the payment becomes a request for the revenues system in the next export batch, so the back
office posts it to the account. The balance Doorstep shows changes only when the revenues system's
next extract says so.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Payment, User
from app.models.council_tax import CouncilTaxAccount
from app.models.council_tax_requests import CouncilTaxRequest, RequestKind
from app.services import payments
from app.services.errors import ServiceError

PURPOSE = "council-tax"
MINIMUM_PENCE = 100  # £1
MAXIMUM_PENCE = 2_000_000  # £20,000: more than any year's bill; a larger sum is a bank transfer


def check_amount(pence: int) -> None:
    if pence < MINIMUM_PENCE:
        raise ServiceError(_l("Enter an amount of £1.00 or more"), field="other_amount")
    if pence > MAXIMUM_PENCE:
        raise ServiceError(_l("Enter an amount of £20,000.00 or less"), field="other_amount")


def start(
    account: CouncilTaxAccount, user: User, pence: int, *, success_url: str, cancel_url: str, language: str
) -> Payment:
    check_amount(pence)
    return payments.start(
        purpose=PURPOSE,
        description=f"Council tax {account.reference}",
        items=[payments.LineItem(f"Council tax account {account.reference}", pence)],
        success_url=success_url,
        cancel_url=cancel_url,
        language=language,
        user_id=user.id,
        email=user.email,
        details={"account_reference": account.reference},
    )


def payment_for(user: User, account: CouncilTaxAccount, session_id: str) -> Payment | None:
    """The person's own payment to this account, by its Checkout Session; None for anyone else's."""
    payment = payments.for_session(session_id) if session_id and len(session_id) <= 255 else None
    if payment is None or payment.purpose != PURPOSE or payment.user_id != user.id:
        return None
    if payment.details.get("account_reference") != account.reference:
        return None
    return payment


@payments.when_paid(PURPOSE)
def _on_paid(payment: Payment) -> None:
    exists = db.session.scalar(sa.select(CouncilTaxRequest.id).where(CouncilTaxRequest.payment_id == payment.id))
    if exists is not None:
        return
    db.session.add(
        CouncilTaxRequest(
            kind=RequestKind.CARD_PAYMENT,
            account_reference=payment.details["account_reference"],
            user_id=payment.user_id,
            payment_id=payment.id,
            details={
                "amount_pence": payment.amount_pence,
                "paid_at": payment.paid_at.isoformat() if payment.paid_at else None,
                "stripe_payment_intent": payment.stripe_payment_intent_id,
                "doorstep_payment_id": payment.id,
            },
        )
    )
    db.session.flush()
