"""Stripe's webhook: how Stripe tells us a payment page was paid or expired."""

import contextlib

import stripe
from flask import Blueprint, abort, render_template, request

from app.extensions import csrf, limiter
from app.models import Case
from app.services import cases, payments

bp = Blueprint("payments", __name__, url_prefix="/payments", template_folder="templates")


@bp.post("/stripe-webhook")
@csrf.exempt
@limiter.exempt
def stripe_webhook():
    outcome = payments.handle_webhook(request.get_data(), request.headers.get("Stripe-Signature"))
    if outcome is None:
        return {"error": "signature"}, 400
    return {"outcome": outcome}, 200


@bp.get("/done")
def link_return():
    """Where a payment link (sent to a caller by staff) comes back to, on the caller's own device."""
    payment = payments.for_session(request.args.get("session_id", ""))
    if payment is None:
        abort(404)
    with contextlib.suppress(stripe.StripeError):  # show what we know; the webhook or reconciliation settles it
        payment = payments.refresh(payment)
    case: Case | None = cases.get(payment.case_id) if payment.case_id else None
    return render_template("payments/done.html", payment=payment, case=case)
