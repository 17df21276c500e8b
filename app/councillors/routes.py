"""A ward councillor's pages: the reports in their wards (read only, without the reporters' names or
contact details), reporting a problem for a resident, and their digest's channel and days."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import forms_engine
from app.councillors.forms import DAY_LABELS, DigestForm, ReportForResidentForm
from app.forms_engine.routes import SESSION_KEY
from app.i18n import current_language
from app.models import Channel, Role
from app.security import roles_required
from app.services import councillors, form_journeys, street_reports

bp = Blueprint("councillors", __name__, url_prefix="/councillor", template_folder="templates")
councillor_required = roles_required(Role.COUNCILLOR)

DIGEST_ERRORS = {
    "no-phone": ("channel", lambda: _("Add a mobile phone number to your account to get the digest by text message")),
    "no-email": ("channel", lambda: _("Add an email address to your account to get the digest by email")),
    "unknown-channel": ("channel", lambda: _("Select how we should send it")),
    "unknown-day": ("days", lambda: _("Select days of the week from the list")),
}


@bp.get("/reports")
@councillor_required
def reports():
    before_text = request.args.get("before")
    before = councillors.parse_cursor(before_text)
    if before_text and before is None:
        abort(404)
    found = councillors.reports_in_wards(current_user, before=before)
    return render_template(
        "councillors/reports.html",
        page=found,
        wards=councillors.wards_of(current_user),
        first_page=before is None,
        category_name=street_reports.category_name,
        language=current_language(),
    )


@bp.route("/report", methods=["GET", "POST"])
@councillor_required
def report_for_resident():
    """Start a category's form for a resident: the resident's own contact details go in the form, and
    the request is recorded as made through their councillor."""
    form = ReportForResidentForm()
    form.category.choices = [(c.id, c.title) for c in street_reports.categories(current_language())]
    if form.validate_on_submit():
        definition = forms_engine.get(form.category.data)
        found = form_journeys.start(definition, user=None, acting_user=current_user, channel=Channel.COUNCILLOR)
        session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), definition.id: found.token}
        return redirect(url_for("forms.question_page", form_id=definition.id, page_id=definition.pages[0].id))
    return render_template("councillors/report_for_resident.html", form=form)


@bp.route("/digest", methods=["GET", "POST"])
@councillor_required
def digest():
    saved = councillors.digest_settings(current_user)
    # Filled in from what is saved only when shown: a sent form with no days ticked means no days.
    shown = {"channel": saved.channel.value if saved else "email", "days": councillors.weekdays_of(saved)}
    form = DigestForm() if request.method == "POST" else DigestForm(data=shown)
    if form.validate_on_submit():
        try:
            councillors.save_digest_settings(current_user, channel=form.channel.data, days=form.days.data or [])
        except councillors.CouncillorError as error:
            field, message = DIGEST_ERRORS[error.reason]
            getattr(form, field).errors = [message()]
        else:
            days = [str(DAY_LABELS[day]) for day in DAY_LABELS if day in (form.days.data or [])]
            if days:
                flash(_("We will send your digest on: %(days)s", days=", ".join(days)), "success")
            else:
                flash(_("We will not send you a digest"), "success")
            return redirect(url_for("councillors.digest"))
    return render_template("councillors/digest.html", form=form, wards=councillors.wards_of(current_user))
