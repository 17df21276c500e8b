"""Changing the vehicle on a permit for a caller, by staff on the phone: the same look-up, rules and
price difference as the holder's own page (vehicle_change_routes.py, vehicle_changes.py). A cheaper
or same-priced vehicle changes at once (the difference refunded to the card that paid); a dearer one
changes once the caller has paid the difference through a link we send them. Recorded as the
telephone channel, by the member of staff."""

from __future__ import annotations

import logging

import stripe
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.forms_engine.question_types.vehicle import describe
from app.i18n import current_language
from app.models import Channel
from app.money import pounds
from app.parking.staff_permit_routes import permit_or_404
from app.parking.vehicle_change_routes import NewVehicleForm, refusal, vehicle_and_change
from app.security import staff_required
from app.services.errors import ServiceError
from app.services.parking import renewals, vehicle_changes
from app.staff.routes import bp

log = logging.getLogger(__name__)


@bp.route("/parking/permits/<reference>/vehicle", methods=["GET", "POST"])
@staff_required
def parking_permit_vehicle(reference):
    permit = permit_or_404(reference)
    if not vehicle_changes.can_change(permit):
        flash(_("You can change the vehicle only on a permit that is valid now or starts later."), "important")
        return redirect(url_for("staff.parking_permit", reference=reference))
    form = NewVehicleForm()
    vehicle, change = vehicle_and_change(permit, form)
    contact = renewals.contact_for(permit)
    confirmed = change is not None and request.form.get("confirm") == "yes"
    if confirmed and (change.difference_pence <= 0 or contact is not None):  # a link needs somewhere to go
        return _confirmed(permit, vehicle)
    return render_template(
        "parking/change_vehicle.html",
        permit=permit,
        form=form,
        vehicle=vehicle,
        described=describe(vehicle) if vehicle is not None else "",
        change=change,
        language=current_language(),
        for_caller=True,
        contact=contact,
    )


def _confirmed(permit, vehicle):
    reference = permit.reference
    # A link the caller opens on their own device: back to the public site, not this session.
    done = current_app.config["PUBLIC_BASE_URL"] + url_for("payments.link_return")
    try:
        payment = vehicle_changes.change_vehicle(
            permit,
            vehicle,
            actor_id=current_user.id,
            channel=Channel.TELEPHONE.value,
            language=renewals.contact_for(permit)[2] if renewals.contact_for(permit) else current_language(),
            return_url=done,
            cancel_url=done,
            minutes=current_app.config["PAYMENT_LINK_MINUTES"],
        )
        sent_to = renewals.send_payment_link(permit, payment, for_vehicle_change=True) if payment else None
    except ServiceError as error:
        db.session.rollback()
        flash(refusal(error.message, permit), "important")
        return redirect(url_for("staff.parking_permit_vehicle", reference=reference))
    except stripe.StripeError:
        db.session.rollback()
        log.exception("changing the vehicle on permit %s for a caller: Stripe failed", reference)
        flash(_("Sorry, we could not reach the card payment service. Nothing has changed. Try again."), "important")
        return redirect(url_for("staff.parking_permit", reference=reference))
    if payment is not None:
        flash(
            _(
                "We have sent a link to pay %(amount)s to %(recipient)s. The vehicle changes once the caller pays.",
                amount=pounds(payment.amount_pence),
                recipient=sent_to,
            ),
            "success",
        )
    else:
        flash(_("The permit is now for %(vrm)s, and valid for it straight away.", vrm=vehicle.plate), "success")
    return redirect(url_for("staff.parking_permit", reference=reference))
