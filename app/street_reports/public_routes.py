"""The public side of street reports: recent reports near a postcode, one report as the public
sees it (no personal data), its photo unless staff hid it, and following a report instead of
sending a duplicate (from check your answers)."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import forms_engine
from app.extensions import db
from app.forms_engine import panels
from app.forms_engine.routes import current_journey, forget_journey
from app.i18n import current_language
from app.models import StreetReport
from app.services import county_forwards, street_report_search, street_report_updates, street_reports, uploads
from app.services.errors import ServiceError
from app.street_reports.forms import FollowForm, NearbySearchForm
from app.street_reports.routes import bp

FOLLOW_ERRORS = {
    "not-open": _l("That report is closed now, so you cannot follow it. Send your own report instead."),
    "already-sent": _l("You have already sent this report."),
    "no-contact": _l("Tell us how to send you updates first."),
}


def _public_report_or_404(report_id: int) -> StreetReport:
    report = db.session.get(StreetReport, report_id) if report_id < 2**31 else None
    if report is None:
        abort(404)
    return report


@bp.get("/street-reports/near")
def nearby():
    """Recent reports near a postcode: a GET form, so the results page can be bookmarked."""
    form = NearbySearchForm(request.args)
    search, results = None, None
    if "postcode" in request.args and form.validate():
        search = street_report_search.point_of_postcode(form.postcode.data)
        if search.point is not None:
            results = street_report_search.recent_near(*search.point)
        else:
            language = current_language()
            messages = {
                "invalid": _("Enter a full postcode, like DM1 1AB"),
                "unknown": _(
                    "We cannot find %(postcode)s. Check it, or try a postcode nearby.", postcode=search.postcode
                ),
                "neighbour": _(
                    "%(postcode)s is in %(council)s's area, not ours",
                    postcode=search.postcode,
                    council=search.neighbour.name.get(language) if search.neighbour else "",
                ),
            }
            form.postcode.errors = [messages[search.problem]]
    return render_template(
        "street_reports/nearby.html",
        form=form if form.errors else None,
        search_form=form,
        search=search,
        results=results,
        language=current_language(),
        rough_location=street_report_search.rough_location,
        shows_photo=street_report_search.shows_photo,
        category_name=street_reports.category_name,
    )


@bp.get("/street-reports/<int:report_id>")
def public_report(report_id):
    report = _public_report_or_404(report_id)
    return render_template(
        "street_reports/public_report.html",
        report=report,
        language=current_language(),
        location=street_report_search.rough_location(report),
        photo=street_report_search.photo_of(report),
        category_name=street_reports.category_name,
    )


@bp.get("/street-reports/<int:report_id>/photo")
def photo(report_id):
    """The photo, shown in the page (never run as anything but an image), unless staff hid it."""
    report = _public_report_or_404(report_id)
    answer = street_report_search.photo_of(report)
    content = uploads.open_file(answer) if answer is not None else None
    if content is None or answer.get("type") not in {"jpg", "png"}:
        abort(404)
    response = send_file(content, mimetype=uploads.CONTENT_TYPES[answer["type"]], max_age=300)
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.post("/street-reports/<int:report_id>/follow")
def follow(report_id):
    """Follow an open report instead of sending one's own: from the "Already reported?" panel."""
    report = _public_report_or_404(report_id)
    form = FollowForm()
    definition = forms_engine.get(request.form.get("form_id", "")[:63])
    if definition is None or not form.validate_on_submit():
        abort(400)
    found = current_journey(definition)
    if found is None:
        flash(_("Your answers have expired. Start again to report a problem."), "important")
        return redirect(url_for("street_reports.choose"))
    try:
        follower = street_report_updates.follow_instead(report, definition, found, current_language())
    except ServiceError as error:
        flash(str(FOLLOW_ERRORS[error.message]), "important")
        return redirect(url_for("forms.check_answers", form_id=definition.id))
    forget_journey(definition)
    flash(
        _("You are following this report. We will email you about its progress.")
        if follower.channel.value == "email"
        else _("You are following this report. We will text you about its progress."),
        "success",
    )
    return redirect(url_for("street_reports.public_report", report_id=report.id))


@panels.register(county_forwards.ACTION)  # the county's categories too: one report to the county, not five
@panels.register("street_report")
def already_reported(definition, found, language) -> str | None:
    """On check your answers: open reports of the same category near the place chosen."""
    location = street_reports.location_answer(definition, found.answers)
    if not location or location.get("latitude") is None or location.get("longitude") is None:
        return None
    nearby_reports = street_report_search.open_nearby(definition.id, location["latitude"], location["longitude"])
    if not nearby_reports:
        return None
    return render_template(
        "street_reports/_already_reported.html",
        nearby=nearby_reports,
        definition=definition,
        language=language,
        metres=street_reports.settings().nearby_distance_metres,
        rough_location=street_report_search.rough_location,
        category_name=street_reports.category_name,
        follow_form=FollowForm(),
    )
