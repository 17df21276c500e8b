"""The revenues team's cases for moves told online (moving out, moving in, moving within the area):
each in the staff inbox with a due date in working days, its answers shown like any form's through a
small definition of its own, and a confirmation message to the person.

The definitions are not the web team's forms in app/definitions/: the journeys are the council tax
pages, because they show estimates worked out from the record before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable

from app.form_model.schema import Definition
from app.models import Case, CaseEvent, CaseEventKind, Channel, User
from app.services import case_work, cases, working_days

TEAM = "revenues"


def text(en: str, cy: str) -> dict:
    return {"en": en, "cy": cy}


def question(question_id: str, en: str, cy: str, *, optional: bool = False) -> dict:
    return {
        "id": question_id,
        "type": "long_text",
        "label": text(en, cy),
        "error_name": text(en[:1].lower() + en[1:], cy[:1].lower() + cy[1:]),
        "optional": optional,
    }


def make_definition(
    service_id: str, *, title: dict, summary: dict, start: dict, page: dict, questions: list, confirmation: dict
) -> Definition:
    return Definition.model_validate(
        {
            "id": service_id,
            "version": 1,
            "title": title,
            "summary": summary,
            "start": start,
            "who_can_use": ["residents"],
            "service_standard_days": 10,
            "pages": [{"id": service_id.removeprefix("council-tax-"), "title": page, "questions": questions}],
            "submit": {"team": TEAM, "confirmation": confirmation},
        }
    )


def open_case(
    definition: Callable[[], Definition], user: User, answers: dict, *, due_in_days: int, language: str
) -> Case:
    found = definition()
    cases.snapshot(found)
    case = Case(
        reference="",
        service_id=found.id,
        definition_version=found.version,
        team=TEAM,
        answers=answers,
        channel=Channel.ONLINE,
        language=language,
        user_id=user.id,
        contact_email=user.email,
        contact_phone=user.phone,
        ward=user.address_ward,
        due_date=working_days.add_working_days(cases.london_today(), due_in_days),
    )
    cases.add_with_unique_reference(case)
    case.events.append(CaseEvent(kind=CaseEventKind.SUBMITTED, status=case.status))
    cases.send_confirmation(found, case)
    return case


def own_case(user: User, service_id: str, reference: str) -> Case | None:
    """The person's own case of that service, for its confirmation page (None for anyone else's)."""
    case = case_work.find(reference) if reference.isascii() and len(reference) <= 12 else None
    if case is None or case.service_id != service_id or case.user_id != user.id:
        return None
    return case
