"""Instalment plans under the Council Tax (Administration and Enforcement) Regulations 1992,
Schedule 1, Part I.

- A bill issued before the year starts, or in April, is paid in 10 monthly instalments; a later
  bill in one fewer than the whole months left in the year after the day it is issued (para 1).
- In England a person may ask for 12 instalments (reg. 21(1A), para 1(1A)): then as many as the
  whole months left allow, up to 12.
- Instalments fall on the same day each month, the first at least 14 days after the bill is issued
  (reg. 19 and para 2), and all within the year.
- If the total does not divide into whole pounds, every instalment but the first is total / n
  rounded to the nearest pound and the first takes the rest (para 2(2)): £1,234.56 over 10 is
  £127.56 then 9 x £123.
- Very small amounts: the council sets the smallest instalment it will ask for; a total that
  would give less is spread over fewer instalments (one, at the least).
- After a change to the bill, the remaining balance is spread over the instalments still to come,
  by the same rule (para 10); if none are left, it is due 14 days after the new bill.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from app.services.council_tax.bill import BillError, FinancialYear, round_half_up

DAYS_BEFORE_FIRST_INSTALMENT = 14


@dataclass(frozen=True)
class Instalment:
    due: date
    amount_pence: int


def split(total_pence: int, count: int) -> list[int]:
    """`total_pence` in `count` instalments: the rest total / count to the nearest pound, the first
    carrying the pence and the rounding. Equal instalments when they divide into whole pounds."""
    if count < 1:
        raise BillError("at least one instalment")
    if count == 1:
        return [total_pence]
    rest = 100 * round_half_up(Fraction(total_pence, 100 * count))
    return [total_pence - rest * (count - 1)] + [rest] * (count - 1)


def whole_months_left(year: FinancialYear, issued: date) -> int:
    """The whole calendar months of the year left after the day the bill is issued (12 before the
    year starts)."""
    if issued < year.start:
        return 12
    return (year.end.year - issued.year) * 12 + (year.end.month - issued.month)


def _monthly(first: date, count: int, day: int) -> list[date]:
    dates = []
    year, month = first.year, first.month
    for _ in range(count):
        dates.append(date(year, month, day))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates


def first_due_date(year: FinancialYear, issued: date, payment_day: int) -> date:
    """The first payment day at least 14 days after the bill is issued, and not before the year."""
    earliest = max(issued + timedelta(days=DAYS_BEFORE_FIRST_INSTALMENT), year.start)
    candidate = date(earliest.year, earliest.month, payment_day)
    if candidate < earliest:
        candidate = _monthly(candidate, 2, payment_day)[1]
    return candidate


def _months_from(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + (last.month - first.month) + 1


def how_many(
    total_pence: int,
    year: FinancialYear,
    issued: date,
    *,
    payment_day: int,
    twelve: bool = False,
    minimum_instalment_pence: int = 100,
) -> int:
    """How many instalments the bill is paid in."""
    if twelve:
        count = min(12, whole_months_left(year, issued))
    elif issued < date(year.start_year, 5, 1):
        count = 10
    else:
        count = min(10, whole_months_left(year, issued) - 1)
    first = first_due_date(year, issued, payment_day)
    # Every instalment falls within the year (the last by March).
    count = min(count, _months_from(first, year.end) if first <= year.end else 0)
    count = max(count, 1)
    while count > 1 and (
        Fraction(total_pence, count) < minimum_instalment_pence or min(split(total_pence, count)) <= 0
    ):
        count -= 1
    return count


def plan(
    total_pence: int,
    year: FinancialYear,
    issued: date,
    *,
    payment_day: int,
    twelve: bool = False,
    minimum_instalment_pence: int = 100,
) -> list[Instalment]:
    """The instalments for a bill of `total_pence` issued on `issued`. A bill issued too late for
    any payment day in the year is due in one amount 14 days after it is issued."""
    if not 1 <= payment_day <= 28:
        raise BillError("the payment day must be between the 1st and the 28th")
    if total_pence <= 0:
        return []
    first = first_due_date(year, issued, payment_day)
    if first > year.end:
        return [Instalment(issued + timedelta(days=DAYS_BEFORE_FIRST_INSTALMENT), total_pence)]
    count = how_many(
        total_pence,
        year,
        issued,
        payment_day=payment_day,
        twelve=twelve,
        minimum_instalment_pence=minimum_instalment_pence,
    )
    dates = _monthly(first, count, payment_day)
    return [Instalment(due, amount) for due, amount in zip(dates, split(total_pence, count), strict=True)]


def respread(
    new_total_pence: int,
    instalments: Sequence[Instalment],
    issued: date,
    *,
    minimum_instalment_pence: int = 100,
) -> list[Instalment]:
    """After a change, the plan on the new bill issued on `issued`: instalments due before the new
    first instalment date stay as they were; the rest of the new total is spread over the
    instalments still to come (same dates), the first of them carrying the pence. With none to
    come, the rest is due 14 days after the new bill. A new total below what has fallen due leaves
    a credit: no instalments to come (negative amounts are never asked for)."""
    cutoff = issued + timedelta(days=DAYS_BEFORE_FIRST_INSTALMENT)
    kept = [found for found in instalments if found.due < cutoff]
    to_come = [found.due for found in instalments if found.due >= cutoff]
    remaining = new_total_pence - sum(found.amount_pence for found in kept)
    if remaining <= 0:
        return kept
    if not to_come:
        return [*kept, Instalment(cutoff, remaining)]
    count = len(to_come)
    while count > 1 and (Fraction(remaining, count) < minimum_instalment_pence or min(split(remaining, count)) <= 0):
        count -= 1
    amounts = split(remaining, count)
    return kept + [Instalment(due, amount) for due, amount in zip(to_come[:count], amounts, strict=True)]
