"""A temporary courtesy vehicle on a resident permit: the holder gives its registration number and
for how many days, sees the vehicle the DVLA knows and the days it is covered, confirms, and can end
it early. Works without JavaScript: the check page posts the answers back with `confirm`."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.validators import StopValidation, ValidationError

from app.extensions import db
from app.forms_common import BaseForm, text_field
from app.forms_engine.question_types.vehicle import describe
from app.i18n import date_filter
from app.models import Channel, PermitStatus
from app.parking.routes import bp
from app.parking.vehicle_change_routes import refusal
from app.services import vehicles
from app.services.errors import ServiceError
from app.services.parking import courtesy, permits


class CourtesyVehicleForm(BaseForm):
    vrm = text_field(
        _l("What is the courtesy vehicle's registration number?"),
        required_message=_l("Enter the courtesy vehicle's registration number"),
        max_length=20,
        too_long_message=_l("Registration number must be 20 characters or fewer"),
        hint=_l("It is on the number plate, like AB12 CDE."),
        autocomplete="off",
        spellcheck=False,
    )
    days = text_field(
        _l("For how many days do you need it, counting today?"),
        required_message=_l("Enter how many days you need the courtesy vehicle for"),
        max_length=10,
        too_long_message=_l("Enter a number of days, like 7"),
        autocomplete="off",
        spellcheck=False,
    )

    def validate_vrm(self, field):
        try:
            field.data = vehicles.parse_registration(field.data or "", field="vrm").vrm
        except vehicles.InvalidRegistration as error:
            raise ValidationError(error.message) from None

    def validate_days(self, field):
        if self.days.errors:  # too long already said
            raise StopValidation()
        text = (field.data or "").strip()
        most = courtesy.max_days()
        if not text.isascii() or not text.isdigit():
            raise ValidationError(_("Enter the number of days as a whole number, like 7"))
        if len(text) > 3 or not 1 <= int(text) <= most:
            raise ValidationError(_("Enter a number of days from 1 to %(most)s", most=most))


def _own_permit(reference):
    permit = permits.managed_by(reference, current_user)
    if permit is None or permit.permit_type != "resident":
        abort(404)
    return permit


def _back_to_permit(reference, message):
    flash(message, "important")
    return redirect(url_for("parking.permit_page", reference=reference))


def _look_up(form):
    try:
        return vehicles.VehicleAnswer.from_dvla(vehicles.look_up(form.vrm.data))
    except vehicles.VehicleNotKnown:
        form.vrm.errors = [refusal("not-found")]
    except vehicles.LookupUnavailable:
        form.vrm.errors = [refusal("unavailable")]
    return None


@bp.route("/permits/<reference>/courtesy-vehicle", methods=["GET", "POST"])
@login_required
def courtesy_vehicle(reference):
    permit = _own_permit(reference)
    if not courtesy.can_lend(permit):
        return _back_to_permit(
            reference,
            _("You can add a courtesy vehicle only to a permit that is valid now and has no courtesy vehicle on it."),
        )
    form = CourtesyVehicleForm()
    vehicle = ends_at = None
    if form.validate_on_submit():
        vehicle = _look_up(form)
    if vehicle is not None:
        try:
            courtesy.check_vehicle(permit, vehicle.vrm)
            ends_at = courtesy.ends_at_for(permit, int(form.days.data))
        except ServiceError as error:
            form.vrm.errors = [refusal(error.message, permit)]
            vehicle = None
    if vehicle is not None and request.form.get("confirm") == "yes":
        try:
            lent = courtesy.lend(
                permit, vehicle, int(form.days.data), actor_id=current_user.id, channel=Channel.ONLINE.value
            )
        except ServiceError as error:
            db.session.rollback()
            if error.message == "courtesy-not-possible":
                return _back_to_permit(reference, _("This permit already has a courtesy vehicle on it."))
            form.vrm.errors = [refusal(error.message, permit)]
            vehicle = None
        else:
            flash(
                _(
                    "The permit now covers %(vrm)s until the end of %(day)s. It does not cover %(own)s until then.",
                    vrm=lent.vehicle.plate,
                    day=date_filter(lent.last_day),
                    own=permit.vrm,
                ),
                "success",
            )
            return redirect(url_for("parking.permit_page", reference=reference))
    return render_template(
        "parking/courtesy_vehicle.html",
        permit=permit,
        form=form,
        vehicle=vehicle,
        described=describe(vehicle) if vehicle is not None else "",
        last_day=courtesy.last_day_before(ends_at) if vehicle else None,
        max_days=courtesy.max_days(),
    )


@bp.route("/permits/<reference>/courtesy-vehicle/end", methods=["GET", "POST"])
@login_required
def end_courtesy_vehicle(reference):
    permit = _own_permit(reference)
    lent = courtesy.current(permit)
    if lent is None or permit.status != PermitStatus.ACTIVE:
        return _back_to_permit(reference, _("There is no courtesy vehicle on this permit now."))
    form = BaseForm()
    if form.validate_on_submit():
        try:
            courtesy.end(permit, actor_id=current_user.id, channel=Channel.ONLINE.value)
        except ServiceError:
            db.session.rollback()
            return _back_to_permit(reference, _("There is no courtesy vehicle on this permit now."))
        flash(_("The courtesy vehicle is off the permit. The permit covers %(vrm)s again.", vrm=permit.vrm), "success")
        return redirect(url_for("parking.permit_page", reference=reference))
    return render_template("parking/end_courtesy_vehicle.html", permit=permit, lent=lent, form=form)
