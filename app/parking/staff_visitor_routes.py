"""Visitor parking for a caller, by staff on the phone: find the household's address, see its credit
and sessions, start a session for a visitor's vehicle or cancel one. Recorded as the telephone
channel, by the member of staff, so a household that is not online is never shut out."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.i18n import current_language
from app.models import Channel
from app.parking.question_types import visitor_refusal
from app.parking.visitor_forms import SessionForm, refusal
from app.parking.visitor_routes import page_context, start_from_form
from app.security import staff_required
from app.services import gazetteer, parking
from app.services.errors import ServiceError
from app.services.parking import visitors
from app.staff.routes import bp


@bp.get("/parking/visitors")
@staff_required
def parking_visitors_find():
    """Find the caller's address by postcode."""
    postcode = request.args.get("postcode", "").strip()[:20]
    errors, addresses = [], []
    if "postcode" in request.args:
        if not postcode or not gazetteer.is_valid_postcode(postcode):
            errors.append({"text": _("Enter a full UK postcode, like DM1 1AB"), "href": "#postcode"})
        else:
            addresses = gazetteer.find_by_postcode(postcode)
            if not addresses:
                errors.append({"text": _("We cannot find that postcode in our area"), "href": "#postcode"})
    return render_template("parking/staff_visitors_find.html", postcode=postcode, errors=errors, addresses=addresses)


def _household(uprn: int) -> int:
    if gazetteer.get(uprn) is None:
        abort(404)
    return uprn


@bp.route("/parking/visitors/<int:uprn>", methods=["GET", "POST"])
@staff_required
def parking_visitors(uprn):
    _household(uprn)
    if visitors.household(uprn) is None:
        return render_template(
            "parking/visitors_unavailable.html",
            reason=visitor_refusal(parking.standing_of(uprn)),
            language=current_language(),
            for_staff=True,
        )
    form = SessionForm(formdata=request.form if request.method == "POST" else None)
    form.offer(visitors.rules(), visitors.london_today())
    if form.validate_on_submit():
        session = start_from_form(uprn, form, channel=Channel.TELEPHONE.value, user_id=None, actor_id=current_user.id)
        if session is not None:
            flash(
                _(
                    "Visitor session started for %(vrm)s. Tell the caller its reference, %(reference)s",
                    vrm=session.vrm,
                    reference=session.reference,
                ),
                "success",
            )
            return redirect(url_for("staff.parking_visitors", uprn=uprn))
    return render_template("parking/staff_visitors.html", uprn=uprn, **page_context(uprn, form))


@bp.post("/parking/visitors/<int:uprn>/sessions/<reference>/cancel")
@staff_required
def parking_visitors_cancel(uprn, reference):
    session = visitors.session_at(_household(uprn), reference)
    if session is None:
        abort(404)
    try:
        visitors.cancel_session(session, channel=Channel.TELEPHONE.value, user_id=None, actor_id=current_user.id)
        flash(
            _("Session for %(vrm)s cancelled. Its time is back in the household's credit", vrm=session.vrm), "success"
        )
    except ServiceError as error:
        db.session.rollback()
        flash(refusal(error.message, visitors.rules()), "important")
    return redirect(url_for("staff.parking_visitors", uprn=uprn))
