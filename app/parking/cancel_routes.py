"""Cancelling a resident permit (or a business permit, by its organisation's admins): a page that
shows the refund, worked out, before the holder confirms; the permit stops at once and the refund
goes to the card that paid. A second confirm (a double click, an old tab) finds the permit cancelled
and changes nothing."""

from __future__ import annotations

import logging

import stripe
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.forms_common import BaseForm
from app.models import Channel
from app.money import pounds
from app.parking.routes import bp
from app.services import parking
from app.services.errors import ServiceError
from app.services.parking import cancellations, permits
from app.services.vehicles import VehicleAnswer

log = logging.getLogger(__name__)


def _own_permit(reference):
    """The permit, if the person may renew or cancel it (its holder; a business permit's admins)."""
    permit = permits.find(reference)
    if not permits.may_renew_or_cancel(permit, current_user):
        abort(404)
    return permit


def _not_cancellable(reference):
    flash(_("This permit is already cancelled or has ended, so there is nothing to cancel."), "important")
    return redirect(url_for("parking.permit_page", reference=reference))


@bp.route("/permits/<reference>/cancel", methods=["GET", "POST"])
@login_required
def cancel_permit(reference):
    permit = _own_permit(reference)
    if not cancellations.can_cancel(permit):
        return _not_cancellable(reference)
    form = BaseForm()
    if form.validate_on_submit():
        try:
            change = cancellations.cancel(permit, actor=current_user, staff=None, channel=Channel.ONLINE.value)
        except ServiceError:
            db.session.rollback()
            return _not_cancellable(reference)
        except stripe.StripeError:
            db.session.rollback()
            log.exception("cancelling permit %s: the refund failed at Stripe", reference)
            flash(_("Sorry, we could not cancel your permit just now. Nothing has changed. Try again."), "important")
            return redirect(url_for("parking.cancel_permit", reference=reference))
        if change.difference_pence < 0:
            flash(
                _(
                    "Your permit is cancelled. We have refunded %(amount)s to your card.",
                    amount=pounds(-change.difference_pence),
                ),
                "success",
            )
        else:
            flash(_("Your permit is cancelled."), "success")
        return redirect(url_for("parking.permit_page", reference=reference))
    return render_template(
        "parking/cancel_permit.html",
        permit=permit,
        form=form,
        plate=VehicleAnswer.from_answer(permit.vehicle).plate,
        offer=cancellations.offer_for(permit),
        rules=parking.settings().cancellation,
        first_day=permits.first_day(permit),
        last_day=permits.last_day(permit),
    )
