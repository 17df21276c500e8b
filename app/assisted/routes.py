"""The volunteer's pages: find the person, record their consent, help, stop."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import forms_engine
from app.assisted import CHOSEN_KEY, FOUND_KEY, SESSION_KEY, forget_helping
from app.assisted.forms import (
    BY_MESSAGE,
    BY_POST,
    GIVEN_LABELS,
    LASTS_LABELS,
    ChoosePersonForm,
    ConsentForm,
    FindPersonForm,
    StopForm,
)
from app.i18n import current_language
from app.models import ConsentGiven, ConsentLasts, Role
from app.security import roles_required
from app.services import assisted, places
from app.services.errors import ServiceError

bp = Blueprint("assisted", __name__, url_prefix="/help", template_folder="templates")
volunteer_required = roles_required(Role.VOLUNTEER)
GUEST = "guest"


def _helping():
    return g.get("assisted_session")


def _already_helping():
    flash(_("Stop helping %(name)s before you help someone else.", name=assisted.person_name(_helping())), "important")
    return redirect(url_for("assisted.start"))


@bp.route("/", methods=["GET", "POST"])
@volunteer_required
def start():
    """While helping: whom, what the consent covers, and a way to stop. Otherwise: find the person."""
    helping = _helping()
    language = current_language()
    if helping is not None:
        definitions = forms_engine.definitions()
        return render_template(
            "assisted/helping.html",
            services=[definitions[form_id] for form_id in helping.consent_services if form_id in definitions],
            given=GIVEN_LABELS[helping.consent_given.value],
            lasts=LASTS_LABELS[helping.consent_lasts.value],
            language=language,
            form=StopForm(),
        )
    at_places = places.places_of(current_user)
    form = FindPersonForm()
    if at_places and form.validate_on_submit():
        found = assisted.find_people(name=form.name.data, postcode=form.postcode.data, email=form.email.data)
        session[FOUND_KEY] = [person.user_id for person in found]
        return redirect(url_for("assisted.choose"))
    return render_template("assisted/start.html", form=form, places=at_places, language=language)


@bp.route("/choose", methods=["GET", "POST"])
@volunteer_required
def choose():
    if _helping() is not None:
        return _already_helping()
    found = [person for person in map(assisted.describe, session.get(FOUND_KEY, [])) if person is not None]
    form = ChoosePersonForm()
    form.person.choices = [
        (
            str(person.user_id),
            ", ".join(part for part in (person.initials, person.street, person.postcode_area) if part),
        )
        for person in found
    ]
    if found and form.validate_on_submit():
        session[CHOSEN_KEY] = int(form.person.data)
        return redirect(url_for("assisted.consent"))
    return render_template("assisted/choose.html", form=form, found=found)


@bp.route("/consent", methods=["GET", "POST"])
@volunteer_required
def consent():
    """The person's consent, recorded before the volunteer does anything for them."""
    if _helping() is not None:
        return _already_helping()
    without_account = request.args.get("who") == GUEST
    person = None if without_account else assisted.describe(session.get(CHOSEN_KEY) or 0)
    if person is None and not without_account:
        return redirect(url_for("assisted.start"))
    at_places = places.places_of(current_user)
    if not at_places:
        return redirect(url_for("assisted.start"))
    language = current_language()
    form = ConsentForm()
    if not without_account:
        del form.person_name
    if len(at_places) == 1:
        del form.place  # the one place they help at: not asked
    else:
        form.place.choices = [(str(place.id), place.display_name(language)) for place in at_places]
    if person is not None and assisted.needs_no_address(person.user_id):
        for line in ("address_line_1", "address_line_2", "address_town", "address_postcode"):
            delattr(form, line)  # letters go to the address on their account
        form.confirmations.choices = [
            (BY_MESSAGE, _("By email or text message, as on their account")),
            (BY_POST, _("By post, to the address on their account")),
        ]
    if person is not None and request.method == "GET" and assisted.prefers_post(person.user_id):
        form.confirmations.data = BY_POST  # as chosen on their account
    offered = assisted.services_to_offer(forms_engine.definitions(), with_account=not without_account)
    form.services.choices = [(definition.id, definition.title.get(language)) for definition in offered]
    if form.validate_on_submit():
        try:
            helping = assisted.start(
                current_user,
                place=at_places[0] if len(at_places) == 1 else _chosen_place(at_places, form.place.data),
                person_id=person.user_id if person is not None else None,
                person_name=form.person_name.data if without_account else None,
                given=ConsentGiven(form.given.data),
                services=form.services.data,
                lasts=ConsentLasts(form.lasts.data),
                by_post=form.confirmations.data == BY_POST,
                address=form.address_lines(),
            )
        except ServiceError as error:
            if error.field == "address_line_1":
                form.address_line_1.errors = [error.message]
                return render_template(
                    "assisted/consent.html", form=form, person=person, without_account=without_account, places=at_places
                )
            flash(_("Their account can no longer be used. Search again."), "important")
            return redirect(url_for("assisted.start"))
        forget_helping()
        session[SESSION_KEY] = helping.id
        flash(_("Consent recorded. You are now helping %(name)s.", name=assisted.person_name(helping)), "success")
        return redirect(url_for("assisted.start"))
    return render_template(
        "assisted/consent.html", form=form, person=person, without_account=without_account, places=at_places
    )


def _chosen_place(at_places, chosen: str):
    return next(place for place in at_places if str(place.id) == chosen)


@bp.post("/stop")
@volunteer_required
def stop():
    helping = _helping()
    if helping is not None and StopForm().validate_on_submit():
        name = assisted.person_name(helping)
        assisted.end(helping, current_user)
        forget_helping()
        flash(_("You have stopped helping %(name)s. Nothing of theirs is kept in this browser.", name=name), "success")
    return redirect(url_for("assisted.start"))


@bp.get("/not-covered")
@volunteer_required
def not_covered():
    """Where the guard (app/assisted) sends a volunteer who tried something the consent does not cover."""
    return render_template("assisted/not_covered.html"), 403
