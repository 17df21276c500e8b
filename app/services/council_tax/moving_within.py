"""Telling the council you are moving from one property in the borough to another, from a linked
account: the new address, the date, who is moving with you, and the landlord or letting agent.

Before sending, the person sees two estimates: the final bill at the old address up to the day
before the move (worked out as for moving out, moving_out.estimate) and the bill at the new address
from the day of the move to the end of the year (moves.estimate_from). Liability is by day and the
state of affairs at the end of the day counts (LGFA 1992 s.2), so the day of the move is charged at
the new address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from app.extensions import db
from app.form_model.schema import Definition
from app.models import Case, User
from app.models.council_tax import CouncilTaxAccount
from app.models.council_tax_requests import CouncilTaxRequest, RequestKind
from app.services import cases
from app.services.council_tax import move_cases, moves, moving_in, moving_out, moving_out_case
from app.services.council_tax.adapter import RevenuesAdapter
from app.services.council_tax.move_cases import question, text
from app.services.council_tax.moves import NewAddress
from app.services.council_tax.settings import CouncilTaxSettings
from app.services.errors import ServiceError

SERVICE_ID = "council-tax-moving-within"


@dataclass(frozen=True)
class MovingWithin:
    address: NewAddress
    moving_on: date  # the first day at the new address
    moving_with: str  # the names of who is moving too, if anyone
    landlord: str  # at the new address, if they rent


@dataclass(frozen=True)
class Estimates:
    final_bill: moving_out.FinalBillEstimate  # the old address, up to the day before the move
    band: str | None  # at the new address, when the valuation list has it
    new_bill: tuple[moves.YearEstimate, ...]


def earliest_and_latest(account: CouncilTaxAccount, today: date) -> tuple[date, date]:
    """A day after the account's first day liable (the old address is charged to the day before)."""
    earliest, latest = moves.earliest_and_latest(today)
    return max(earliest, account.liable_from + timedelta(days=1)), latest


def check_date(account: CouncilTaxAccount, moving_on: date, today: date) -> None:
    earliest, latest = earliest_and_latest(account, today)
    moves.check_date(
        moving_on,
        earliest,
        latest,
        field="moving_on",
        too_early=lambda limit: _("The date you move must be the same as or after %(date)s", date=limit),
        too_late=lambda limit: _("The date you move must be the same as or before %(date)s", date=limit),
    )


def check_new_address(account: CouncilTaxAccount, address: NewAddress) -> None:
    """Moving to the same property is not a move."""
    if address.uprn is not None and address.uprn == account.property.uprn:
        raise ServiceError(_("Select the address you are moving to, not the one you are leaving"), field="address")


def estimate(
    revenues: RevenuesAdapter,
    settings: CouncilTaxSettings | None,
    account: CouncilTaxAccount,
    moving: MovingWithin,
    today: date,
) -> Estimates:
    """Raises ServiceError (for the date) when the record has no bill for the year of the move."""
    final_bill = moving_out.estimate(revenues, account, moving.moving_on - timedelta(days=1), today)
    band = moves.band_at(moving.address)
    return Estimates(
        final_bill, band, moves.estimate_from(settings, band, moving.moving_on, today, single_person=False)
    )


def tell(
    user: User,
    account: CouncilTaxAccount,
    moving: MovingWithin,
    found: Estimates,
    *,
    settings: CouncilTaxSettings | None,
    language: str,
) -> CouncilTaxRequest:
    case = move_cases.open_case(
        definition,
        user,
        _answers(account, moving, found),
        due_in_days=moving_out.working_days(settings),
        language=language,
    )
    final = found.final_bill
    request = CouncilTaxRequest(
        kind=RequestKind.MOVING_WITHIN,
        account_reference=account.reference,
        user_id=user.id,
        details={
            "moving_on": moving.moving_on.isoformat(),
            "old_address_last_day": final.moving_out_on.isoformat(),
            "new_address": moving.address.as_dict(),
            "moving_with": moving.moving_with or None,
            "landlord": moving.landlord or None,
            "case_reference": case.reference,
            "estimated_final_bill": {
                "year": final.year_label,
                "liable_from": final.liable_from.isoformat(),
                "days": final.days,
                "charge_pence": final.charge_pence,
                "paid_pence": final.paid_pence,
                "left_pence": final.left_pence,
            },
            "band": found.band,
            "estimated_new_bill": [year.as_dict() for year in found.new_bill],
        },
    )
    db.session.add(request)
    db.session.flush()
    return request


@cache
def definition() -> Definition:
    return move_cases.make_definition(
        SERVICE_ID,
        title=text("Council tax: moving within the area", "Treth gyngor: symud o fewn yr ardal"),
        summary=text(
            "Tell us you are moving to another address in the area.",
            "Rhowch wybod i ni eich bod yn symud i gyfeiriad arall yn yr ardal.",
        ),
        start=text("Told online from a linked account.", "Wedi'i roi ar-lein o gyfrif cysylltiedig."),
        page=text("Moving within the area", "Symud o fewn yr ardal"),
        questions=[
            question("account_reference", "Council tax account", "Cyfrif treth gyngor"),
            question("property", "Moving from", "Symud o"),
            question("new_address", "Moving to", "Symud i"),
            question("moving_on", "Date they move", "Dyddiad symud"),
            question("moving_with", "Who is moving with them", "Pwy sy'n symud gyda nhw", optional=True),
            question("landlord", "Landlord or letting agent", "Landlord neu asiant gosod", optional=True),
            question("estimated_final_bill", "Final bill estimate they saw", "Amcangyfrif o'r bil olaf a welsant"),
            question(
                "estimated_new_bill",
                "New bill estimate they saw",
                "Amcangyfrif o'r bil newydd a welsant",
                optional=True,
            ),
        ],
        confirmation=text(
            "Our council tax team will send your final bill for your old address and a bill for your new one.",
            "Bydd ein tîm treth gyngor yn anfon eich bil olaf ar gyfer eich hen gyfeiriad "
            "a bil ar gyfer eich un newydd.",
        ),
    )


cases.register_own_definition(SERVICE_ID, definition)


def _answers(account: CouncilTaxAccount, moving: MovingWithin, found: Estimates) -> dict:
    with force_locale("en"):
        moving_on = format_date(moving.moving_on, "d MMMM yyyy")
    return {
        "account_reference": account.reference,
        "property": account.property.single_line,
        "new_address": moving.address.single_line,
        "moving_on": moving_on,
        "moving_with": moving.moving_with or None,
        "landlord": moving.landlord or None,
        "estimated_final_bill": moving_out_case.final_bill_line(found.final_bill),
        "estimated_new_bill": moving_in.estimate_lines(found.band, found.new_bill),
    }


def for_person(user: User, account: CouncilTaxAccount, reference: str) -> Case | None:
    case = move_cases.own_case(user, SERVICE_ID, reference)
    if case is None:
        return None
    return case if case.answers.get("account_reference") == account.reference else None
