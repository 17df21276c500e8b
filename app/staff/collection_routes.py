"""Staff pages for booked collections: each round's schedule for a day (on screen, printable and as
CSV), the outcome on the day, and refunds on any paid case."""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta

import stripe
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import forms_engine
from app.extensions import db
from app.i18n import current_language
from app.models import BookingStatus
from app.money import pounds
from app.security import staff_required
from app.services import bookings, case_work, cases, paid_forms
from app.services.errors import ServiceError
from app.staff.case_forms import OutcomeForm, RefundForm
from app.staff.routes import bp

log = logging.getLogger(__name__)
MONEY = re.compile(r"^£?\s*(\d{1,7})(?:\.(\d{2}))?$")


def _booking_services():
    return {
        form_id: settings
        for form_id, settings in forms_engine.all_service_settings().items()
        if settings.rounds and forms_engine.get(form_id) is not None
    }


def _chosen_schedule():
    services = _booking_services()
    if not services:
        abort(404)
    service_id = request.args.get("service") if request.args.get("service") in services else next(iter(services))
    settings = services[service_id]
    round_ = settings.round(request.args.get("round", "")) or settings.rounds[0]
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        day = cases.london_today()
    return service_id, settings, round_, day


@bp.get("/collections")
@staff_required
def collections():
    service_id, settings, round_, day = _chosen_schedule()
    rows = bookings.schedule(service_id, round_.id, day)
    language = current_language()
    definition = forms_engine.get(service_id)
    items_question = definition.question(settings.prices.items_question) if settings.prices else None
    labels = {option.value: option.label.get(language) for option in items_question.options} if items_question else {}
    return render_template(
        "staff/collections.html",
        service_id=service_id,
        definition=definition,
        settings=settings,
        round_=round_,
        day=day,
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        rows=[(booking, case, bookings.address_of(case)) for booking, case in rows],
        labels=labels,
        language=language,
        errors=[{"text": _("Enter a real date, like 2026-11-30"), "href": "#date"}]
        if request.args.get("date") and request.args.get("date") != day.isoformat()
        else None,
    )


@bp.get("/collections.csv")
@staff_required
def collections_csv():
    service_id, settings, round_, day = _chosen_schedule()
    definition = forms_engine.get(service_id)
    items_question = definition.question(settings.prices.items_question) if settings.prices else None
    labels = {option.value: option.label.en for option in items_question.options} if items_question else {}
    body = bookings.schedule_csv(bookings.schedule(service_id, round_.id, day), labels)
    filename = f"{service_id}-{round_.id}-{day.isoformat()}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _booking_or_404(reference: str):
    found = bookings.for_reference(reference)
    if found is None:
        abort(404)
    return found


@bp.route("/collections/<reference>/outcome", methods=["GET", "POST"])
@staff_required
def collection_outcome(reference):
    case, booking = _booking_or_404(reference)
    form = OutcomeForm()
    if form.validate_on_submit():
        collected = form.outcome.data == "collected"
        if not collected and not form.reason.data:
            form.reason.errors = [_("Enter why the crew could not collect the items")]
        else:
            try:
                bookings.record_outcome(case, booking, collected=collected, reason=form.reason.data, staff=current_user)
            except ServiceError:
                flash(_("This booking was cancelled, so there is nothing to record."), "important")
            else:
                flash(_("Outcome recorded and the person told"), "success")
            slot = booking.slot
            return redirect(
                url_for(
                    "staff.collections",
                    service=slot.service_id,
                    round=slot.round_id,
                    date=slot.collection_date.isoformat(),
                )
            )
    return render_template(
        "staff/collection_outcome.html",
        case=case,
        booking=booking,
        address=bookings.address_of(case),
        form=form if form.errors else None,
        outcome_form=form,
        active=booking.status != BookingStatus.CANCELLED,
    )


def _pence(text: str) -> int | None:
    match = MONEY.match((text or "").replace(",", "").strip())
    return int(match.group(1)) * 100 + int(match.group(2) or 0) if match else None


@bp.route("/cases/<reference>/refund", methods=["GET", "POST"])
@staff_required
def case_refund(reference):
    case = case_work.find(reference)
    if case is None:
        abort(404)
    refundable = paid_forms.refundable_pence(case)
    form = RefundForm()
    if form.validate_on_submit():
        pence = _pence(form.amount.data)
        if pence is None or pence <= 0:
            form.amount.errors = [_("Enter an amount of money, like 12.50")]
        elif pence > refundable:
            form.amount.errors = [_("The most you can refund is %(amount)s", amount=pounds(refundable))]
        else:
            try:
                paid_forms.staff_refund(case, pence, reason=form.reason.data, staff=current_user)
            except stripe.StripeError:
                db.session.rollback()
                log.exception("refund for case %s failed at Stripe", case.reference)
                flash(_("Stripe could not make the refund, so nothing was refunded. Try again later."), "important")
            else:
                flash(_("%(amount)s refunded", amount=pounds(pence)), "success")
            return redirect(url_for("staff.case_page", reference=reference))
    return render_template(
        "staff/refund.html", case=case, refundable=refundable, form=form if form.errors else None, refund_form=form
    )
