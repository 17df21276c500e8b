"""The pages of every form journey: start, questions, exit pages, check your answers, confirmation."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import CombinedMultiDict

from app import forms_engine
from app.extensions import db
from app.form_model import journey, question_types
from app.form_model.schema import Definition
from app.forms_engine import panels, questions
from app.i18n import current_language
from app.models import Channel, SatisfactionRating
from app.services import bookings, cases, form_journeys, organisations, paid_forms, satisfaction, submit_actions
from app.services.errors import ServiceError

bp = Blueprint("forms", __name__, url_prefix="/services", template_folder="templates")
SESSION_KEY = "form_journeys"
ASSISTED_SESSION_KEY = "assisted_form_journeys"


def _definition(form_id: str) -> Definition:
    definition = forms_engine.get(form_id)
    if definition is None:
        abort(404)
    return definition


def _may_start(definition: Definition) -> bool:
    if current_user.is_authenticated:
        return True
    return definition.allows_guests


def _helping():
    """The volunteer's session helping someone, if this request is made while helping (app/assisted)."""
    return g.get("assisted_session")


def _journeys_key() -> str:
    """Journeys made while helping someone are kept apart from the volunteer's own, and forgotten
    when they stop helping."""
    return ASSISTED_SESSION_KEY if _helping() is not None else SESSION_KEY


def _current_journey(definition: Definition):
    token = session.get(_journeys_key(), {}).get(definition.id)
    found = form_journeys.find(token, definition.id)
    if found is not None and found.user_id not in (None, _user_id()) and found.acting_user_id != _user_id():
        return None  # a journey started by someone else who used this browser
    helping = _helping()
    if found is not None and found.assisted_session_id != (helping.id if helping is not None else None):
        return None  # made while helping someone else, or for the volunteer themselves
    if found is not None and found.case_id is None and found.form_version != definition.version:
        form_journeys.upgrade(found, definition)
    return found


def current_journey(definition: Definition):
    """This browser's journey on the form, if it has one (for a service's own pages that act on it)."""
    return _current_journey(definition)


def forget_journey(definition: Definition) -> None:
    tokens = dict(session.get(SESSION_KEY, {}))
    tokens.pop(definition.id, None)
    session[SESSION_KEY] = tokens


def _user_id():
    return current_user.id if current_user.is_authenticated else None


def _remember(definition: Definition, found) -> None:
    key = _journeys_key()
    tokens = dict(session.get(key, {}))
    tokens[definition.id] = found.token
    session[key] = tokens


def _journey_or_new(definition: Definition):
    found = _current_journey(definition)
    if found is not None and found.case_id is None:
        return found
    helping = _helping()
    if helping is not None:
        found = form_journeys.start(
            definition,
            user=helping.person,
            acting_user=current_user,
            channel=Channel.ASSISTED,
            assisted_session_id=helping.id,
        )
        _remember(definition, found)
        return found
    kiosk = g.get("kiosk")
    if current_user.is_authenticated and kiosk is None:
        draft = form_journeys.find_draft(current_user, definition.id)
        if draft is not None:
            form_journeys.upgrade(draft, definition)
            _remember(definition, draft)
            return draft
    found = form_journeys.start(
        definition,
        user=current_user if current_user.is_authenticated else None,
        acting_user=None,
        channel=Channel.ONLINE,
        kiosk_id=kiosk.id if kiosk is not None else None,
    )
    if current_user.is_authenticated:
        acting_for = organisations.acting_for_in_session(current_user, session)
        found.organisation_id = acting_for.id if acting_for is not None else None
    _remember(definition, found)
    return found


def _may_save_draft() -> bool:
    """Signed in and filling in their own form on their own device: not while a volunteer helps
    someone, nor on a kiosk (nothing is kept there for later)."""
    return current_user.is_authenticated and _helping() is None and g.get("kiosk") is None


def _sign_in_first():
    return current_app.login_manager.unauthorized()


@bp.get("/<form_id>/begin")
def begin(form_id):
    """The start button: continues a journey or draft already under way, otherwise the first page."""
    definition = _definition(form_id)
    if not _may_start(definition):
        return _sign_in_first()
    found = _current_journey(definition)
    if found is None and current_user.is_authenticated and _helping() is None and g.get("kiosk") is None:
        found = form_journeys.find_draft(current_user, definition.id)
        if found is not None:
            form_journeys.upgrade(found, definition)
            _remember(definition, found)
    if found is None or found.case_id is not None:
        return redirect(url_for("forms.question_page", form_id=form_id, page_id=definition.pages[0].id))
    return redirect(_step_url(definition, form_journeys.next_step(definition, found)))


def _step_url(definition: Definition, step: str) -> str:
    if step == journey.CHECK_ANSWERS:
        return url_for("forms.check_answers", form_id=definition.id)
    return url_for("forms.question_page", form_id=definition.id, page_id=step)


