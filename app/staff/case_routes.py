"""Staff pages for cases: the inbox, a case, what staff do to it, and taking a request by phone."""

from flask import abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import forms_engine
from app.form_model import journey, question_types
from app.form_model.schema import Audience
from app.forms_engine.routes import SESSION_KEY
from app.i18n import current_language
from app.models import CaseStatus, Channel, ContactChannel
from app.security import staff_required
from app.services import (
    bookings,
    case_contacts,
    case_work,
    cases,
    county_forwards,
    form_journeys,
    paid_forms,
    street_reports,
    uploads,
)
from app.services.errors import ServiceError
from app.staff.case_forms import (
    CONTACT_CHANNEL_LABELS,
    AssignForm,
    CaseStatusForm,
    ContactForm,
    NoteForm,
    PhoneRequestForm,
)
from app.staff.routes import bp, page_number
from app.staff.street_report_forms import ButtonForm as RetryForm
from app.template_helpers import case_status_label


def _filters() -> case_work.InboxFilters:
    args = request.args
    return case_work.InboxFilters(
        service=args.get("service") or None,
        status=args.get("status") or None,
        ward=args.get("ward") or None,
        overdue=args.get("overdue") == "1",
        urgent=args.get("urgent") == "1",
        mine=args.get("mine") == "1",
    )


@bp.get("/cases")
@staff_required
def cases_inbox():
    filters = _filters()
    results = case_work.inbox(
        filters,
        staff=current_user,
        page=page_number(),
        after=request.args.get("after"),
        before=request.args.get("before"),
    )
    definitions = cases.with_own_definitions(forms_engine.definitions())
    language = current_language()
    today = cases.london_today()

    def title(service_id):
        return definitions[service_id].title.get(language) if service_id in definitions else service_id

    services_in_use, wards_in_use = case_work.services_and_wards_in_use()
    return render_template(
        "staff/cases.html",
        results=results,
        filters=filters,
        # Plain values, not objects: the filters and the page's rows are rendered once per
        # combination of these and kept (layout_fragment).
        services=tuple((service_id, title(service_id)) for service_id in services_in_use),
        wards=tuple(wards_in_use),
        shown_only=tuple(name for name in ("overdue", "urgent", "mine") if getattr(filters, name)),
        rows=tuple(
            (
                case.reference,
                case.urgent,
                title(case.service_id),
                case.status.value,
                case.due_date,
                case.due_date < today and case.status.value != "closed",
            )
            for case in results.cases
        ),
        query=tuple((key, value) for key, value in request.args.items() if key not in {"page", "after", "before"}),
    )


def _case_or_404(reference: str):
    case = case_work.find(reference)
    if case is None:
        abort(404)
    return case


def _show_case(case, *, status_form=None, note_form=None, contact_form=None):
    case_work.record_view(case, current_user)
    definition = cases.definition_for(case)
    language = current_language()
    rows = [
        (
            row.label,
            question_types.display(definition.question(row.question_id), row.value, language),
            url_for("staff.case_file", reference=case.reference, question_id=row.question_id)
            if uploads.is_file_answer(row.value)
            else None,
        )
        for row in journey.summary(definition, case.answers, language)
    ]
    contacts = case_contacts.for_case(case)
    street_report = street_reports.for_case(case)
    people = case_work.people_by_id(
        {event.actor_id for event in case.events}
        | {contact.recorded_by_id for contact in contacts}
        | {case.assigned_to_id}
    )
    return render_template(
        "staff/case.html",
        case=case,
        definition=definition,
        language=language,
        rows=rows,
        people=people,
        status_form=status_form or CaseStatusForm(data={"status": case.status.value}),
        note_form=note_form or NoteForm(),
        assign_form=AssignForm(),
        contact_form=contact_form or ContactForm(),
        contacts=contacts,
        contact_labels=CONTACT_CHANNEL_LABELS,
        receipts=paid_forms.receipts_for(case),
        booking=bookings.for_case(case),
        street_report=street_report,
        county_forward=county_forwards.staff_view(street_report),
        retry_form=RetryForm(),
        # The form sent with mistakes, for the error summary and the "Error:" title.
        form=next((sent for sent in (status_form, note_form, contact_form) if sent is not None and sent.errors), None),
    )


@bp.get("/cases/<reference>")
@staff_required
def case_page(reference):
    return _show_case(_case_or_404(reference))


@bp.get("/cases/<reference>/files/<question_id>")
@staff_required
def case_file(reference, question_id):
    """A file sent with the case, always as a download so the browser never runs it as a page."""
    case = _case_or_404(reference)
    answer = case.answers.get(question_id)
    content = uploads.open_file(answer) if uploads.is_file_answer(answer) else None
    if content is None:
        abort(404)
    case_work.record_file_download(case, current_user)
    return send_file(
        content, mimetype=uploads.CONTENT_TYPES[answer["type"]], as_attachment=True, download_name=answer["name"]
    )


@bp.post("/cases/<reference>/status")
@staff_required
def case_status(reference):
    case = _case_or_404(reference)
    form = CaseStatusForm()
    if form.validate_on_submit():
        try:
            case_work.change_status(case, current_user, CaseStatus(form.status.data), form.message.data or None)
        except ServiceError:
            form.status.errors = [_("Choose a different status, or write a message to the person")]
        else:
            flash(_("Status changed to %(status)s", status=case_status_label(form.status.data)), "success")
            return redirect(url_for("staff.case_page", reference=reference))
    return _show_case(case, status_form=form)


@bp.post("/cases/<reference>/notes")
@staff_required
def case_note(reference):
    case = _case_or_404(reference)
    form = NoteForm()
    if form.validate_on_submit():
        case_work.add_note(case, current_user, form.note.data)
        flash(_("Note added"), "success")
        return redirect(url_for("staff.case_page", reference=reference))
    return _show_case(case, note_form=form)


@bp.post("/cases/<reference>/contacts")
@staff_required
def case_contact(reference):
    case = _case_or_404(reference)
    form = ContactForm()
    if form.validate_on_submit():
        contact = case_contacts.record(case, current_user, ContactChannel(form.channel.data))
        flash(
            _("Contact recorded: avoidable, the request was still within its service standard")
            if contact.avoidable
            else _("Contact recorded"),
            "success",
        )
        return redirect(url_for("staff.case_page", reference=reference))
    return _show_case(case, contact_form=form)


@bp.post("/cases/<reference>/assign")
@staff_required
def case_assign(reference):
    case = _case_or_404(reference)
    if AssignForm().validate_on_submit():
        to_me = request.form.get("to") == "me"
        case_work.assign(case, current_user, current_user if to_me else None)
        flash(_("Case assigned to you") if to_me else _("Case unassigned"), "success")
    return redirect(url_for("staff.case_page", reference=reference))


def _phone_services():
    language = current_language()
    return [
        (definition.id, definition.title.get(language))
        for definition in forms_engine.definitions().values()
        if Audience.STAFF in definition.who_can_use
    ]


@bp.route("/phone-request", methods=["GET", "POST"])
@staff_required
def phone_request():
    form = PhoneRequestForm()
    form.service.choices = _phone_services()
    if form.validate_on_submit():
        definition = forms_engine.get(form.service.data)
        found = form_journeys.start(definition, user=None, acting_user=current_user, channel=Channel(form.channel.data))
        session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), definition.id: found.token}
        return redirect(url_for("forms.question_page", form_id=definition.id, page_id=definition.pages[0].id))
    return render_template("staff/phone_request.html", form=form)
