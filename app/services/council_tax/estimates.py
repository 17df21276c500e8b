"""The arithmetic every estimate of a change to a bill shares: a year's charge worked out from the
record's charge periods and discounts, day by day, optionally up to a day (a move out) or with a
different percent off from a day (a discount applied for, or one that ends).

Doorstep works these out only to show the person what a change would do before they send it; the
revenues system's own figures are what they pay. See moving_out.py and discounts.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.services.council_tax.bill import apportion
from app.services.council_tax.statement import YearBill


@dataclass(frozen=True)
class Change:
    """From `starts` on, `percent` comes off the charge instead of whatever the record has."""

    starts: date
    percent: int


def stretches(start: date, end: date, reductions, change: Change | None = None) -> list[tuple[date, date, int]]:
    """(first day, last day, percent off) over a charge period, split where a discount starts or
    ends (the record's discounts do not overlap) and where the change starts."""
    cuts = {start}
    for found in reductions:
        for day in (found.period_start, found.period_end + timedelta(days=1)):
            if start < day <= end:
                cuts.add(day)
    if change is not None and start < change.starts <= end:
        cuts.add(change.starts)
    days = sorted(cuts)
    parts = []
    for index, first in enumerate(days):
        last = days[index + 1] - timedelta(days=1) if index + 1 < len(days) else end
        if change is not None and first >= change.starts:
            percent = change.percent
        else:
            applying = next((r for r in reductions if r.period_start <= first <= r.period_end), None)
            percent = applying.percent if applying else 0
        parts.append((first, last, percent))
    return parts


def charge_pence(bill: YearBill, *, up_to: date | None = None, change: Change | None = None) -> int:
    """The year's charge after discounts, from the record's charge periods (those starting after
    `up_to` left out, the last cut at it), each period apportioned by day."""
    total = 0
    for line in bill.charges:
        if up_to is not None and line.start > up_to:
            continue
        end = min(line.end, up_to) if up_to is not None else line.end
        parts = stretches(line.start, end, bill.reductions, change)
        total += sum(apportion(line.annual_charge_pence, bill.year, parts))
    return total
