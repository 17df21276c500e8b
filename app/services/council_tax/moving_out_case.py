"""The revenues team's case for a move out told online: in the staff inbox with a due date in
working days, its answers shown like any form's, and a confirmation to the person.

A case's answers are displayed through the definition it was made with (a snapshot, see
cases.definition_for), so the move has a small definition of its own here (move_cases.py has what
the moves share).
"""

from __future__ import annotations

from functools import cache

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from app.form_model.schema import Definition
from app.models import Case, User
from app.models.council_tax import CouncilTaxAccount
from app.money import pounds
from app.services import cases
from app.services.council_tax import move_cases
from app.services.council_tax.move_cases import question as _question
from app.services.council_tax.move_cases import text as _text

SERVICE_ID = "council-tax-moving-out"
TEAM = move_cases.TEAM


@cache
def definition() -> Definition:
    return move_cases.make_definition(
        SERVICE_ID,
        title=_text("Council tax: moving out", "Treth gyngor: symud allan"),
        summary=_text("Tell us you are moving out.", "Rhowch wybod i ni eich bod yn symud allan."),
        start=_text("Told online from a linked account.", "Wedi'i roi ar-lein o gyfrif cysylltiedig."),
        page=_text("Moving out", "Symud allan"),
        questions=[
            _question("account_reference", "Council tax account", "Cyfrif treth gyngor"),
            _question("property", "Property", "Eiddo"),
            _question("moving_out_on", "Date they move out", "Dyddiad symud allan"),
            _question("forwarding_address", "Forwarding address", "Cyfeiriad anfon ymlaen"),
            _question("new_occupier", "Who is moving in", "Pwy sy'n symud i mewn", optional=True),
            _question("landlord", "Landlord or letting agent", "Landlord neu asiant gosod", optional=True),
            _question("estimated_final_bill", "Final bill estimate they saw", "Amcangyfrif o'r bil olaf a welsant"),
        ],
        confirmation=_text(
            "Our council tax team will send your final bill to your forwarding address.",
            "Bydd ein tîm treth gyngor yn anfon eich bil olaf i'ch cyfeiriad anfon ymlaen.",
        ),
    )


cases.register_own_definition(SERVICE_ID, definition)


def final_bill_line(found) -> str:
    """The estimated final bill as staff read it, in English."""
    with force_locale("en"):
        return _(
            "%(year)s: %(charge)s for %(days)s days from %(first)s, %(paid)s paid, %(left)s left to pay",
            year=found.year_label,
            charge=pounds(found.charge_pence),
            days=found.days,
            first=format_date(found.liable_from, "d MMMM yyyy"),
            paid=pounds(found.paid_pence),
            left=pounds(found.left_pence),
        )


def _answers(account: CouncilTaxAccount, moving, found) -> dict:
    """What staff read, in English (the staff pages' language for answers typed by the person)."""
    with force_locale("en"):
        moving_out_on = format_date(moving.moving_out_on, "d MMMM yyyy")
    return {
        "account_reference": account.reference,
        "property": account.property.single_line,
        "moving_out_on": moving_out_on,
        "forwarding_address": "\n".join([*moving.address_lines, moving.postcode]),
        "new_occupier": moving.new_occupier or None,
        "landlord": moving.landlord or None,
        "estimated_final_bill": final_bill_line(found),
    }


def open_case(user: User, account: CouncilTaxAccount, moving, found, *, due_in_days: int, language: str) -> Case:
    return move_cases.open_case(
        definition, user, _answers(account, moving, found), due_in_days=due_in_days, language=language
    )


def for_person(user: User, account: CouncilTaxAccount, reference: str) -> Case | None:
    """The person's own move-out case for this account, for its confirmation page."""
    case = move_cases.own_case(user, SERVICE_ID, reference)
    if case is None:
        return None
    return case if case.answers.get("account_reference") == account.reference else None
