"""Admin pages for kiosks: enrol this device as a kiosk at a place, and revoke a kiosk."""

from flask import abort, current_app, flash, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from app.admin.routes import bp
from app.forms_common import BaseForm, GovRadioField, GovSelectField, NoAngleBrackets, Required, text_field
from app.i18n import current_language
from app.kiosk import COOKIE_NAME
from app.security import admin_required
from app.services import auth_sessions, kiosks, places
from app.services.errors import ServiceError

LANGUAGE_LABELS = {"en": _l("English"), "cy": _l("Welsh (Cymraeg)")}


class EnrolKioskForm(BaseForm):
    name = text_field(
        _l("Name of this kiosk"),
        required_message=_l("Enter a name for this kiosk"),
        max_length=kiosks.NAME_MAX_LENGTH,
        too_long_message=_l("Name must be 100 characters or fewer"),
        hint=_l("So staff can tell the kiosks apart. For example, By the front desk."),
    )
    place = GovSelectField(_l("Where is it?"), choices=[], choice_message=_l("Select the place where this kiosk is"))
    language = GovRadioField(
        _l("Language of its start page"),
        choices=list(LANGUAGE_LABELS.items()),
        choice_message=_l("Select the language of its start page"),
        validators=[Required(message=_l("Select the language of its start page"))],
    )


EnrolKioskForm.name.kwargs["validators"].append(NoAngleBrackets(_l("Name must not include < or >")))


class RevokeKioskForm(BaseForm):
    pass


@bp.route("/kiosks", methods=["GET", "POST"])
@admin_required
def kiosks_page():
    language = current_language()
    open_places = [place for place in places.list_places(include_closed=False, page=1).items]
    form = EnrolKioskForm()
    form.place.choices = [("", _("Select a place"))] + [
        (str(place.id), place.display_name(language)) for place in open_places
    ]
    if form.validate_on_submit():
        place = next(place for place in open_places if str(place.id) == form.place.data)
        try:
            kiosk, cookie = kiosks.enrol(
                place=place,
                name=form.name.data,
                language=form.language.data,
                enrolled_by=current_user,
                secret_key=current_app.config["SECRET_KEY"],
            )
        except ServiceError:
            abort(404)
        # The device is now a kiosk: the admin's own sign-in must not stay on it.
        auth_sessions.end(current_user.current_session_token)
        logout_user()
        session.clear()
        flash(_("This device is now a kiosk at %(place)s.", place=place.display_name(language)), "success")
        response = make_response(redirect(url_for("pages.home")))
        response.set_cookie(
            COOKIE_NAME,
            cookie,
            max_age=kiosks.COOKIE_MAX_AGE_SECONDS,
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            samesite="Lax",
        )
        return response
    return render_template("admin/kiosks.html", form=form, kiosks=kiosks.list_kiosks(), language=language)


@bp.route("/kiosks/<int:kiosk_id>/revoke", methods=["GET", "POST"])
@admin_required
def revoke_kiosk(kiosk_id):
    kiosk = kiosks.get(kiosk_id)
    if kiosk is None or kiosk.revoked_at is not None:
        abort(404)
    form = RevokeKioskForm()
    if form.validate_on_submit():
        kiosks.revoke(kiosk, revoked_by=current_user)
        flash(_("%(name)s is no longer a kiosk.", name=kiosk.name), "success")
        return redirect(url_for("admin.kiosks_page"))
    return render_template("admin/kiosk_revoke.html", kiosk=kiosk, form=form, language=current_language())
