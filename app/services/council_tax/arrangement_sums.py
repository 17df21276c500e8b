"""The arithmetic of a payment arrangement: an income and expenditure statement under the Standard
Financial Statement's headings, in integer pence a month, and how long a proposed payment takes to
clear the arrears. Plain values only (no database, no Flask), so it is tested on its own.

The SFS (Money Advice Service, now the Money and Pensions Service) groups spending as fixed costs,
flexible costs and savings contributions, then priority and other debts; the headings below are its
categories. Amounts given weekly or every 2 weeks are turned into a month with 52 weeks in a year
(x 52 / 12 and x 26 / 12), rounded to the nearest penny, halves up.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from app.models.council_tax_arrangements import Frequency


class Section(enum.StrEnum):
    INCOME = "income"
    FIXED_COSTS = "fixed_costs"
    FLEXIBLE_COSTS = "flexible_costs"
    DEBTS = "debts"


# Each section's headings, in the order the SFS lists them. The ids are stable: they are stored
# and exported; the words people read are in app/council_tax/arrangement_forms.py.
HEADINGS: dict[Section, tuple[str, ...]] = {
    Section.INCOME: ("earnings", "benefits", "pensions", "other_income"),
    Section.FIXED_COSTS: (
        "home_and_contents",
        "utilities",
        "care_and_health",
        "transport_and_travel",
        "school_costs",
        "pensions_and_insurances",
        "professional_costs",
        "other_essential_costs",
    ),
    Section.FLEXIBLE_COSTS: (
        "communications_and_leisure",
        "food_and_housekeeping",
        "personal_costs",
        "savings_contributions",
    ),
    Section.DEBTS: ("priority_debts", "other_debts"),
}

MAX_LINE_PENCE = 10_000_000  # £100,000 on one line a week or a month is not a household budget


def monthly_pence(amount_pence: int, frequency: Frequency) -> int:
    """An amount a week, every 2 weeks or a month, as an amount a month."""
    weeks_a_month_x12 = {Frequency.WEEKLY: 52, Frequency.FORTNIGHTLY: 26, Frequency.MONTHLY: 12}[frequency]
    return (amount_pence * weeks_a_month_x12 + 6) // 12


@dataclass(frozen=True)
class Statement:
    """Monthly pence by heading id, for every heading of every section (0 where nothing was given)."""

    monthly: Mapping[str, int]

    def section_pence(self, section: Section) -> int:
        return sum(self.monthly.get(heading, 0) for heading in HEADINGS[section])

    @property
    def income_pence(self) -> int:
        return self.section_pence(Section.INCOME)

    @property
    def spending_pence(self) -> int:
        return self.section_pence(Section.FIXED_COSTS) + self.section_pence(Section.FLEXIBLE_COSTS)

    @property
    def debts_pence(self) -> int:
        return self.section_pence(Section.DEBTS)

    @property
    def left_over_pence(self) -> int:
        """Money left over each month (negative when spending and debts are more than income)."""
        return self.income_pence - self.spending_pence - self.debts_pence


def statement(entries: Mapping[str, tuple[int, Frequency]]) -> Statement:
    """From what the person gave, {heading: (pence, frequency)}, to monthly amounts."""
    known = {heading for headings in HEADINGS.values() for heading in headings}
    return Statement(
        {
            heading: monthly_pence(pence, frequency)
            for heading, (pence, frequency) in entries.items()
            if heading in known
        }
    )


def add_period(first: date, frequency: Frequency, count: int) -> date:
    """The date `count` payments after `first`: weekly and fortnightly by days, monthly on the same
    day of the month (the last day in a shorter month)."""
    if frequency is Frequency.WEEKLY:
        return first + timedelta(weeks=count)
    if frequency is Frequency.FORTNIGHTLY:
        return first + timedelta(weeks=2 * count)
    months = first.month - 1 + count
    year, month = first.year + months // 12, months % 12 + 1
    return date(year, month, min(first.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Clearing:
    payments: int  # how many payments clear the arrears
    last_payment_pence: int  # the last one is smaller when the amount does not divide the arrears
    last_payment_on: date


def clearing(arrears_pence: int, amount_pence: int, frequency: Frequency, first_on: date) -> Clearing:
    """How many payments of `amount_pence` clear `arrears_pence`, and when the last is made."""
    if amount_pence <= 0:
        raise ValueError("a payment must be more than nothing")
    if arrears_pence <= 0:
        raise ValueError("there are no arrears to clear")
    payments = -(-arrears_pence // amount_pence)
    last = arrears_pence - (payments - 1) * amount_pence
    return Clearing(payments, last, add_period(first_on, frequency, payments - 1))


def schedule(arrears_pence: int, amount_pence: int, frequency: Frequency, first_on: date) -> list[tuple[date, int]]:
    """Every payment, (date, pence): they add up to the arrears exactly."""
    found = clearing(arrears_pence, amount_pence, frequency, first_on)
    return [
        (
            add_period(first_on, frequency, number),
            amount_pence if number < found.payments - 1 else found.last_payment_pence,
        )
        for number in range(found.payments)
    ]