@bp.route("/<form_id>/<page_id>", methods=["GET", "POST"])
def question_page(form_id, page_id):
    definition = _definition(form_id)
    if not _may_start(definition):
        return _sign_in_first()
    page = definition.page(page_id)
    if page is None:
        abort(404)
    found = _current_journey(definition)
    answers = found.answers if found is not None and found.case_id is None else {}
    answered = found.answered_pages if found is not None and found.case_id is None else []
    if not journey.may_visit(definition, page_id, answers, answered):
        return redirect(_step_url(definition, journey.next_step(definition, answers, answered)))

    language = current_language()
    form = questions.page_form(
        page.questions,
        language,
        formdata=CombinedMultiDict([request.form, request.files]) if request.method == "POST" else None,
        stored=answers,
        manual_address=request.args.get("address") == "manual",
        form_id=definition.id,
    )
    changing = request.args.get("change") == "1"
    if request.method == "POST" and questions.is_interim(form, page.questions):
        form.validate()  # a postcode with no addresses is an error; otherwise the list is shown
    elif page.exit is None and form.validate_on_submit():
        found = _journey_or_new(definition)
        form_journeys.save_page(found, page.id, questions.answers_from(form, page.questions))
        if request.form.get("action") == "save" and _may_save_draft():
            flash(_("Your answers have been saved. You can come back to them from your account."), "success")
            return redirect(url_for("account.requests"))
        step = form_journeys.next_step(definition, found)
        if changing and step == journey.CHECK_ANSWERS:
            return redirect(url_for("forms.check_answers", form_id=form_id))
        return redirect(_step_url(definition, step))
    return render_template(
        "forms/exit.html" if page.exit is not None else "forms/question.html",
        may_save_draft=_may_save_draft(),
        definition=definition,
        page=page,
        form=form,
        language=language,
        back_url=_back_url(definition, page, answers, changing),
        changing=changing,
    )


def _back_url(definition: Definition, page, answers: dict, changing: bool) -> str:
    if changing:
        return url_for("forms.check_answers", form_id=definition.id)
    shown = journey.shown_pages(definition, answers)
    earlier = [p for p in shown[: [p.id for p in shown].index(page.id)]] if page in shown else []
    if earlier:
        return url_for("forms.question_page", form_id=definition.id, page_id=earlier[-1].id)
    return url_for("pages.service_start", slug=definition.id)


def _unsent_journey(definition: Definition):
    """(the person's journey through the form, None) while it is being filled in; otherwise
    (None, where to send them): to sign in, to the start, or to the confirmation once sent."""
    if not _may_start(definition):
        return None, _sign_in_first()
    found = _current_journey(definition)
    if found is None:
        return None, redirect(url_for("pages.service_start", slug=definition.id))
    if found.case_id is not None:
        return None, redirect(url_for("forms.confirmation", form_id=definition.id))
    return found, None


@bp.route("/<form_id>/check-answers", methods=["GET", "POST"])
def check_answers(form_id):
    definition = _definition(form_id)
    found, elsewhere = _unsent_journey(definition)
    if elsewhere is not None:
        return elsewhere
    step = form_journeys.next_step(definition, found)
    if step != journey.CHECK_ANSWERS:
        return redirect(_step_url(definition, step))
    language = current_language()
    form = questions.page_form([], language, formdata=request.form or None)
    if form.validate_on_submit() and definition.payment is not None:
        quoted = request.form.get("quoted_pence")
        if quoted is not None and paid_forms.price_has_changed(definition, found, quoted, language):
            # Another permit at the address, a new tariff: never charge what the person has not seen.
            flash(
                _("The price has changed since you checked your answers. Check the new price, then continue."),
                "important",
            )
            return redirect(url_for("forms.check_answers", form_id=form_id))
        return payment_routes.pay(definition, found, language)
    if form.validate_on_submit():
        try:
            cases.submit(definition, found, language=language)
        except ServiceError:
            db.session.rollback()  # a submit action refused (an answer no longer holds): no half-made case
            flash(_("This form has changed since you started it. Check your answers again."), "important")
            return redirect(url_for("forms.begin", form_id=form_id))
        return redirect(url_for("forms.confirmation", form_id=form_id))
    rows = [
        (row, question_types.display(definition.question(row.question_id), row.value, language))
        for row in journey.summary(definition, found.answers, language)
    ]
    return render_template(
        "forms/check_answers.html",
        definition=definition,
        form=form,
        rows=rows,
        language=language,
        price=paid_forms.price(definition, found.answers, language, user_id=found.user_id),
        panels=panels.for_journey(definition, found, language),
    )


def _submitted_case(definition: Definition):
    found = _current_journey(definition)
    return cases.get(found.case_id) if found is not None and found.case_id is not None else None


@bp.route("/<form_id>/confirmation", methods=["GET", "POST"])
def confirmation(form_id):
    """The confirmation, and the satisfaction question on it (sent to this same page)."""
    definition = _definition(form_id)
    case = _submitted_case(definition)
    if case is None:
        return redirect(url_for("pages.service_start", slug=form_id))
    # In the page's language, which may not be the one the request was sent in.
    next_steps = submit_actions.next_steps(definition, case) or definition.submit.confirmation.get(current_language())
    feedback = questions.SatisfactionForm()
    if feedback.validate_on_submit():
        satisfaction.record(case, SatisfactionRating(feedback.rating.data), feedback.comment.data)
        flash(_("Thank you for your feedback"), "success")
        return redirect(url_for("forms.confirmation", form_id=form_id))
    return render_template(
        "forms/confirmation.html",
        definition=definition,
        case=case,
        language=current_language(),
        form=feedback if feedback.errors else None,
        feedback=feedback,
        feedback_given=satisfaction.already_answered(case),
        receipts=paid_forms.receipts_for(case),
        booking=bookings.for_case(case),
        next_steps=next_steps,
    )


from app.forms_engine import payment_routes  # noqa: E402  (adds the payment pages to this blueprint)
