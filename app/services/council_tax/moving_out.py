"""Telling the council you are moving out: the date, where to send the final bill, and who (if
anyone) is moving in or owns the property.

Before the person sends it, they see the final bill Doorstep estimates for the year they leave in:
the record's charges for that year cut at the moving-out day (liability is by day, LGFA 1992 s.2,
so the moving-out day itself is charged), with the record's discounts, worked out with the bill
arithmetic (app/services/council_tax/bill.py), less what is already paid towards that year. The
revenues system works out and sends the real final bill; the request goes back to it in the export,
and a case in the revenues team's queue has the due date staff work to (moving_out_case.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.extensions import db
from app.models import User
from app.models.council_tax import CouncilTaxAccount
from app.models.council_tax_requests import CouncilTaxRequest, RequestKind
from app.services.council_tax import estimates, moves, moving_out_case
from app.services.council_tax.adapter import RevenuesAdapter
from app.services.council_tax.bill import FinancialYear
from app.services.council_tax.settings import CouncilTaxSettings
from app.services.council_tax.statement import year_bill
from app.services.errors import ServiceError

WORKING_DAYS = 10  # without council tax settings


@dataclass(frozen=True)
class MovingOut:
    """What the person tells us, as plain values."""

    moving_out_on: date
    address_lines: tuple[str, ...]  # the forwarding address, without the postcode
    postcode: str
    new_occupier: str = ""  # who is moving in, if they know
    landlord: str = ""  # the landlord or letting agent, if they rent


@dataclass(frozen=True)
class FinalBillEstimate:
    year_label: str
    liable_from: date  # the first day of that year they are liable for
    moving_out_on: date
    days: int  # liable days in the year, the moving-out day included
    days_in_year: int
    charge_pence: int  # the year's charge up to and including the moving-out day, after discounts
    paid_pence: int  # paid towards that year's instalments, as the record has it

    @property
    def left_pence(self) -> int:
        """Still to pay (negative: a credit)."""
        return self.charge_pence - self.paid_pence


def earliest_and_latest(today: date) -> tuple[date, date]:
    """The same limits as every move, and for the same reasons (moves.py)."""
    return moves.earliest_and_latest(today)


def check_date(account: CouncilTaxAccount, moving_out_on: date, today: date) -> None:
    """Raises ServiceError (for the date field) for a day that cannot be told online."""
    earliest, latest = earliest_and_latest(today)
    moves.check_date(
        moving_out_on,
        max(earliest, account.liable_from),
        latest,
        field="moving_out_on",
        too_early=lambda limit: _("The date you move out must be the same as or after %(date)s", date=limit),
        too_late=lambda limit: _("The date you move out must be the same as or before %(date)s", date=limit),
    )


def estimate(revenues: RevenuesAdapter, account: CouncilTaxAccount, moving_out_on: date, today: date):
    """The final bill for the year of the move, estimated from the record. Raises ServiceError when
    the record has no bill for that year (the team works it out)."""
    year = FinancialYear.of(moving_out_on)
    bill = year_bill(revenues, account, year.start_year, today)
    charges = [line for line in bill.charges if line.start <= moving_out_on]
    if not charges:
        raise ServiceError(
            _(
                "We do not have a bill for %(year)s for this account yet. Call us to tell us you are moving out.",
                year=year.label,
            ),
            field="moving_out_on",
        )
    charge = estimates.charge_pence(bill, up_to=moving_out_on)
    return FinalBillEstimate(
        year_label=year.label,
        liable_from=charges[0].start,
        moving_out_on=moving_out_on,
        days=sum((min(line.end, moving_out_on) - line.start).days + 1 for line in charges),
        days_in_year=year.days,
        charge_pence=charge,
        paid_pence=bill.paid_pence,
    )


def working_days(settings: CouncilTaxSettings | None) -> int:
    return settings.moving_out_working_days if settings is not None else WORKING_DAYS


def tell(
    user: User,
    account: CouncilTaxAccount,
    moving: MovingOut,
    found: FinalBillEstimate,
    *,
    settings: CouncilTaxSettings | None,
    language: str,
) -> CouncilTaxRequest:
    """Hands the move to the revenues system (the export) and to the revenues team (a case with a
    due date), and tells the person their reference."""
    case = moving_out_case.open_case(
        user, account, moving, found, due_in_days=working_days(settings), language=language
    )
    request = CouncilTaxRequest(
        kind=RequestKind.MOVING_OUT,
        account_reference=account.reference,
        user_id=user.id,
        details={
            "moving_out_on": moving.moving_out_on.isoformat(),
            "forwarding_address": {"lines": list(moving.address_lines), "postcode": moving.postcode},
            "new_occupier": moving.new_occupier or None,
            "landlord": moving.landlord or None,
            "case_reference": case.reference,
            "estimated_final_bill": {
                "year": found.year_label,
                "liable_from": found.liable_from.isoformat(),
                "days": found.days,
                "charge_pence": found.charge_pence,
                "paid_pence": found.paid_pence,
                "left_pence": found.left_pence,
            },
        },
    )
    db.session.add(request)
    db.session.flush()
    return request
