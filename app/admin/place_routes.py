"""Admin pages for places where volunteers help people (libraries, community centres), and the
volunteers who belong to each."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.admin.api_key_routes import NoMarkup
from app.admin.routes import bp
from app.forms_common import BaseForm, GovRadioField, GovSelectField, Required, email_field, text_field
from app.models import PlaceKind
from app.security import admin_required
from app.services import gazetteer, places
from app.services.errors import ServiceError
from app.staff.routes import page_number

KIND_LABELS = {
    PlaceKind.LIBRARY.value: _l("Library"),
    PlaceKind.COMMUNITY_CENTRE.value: _l("Community centre"),
    PlaceKind.COUNCIL_OFFICE.value: _l("Council office"),
    PlaceKind.OTHER.value: _l("Somewhere else"),
}


class PlaceForm(BaseForm):
    name = text_field(
        _l("Name"),
        required_message=_l("Enter the name of the place"),
        max_length=places.NAME_MAX_LENGTH,
        too_long_message=_l("Name must be 100 characters or fewer"),
        hint=_l("As people know it. For example, Demoton Central Library."),
    )
    name_cy = text_field(
        _l("Welsh name (optional)"),
        required_message=None,
        max_length=places.NAME_MAX_LENGTH,
        too_long_message=_l("Welsh name must be 100 characters or fewer"),
        hint=_l("Leave empty if the place has one name in both languages."),
    )
    kind = GovRadioField(
        _l("What kind of place is it?"),
        choices=list(KIND_LABELS.items()),
        choice_message=_l("Select what kind of place it is"),
        validators=[Required(message=_l("Select what kind of place it is"))],
    )
    ward = GovSelectField(
        _l("Ward (optional)"),
        choices=[],
        choice_message=_l("Select a ward from the list"),
        description=_l("So the council's figures can say where help was given."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ward.choices = [("", _("Not in a ward"))] + [(ward, ward) for ward in gazetteer.wards()]


PlaceForm.name.kwargs["validators"].append(NoMarkup(_l("Name must not include < or >")))
PlaceForm.name_cy.kwargs["validators"].append(NoMarkup(_l("Welsh name must not include < or >")))


class AddVolunteerForm(BaseForm):
    email = email_field(
        _l("Volunteer's email address"),
        required_message=_l("Enter the email address of the volunteer's account"),
        hint=_l("They need an account with the volunteer role first."),
    )


ADD_VOLUNTEER_ERRORS = {
    "no-account": _l("There is no account with that email address. Ask the volunteer to create one first"),
    "not-volunteer": _l(
        "That account does not have the volunteer role. Change its role under Staff and volunteer accounts first"
    ),
    "already-added": _l("That volunteer already helps at this place"),
}


def _place_or_404(place_id: int):
    place = places.get(place_id)
    if place is None:
        abort(404)
    return place


@bp.get("/places")
@admin_required
def list_places():
    return render_template("admin/places.html", results=places.list_places(page=page_number()), kinds=KIND_LABELS)


@bp.route("/places/new", methods=["GET", "POST"])
@admin_required
def new_place():
    form = PlaceForm()
    if form.validate_on_submit():
        place = places.create(
            name=form.name.data,
            name_cy=form.name_cy.data,
            kind=PlaceKind(form.kind.data),
            ward=form.ward.data,
            created_by=current_user,
        )
        flash(_("%(name)s added. Now add the volunteers who help there.", name=place.name), "success")
        return redirect(url_for("admin.place", place_id=place.id))
    return render_template("admin/place_form.html", form=form, place=None)


@bp.route("/places/<int:place_id>/change", methods=["GET", "POST"])
@admin_required
def change_place(place_id):
    place = _place_or_404(place_id)
    form = PlaceForm(
        data={"name": place.name, "name_cy": place.name_cy, "kind": place.kind.value, "ward": place.ward or ""}
    )
    if form.validate_on_submit():
        places.update(
            place,
            name=form.name.data,
            name_cy=form.name_cy.data,
            kind=PlaceKind(form.kind.data),
            ward=form.ward.data,
            changed_by=current_user,
        )
        flash(_("%(name)s saved", name=place.name), "success")
        return redirect(url_for("admin.place", place_id=place.id))
    return render_template("admin/place_form.html", form=form, place=place)


@bp.route("/places/<int:place_id>", methods=["GET", "POST"])
@admin_required
def place(place_id):
    place = _place_or_404(place_id)
    form = AddVolunteerForm()
    if form.validate_on_submit():
        try:
            person = places.add_volunteer(place, form.email.data, added_by=current_user)
        except ServiceError as error:
            form.email.errors = [str(ADD_VOLUNTEER_ERRORS[error.message])]
        else:
            flash(_("%(name)s now helps at %(place)s", name=person.full_name, place=place.name), "success")
            return redirect(url_for("admin.place", place_id=place.id))
    return render_template("admin/place.html", place=place, form=form, kinds=KIND_LABELS, close_form=BaseForm())


@bp.post("/places/<int:place_id>/open-or-close")
@admin_required
def open_or_close_place(place_id):
    place = _place_or_404(place_id)
    if BaseForm().validate_on_submit():
        closing = place.closed_at is None
        places.set_closed(place, closing, changed_by=current_user)
        if closing:
            flash(_("%(name)s is closed. Volunteers can no longer help people there.", name=place.name), "success")
        else:
            flash(_("%(name)s is open again", name=place.name), "success")
    return redirect(url_for("admin.place", place_id=place.id))


@bp.route("/places/<int:place_id>/volunteers/<int:user_id>/remove", methods=["GET", "POST"])
@admin_required
def remove_volunteer(place_id, user_id):
    place = _place_or_404(place_id)
    membership = next((member for member in place.volunteers if member.user_id == user_id), None)
    if membership is None:
        abort(404)
    form = BaseForm()
    if form.validate_on_submit():
        places.remove_volunteer(place, user_id, removed_by=current_user)
        flash(_("%(name)s no longer helps at %(place)s", name=membership.user.full_name, place=place.name), "success")
        return redirect(url_for("admin.place", place_id=place.id))
    return render_template("admin/place_remove_volunteer.html", place=place, person=membership.user, form=form)
