"""Renewing a resident permit: the holder picks a length, sees the new permit's dates (from the day
after the old one ends: no gap) and its price line by line, and pays by card; the new permit is
made once the payment is confirmed. Works without JavaScript: the check page posts the length back
with `confirm`."""

from __future__ import annotations

import logging

import stripe
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.extensions import db
from app.forms_common import BaseForm, GovRadioField, Required
from app.i18n import current_language
from app.models import PaymentStatus
from app.parking.routes import bp
from app.services import gazetteer, parking, payments
from app.services.errors import ServiceError
from app.services.parking import permits, renewals
from app.services.vehicles import VehicleAnswer

log = logging.getLogger(__name__)


class RenewForm(BaseForm):
    months = GovRadioField(
        _l("How long do you want the new permit for?"),
        choices=[],
        choice_message=_l("Select how long you want the new permit for"),
        validators=[Required(message=_l("Select how long you want the new permit for"))],
    )


def refusal_text(code: str, permit) -> str:
    if code == renewals.TOO_EARLY:
        return _("You can renew this permit from %(day)s.", day=format_date(renewals.opens_on(permit), "d MMMM yyyy"))
    return {
        renewals.ALREADY_RENEWED: _("This permit is already renewed."),
        renewals.VEHICLE_HAS_PERMIT: _("This vehicle already has another permit from when this one ends."),
        renewals.ADDRESS_NOT_ELIGIBLE: _(
            "Your address can no longer have resident permits, so this permit cannot be renewed. "
            "Call us if you think this is wrong."
        ),
        renewals.HOUSEHOLD_FULL: _(
            "Your address already has the most resident permits it can have from when this one ends."
        ),
        renewals.PREMISES_NOT_ELIGIBLE: _(
            "These premises can no longer have business permits, so this permit cannot be renewed. "
            "Call us if you think this is wrong."
        ),
        renewals.PREMISES_FULL: _(
            "These premises already have the most business permits they can have from when this one ends."
        ),
        "parking-quote": _("We cannot price the renewal online. Call us to renew the permit."),
    }.get(code, _("Only a permit that is valid now or starts later can be renewed."))


def _own_permit(reference):
    """The permit, if the person may renew or cancel it (its holder; a business permit's admins)."""
    permit = permits.find(reference)
    if not permits.may_renew_or_cancel(permit, current_user):
        abort(404)
    return permit


@bp.route("/permits/<reference>/renew", methods=["GET", "POST"])
@login_required
def renew_permit(reference):
    permit = _own_permit(reference)
    why = renewals.refusal(permit)
    if why is not None:
        flash(refusal_text(why, permit), "important")
        return redirect(url_for("parking.permit_page", reference=reference))
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
            return redirect(url_for("parking.permit_page", reference=reference))
        if request.form.get("confirm") == "yes":
            return _confirmed(permit, int(form.months.data))
    return render_template(
        "parking/renew_permit.html",
        permit=permit,
        form=form,
        offer=offer,
        plate=VehicleAnswer.from_answer(permit.vehicle).plate,
        address=gazetteer.get(permit.uprn),
        zone=parking.settings().zone(offer.zone if offer else permit.zone),
        first_day=renewals.first_day(permit),
        last_day=permits.last_day(permit),
        language=current_language(),
    )


def _confirmed(permit, months):
    reference = permit.reference
    try:
        payment = renewals.start_renewal(
            permit,
            months,
            actor_id=current_user.id,
            language=current_language(),
            return_url=url_for("parking.renew_permit_paid", reference=reference, _external=True),
            cancel_url=url_for("parking.permit_page", reference=reference, _external=True),
        )
    except ServiceError as error:
        db.session.rollback()
        flash(refusal_text(error.message, permit), "important")
        return redirect(url_for("parking.permit_page", reference=reference))
    except stripe.StripeError:
        db.session.rollback()
        log.exception("renewing permit %s: Stripe failed", reference)
        flash(_("Sorry, we could not reach the card payment service. Nothing has changed. Try again."), "important")
        return redirect(url_for("parking.permit_page", reference=reference))
    return redirect(payment.checkout_url, code=303)


@bp.get("/permits/<reference>/renew/paid")
@login_required
def renew_permit_paid(reference):
    """Back from paying for the renewal: the new permit's page once the payment is confirmed."""
    permit = _own_permit(reference)
    payment = payments.for_session(request.args.get("session_id", "")[:200])
    if payment is None or payment.purpose != renewals.PURPOSE or payment.details.get("permit_id") != permit.id:
        abort(404)
    payment = payments.refresh(payment)
    renewal = renewals.renewed_by(permit) if payment.status == PaymentStatus.PAID else None
    if renewal is not None:
        flash(_("Thank you for paying. Your permit is renewed, with no gap."), "success")
        return redirect(url_for("parking.permit_page", reference=renewal.reference))
    flash(_("We have not had your payment yet, so the permit is not renewed yet."), "important")
    return redirect(url_for("parking.permit_page", reference=reference))
