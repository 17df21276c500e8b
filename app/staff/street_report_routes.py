"""Staff pages for a street report: its state and public updates, duplicates, the public
description, the photo and urgency. The case page (staff.case_page) stays the place for answers,
notes and assigning."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.i18n import current_language
from app.models import ClosedReason, StreetReportState
from app.security import staff_required
from app.services import case_work, cases, county_forwards, street_report_updates, uploads
from app.services.errors import ServiceError
from app.staff.routes import bp
from app.staff.street_report_forms import ButtonForm, DescriptionForm, StreetReportUpdateForm
from app.template_helpers import street_report_state_label

UPDATE_ERRORS = {
    "note-missing": _l("Enter a public note"),
    "note-too-long": _l("Public note must be 2000 characters or fewer"),
    "reason-missing": _l("Select why it is closed"),
    "duplicate-missing": _l("Enter the reference of the report this one repeats"),
    "duplicate-unknown": _l("There is no street report with that reference"),
    "duplicate-itself": _l("Enter the reference of a different report, not this one"),
    "not-closed": _l("Only a fixed or closed report can be reopened"),
}
DESCRIPTION_ERRORS = {
    "description-missing": _l("Enter a public description"),
    "description-too-long": _l("Public description must be 2000 characters or fewer"),
    "description-same": _l("Change the public description, or go back to the report"),
}


def _report_or_404(reference: str):
    report = street_report_updates.find(reference)
    if report is None:
        abort(404)
    return report


def photo_answer(report):
    """The first photo sent with the report (a file answer), if any."""
    return next((value for value in report.case.answers.values() if uploads.is_file_answer(value)), None)


def photo_question_id(report) -> str | None:
    return next((key for key, value in report.case.answers.items() if uploads.is_file_answer(value)), None)


def _show(report, *, update_form=None, description_form=None, status=200):
    language = current_language()
    definition = cases.definition_for(report.case)
    names = case_work.people_by_id({update.actor_id for update in report.updates})
    sent = next((form for form in (update_form, description_form) if form is not None and form.errors), None)
    return render_template(
        "staff/street_report.html",
        report=report,
        case=report.case,
        definition=definition,
        language=language,
        names=names,
        duplicates=street_report_updates.duplicates_of(report),
        followers=len(street_report_updates.followers(report)),
        photo_question=photo_question_id(report),
        update_form=update_form or StreetReportUpdateForm(data={"state": report.state.value}),
        description_form=description_form or DescriptionForm(data={"description": report.description}),
        button_form=ButtonForm(),
        form=sent,
    ), status


@bp.get("/street-reports/<reference>")
@staff_required
def street_report(reference):
    return _show(_report_or_404(reference))


@bp.post("/street-reports/<reference>/update")
@staff_required
def street_report_update(reference):
    report = _report_or_404(reference)
    form = StreetReportUpdateForm()
    if form.validate_on_submit():
        try:
            street_report_updates.update(
                report,
                current_user,
                StreetReportState(form.state.data),
                form.note.data,
                reason=ClosedReason(form.reason.data) if form.reason.data else None,
                duplicate_of=form.duplicate_of.data,
            )
        except ServiceError as error:
            getattr(form, error.field).errors = [str(UPDATE_ERRORS[error.message])]
        else:
            flash(_("Status changed to %(state)s", state=street_report_state_label(form.state.data)), "success")
            return redirect(url_for("staff.street_report", reference=report.case.reference))
    return _show(report, update_form=form)


@bp.post("/street-reports/<reference>/description")
@staff_required
def street_report_description(reference):
    report = _report_or_404(reference)
    form = DescriptionForm()
    if form.validate_on_submit():
        try:
            street_report_updates.edit_description(report, current_user, form.description.data)
        except ServiceError as error:
            form.description.errors = [str(DESCRIPTION_ERRORS[error.message])]
        else:
            flash(_("Public description changed"), "success")
            return redirect(url_for("staff.street_report", reference=report.case.reference))
    return _show(report, description_form=form)


@bp.post("/street-reports/<reference>/photo")
@staff_required
def street_report_photo(reference):
    report = _report_or_404(reference)
    if ButtonForm().validate_on_submit() and photo_answer(report) is not None:
        hide = request.form.get("photo") == "hide"
        street_report_updates.set_photo_hidden(report, current_user, hide)
        flash(_("Photo hidden from the public") if hide else _("Photo shown to the public"), "success")
    return redirect(url_for("staff.street_report", reference=report.case.reference))


@bp.post("/street-reports/<reference>/urgent")
@staff_required
def street_report_urgent(reference):
    report = _report_or_404(reference)
    if ButtonForm().validate_on_submit():
        urgent = request.form.get("urgent") == "yes"
        street_report_updates.set_urgent(report, current_user, urgent)
        flash(_("Marked as urgent") if urgent else _("Marked as not urgent"), "success")
    return redirect(url_for("staff.street_report", reference=report.case.reference))


@bp.post("/cases/<reference>/county-forward/retry")
@staff_required
def county_forward_retry(reference):
    """Send a report the county did not take (or that was interrupted) again, from the case page."""
    report = _report_or_404(reference)
    forward = county_forwards.for_report(report)
    if forward is None:
        abort(404)
    if ButtonForm().validate_on_submit():
        try:
            county_forwards.try_again(forward, current_user)
        except ServiceError:
            flash(_("It has not failed, so there is nothing to try again"), "error")
        else:
            flash(_("We will try sending it to the county council again in the next minute"), "success")
    return redirect(url_for("staff.case_page", reference=reference) + "#county-forward")
