"""Moving home with a resident permit: the holder finds their new address by postcode, gives the day
they move, sees what happens to the permit (worked out: kept, priced again, or ended with the refund)
and confirms. Works without JavaScript: the postcode is looked up by a GET form, and the check page
posts the answers back with `confirm`."""

from __future__ import annotations

import logging

import stripe
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.extensions import db
from app.forms_common import BaseForm, GovSelectField, text_field
from app.forms_engine.question_types.base import Names
from app.forms_engine.question_types.dates import PartsDateField
from app.i18n import current_language, date_filter
from app.models import Channel, PaymentStatus
from app.parking.routes import bp
from app.services import gazetteer, parking, payments
from app.services.errors import ServiceError
from app.services.parking import moving, permits

log = logging.getLogger(__name__)


class MoveForm(BaseForm):
    postcode = text_field(
        _l("Postcode of your new address"),
        required_message=_l("Enter the postcode of your new address"),
        max_length=10,
        too_long_message=_l("Enter a full UK postcode, like DM1 1AB"),
        autocomplete="postal-code",
        spellcheck=False,
    )
    uprn = GovSelectField(
        _l("Your new address"),
        choice_message=_l("Select your new address from the list"),
        choices=[],
    )
    moves_on = PartsDateField(
        _l("When do you move?"),
        names=Names(_l("the day you move"), optional=False),
        description=_l("The first day you live at the new address."),
    )


def refusal(code: str) -> str:
    return {
        "same-address": _("This is the address the permit is for now. Select your new address"),
        "not-in-borough": _("Select your new address from the list"),
        "household-full": _(
            "The new address already has as many resident permits as a household can have. Call us to talk about it"
        ),
        "move-day": _("The day you move must be today or within the next %(days)s days", days=_max_days()),
        "parking-quote": _("We cannot price the permit at the new address online. Call us to move it"),
    }.get(code, _("Sorry, that did not work. Try again"))


def _max_days() -> int:
    return parking.settings().moving_max_days_ahead


def _own_movable_permit(reference):
    permit = permits.managed_by(reference, current_user)
    if permit is None or permit.permit_type != "resident":
        abort(404)
    if not moving.can_move(permit):
        flash(
            _("You can move only a permit that is valid now or starts later, and has no move waiting."),
            "important",
        )
        return permit, redirect(url_for("parking.permit_page", reference=reference))
    return permit, None


def _addresses(postcode: str) -> tuple[list, list[dict]]:
    """The addresses at a postcode, or the error to show next to it."""
    if not postcode:
        return [], [{"text": _("Enter the postcode of your new address"), "href": "#postcode"}]
    if len(postcode) > 10 or not gazetteer.is_valid_postcode(postcode):
        return [], [{"text": _("Enter a full UK postcode, like DM1 1AB"), "href": "#postcode"}]
    found = gazetteer.find_by_postcode(postcode)
    if not found:
        not_found = _("We cannot find that postcode in our area. Check it and try again")
        return [], [{"text": not_found, "href": "#postcode"}]
    return found, []


@bp.route("/permits/<reference>/move", methods=["GET", "POST"])
@login_required
def move_permit(reference):
    permit, elsewhere = _own_movable_permit(reference)
    if elsewhere is not None:
        return elsewhere
    postcode = (request.values.get("postcode") or "").strip()[:20]
    looked_up = "postcode" in request.values
    addresses, errors = _addresses(postcode) if looked_up else ([], [])
    form = MoveForm()
    form.uprn.choices = [("", _("Select an address"))] + [(str(found.uprn), found.single_line) for found in addresses]
    form.moves_on.past_days = 0
    form.moves_on.future_days = _max_days()
    if errors:
        form.postcode.data = postcode
        form.postcode.errors = [error["text"] for error in errors]
    outcome = None
    if request.method == "POST" and addresses and form.validate_on_submit():
        try:
            outcome = moving.plan(permit, int(form.uprn.data), form.moves_on.data)
        except ServiceError as error:
            field = form.moves_on if error.field == "moves_on" else form.uprn
            field.errors = [*field.errors, refusal(error.message)]
    if outcome is not None and request.form.get("confirm") == "yes":
        return _confirmed(permit, outcome, form)
    return render_template(
        "parking/move_permit.html",
        permit=permit,
        form=form,
        postcode=postcode,
        addresses=addresses,
        outcome=outcome,
        new_address=gazetteer.get(outcome.uprn) if outcome else None,
        new_zone=parking.settings().zone(outcome.zone) if outcome else None,
        rules=parking.settings().cancellation,
        language=current_language(),
        example=permits.london_today(),
    )


def _confirmed(permit, outcome, form):
    reference = permit.reference
    try:
        payment = moving.move(
            permit,
            outcome.uprn,
            outcome.moves_on,
            actor_id=current_user.id,
            channel=Channel.ONLINE.value,
            language=current_language(),
            return_url=url_for("parking.move_permit_paid", reference=reference, _external=True),
            cancel_url=url_for("parking.permit_page", reference=reference, _external=True),
        )
    except ServiceError as error:
        db.session.rollback()
        if error.message == "permit-not-movable":
            flash(_("This permit already has a move, or has ended. Nothing has changed."), "important")
            return redirect(url_for("parking.permit_page", reference=reference))
        form.uprn.errors = [refusal(error.message)]
        return redirect(url_for("parking.move_permit", reference=reference))
    except stripe.StripeError:
        db.session.rollback()
        log.exception("moving permit %s: Stripe failed", reference)
        flash(_("Sorry, we could not reach the card payment service. Nothing has changed. Try again."), "important")
        return redirect(url_for("parking.permit_page", reference=reference))
    if payment is not None:
        return redirect(payment.checkout_url, code=303)
    day = date_filter(outcome.moves_on)
    if outcome.kind == moving.LEAVES:
        flash(_("Your permit ends when you move on %(day)s.", day=day), "success")
    else:
        flash(_("Your permit is for your new address from %(day)s.", day=day), "success")
    return redirect(url_for("parking.permit_page", reference=reference))


@bp.get("/permits/<reference>/move/paid")
@login_required
def move_permit_paid(reference):
    """Back from paying the difference for the new zone."""
    permit = permits.managed_by(reference, current_user)
    if permit is None:
        abort(404)
    payment = payments.for_session(request.args.get("session_id", "")[:200])
    if payment is None or payment.purpose != moving.PURPOSE or payment.details.get("permit_id") != permit.id:
        abort(404)
    payment = payments.refresh(payment)
    if payment.status == PaymentStatus.PAID:
        flash(_("Thank you for paying. The permit is for your new address from the day you move."), "success")
    else:
        flash(_("We have not had your payment yet, so the permit has not moved."), "important")
    return redirect(url_for("parking.permit_page", reference=reference))
