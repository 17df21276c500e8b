"""Admins choose the wards a ward councillor represents."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.routes import bp
from app.councillors.forms import WardsForm
from app.models import Role
from app.security import admin_required
from app.services import councillors, people


@bp.route("/users/<int:user_id>/wards", methods=["GET", "POST"])
@admin_required
def councillor_wards(user_id):
    person = people.get_active(user_id)
    if person is None or person.role != Role.COUNCILLOR:
        abort(404)
    form = WardsForm() if request.method == "POST" else WardsForm(data={"wards": councillors.wards_of(person)})
    form.wards.choices = [(ward, ward) for ward in councillors.ward_names()]
    if form.validate_on_submit():
        councillors.set_wards(person, form.wards.data, admin=current_user)
        wards = ", ".join(sorted(form.wards.data))
        flash(_("%(name)s's wards: %(wards)s", name=person.full_name, wards=wards), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/councillor_wards.html", form=form, person=person)
