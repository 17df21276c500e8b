"""The payment step of the form engine, and collection days booked through a form.

After the declaration, a paid form holds any collection day chosen, starts a payment and sends the
person to the payment page. The case is made only once the payment is confirmed (see payments.py),
whichever of the webhook, the person's return or reconciliation confirms it first.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app import form_model
from app.extensions import db
from app.form_model.schema import Definition, Question, QuestionType
from app.models import (
    Booking,
    BookingStatus,
    Case,
    CaseEvent,
    CaseStatus,
    FormJourney,
    MessageChannel,
    Payment,
    PaymentStatus,
    User,
    utcnow,
)
from app.money import pounds
from app.services import case_work, cases, collection_rounds, messages, payments, pricing
from app.services.errors import ServiceError

log = logging.getLogger(__name__)
PURPOSE = "form"


def price(definition: Definition, answers: dict, language: str, *, user_id: int | None = None) -> pricing.Price | None:
    if definition.payment is None:
        return None
    with force_locale(language):
        return pricing.price_for(definition, form_model.settings_for(definition.id), answers, language, user_id=user_id)


def price_has_changed(definition: Definition, found: FormJourney, quoted_pence: str, language: str) -> bool:
    """Whether the total the person saw on check your answers (sent back with their confirmation)
    is not what these answers cost now."""
    now = price(definition, found.answers, language, user_id=found.user_id)
    if now is None or not (quoted_pence.isascii() and quoted_pence.isdigit() and len(quoted_pence) < 12):
        return True
    return int(quoted_pence) != now.total_pence


def collection_question(definition: Definition) -> Question | None:
    return next((q for q in definition.questions() if q.type == QuestionType.COLLECTION_DATE), None)


def booking_for_journey(found: FormJourney) -> Booking | None:
    return db.session.scalar(
        sa.select(Booking).where(Booking.journey_id == found.id).order_by(Booking.id.desc()).limit(1)
    )


def hold_day(definition: Definition, found: FormJourney, until) -> Booking | None:
    """Hold the collection day chosen, if the form has one. ServiceError("day-full") when it went."""
    question = collection_question(definition)
    if question is None:
        return None
    settings = form_model.settings_for(definition.id)
    address = found.answers.get(question.address_question) or {}
    round_ = settings.round_for_ward(address.get("ward"))
    if round_ is None:
        raise ServiceError("day-not-bookable")
    existing = booking_for_journey(found)
    if existing is not None and existing.status != BookingStatus.HELD:
        existing = None
    booking = collection_rounds.hold(
        form_model.settings_id(definition.id),
        settings,
        round_,
        date.fromisoformat(found.answers[question.id]),
        until=until,
        today=cases.london_today(),
        booking=existing,
    )
    booking.journey_id = found.id
    booking.user_id = found.user_id
    if settings.prices is not None:
        booking.items = found.answers.get(settings.prices.items_question) or {}
    return booking


def start_payment(
    definition: Definition,
    found: FormJourney,
    *,
    language: str,
    return_url: str,
    cancel_url: str,
    minutes: int | None = None,
):
    """Hold the day and open a payment page for the journey. Any earlier payment page of this
    journey is closed first, so two tabs can never both take a payment."""
    _close_earlier_payments(found)
    to_pay = price(definition, found.answers, language, user_id=found.user_id)
    now = utcnow()
    booking = hold_day(definition, found, until=now)  # the hold's end is set from the payment below
    payment = payments.start(
        purpose=PURPOSE,
        description=definition.payment.description.get(language),
        items=to_pay.lines,
        success_url=return_url,
        cancel_url=cancel_url,
        language=language,
        user_id=found.user_id,
        journey_id=found.id,
        email=_email_answer(definition, found.answers),
        details={
            "form_id": definition.id,
            "booking_id": booking.id if booking else None,
            "lines": [[line.name, line.unit_pence, line.quantity] for line in to_pay.lines],
            "concession": to_pay.concession,
        },
        minutes=minutes,
    )
    if booking is not None:
        booking.hold_expires_at = payment.expires_at
        booking.price_pence = to_pay.total_pence
        booking.concession = to_pay.concession
    return payment


def send_without_payment(definition: Definition, found: FormJourney, *, language: str) -> Case:
    """A paid form whose price for these answers is nothing (a free concession, say): hold and
    confirm the day, if any, and send it straight away."""
    booking = hold_day(definition, found, until=utcnow() + timedelta(minutes=5))
    case = cases.submit(definition, found, language=language)
    if booking is not None:
        booking.case_id = case.id
        collection_rounds.confirm(booking, form_model.settings_for(definition.id))
    return case


def _email_answer(definition: Definition, answers: dict) -> str | None:
    return cases.contact_answer(definition, answers, "email")


def _close_earlier_payments(found: FormJourney) -> None:
    earlier = db.session.scalars(
        sa.select(Payment).where(Payment.journey_id == found.id, Payment.status == PaymentStatus.PENDING)
    ).all()
    for payment in earlier:
        session = payments.stripe_client().v1.checkout.sessions.retrieve(payment.stripe_session_id)
        if session.status == "open":
            payments.stripe_client().v1.checkout.sessions.expire(payment.stripe_session_id)
            payment.status = PaymentStatus.CANCELLED
        else:
            payments.refresh(payment)


def pending_payment(found: FormJourney) -> Payment | None:
    return db.session.scalar(
        sa.select(Payment)
        .where(Payment.journey_id == found.id, Payment.status == PaymentStatus.PENDING)
        .order_by(Payment.id.desc())
        .limit(1)
    )


@payments.when_paid(PURPOSE)
def _on_paid(payment: Payment) -> None:
    found = db.session.scalar(sa.select(FormJourney).where(FormJourney.id == payment.journey_id).with_for_update())
    definition = form_model.get(payment.details["form_id"])
    if found is None or definition is None:
        log.error("payment %s paid for a form journey that no longer exists: refunding", payment.id)
        payments.refund(payment, payment.amount_pence, reason="form no longer available")
        return
    if found.case_id is not None:
        # Paid twice (two tabs, both paid before either was closed): keep one payment, return the other.
        log.warning("payment %s: journey %s already paid and sent; refunding", payment.id, found.id)
        payments.refund(payment, payment.amount_pence, reason="duplicate payment", case_id=found.case_id)
        return
    try:
        case = cases.submit(definition, found, language=payment.language, receipt=receipt(payment))
    except ServiceError:
        log.exception("payment %s: the form could not be sent; refunding", payment.id)
        payments.refund(payment, payment.amount_pence, reason="form could not be sent")
        return
    payment.case_id = case.id
    _receipt_in_their_format(case)
    booking = db.session.get(Booking, payment.details.get("booking_id")) if payment.details.get("booking_id") else None
    if booking is not None:
        booking.case_id = case.id
        if not collection_rounds.confirm(booking, form_model.settings_for(definition.id)):
            _day_lost(case, booking, payment)


def _receipt_in_their_format(case: Case) -> None:
    """Someone who gets everything in another format (large print, braille...) gets their receipt in
    it too: the team sending it sees a note on the case, as with every other letter to them."""
    from app.models import AlternativeFormat, CaseEventKind, User
    from app.services.accounts import FORMAT_CHOICES

    person = db.session.get(User, case.user_id) if case.user_id else None
    if person is None or person.alternative_format == AlternativeFormat.NONE:
        return
    # A note is kept as written, in the council's working language, like notes staff type.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        shown = str(dict(FORMAT_CHOICES)[person.alternative_format.value])
        if person.large_print_point_size:
            shown += f" ({person.large_print_point_size})"
        if person.format_language:
            shown += f" ({person.format_language})"
        note = _("Send the receipt in %(format)s too: the person asks for everything in this format.", format=shown)
    case.events.append(CaseEvent(kind=CaseEventKind.NOTE, text=note))


def _day_lost(case: Case, booking: Booking, payment: Payment) -> None:
    """Paid after the hold ended and the day filled meanwhile: refund in full and tell the person."""
    booking.status = BookingStatus.CANCELLED
    payments.refund(payment, payment.amount_pence, reason="collection day fully booked before payment arrived")
    with force_locale(case.language):
        message = _(
            "Your payment arrived after the time we could keep your collection day for, and the day is now "
            "fully booked. We have refunded your payment in full. Please book again and choose another day."
        )
    case_work.change_status(case, None, CaseStatus.CLOSED, message)


@payments.when_ended_unpaid(PURPOSE)
def _on_ended(payment: Payment) -> None:
    booking_id = payment.details.get("booking_id")
    booking = db.session.get(Booking, booking_id) if booking_id else None
    if booking is not None and booking.status == BookingStatus.HELD:
        collection_rounds.release(booking)


def receipt(payment: Payment) -> dict:
    return {
        "description": payment.description,
        "lines": payment.details.get("lines", []),
        "total_pence": payment.amount_pence,
        "paid_at": payment.paid_at,
        "payment_reference": payment.stripe_payment_intent_id,
    }


def receipts_for(case: Case) -> list[Payment]:
    return list(
        db.session.scalars(
            sa.select(Payment)
            .where(Payment.case_id == case.id, Payment.status == PaymentStatus.PAID)
            .order_by(Payment.id)
        )
    )


def refundable_pence(case: Case) -> int:
    return sum(payment.refundable_pence for payment in receipts_for(case))


def refund_case(case: Case, pence: int, *, reason: str, actor_id: int | None) -> None:
    """Refund this much of what was paid for the case, from the newest payment back, or nothing
    at all if it is more than is left to refund."""
    paid = [payment for payment in reversed(receipts_for(case)) if payment.refundable_pence]
    if pence <= 0 or pence > sum(payment.refundable_pence for payment in paid):
        raise ServiceError("refund-too-large")
    for payment in paid:
        part = min(pence, payment.refundable_pence)
        payments.refund(payment, part, reason=reason, actor_id=actor_id, case_id=case.id)
        pence -= part
        if not pence:
            return


def staff_refund(case: Case, pence: int, *, reason: str, staff: User) -> None:
    """A refund staff give from the case page; the person is told why."""
    refund_case(case, pence, reason=reason, actor_id=staff.id)
    with force_locale(case.language):
        message = _("We have refunded %(amount)s: %(reason)s", amount=pounds(pence), reason=reason)
    case_work.change_status(case, staff, case.status, message)


def caller_contact(definition: Definition, answers: dict) -> tuple[MessageChannel, str] | None:
    """Where to send a payment link: the caller's email address, or else their mobile number."""
    for contact, channel in (("email", MessageChannel.EMAIL), ("phone", MessageChannel.SMS)):
        value = cases.contact_answer(definition, answers, contact)
        if value:
            return channel, value
    return None


def send_payment_link(definition: Definition, found: FormJourney, payment: Payment, language: str) -> str:
    """Staff booking for a caller: the caller pays through a link we send them. Where it went."""
    channel, recipient = caller_contact(definition, found.answers)
    messages.queue(
        channel=channel,
        recipient=recipient,
        template="payment_link",
        language=language,
        context={
            "service_title": definition.title.get(language),
            "amount_pence": payment.amount_pence,
            "link": payment.checkout_url,
            "expires_at": payment.expires_at,
        },
    )
    return recipient
