"""Changing the vehicle on a resident permit: the holder gives the new registration number, sees the
vehicle the DVLA knows and the price difference for the days left, confirms, and pays it or gets it
back. Works without JavaScript: the confirmation page posts the number back with `confirm`."""

from __future__ import annotations

import logging

import stripe
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.validators import ValidationError

from app.extensions import db
from app.forms_common import BaseForm, text_field
from app.forms_engine.question_types.vehicle import describe
from app.i18n import current_language
from app.models import Channel, PaymentStatus
from app.parking.routes import bp
from app.services import payments, vehicles
from app.services.errors import ServiceError
from app.services.parking import permits, vehicle_changes

log = logging.getLogger(__name__)


class NewVehicleForm(BaseForm):
    vrm = text_field(
        _l("What is the new vehicle's registration number?"),
        required_message=_l("Enter the new vehicle's registration number"),
        max_length=20,
        too_long_message=_l("Registration number must be 20 characters or fewer"),
        hint=_l("It is on the number plate, like AB12 CDE."),
        autocomplete="off",
        spellcheck=False,
    )

    def validate_vrm(self, field):
        try:
            field.data = vehicles.parse_registration(field.data or "", field="vrm").vrm
        except vehicles.InvalidRegistration as error:
            raise ValidationError(error.message) from None


def refusal(code: str, permit=None) -> str:
    if code == "vehicle-has-permit" and permit is not None and permit.permit_type == "business":
        return _("This vehicle already has a business permit. A vehicle can have one business permit at a time")
    return {
        "same-vehicle": _("This is the vehicle the permit is already for"),
        "vehicle-has-permit": _("This vehicle already has a resident permit. A vehicle can have one permit at a time"),
        "vehicle-not-confirmed": _("We could not check this vehicle with the DVLA. Try again later, or call us"),
        "parking-quote": _("We cannot price this vehicle online. Call us to change the vehicle"),
        "not-found": _("The DVLA does not know this registration number. Check it, or call us if the vehicle is new"),
        "unavailable": _("We cannot check vehicles with the DVLA at the moment. Try again in a few minutes"),
    }.get(code, _("Sorry, that did not work. Try again"))


def _own_changeable_permit(reference):
    permit = permits.managed_by(reference, current_user)
    if permit is None:
        abort(404)
    if not vehicle_changes.can_change(permit):
        flash(_("You can change the vehicle only on a permit that is valid now or starts later."), "important")
        return permit, redirect(url_for("parking.permit_page", reference=reference))
    return permit, None


def look_up(form: NewVehicleForm):
    """The vehicle the DVLA knows, or None with the reason next to the box."""
    try:
        return vehicles.VehicleAnswer.from_dvla(vehicles.look_up(form.vrm.data))
    except vehicles.VehicleNotKnown:
        form.vrm.errors = [refusal("not-found")]
    except vehicles.LookupUnavailable:
        form.vrm.errors = [refusal("unavailable")]
    return None


def vehicle_and_change(permit, form: NewVehicleForm):
    """The new vehicle and the price change it makes, once the form is sent and the vehicle is one
    the permit may change to; (None, None) with the reason next to the box otherwise."""
    vehicle = look_up(form) if form.validate_on_submit() else None
    if vehicle is None:
        return None, None
    try:
        vehicle_changes.check_vehicle(permit, vehicle.vrm)
        return vehicle, vehicle_changes.price_change(permit, vehicle)
    except ServiceError as error:
        form.vrm.errors = [refusal(error.message, permit)]
        return None, None


@bp.route("/permits/<reference>/vehicle", methods=["GET", "POST"])
@login_required
def change_vehicle(reference):
    permit, elsewhere = _own_changeable_permit(reference)
    if elsewhere is not None:
        return elsewhere
    form = NewVehicleForm()
    vehicle, change = vehicle_and_change(permit, form)
    if change is not None and request.form.get("confirm") == "yes":
        return _confirmed(permit, vehicle, form)
    return render_template(
        "parking/change_vehicle.html",
        permit=permit,
        form=form,
        vehicle=vehicle,
        described=describe(vehicle) if vehicle is not None else "",
        change=change,
        language=current_language(),
    )


def _confirmed(permit, vehicle, form):
    reference = permit.reference
    try:
        payment = vehicle_changes.change_vehicle(
            permit,
            vehicle,
            actor_id=current_user.id,
            channel=Channel.ONLINE.value,
            language=current_language(),
            return_url=url_for("parking.change_vehicle_paid", reference=reference, _external=True),
            cancel_url=url_for("parking.permit_page", reference=reference, _external=True),
        )
    except ServiceError as error:
        db.session.rollback()
        if error.message == "permit-not-changeable":
            abort(404)
        form.vrm.errors = [refusal(error.message, permit)]
        return render_template(
            "parking/change_vehicle.html",
            permit=permit,
            form=form,
            vehicle=None,
            change=None,
            language=current_language(),
        )
    except stripe.StripeError:
        db.session.rollback()
        log.exception("changing the vehicle on permit %s: Stripe failed", reference)
        flash(_("Sorry, we could not reach the card payment service. Nothing has changed. Try again."), "important")
        return redirect(url_for("parking.permit_page", reference=reference))
    if payment is not None:
        return redirect(payment.checkout_url, code=303)
    flash(_("The permit is now for %(vrm)s, and valid for it straight away.", vrm=vehicle.plate), "success")
    return redirect(url_for("parking.permit_page", reference=reference))


@bp.get("/permits/<reference>/vehicle/paid")
@login_required
def change_vehicle_paid(reference):
    """Back from paying the difference for the new vehicle."""
    permit = permits.managed_by(reference, current_user)
    if permit is None:
        abort(404)
    payment = payments.for_session(request.args.get("session_id", "")[:200])
    if payment is None or payment.details.get("permit_id") != permit.id:
        abort(404)
    payment = payments.refresh(payment)
    if payment.status == PaymentStatus.PAID:
        flash(_("Thank you for paying. The permit is now for the new vehicle."), "success")
    else:
        flash(_("We have not had your payment yet, so the vehicle on the permit has not changed."), "important")
    return redirect(url_for("parking.permit_page", reference=reference))
