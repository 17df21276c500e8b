"""The parking team's queue of permits waiting for checks (a vehicle typed in by hand, a business's
evidence), and the decision on each: approve (the permit becomes valid, and the applicant is told
from when) or refuse with a reason (the permit is cancelled, refunded in full, and the applicant
gets the reason)."""

from __future__ import annotations

import logging

import stripe
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import TextAreaField
from wtforms.validators import Length

from app.extensions import db
from app.forms_common import BaseForm, GovRadioField, NoControlCharacters, Required, strip
from app.models import Organisation, PermitStatus
from app.money import pounds
from app.security import staff_required
from app.services import gazetteer, parking
from app.services.errors import ServiceError
from app.services.parking import checks, permits
from app.services.vehicles import VehicleAnswer
from app.staff.routes import bp

log = logging.getLogger(__name__)


class CheckDecisionForm(BaseForm):
    decision = GovRadioField(
        _l("Can this permit be given?"),
        validators=[Required(message=_l("Select whether the permit can be given"))],
        choices=[("approve", _l("Yes, approve it")), ("refuse", _l("No, refuse it and refund the payment"))],
        choice_message=_l("Select whether the permit can be given"),
    )
    reason = TextAreaField(
        _l("Why not? (we send this to the applicant)"),
        description=_l("For example: the V5C you sent is for a different vehicle."),
        validators=[
            NoControlCharacters(_l("Remove any special characters")),
            Length(max=500, message=_l("Reason must be 500 characters or fewer")),
        ],
        filters=[strip],
        widget=GovTextArea(),
    )


@bp.get("/parking/checks")
@staff_required
def parking_checks():
    today = permits.london_today()
    return render_template(
        "parking/staff_checks.html",
        queue=checks.awaiting(),
        is_overdue=lambda permit: checks.is_overdue(permit, today),
    )


@bp.route("/parking/checks/<reference>", methods=["GET", "POST"])
@staff_required
def parking_check(reference):
    permit = permits.find(reference)
    if permit is None:
        abort(404)
    if permit.status != PermitStatus.AWAITING_CHECKS:
        flash(_("Permit %(reference)s is not waiting for checks.", reference=reference), "important")
        return redirect(url_for("staff.parking_checks"))
    form = CheckDecisionForm()
    if form.validate_on_submit():
        if form.decision.data == "refuse" and not form.reason.data:
            form.reason.errors = [_("Enter why the permit cannot be given")]
        else:
            return _decide(permit, form)
    try:
        vehicle = VehicleAnswer.from_answer(permit.vehicle)
    except ValueError:
        vehicle = None
    return render_template(
        "parking/staff_check.html",
        permit=permit,
        form=form,
        vehicle=vehicle,
        address=gazetteer.get(permit.uprn),
        zone=parking.settings().zone(permit.zone),
        first_day=permits.first_day(permit),
        last_day=permits.last_day(permit),
        evidence=checks.evidence_of(permit),
        organisation=db.session.get(Organisation, permit.organisation_id) if permit.organisation_id else None,
    )


def _decide(permit, form):
    reference = permit.reference
    try:
        if form.decision.data == "approve":
            checks.approve(permit, staff=current_user)
            flash(_("Permit %(reference)s is approved. We have told the applicant.", reference=reference), "success")
        else:
            refunded = checks.refuse(permit, staff=current_user, reason=form.reason.data)
            flash(
                _(
                    "Permit %(reference)s is refused and %(amount)s refunded. We have told the applicant why.",
                    reference=reference,
                    amount=pounds(refunded),
                ),
                "success",
            )
    except ServiceError:
        db.session.rollback()
        flash(_("Permit %(reference)s is not waiting for checks.", reference=reference), "important")
    except stripe.StripeError:
        db.session.rollback()
        log.exception("refusing permit %s: the refund failed at Stripe", reference)
        flash(_("Sorry, we could not reach the card payment service. Nothing has changed. Try again."), "important")
        return redirect(url_for("staff.parking_check", reference=reference))
    return redirect(url_for("staff.parking_checks"))
