"""Visitor parking for a signed-in resident: the household's credit and its ledger, starting a session
for a visitor's vehicle now or later, cancelling one before it starts, and favourite vehicles. The
household is the address on the person's account."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.i18n import current_language
from app.models import Channel
from app.parking.question_types import visitor_refusal
from app.parking.routes import bp
from app.parking.visitor_forms import FavouriteForm, SessionForm, length_label, refusal
from app.services import gazetteer, parking
from app.services.errors import ServiceError
from app.services.parking import visitors


def page_context(uprn: int, session_form: SessionForm, favourite_form: FavouriteForm | None = None) -> dict:
    """What the visitor parking page shows for a household (the resident's page and staff's)."""
    rules = visitors.rules()
    return {
        "rules": rules,
        "credit": visitors.credit(uprn),
        "sessions": visitors.sessions(uprn),
        "ledger": visitors.ledger(uprn),
        "can_cancel": visitors.can_cancel,
        "units_of": visitors.units_of,
        "length_label": length_label,
        "address": gazetteer.get(uprn),
        "zone": parking.settings().zone(parking.standing_of(uprn).zone.code),
        "session_form": session_form,
        # The form whose errors the layout's error summary lists.
        "form": session_form if session_form.errors else favourite_form,
        "favourite_form": favourite_form,
        "language": current_language(),
    }


def start_from_form(uprn: int, form: SessionForm, *, channel: str, user_id, actor_id=None):
    """The session the form asks for, or None with the refusal put next to its field."""
    try:
        return visitors.start_session(
            uprn,
            vrm=form.vrm.data,
            starts_at=form.starts_at(),
            units=int(form.length.data),
            channel=channel,
            user_id=user_id,
            actor_id=actor_id,
        )
    except ServiceError as error:
        db.session.rollback()
        field = {
            "vrm": form.vrm,
            "length": form.length,
            "start": form.time if form.start.data == "later" else form.start,
        }
        field.get(error.field, form.start).errors = [refusal(error.message, visitors.rules())]
        return None


def _household_or_none():
    uprn = current_user.uprn
    return uprn if visitors.household(uprn) is not None else None


def _session_form(formdata=None) -> SessionForm:
    form = SessionForm(formdata=formdata) if formdata is not None else SessionForm(formdata=None)
    return form.offer(visitors.rules(), visitors.london_today())


@bp.route("/visitors", methods=["GET", "POST"])
@login_required
def visitors_page():
    uprn = _household_or_none()
    if uprn is None:
        standing = parking.standing_of(current_user.uprn)
        reason = visitor_refusal(standing) if standing is not None else None
        return render_template("parking/visitors_unavailable.html", reason=reason, language=current_language())
    form = _session_form(request.form if request.method == "POST" else None)
    if request.method == "GET" and request.args.get("vrm"):
        form.vrm.data = request.args["vrm"][:20]
    if form.validate_on_submit():
        session = start_from_form(uprn, form, channel=Channel.ONLINE.value, user_id=current_user.id)
        if session is not None:
            flash(_("Visitor session started for %(vrm)s", vrm=session.vrm), "success")
            return redirect(url_for("parking.visitors_page"))
    favourites = visitors.favourites(current_user.id)
    return render_template(
        "parking/visitors.html",
        favourites=favourites,
        **page_context(uprn, form, FavouriteForm(formdata=None)),
    )


@bp.post("/visitors/sessions/<reference>/cancel")
@login_required
def cancel_visitor_session(reference):
    uprn = _household_or_none()
    session = visitors.session_at(uprn, reference) if uprn is not None else None
    if session is None:
        abort(404)
    try:  # (CSRFProtect has checked the form's token)
        visitors.cancel_session(session, channel=Channel.ONLINE.value, user_id=current_user.id)
        flash(_("Session for %(vrm)s cancelled. Its time is back in your credit", vrm=session.vrm), "success")
    except ServiceError as error:
        db.session.rollback()
        flash(refusal(error.message, visitors.rules()), "important")
    return redirect(url_for("parking.visitors_page"))


@bp.post("/visitors/favourites")
@login_required
def add_visitor_favourite():
    uprn = _household_or_none()
    if uprn is None:
        abort(404)
    favourite_form = FavouriteForm()
    if favourite_form.validate_on_submit():
        try:
            visitors.add_favourite(
                current_user.id, favourite_form.favourite_vrm.data, favourite_form.favourite_name.data
            )
            flash(_("Vehicle kept for next time"), "success")
            return redirect(url_for("parking.visitors_page"))
        except ServiceError as error:
            db.session.rollback()
            favourite_form.favourite_vrm.errors = [refusal(error.message, visitors.rules())]
    return render_template(
        "parking/visitors.html",
        favourites=visitors.favourites(current_user.id),
        **page_context(uprn, _session_form(), favourite_form),
    )


@bp.post("/visitors/favourites/<int:favourite_id>/remove")
@login_required
def remove_visitor_favourite(favourite_id):
    if not visitors.remove_favourite(current_user.id, favourite_id):
        abort(404)
    flash(_("Vehicle removed from your list"), "success")
    return redirect(url_for("parking.visitors_page"))
