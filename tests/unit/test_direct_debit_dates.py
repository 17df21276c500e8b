"""The earliest first Direct Debit payment: the first chosen payment day at least the lead time in
working days ahead (weekends and bank holidays not counted), into the next month or year if need be."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services import working_days
from app.services.council_tax.direct_debits import first_payment_on


@pytest.mark.parametrize(
    "today, payment_day, expected",
    [
        # Monday 2 November 2026 + 14 working days is Friday 20 November.
        (date(2026, 11, 2), 23, date(2026, 11, 23)),
        (date(2026, 11, 2), 20, date(2026, 11, 20)),
        (date(2026, 11, 2), 15, date(2026, 12, 15)),
        (date(2026, 11, 2), 1, date(2026, 12, 1)),
        # Tuesday 1 December 2026 + 14 working days: 2-4 (3), 7-11 (8), 14-18 (13), 21 (14) is Monday 21 December.
        (date(2026, 12, 1), 15, date(2027, 1, 15)),
        (date(2026, 12, 1), 23, date(2026, 12, 23)),
    ],
)
def test_examples_worked_by_hand(today, payment_day, expected):
    assert first_payment_on(today, payment_day, 14) == expected


@given(
    today=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    payment_day=st.integers(min_value=1, max_value=28),
    lead=st.integers(min_value=10, max_value=60),
)
def test_the_first_payment_day_on_or_after_the_lead_time(today, payment_day, lead):
    earliest = working_days.add_working_days(today, lead)
    first = first_payment_on(today, payment_day, lead)
    assert first.day == payment_day and first >= earliest
    assert not any((earliest + timedelta(days=n)).day == payment_day for n in range((first - earliest).days))
