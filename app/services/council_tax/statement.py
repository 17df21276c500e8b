"""What a linked account's pages show, gathered from the revenues record through the adapter.

Every amount here is the revenues system's own figure, from the imported record. The few things
worked out here (days in a period, how much of an instalment is still to pay, whether it is late)
are plain counting over those figures; anything Doorstep estimates (a new plan) lives elsewhere and
is labelled as an estimate on the page.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from app.models.council_tax import (
    CouncilTaxAccount,
    CouncilTaxCharge,
    CouncilTaxInstalment,
    CouncilTaxRecoveryEvent,
    CouncilTaxReduction,
    CouncilTaxTransaction,
    RecoveryStage,
)
from app.services.council_tax.adapter import RevenuesAdapter
from app.services.council_tax.bill import FinancialYear

PAYMENTS_SHOWN = 24  # the newest payments on the account page


class InstalmentState(enum.StrEnum):
    PAID = "paid"
    PART_PAID = "part_paid"  # due and partly paid
    OVERDUE = "overdue"  # due date passed, nothing paid
    DUE = "due"  # not due yet


@dataclass(frozen=True)
class InstalmentLine:
    number: int
    due_date: date
    amount_pence: int
    paid_pence: int
    state: InstalmentState

    @property
    def left_pence(self) -> int:
        return max(self.amount_pence - self.paid_pence, 0)


@dataclass(frozen=True)
class ChargeLine:
    start: date
    end: date
    band: str
    annual_charge_pence: int
    amount_pence: int
    days: int
    whole_year: bool


@dataclass(frozen=True)
class YearBill:
    year: FinancialYear
    charges: list[ChargeLine]
    reductions: list[CouncilTaxReduction]
    instalments: list[InstalmentLine]

    @property
    def before_reductions_pence(self) -> int:
        return sum(line.amount_pence for line in self.charges)

    @property
    def reductions_pence(self) -> int:
        return sum(found.amount_pence for found in self.reductions)

    @property
    def total_pence(self) -> int:
        return self.before_reductions_pence - self.reductions_pence

    @property
    def liable_days(self) -> int:
        return sum(line.days for line in self.charges)

    @property
    def part_year(self) -> bool:
        return bool(self.charges) and self.liable_days < self.year.days

    @property
    def instalments_pence(self) -> int:
        return sum(line.amount_pence for line in self.instalments)

    @property
    def paid_pence(self) -> int:
        return sum(line.paid_pence for line in self.instalments)

    @property
    def overdue_pence(self) -> int:
        return sum(line.left_pence for line in self.instalments if line.state is not InstalmentState.DUE)

    @property
    def next_due(self) -> InstalmentLine | None:
        return next((line for line in self.instalments if line.state is InstalmentState.DUE), None)


@dataclass(frozen=True)
class AccountSummary:
    account: CouncilTaxAccount
    as_at: datetime | None
    years: list[int]
    this_year: YearBill | None
    payments: list[CouncilTaxTransaction]
    recovery: CouncilTaxRecoveryEvent | None  # the latest step, if the account is in recovery now

    @property
    def overdue_pence(self) -> int:
        """Late instalments of every year on the page, capped at the balance (the revenues system's
        balance is the final word)."""
        late = self.this_year.overdue_pence if self.this_year else 0
        if self.recovery is not None:
            late = max(late, self.recovery.amount_pence + self.recovery.costs_pence)
        return max(min(late, self.account.balance_pence), 0)


def _instalment_line(found: CouncilTaxInstalment, today: date) -> InstalmentLine:
    if found.paid_pence >= found.amount_pence:
        state = InstalmentState.PAID
    elif found.due_date >= today:
        state = InstalmentState.DUE
    elif found.paid_pence > 0:
        state = InstalmentState.PART_PAID
    else:
        state = InstalmentState.OVERDUE
    return InstalmentLine(found.number, found.due_date, found.amount_pence, found.paid_pence, state)


def _charge_line(found: CouncilTaxCharge, year: FinancialYear) -> ChargeLine:
    days = (found.period_end - found.period_start).days + 1
    return ChargeLine(
        found.period_start,
        found.period_end,
        found.band,
        found.annual_charge_pence,
        found.amount_pence,
        days,
        days == year.days,
    )


def year_bill(revenues: RevenuesAdapter, account: CouncilTaxAccount, start_year: int, today: date) -> YearBill:
    year = FinancialYear(start_year)
    return YearBill(
        year,
        [_charge_line(found, year) for found in revenues.charges(account, start_year)],
        revenues.reductions(account, start_year),
        [_instalment_line(found, today) for found in revenues.instalments(account, start_year)],
    )


# Recovery steps after which the person can no longer simply pay the instalments: the whole year's
# balance has fallen due.
WHOLE_BALANCE_DUE = {stage for stage in RecoveryStage if stage is not RecoveryStage.REMINDER}


def current_recovery(
    revenues: RevenuesAdapter, account: CouncilTaxAccount, balance_pence: int
) -> CouncilTaxRecoveryEvent | None:
    """The latest recovery step, while something is still owed (a paid-off account is not in
    recovery, whatever its history)."""
    if balance_pence <= 0:
        return None
    steps = revenues.recovery(account)
    return steps[0] if steps else None


def summary(revenues: RevenuesAdapter, account: CouncilTaxAccount, today: date) -> AccountSummary:
    years = revenues.years(account)
    this_year = year_bill(revenues, account, years[0], today) if years else None
    return AccountSummary(
        account=account,
        as_at=revenues.as_at(),
        years=years,
        this_year=this_year,
        payments=revenues.transactions(account, limit=PAYMENTS_SHOWN),
        recovery=current_recovery(revenues, account, account.balance_pence),
    )
