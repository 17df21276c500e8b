"""A resident's booked collection: see it, change the day or the items, or cancel, before the cut-off."""

from __future__ import annotations

import logging
from datetime import date

import stripe
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.form_model import question_types
from app.forms_common import BaseForm, GovRadioField, Required
from app.forms_engine import questions
from app.forms_engine.question_types.collection_date import day_label
from app.i18n import current_language
from app.models import PaymentStatus
from app.money import pounds
from app.services import bookings, cases, paid_forms, payments
from app.services.errors import ServiceError

log = logging.getLogger(__name__)
bp = Blueprint("bookings", __name__, url_prefix="/bookings", template_folder="templates")


def _own_booking(reference: str):
    """A booking the signed-in person may manage (their own, or their organisation's); anyone
    else's is "not found", never "forbidden"."""
    found = bookings.managed_by(reference, current_user)
    if found is None:
        abort(404)
    return found


def _too_late(reference: str):
    flash(_("You can no longer change or cancel this booking online."), "important")
    return redirect(url_for("bookings.booking_page", reference=reference))


@bp.get("/<reference>")
@login_required
def booking_page(reference):
    case, booking = _own_booking(reference)
    definition = cases.definition_for(case)
    items_question = definition.question(bookings.settings_of(booking).prices.items_question)
    return render_template(
        "bookings/booking.html",
        case=case,
        booking=booking,
        items=question_types.display(items_question, booking.items, current_language()),
        address=bookings.address_of(case),
        can_change=bookings.can_change(booking),
        deadline=bookings.deadline(booking),
        cutoff_days=bookings.settings_of(booking).booking.change_cutoff_working_days,
        receipts=paid_forms.receipts_for(case),
        definition=definition,
        language=current_language(),
    )


class DayForm(BaseForm):
    # Label and messages are set per request, in the person's language.
    day = GovRadioField("", validators=[Required(message="")], choices=[], choice_message="")


@bp.route("/<reference>/day", methods=["GET", "POST"])
@login_required
def change_day(reference):
    case, booking = _own_booking(reference)
    if not bookings.can_change(booking):
        return _too_late(reference)
    form = DayForm()
    form.day.label.text = _("Choose a new collection day")
    form.day.choices = [(day.isoformat(), day_label(day)) for day in bookings.other_days(booking)]
    form.day.validators[0].message = _("Select a new collection day")
    form.day.choice_message = _("That day is now fully booked. Choose another day")
    if form.validate_on_submit():
        try:
            bookings.change_day(case, booking, date.fromisoformat(form.day.data), actor=current_user)
        except ServiceError as error:
            if error.message == "too-late":
                return _too_late(reference)
            if error.message not in ("day-full", "day-not-bookable"):
                raise
            form.day.errors = [_("That day is now fully booked. Choose another day")]
        else:
            flash(_("Your collection day has changed"), "success")
            return redirect(url_for("bookings.booking_page", reference=reference))
    return render_template("bookings/day.html", case=case, booking=booking, form=form)


@bp.route("/<reference>/items", methods=["GET", "POST"])
@login_required
def change_items(reference):
    case, booking = _own_booking(reference)
    if not bookings.can_change(booking):
        return _too_late(reference)
    definition = cases.definition_for(case)
    question = definition.question(bookings.settings_of(booking).prices.items_question)
    form = questions.page_form(
        [question],
        current_language(),
        formdata=request.form if request.method == "POST" else None,
        stored={question.id: booking.items},
    )
    if request.method == "POST" and form.validate():
        items = form[question.id].data
        try:
            payment = bookings.change_items(
                case,
                booking,
                items,
                actor=current_user,
                return_url=url_for("bookings.change_paid", reference=reference, _external=True),
                cancel_url=url_for("bookings.booking_page", reference=reference, _external=True),
            )
        except stripe.StripeError:
            flash(_("Sorry, we could not open the payment page. Nothing has been taken. Try again."), "important")
            return redirect(url_for("bookings.change_items", reference=reference))
        if payment is not None:
            return redirect(payment.checkout_url, code=303)
        flash(_("Your items have changed"), "success")
        return redirect(url_for("bookings.booking_page", reference=reference))
    return render_template("bookings/items.html", case=case, booking=booking, form=form, question=question)


@bp.get("/<reference>/change-paid")
@login_required
def change_paid(reference):
    """Back from paying the difference for more items."""
    case, booking = _own_booking(reference)
    payment = payments.for_session(request.args.get("session_id", ""))
    if payment is None or payment.case_id != case.id:
        abort(404)
    payment = payments.refresh(payment)
    if payment.status == PaymentStatus.PAID:
        flash(_("Thank you for paying. Your items have changed."), "success")
    else:
        flash(_("We have not had your payment yet, so your items have not changed."), "important")
    return redirect(url_for("bookings.booking_page", reference=reference))


@bp.route("/<reference>/cancel", methods=["GET", "POST"])
@login_required
def cancel(reference):
    case, booking = _own_booking(reference)
    if not bookings.can_change(booking):
        return _too_late(reference)
    form = BaseForm()
    if form.validate_on_submit():
        try:
            refunded = bookings.cancel(case, booking, actor=current_user)
        except stripe.StripeError:
            db.session.rollback()
            log.exception("cancelling booking %s: the refund failed at Stripe", reference)
            flash(_("Sorry, we could not cancel your booking just now. Nothing has changed. Try again."), "important")
            return redirect(url_for("bookings.cancel", reference=reference))
        flash(
            _("Your booking is cancelled. We have refunded %(amount)s to your card.", amount=pounds(refunded)),
            "success",
        )
        return redirect(url_for("bookings.booking_page", reference=reference))
    refundable = paid_forms.refundable_pence(case)
    return render_template("bookings/cancel.html", case=case, booking=booking, form=form, refundable=refundable)
