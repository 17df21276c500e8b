"""Admin pages for API keys: the list, creating a key (its secret shown once), revoking one."""

import secrets

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField
from wtforms.validators import ValidationError

from app.admin.routes import bp
from app.forms_common import BaseForm, GovRadioField, Required, text_field
from app.security import admin_required
from app.services import api_keys
from app.staff.routes import page_number

# A create form, once used, cannot create a second key: sending it again (the browser's "resend"
# after a refresh of the page that shows the new key) would otherwise make a key nobody has copied.
ATTEMPTS_SESSION_KEY = "api_key_forms"
OPEN_ATTEMPTS = 5  # create forms open at once, in several tabs


class NoMarkup:
    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if isinstance(field.data, str) and ("<" in field.data or ">" in field.data):
            raise ValidationError(self.message)


class ApiKeyForm(BaseForm):
    name = text_field(
        _l("Name"),
        required_message=_l("Enter a name for the key"),
        max_length=api_keys.NAME_MAX_LENGTH,
        too_long_message=_l("Name must be 100 characters or fewer"),
        hint=_l("What the key is for, so you can tell it from others. For example, Handheld fleet, north."),
    )
    scope = GovRadioField(
        _l("Which API is the key for?"),
        choices=[],
        choice_message=_l("Select which API the key is for"),
        validators=[Required(message=_l("Select which API the key is for"))],
    )
    attempt = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = [(scope.id, scope.label) for scope in api_keys.scopes()]


ApiKeyForm.name.kwargs["validators"].append(NoMarkup(_l("Name must not include < or >")))


def _open_attempt() -> str:
    attempt = secrets.token_urlsafe(16)
    session[ATTEMPTS_SESSION_KEY] = [*session.get(ATTEMPTS_SESSION_KEY, []), attempt][-OPEN_ATTEMPTS:]
    return attempt


def _use_attempt(attempt: str | None) -> bool:
    open_attempts = session.get(ATTEMPTS_SESSION_KEY, [])
    if not attempt or attempt not in open_attempts:
        return False
    session[ATTEMPTS_SESSION_KEY] = [other for other in open_attempts if other != attempt]
    return True


@bp.get("/api-keys")
@admin_required
def list_api_keys():
    return render_template(
        "admin/api_keys.html", results=api_keys.list_keys(page=page_number()), scope_label=api_keys.scope_label
    )


@bp.route("/api-keys/new", methods=["GET", "POST"])
@admin_required
def new_api_key():
    form = ApiKeyForm()
    if request.method == "GET":
        form.attempt.data = _open_attempt()
    if form.validate_on_submit():
        if not _use_attempt(form.attempt.data):
            flash(
                _(
                    "That form has been sent already and the key it made was shown then. If nobody copied it, "
                    "revoke it and create another."
                ),
                "info",
            )
            return redirect(url_for("admin.list_api_keys"))
        created = api_keys.create(form.name.data, form.scope.data, created_by=current_user)
        # Shown in the answer to this request and nowhere else: the secret is never stored.
        return render_template(
            "admin/api_key_created.html",
            key=created.key,
            secret=created.secret,
            scope=api_keys.get_scope(created.key.scope),
        )
    return render_template("admin/api_key_new.html", form=form)


@bp.route("/api-keys/<int:key_id>/revoke", methods=["GET", "POST"])
@admin_required
def revoke_api_key(key_id):
    key = api_keys.get(key_id)
    if key is None:
        abort(404)
    form = BaseForm()
    if form.validate_on_submit():
        if api_keys.revoke(key, revoked_by=current_user):
            flash(_("API key %(name)s revoked. Nothing can use it any more.", name=key.name), "success")
        else:
            flash(_("API key %(name)s was already revoked.", name=key.name), "info")
        return redirect(url_for("admin.list_api_keys"))
    return render_template("admin/api_key_revoke.html", key=key, form=form, scope_label=api_keys.scope_label)
