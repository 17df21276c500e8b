"""The revenues team's case for a move out told online: in the staff inbox with a due date in
working days, its answers shown like any form's, and a confirmation to the person.

A case's answers are displayed through the definition it was made with (a snapshot, see
cases.definition_for), so the move has a small definition of its own here. It is not one of the
web team's forms in app/definitions/: the journey is the council tax pages, because the person
must first have linked the account and see the estimated final bill.
"""

from __future__ import annotations

from functools import cache

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from app.form_model.schema import Definition
from app.models import Case, CaseEvent, CaseEventKind, Channel, MessageChannel, User
from app.models.council_tax import CouncilTaxAccount
from app.money import pounds
from app.services import case_work, cases, messages, working_days

SERVICE_ID = "council-tax-moving-out"
TEAM = "revenues"


def _text(en: str, cy: str) -> dict:
    return {"en": en, "cy": cy}


def _question(question_id: str, en: str, cy: str, *, optional: bool = False) -> dict:
    return {
        "id": question_id,
        "type": "long_text",
        "label": _text(en, cy),
        "error_name": _text(en[:1].lower() + en[1:], cy[:1].lower() + cy[1:]),
        "optional": optional,
    }


@cache
def definition() -> Definition:
    return Definition.model_validate(
        {
            "id": SERVICE_ID,
            "version": 1,
            "title": _text("Council tax: moving out", "Treth gyngor: symud allan"),
            "summary": _text("Tell us you are moving out.", "Rhowch wybod i ni eich bod yn symud allan."),
            "start": _text("Told online from a linked account.", "Wedi'i roi ar-lein o gyfrif cysylltiedig."),
            "who_can_use": ["residents"],
            "service_standard_days": 10,
            "pages": [
                {
                    "id": "moving-out",
                    "title": _text("Moving out", "Symud allan"),
                    "questions": [
                        _question("account_reference", "Council tax account", "Cyfrif treth gyngor"),
                        _question("property", "Property", "Eiddo"),
                        _question("moving_out_on", "Date they move out", "Dyddiad symud allan"),
                        _question("forwarding_address", "Forwarding address", "Cyfeiriad anfon ymlaen"),
                        _question("new_occupier", "Who is moving in", "Pwy sy'n symud i mewn", optional=True),
                        _question("landlord", "Landlord or letting agent", "Landlord neu asiant gosod", optional=True),
                        _question(
                            "estimated_final_bill", "Final bill estimate they saw", "Amcangyfrif o'r bil olaf a welsant"
                        ),
                    ],
                }
            ],
            "submit": {
                "team": TEAM,
                "confirmation": _text(
                    "Our council tax team will send your final bill to your forwarding address.",
                    "Bydd ein tîm treth gyngor yn anfon eich bil olaf i'ch cyfeiriad anfon ymlaen.",
                ),
            },
        }
    )


cases.register_own_definition(SERVICE_ID, definition)


def _answers(account: CouncilTaxAccount, moving, found) -> dict:
    """What staff read, in English (the staff pages' language for answers typed by the person)."""
    with force_locale("en"):
        estimate = _(
            "%(year)s: %(charge)s for %(days)s days from %(first)s, %(paid)s paid, %(left)s left to pay",
            year=found.year_label,
            charge=pounds(found.charge_pence),
            days=found.days,
            first=format_date(found.liable_from, "d MMMM yyyy"),
            paid=pounds(found.paid_pence),
            left=pounds(found.left_pence),
        )
        moving_out_on = format_date(moving.moving_out_on, "d MMMM yyyy")
    return {
        "account_reference": account.reference,
        "property": account.property.single_line,
        "moving_out_on": moving_out_on,
        "forwarding_address": "\n".join([*moving.address_lines, moving.postcode]),
        "new_occupier": moving.new_occupier or None,
        "landlord": moving.landlord or None,
        "estimated_final_bill": estimate,
    }


def open_case(user: User, account: CouncilTaxAccount, moving, found, *, due_in_days: int, language: str) -> Case:
    cases.snapshot(definition())
    case = Case(
        reference="",
        service_id=SERVICE_ID,
        definition_version=definition().version,
        team=TEAM,
        answers=_answers(account, moving, found),
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
    _confirm(case)
    return case


def _confirm(case: Case) -> None:
    if case.contact_email:
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
        context={
            "receipt": None,
            "service_title": definition().title.get(case.language),
            "reference": case.reference,
            "due_date": case.due_date,
            "next_steps": definition().submit.confirmation.get(case.language),
        },
        user_id=case.user_id,
        case_id=case.id,
    )


def for_person(user: User, account: CouncilTaxAccount, reference: str) -> Case | None:
    """The person's own move-out case for this account, for its confirmation page."""
    case = case_work.find(reference) if reference.isascii() and len(reference) <= 12 else None
    if case is None or case.service_id != SERVICE_ID or case.user_id != user.id:
        return None
    return case if case.answers.get("account_reference") == account.reference else None
