"""Due dates in working days: not Saturdays, Sundays or England and Wales bank holidays.

The bank holiday list is the copy bundled with govuk-bank-holidays (no network at run time); it
runs to the end of the last year GOV.UK had published when the package was released.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from govuk_bank_holidays.bank_holidays import BankHolidays


@cache
def _bank_holidays() -> frozenset[date]:
    calendar = BankHolidays(use_cached_holidays=True)
    return frozenset(day["date"] for day in calendar.get_holidays(division=BankHolidays.ENGLAND_AND_WALES))


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays()


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays()


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start`; `start` itself never counts, even on a working day."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def last_known_year() -> int:
    return max(_bank_holidays()).year
