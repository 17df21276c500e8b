"""Parking permits for staff taking a call: find a permit by registration number or reference, see
it and its history, and cancel or renew it for the caller. The same rules as the holder's own pages
(cancellations.py, renewals.py); what staff do is recorded as the telephone channel, by them, and a
renewal is paid by the caller through a link we send them."""

from __future__ import annotations

import logging

import stripe
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.extensions import db
from app.forms_common import BaseForm
from app.i18n import current_language
from app.models import Case, Channel, Organisation, PermitStatus, User
from app.money import pounds
from app.parking.renew_routes import RenewForm, refusal_text
from app.security import staff_required
from app.services import gazetteer, parking
from app.services.errors import ServiceError
from app.services.parking import cancellations, permits, renewals, vehicle_changes
from app.services.vehicles import VehicleAnswer
from app.staff.routes import bp

log = logging.getLogger(__name__)


def permit_or_404(reference):
    permit = permits.find(reference)
    if permit is None:
        abort(404)
    return permit


def _plate(permit) -> str:
    try:
        return VehicleAnswer.from_answer(permit.vehicle).plate
    except ValueError:
        return permit.vrm


@bp.get("/parking/permits")
@staff_required
def parking_permits():
    """Find a permit by the caller's registration number or the permit's reference."""
    query = request.args.get("q", "").strip()[:40]
    errors, found = [], []
    if "q" in request.args:
        if not query:
            errors.append({"text": _("Enter a registration number or a permit reference"), "href": "#q"})
        else:
            found = permits.search(query)
            if not found:
                errors.append({"text": _("No permit has that registration number or reference"), "href": "#q"})
    return render_template(
        "parking/staff_permits.html", query=query, errors=errors, found=found, state_of=permits.state
    )


@bp.get("/parking/permits/<reference>")
@staff_required
def parking_permit(reference):
    permit = permit_or_404(reference)
    renewal = renewals.renewed_by(permit) if permit.status == PermitStatus.ACTIVE else None
    return render_template(
        "parking/staff_permit.html",
        permit=permit,
        plate=_plate(permit),
        state=permits.state(permit),
        first_day=permits.first_day(permit),
        last_day=permits.last_day(permit),
        zone=parking.settings().zone(permit.zone),
        address=gazetteer.get(permit.uprn),
        holder=db.session.get(User, permit.user_id) if permit.user_id else None,
        case=db.session.get(Case, permit.case_id) if permit.case_id else None,
        organisation=db.session.get(Organisation, permit.organisation_id) if permit.organisation_id else None,
        language=current_language(),
        can_cancel=cancellations.can_cancel(permit),
        can_change_vehicle=vehicle_changes.can_change(permit),
        renewal=renewal,
        renew_refusal=renewals.refusal(permit),
        renew_opens=renewals.opens_on(permit),
        changes=vehicle_changes.history(permit),
    )


def _not_cancellable(reference):
    flash(_("This permit is already cancelled or has ended, so there is nothing to cancel."), "important")
    return redirect(url_for("staff.parking_permit", reference=reference))


@bp.route("/parking/permits/<reference>/cancel", methods=["GET", "POST"])
@staff_required
def parking_permit_cancel(reference):
    permit = permit_or_404(reference)
    if not cancellations.can_cancel(permit):
        return _not_cancellable(reference)
    form = BaseForm()
    if form.validate_on_submit():
        try:
            change = cancellations.cancel(
                permit, actor=current_user, staff=current_user, channel=Channel.TELEPHONE.value
            )
        except ServiceError:
            db.session.rollback()
            return _not_cancellable(reference)
        except stripe.StripeError:
            db.session.rollback()
            log.exception("cancelling permit %s for a caller: the refund failed at Stripe", reference)
            flash(_("Sorry, we could not reach the card payment service. Nothing has changed. Try again."), "important")
            return redirect(url_for("staff.parking_permit_cancel", reference=reference))
        refunded = -change.difference_pence
        if refunded > 0:
            flash(
                _(
                    "Permit %(reference)s is cancelled and %(amount)s refunded to the card. We have told the holder.",
                    reference=reference,
                    amount=pounds(refunded),
                ),
                "success",
            )
        else:
            flash(_("Permit %(reference)s is cancelled. We have told the holder.", reference=reference), "success")
        return redirect(url_for("staff.parking_permit", reference=reference))
    return render_template(
        "parking/staff_permit_cancel.html",
        permit=permit,
        form=form,
        plate=_plate(permit),
        offer=cancellations.offer_for(permit),
        rules=parking.settings().cancellation,
        last_day=permits.last_day(permit),
    )


@bp.route("/parking/permits/<reference>/renew", methods=["GET", "POST"])
@staff_required
def parking_permit_renew(reference):
    permit = permit_or_404(reference)
    why = renewals.refusal(permit)
    if why is not None:
        flash(refusal_text(why, permit), "important")
        return redirect(url_for("staff.parking_permit", reference=reference))
    contact = renewals.contact_for(permit)
    form = RenewForm()
    form.months.choices = [
        (str(months), ngettext("%(num)s month", "%(num)s months", months)) for months in renewals.durations(permit)
    ]
    offer = None
    if form.validate_on_submit():
        try:
            offer = renewals.offer(permit, int(form.months.data))
        except ServiceError as error:
            flash(refusal_text(error.message, permit), "important")
            return redirect(url_for("staff.parking_permit", reference=reference))
        if request.form.get("confirm") == "yes" and contact is not None:
            return _send_renewal_link(permit, int(form.months.data))
    return render_template(
        "parking/staff_permit_renew.html",
        permit=permit,
        form=form,
        offer=offer,
        contact=contact,
        plate=_plate(permit),
        address=gazetteer.get(permit.uprn),
        zone=parking.settings().zone(offer.zone if offer else permit.zone),
        first_day=renewals.first_day(permit),
        last_day=permits.last_day(permit),
        language=current_language(),
    )


def _send_renewal_link(permit, months):
    reference = permit.reference
    # The caller opens the link on their own device: back to the public site, not this session.
    done = current_app.config["PUBLIC_BASE_URL"] + url_for("payments.link_return")
    try:
        payment = renewals.start_renewal(
            permit,
            months,
            actor_id=current_user.id,
            language=renewals.contact_for(permit)[2],
            return_url=done,
            cancel_url=done,
            channel=Channel.TELEPHONE.value,
            minutes=current_app.config["PAYMENT_LINK_MINUTES"],
        )
        sent_to = renewals.send_payment_link(permit, payment)
    except ServiceError as error:
        db.session.rollback()
        flash(refusal_text(error.message, permit), "important")
        return redirect(url_for("staff.parking_permit", reference=reference))
    except stripe.StripeError:
        db.session.rollback()
        log.exception("renewing permit %s for a caller: Stripe failed", reference)
        flash(_("Sorry, we could not reach the card payment service. Nothing has changed. Try again."), "important")
        return redirect(url_for("staff.parking_permit", reference=reference))
    flash(
        _(
            "We have sent a link to pay %(amount)s to %(recipient)s. The permit is renewed once the caller pays.",
            amount=pounds(payment.amount_pence),
            recipient=sent_to,
        ),
        "success",
    )
    return redirect(url_for("staff.parking_permit", reference=reference))
