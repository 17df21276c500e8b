"""Cases: what a submitted form becomes, and the record of everything that happens to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.form_model import journey, question_types
from app.form_model.schema import Definition
from app.models import (
    AlternativeFormat,
    Case,
    CaseEvent,
    CaseEventKind,
    FormDefinitionSnapshot,
    FormJourney,
    Kiosk,
    MessageChannel,
    User,
    utcnow,
)
from app.services import accounts, assisted, messages, references, submit_actions, working_days
from app.services.errors import ServiceError

# Cases made outside the form engine with a small definition of their own (a council tax move out):
# the inbox and "Your requests" name them by its title as they name the web team's forms.
_own_definitions: dict[str, Callable[[], Definition]] = {}


def register_own_definition(service_id: str, load: Callable[[], Definition]) -> None:
    _own_definitions[service_id] = load


def with_own_definitions(definitions: dict[str, Definition]) -> dict[str, Definition]:
    return {**{service_id: load() for service_id, load in _own_definitions.items()}, **definitions}


def london_today() -> date:
    from zoneinfo import ZoneInfo

    return utcnow().astimezone(ZoneInfo("Europe/London")).date()


def snapshot(definition: Definition) -> None:
    key = (definition.id, definition.version)
    if db.session.get(FormDefinitionSnapshot, key) is None:
        db.session.add(
            FormDefinitionSnapshot(
                form_id=definition.id, version=definition.version, definition=definition.model_dump(mode="json")
            )
        )


def definition_for(case: Case) -> Definition:
    """The definition as it was when the case was made, so old cases display as they were asked."""
    stored = db.session.get(FormDefinitionSnapshot, (case.service_id, case.definition_version))
    return Definition.model_validate(stored.definition)


def submit(definition: Definition, found: FormJourney, *, language: str, receipt: dict | None = None) -> Case:
    """Turn a finished journey into a case, exactly once. A second submit of the same journey (a
    double click, the back button, a second tab) returns the case the first one made."""
    locked = db.session.scalar(sa.select(FormJourney).where(FormJourney.id == found.id).with_for_update())
    if locked.case_id is not None:
        return db.session.get(Case, locked.case_id)
    if not journey.ready_to_submit(definition, locked.answers, locked.answered_pages):
        raise ServiceError("not-finished")
    if locked.form_version != definition.version:
        raise ServiceError("form-changed")

    answers = journey.submitted_answers(definition, locked.answers)
    snapshot(definition)
    case = Case(
        reference=references.new_reference(),
        service_id=definition.id,
        definition_version=definition.version,
        team=definition.submit.team,
        answers=answers,
        channel=locked.channel,
        language=language,
        user_id=locked.user_id,
        submitted_by_id=locked.acting_user_id,
        organisation_id=locked.organisation_id,
        contact_email=contact_answer(definition, answers, "email"),
        contact_phone=contact_answer(definition, answers, "phone"),
        urgent=journey.is_urgent(definition, answers),
        due_date=working_days.add_working_days(london_today(), definition.service_standard_days),
    )
    case.ward = _ward_of_address_given(definition, answers)
    if locked.user_id is not None:
        person = db.session.get(User, locked.user_id)
        case.ward = case.ward or person.address_ward
        if case.contact_email is None and locked.acting_user_id is None:
            case.contact_email = person.email
        if locked.assisted_session_id is not None:
            # Helped by a volunteer: confirmations go to the person's own details, never to an
            # address typed in for them.
            case.contact_email = person.email or case.contact_email
            case.contact_phone = person.phone or case.contact_phone
    if locked.assisted_session_id is not None:
        case.contact_address = assisted.letter_address(locked.assisted_session_id)
    _insert_with_unique_reference(case)
    case.events.append(CaseEvent(kind=CaseEventKind.SUBMITTED, actor_id=locked.acting_user_id, status=case.status))
    locked.case_id = case.id
    if locked.kiosk_id is not None:
        case.place_id = db.session.get(Kiosk, locked.kiosk_id).place_id  # sent from a kiosk there
    if locked.assisted_session_id is not None:
        assisted.record_submitted(locked.assisted_session_id, case)
    submit_actions.run(definition, case, locked)
    if locked.user_id is not None and locked.acting_user_id is None:
        _save_format_preference(definition, answers, db.session.get(User, locked.user_id))
    _send_confirmation(definition, case, receipt)
    return case


def _save_format_preference(definition: Definition, answers: dict, person: User) -> None:
    saving = definition.submit.save_format_preference
    if saving is None or not journey.all_hold(definition, saving.when, answers):
        return
    chosen = saving.formats.get(answers.get(saving.format_question))
    if chosen is None:
        return  # a format the account cannot hold (coloured paper, say): the request still goes ahead
    point_size = saving.point_sizes.get(answers.get(saving.point_size_question)) if saving.point_size_question else None
    language = None
    if saving.language_question and answers.get(saving.language_question):
        language = question_types.display(
            definition.question(saving.language_question), answers[saving.language_question], "en"
        )
    accounts.update_alternative_format(person, AlternativeFormat(chosen), point_size=point_size, language=language)


def _ward_of_address_given(definition: Definition, answers: dict) -> str | None:
    """The ward of the first answer that is a place (an address, a location), if it has one."""
    for question in definition.questions():
        if answers.get(question.id) is not None:
            ward = question.kind.ward(answers[question.id])
            if ward:
                return ward
    return None


def contact_answer(definition: Definition, answers: dict, contact: str) -> str | None:
    """The first answer given to a question that collects an email address or a phone number."""
    for question in definition.questions():
        if question.kind.contact == contact and answers.get(question.id):
            return answers[question.id]
    return None


def _insert_with_unique_reference(case: Case, attempts: int = 5) -> None:
    for _ in range(attempts):
        try:
            with db.session.begin_nested():
                db.session.add(case)
                db.session.flush()
            return
        except IntegrityError:
            case.reference = references.new_reference()
    raise ServiceError("no-reference")


def add_with_unique_reference(case: Case) -> None:
    """Add a case made outside a form journey (a permit's renewal, say), with a new reference."""
    case.reference = references.new_reference()
    _insert_with_unique_reference(case)


def next_steps(definition: Definition, case: Case) -> str:
    """What happens next, in the case's language: the submit action's words for this case if it has
    any, otherwise the definition's."""
    with force_locale(case.language):
        return submit_actions.next_steps(definition, case) or definition.submit.confirmation.get(case.language)


def send_confirmation(definition: Definition, case: Case) -> None:
    """The "we have your request" message, for a case a service makes outside the forms engine."""
    _send_confirmation(definition, case, None)


def _send_confirmation(definition: Definition, case: Case, receipt: dict | None) -> None:
    context = {
        "receipt": receipt,
        "service_title": definition.title.get(case.language),
        "reference": case.reference,
        "due_date": case.due_date,
        "we_reply": definition.submit.we_reply,
        "next_steps": next_steps(definition, case),
    }
    if case.contact_address:  # the person chose post (app/services/assisted.py)
        channel, recipient = MessageChannel.LETTER, case.contact_address
    elif case.contact_email:
        channel, recipient = MessageChannel.EMAIL, case.contact_email
    elif case.contact_phone:
        channel, recipient = MessageChannel.SMS, case.contact_phone
    else:
        return
    messages.queue(
        channel=channel,
        recipient=recipient,
        template="case_received",
        language=case.language,
        context=context,
        user_id=case.user_id,
        case_id=case.id,
    )


def get(case_id: int) -> Case | None:
    return db.session.get(Case, case_id)


def for_person(user: User) -> list[Case]:
    return list(
        db.session.scalars(
            sa.select(Case)
            .options(selectinload(Case.place))
            .where(Case.user_id == user.id)
            .order_by(Case.created_at.desc())
        )
    )


def public_messages(case_list: list[Case]) -> dict[int, list[CaseEvent]]:
    """The messages staff sent the person about each case, oldest first, in one query."""
    found: dict[int, list[CaseEvent]] = {case.id: [] for case in case_list}
    if not found:
        return found
    events = db.session.scalars(
        sa.select(CaseEvent)
        .where(CaseEvent.case_id.in_(found), CaseEvent.public_message.is_not(None))
        .order_by(CaseEvent.created_at, CaseEvent.id)
    )
    for event in events:
        found[event.case_id].append(event)
    return found
