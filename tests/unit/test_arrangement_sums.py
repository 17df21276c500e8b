"""The arithmetic of a payment arrangement: monthly amounts from weekly and fortnightly ones, the
statement's totals, and the payments that clear the arrears (they add up exactly, the last one
takes what is left, and monthly dates keep their day or the month's last)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.council_tax import arrangement_sums as sums
from app.services.council_tax.arrangement_sums import Frequency

WEEKLY, FORTNIGHTLY, MONTHLY = Frequency.WEEKLY, Frequency.FORTNIGHTLY, Frequency.MONTHLY
frequencies = st.sampled_from(list(Frequency))


@pytest.mark.parametrize(
    ("pence", "frequency", "monthly"),
    [
        (10000, WEEKLY, 43333),  # £100 x 52 / 12 = £433.333...
        (30000, WEEKLY, 130000),
        (40000, FORTNIGHTLY, 86667),  # £400 x 26 / 12 = £866.666...
        (3, WEEKLY, 13),  # 13.0
        (1, WEEKLY, 4),  # 4.333 rounds down
        (3, FORTNIGHTLY, 7),  # 6.5 rounds half up
        (12345, MONTHLY, 12345),
        (0, WEEKLY, 0),
    ],
)
def test_amounts_are_counted_a_month(pence, frequency, monthly):
    assert sums.monthly_pence(pence, frequency) == monthly


@given(st.integers(min_value=0, max_value=sums.MAX_LINE_PENCE), frequencies)
def test_a_monthly_amount_is_within_half_a_penny_of_52_weeks_over_12_months(pence, frequency):
    exact = pence * {WEEKLY: 52, FORTNIGHTLY: 26, MONTHLY: 12}[frequency] / 12
    assert abs(sums.monthly_pence(pence, frequency) - exact) <= 0.5


def test_the_statement_adds_up_by_section_and_leaves_the_rest():
    found = sums.statement(
        {
            "earnings": (30000, WEEKLY),
            "benefits": (40000, FORTNIGHTLY),
            "home_and_contents": (90000, MONTHLY),
            "utilities": (2500, WEEKLY),
            "food_and_housekeeping": (8000, WEEKLY),
            "other_debts": (5000, MONTHLY),
            "not_a_heading": (99999, MONTHLY),  # ignored: only the SFS headings count
        }
    )
    assert (found.income_pence, found.spending_pence, found.debts_pence, found.left_over_pence) == (
        216667,
        135500,
        5000,
        76167,
    )


@given(
    st.dictionaries(
        st.sampled_from([heading for headings in sums.HEADINGS.values() for heading in headings]),
        st.tuples(st.integers(min_value=0, max_value=sums.MAX_LINE_PENCE), frequencies),
    )
)
def test_left_over_is_income_less_everything_else(entries):
    found = sums.statement(entries)
    assert found.left_over_pence == sum(
        found.monthly[heading] * (1 if heading in sums.HEADINGS[sums.Section.INCOME] else -1)
        for heading in found.monthly
    )
    assert sum(found.section_pence(section) for section in sums.Section) == sum(found.monthly.values())


@pytest.mark.parametrize(
    ("arrears", "amount", "frequency", "first", "payments", "last", "last_on"),
    [
        (12500, 2500, MONTHLY, date(2026, 12, 1), 5, 2500, date(2027, 4, 1)),
        (12500, 3000, FORTNIGHTLY, date(2026, 12, 1), 5, 500, date(2027, 1, 26)),
        (12500, 4000, MONTHLY, date(2026, 12, 15), 4, 500, date(2027, 3, 15)),
        (12500, 12500, WEEKLY, date(2026, 12, 1), 1, 12500, date(2026, 12, 1)),
        (100, 1, WEEKLY, date(2026, 12, 1), 100, 1, date(2028, 10, 24)),
        (10000, 2000, MONTHLY, date(2027, 1, 31), 5, 2000, date(2027, 5, 31)),  # via 28 February
    ],
)
def test_how_long_an_offer_takes_to_clear_the_arrears(arrears, amount, frequency, first, payments, last, last_on):
    assert sums.clearing(arrears, amount, frequency, first) == sums.Clearing(payments, last, last_on)


def test_monthly_payments_from_the_31st_fall_on_the_last_day_of_shorter_months():
    dates = [day for day, _ in sums.schedule(10000, 2000, MONTHLY, date(2027, 1, 31))]
    assert dates == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30), date(2027, 5, 31)]


@given(
    st.integers(min_value=1, max_value=10_000_000).flatmap(
        # at most 400 payments a schedule, so each example stays quick
        lambda arrears: st.tuples(st.just(arrears), st.integers(min_value=max(1, arrears // 400), max_value=10_000_000))
    ),
    frequencies,
    st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
)
def test_the_payments_add_up_to_the_arrears_and_the_last_takes_the_rest(arrears_and_amount, frequency, first):
    arrears, amount = arrears_and_amount
    payments = sums.schedule(arrears, amount, frequency, first)
    amounts = [pence for _, pence in payments]
    assert sum(amounts) == arrears
    assert all(pence == amount for pence in amounts[:-1])
    assert 0 < amounts[-1] <= amount
    assert len(payments) == sums.clearing(arrears, amount, frequency, first).payments
    days = [day for day, _ in payments]
    assert days[0] == first and days == sorted(set(days))  # one payment a period, in order


@pytest.mark.parametrize(("arrears", "amount"), [(0, 100), (100, 0), (-5, 100), (100, -5)])
def test_nothing_to_clear_or_nothing_paid_is_refused(arrears, amount):
    with pytest.raises(ValueError):
        sums.clearing(arrears, amount, MONTHLY, date(2026, 12, 1))
