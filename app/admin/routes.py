from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.admin import job_views
from app.forms_common import BaseForm, GovRadioField, Required
from app.models import Role
from app.scheduler import runner
from app.security import admin_required
from app.services import people
from app.staff.routes import page_number

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

ROLE_CHOICES = [
    (Role.RESIDENT.value, _l("Resident")),
    (Role.VOLUNTEER.value, _l("Volunteer")),
    (Role.STAFF.value, _l("Staff")),
    (Role.MANAGER.value, _l("Manager: staff who also see the channel-shift figures")),
    (Role.ADMIN.value, _l("Administrator")),
    (Role.COUNCILLOR.value, _l("Ward councillor")),
]


class RoleForm(BaseForm):
    role = GovRadioField(
        _l("Role"),
        choices=ROLE_CHOICES,
        choice_message=_l("Select a role"),
        validators=[Required(message=_l("Select a role"))],
    )


@bp.get("/users")
@admin_required
def users():
    results = people.search(
        "", page=page_number(), roles=(Role.VOLUNTEER, Role.STAFF, Role.MANAGER, Role.ADMIN, Role.COUNCILLOR)
    )
    return render_template("admin/users.html", results=results, role_names=dict(ROLE_CHOICES))


@bp.route("/users/<int:user_id>/role", methods=["GET", "POST"])
@admin_required
def change_role(user_id):
    person = people.get_active(user_id)
    if person is None:
        abort(404)
    form = RoleForm(data={"role": person.role.value})
    if person.id == current_user.id:
        form.role.render_kw = {"disabled": True}
    if form.validate_on_submit():
        if person.id == current_user.id:
            form.role.errors = [_("You cannot change your own role. Ask another administrator.")]
        else:
            people.set_role(person, Role(form.role.data))
            flash(
                _("%(name)s is now: %(role)s", name=person.full_name, role=dict(ROLE_CHOICES)[form.role.data]),
                "success",
            )
            if person.role == Role.COUNCILLOR:
                return redirect(url_for("admin.councillor_wards", user_id=person.id))
            return redirect(url_for("admin.users"))
    return render_template("admin/change_role.html", form=form, person=person)


@bp.get("/scheduled-jobs")
@admin_required
def scheduled_jobs():
    return render_template("admin/scheduled_jobs.html", statuses=runner.statuses(), views=job_views)


# The API key, councillor and place pages register on this blueprint too.
from app.admin import api_key_routes, councillor_routes, kiosk_routes, place_routes  # noqa: E402, F401
