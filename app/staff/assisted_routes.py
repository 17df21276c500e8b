"""Staff audit of volunteers helping people: every session, who helped whom, with what consent,
and what they did and were refused."""

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l

from app import forms_engine
from app.assisted.forms import GIVEN_LABELS, LASTS_LABELS
from app.i18n import current_language
from app.security import staff_required
from app.services import assisted
from app.staff.routes import bp, page_number

EVENT_LABELS = {
    "assisted.started": _l("Consent recorded, helping started"),
    "assisted.submitted": _l("Request sent"),
    "assisted.refused": _l("Refused: not covered by the consent"),
    "assisted.ended": _l("Stopped helping"),
    "assisted.consent_ran_out": _l("Consent ran out"),
}


@bp.get("/assisted")
@staff_required
def assisted_sessions():
    return render_template(
        "staff/assisted_sessions.html",
        results=assisted.list_sessions(
            page=page_number(), after=request.args.get("after"), before=request.args.get("before")
        ),
        person_name=assisted.person_name,
        event_labels=EVENT_LABELS,
        language=current_language(),
    )


@bp.get("/assisted/<int:session_id>")
@staff_required
def assisted_session(session_id):
    found = assisted.get(session_id)
    if found is None:
        abort(404)
    definitions = forms_engine.definitions()
    return render_template(
        "staff/assisted_session.html",
        found=found,
        person_name=assisted.person_name(found),
        services=[
            definitions[form_id].title.get(current_language()) if form_id in definitions else form_id
            for form_id in found.consent_services
        ],
        given=GIVEN_LABELS[found.consent_given.value],
        lasts=LASTS_LABELS[found.consent_lasts.value],
        events=assisted.events_of(found),
        cases=assisted.cases_of(found),
        event_labels=EVENT_LABELS,
        language=current_language(),
    )
