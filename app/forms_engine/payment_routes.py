"""The payment step of a paid form: off to the payment page, and back from it."""

from __future__ import annotations

import logging

import stripe
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.form_model.schema import Definition
from app.forms_engine.routes import _current_journey, _definition, _may_start, _sign_in_first, _unsent_journey, bp
from app.i18n import current_language
from app.models import PaymentStatus
from app.services import paid_forms, payments
from app.services.errors import ServiceError

log = logging.getLogger(__name__)


def pay(definition: Definition, found, language: str):
    """After the declaration: hold the collection day, if any, and go to the payment page. Staff
    taking a call send the caller a payment link instead; the caller pays, then the case is made."""
    for_caller = found.acting_user_id is not None
    if for_caller and paid_forms.caller_contact(definition, found.answers) is None:
        flash(_("Give the caller's email address or mobile number, so we can send them a link to pay."), "important")
        return redirect(url_for("forms.check_answers", form_id=definition.id))
    if for_caller:
        # The caller opens the link on their own device: back to the public site, not this session.
        done = current_app.config["PUBLIC_BASE_URL"] + url_for("payments.link_return")
        return_url, cancel_url = done, done
    else:
        return_url = url_for("forms.payment_return", form_id=definition.id, _external=True)
        cancel_url = url_for("forms.payment_cancelled", form_id=definition.id, _external=True)
    try:
        if paid_forms.price(definition, found.answers, language, user_id=found.user_id).total_pence == 0:
            paid_forms.send_without_payment(definition, found, language=language)
            return redirect(url_for("forms.confirmation", form_id=definition.id))
        payment = paid_forms.start_payment(
            definition,
            found,
            language=language,
            return_url=return_url,
            cancel_url=cancel_url,
            minutes=current_app.config["PAYMENT_LINK_MINUTES"] if for_caller else None,
        )
    except ServiceError as error:
        db.session.rollback()
        if error.message not in ("day-full", "day-not-bookable"):
            raise
        flash(_("The collection day you chose has just been fully booked. Choose another day."), "important")
        question = paid_forms.collection_question(definition)
        page = next(page for page in definition.pages if question in page.questions)
        return redirect(url_for("forms.question_page", form_id=definition.id, page_id=page.id, change=1))
    except stripe.StripeError:
        db.session.rollback()
        log.exception("could not start a payment for %s", definition.id)
        flash(_("Sorry, we could not open the payment page. Nothing has been taken. Try again."), "important")
        return redirect(url_for("forms.check_answers", form_id=definition.id))
    if for_caller:
        paid_forms.send_payment_link(definition, found, payment, language)
        return redirect(url_for("forms.payment_link_sent", form_id=definition.id))
    return redirect(payment.checkout_url, code=303)


@bp.get("/<form_id>/payment-link-sent")
def payment_link_sent(form_id):
    """For staff who took a call: the caller has been sent a link to pay."""
    definition = _definition(form_id)
    found = _current_journey(definition)
    payment = paid_forms.pending_payment(found) if found is not None and found.acting_user_id else None
    if payment is None:
        return redirect(url_for("pages.service_start", slug=form_id))
    return render_template(
        "forms/payment_link_sent.html",
        definition=definition,
        language=current_language(),
        payment=payment,
        sent_to=paid_forms.caller_contact(definition, found.answers)[1],
        booking=paid_forms.booking_for_journey(found),
    )


def _journey_payment(definition: Definition):
    found = _current_journey(definition)
    payment = payments.for_session(request.args.get("session_id", ""))
    if found is None or payment is None or payment.journey_id != found.id:
        return None
    return payment


@bp.get("/<form_id>/payment-return")
def payment_return(form_id):
    """Back from the payment page. Paid only if Stripe says so: the address alone proves nothing."""
    definition = _definition(form_id)
    if not _may_start(definition):
        return _sign_in_first()
    payment = _journey_payment(definition)
    if payment is None:
        abort(404)
    try:
        payment = payments.refresh(payment)
    except stripe.StripeError:
        log.exception("could not check payment %s with Stripe", payment.id)
    if payment.status == PaymentStatus.PAID:
        return redirect(url_for("forms.confirmation", form_id=form_id))
    if payment.status == PaymentStatus.PENDING:
        return render_template(
            "forms/payment_pending.html", definition=definition, language=current_language(), payment=payment
        )
    flash(_("Your payment was not finished, so nothing has been taken. Check your answers and try again."), "important")
    return redirect(url_for("forms.check_answers", form_id=form_id))


@bp.get("/<form_id>/payment-cancelled")
def payment_cancelled(form_id):
    """The person left the payment page without paying."""
    definition = _definition(form_id)
    found, elsewhere = _unsent_journey(definition)
    if elsewhere is not None:
        return elsewhere
    booking = paid_forms.booking_for_journey(found)
    return render_template(
        "forms/payment_cancelled.html",
        definition=definition,
        language=current_language(),
        booking=booking if booking is not None and booking.status.value == "held" else None,
        form=None,
    )
