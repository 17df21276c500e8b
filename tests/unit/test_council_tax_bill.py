"""The council tax bill arithmetic: bands, days, discounts and Schedule 1 instalments, over a table
of real cases worked by hand, and properties that must hold for any bill (hypothesis)."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.form_model import service_settings
from app.services.council_tax import instalments
from app.services.council_tax.bill import (
    BillError,
    FinancialYear,
    Reduction,
    ReductionKind,
    apportion,
    band_charge_pence,
    work_out,
)
from app.services.council_tax.instalments import Instalment

SETTINGS = Path(__file__).resolve().parents[2] / "app" / "service_settings"


# England's average band D: £2,065 in 2023-24, £2,171 in 2024-25 (MHCLG, "Council Tax levels set
# by local authorities in England"). Other bands are ninths of it (LGFA 1992 s.5).
@pytest.mark.parametrize(
    ("band_d", "band", "nation", "expected"),
    [
        (217100, "A", "england", 144733),  # 6/9 of £2,171.00 is £1,447.333...
        (217100, "B", "england", 168856),  # 7/9: £1,688.555... rounds up
        (217100, "C", "england", 192978),
        (217100, "D", "england", 217100),
        (217100, "E", "england", 265344),  # 11/9
        (217100, "F", "england", 313589),  # 13/9: £3,135.888...
        (217100, "G", "england", 361833),  # 15/9
        (217100, "H", "england", 434200),  # 18/9: twice band D
        (150000, "I", "wales", 350000),  # Wales' band I is 21/9
        (150000, "H", "wales", 300000),
    ],
)
def test_each_band_is_its_ninths_of_band_d(band_d, band, nation, expected):
    assert band_charge_pence(band_d, band, nation) == expected


def test_england_has_no_band_i():
    with pytest.raises(BillError, match="no band 'I'"):
        band_charge_pence(217100, "I", "england")


@pytest.mark.parametrize(("start_year", "days"), [(2023, 366), (2024, 365), (2026, 365), (2027, 366), (2099, 365)])
def test_a_financial_year_has_366_days_when_it_holds_29_february(start_year, days):
    assert FinancialYear(start_year).days == days


def test_moving_in_half_way_through_a_leap_year_is_exactly_half_the_charge():
    # 1 October 2023 to 31 March 2024 is 183 of 2023-24's 366 days: half of £2,065.00.
    bill = work_out(
        band_d_pence=206500, band="D", nation="england", year=FinancialYear(2023), liable_from=date(2023, 10, 1)
    )
    assert (bill.liable_days, bill.total_pence) == (183, 103250)


def test_moving_in_on_the_same_day_of_an_ordinary_year():
    # 1 October 2024 to 31 March 2025 is 182 of 365 days: £2,171 x 182 / 365 = £1,082.526...
    bill = work_out(
        band_d_pence=217100, band="D", nation="england", year=FinancialYear(2024), liable_from=date(2024, 10, 1)
    )
    assert (bill.liable_days, bill.total_pence) == (182, 108253)


@pytest.mark.parametrize(
    ("kind", "percent", "expected"),
    [
        (ReductionKind.SINGLE_PERSON, 25, 162825),  # £2,171.00 less 25%
        (ReductionKind.ALL_DISREGARDED, 50, 108550),
        (ReductionKind.EXEMPTION, 100, 0),
    ],
)
def test_a_discount_or_exemption_for_the_whole_year(kind, percent, expected):
    year = FinancialYear(2024)
    reduction = Reduction(kind, year.start, year.end, percent, "N" if kind == ReductionKind.EXEMPTION else None)
    bill = work_out(band_d_pence=217100, band="D", nation="england", year=year, reductions=[reduction])
    assert bill.total_pence == expected
    assert [period.percent_off for period in bill.periods] == [percent]


def test_moving_out_with_a_discount_from_part_way_through():
    # Band C at £2,394 band D is £2,128.00. Liable 1 April to 14 August 2026 (moved out), single
    # person discount from 1 June: 61 days in full (£355.64) and 75 days at 75% (£327.94).
    year = FinancialYear(2026)
    discount = Reduction(ReductionKind.SINGLE_PERSON, date(2026, 6, 1), year.end, 25)
    bill = work_out(
        band_d_pence=239400, band="C", nation="england", year=year, liable_to=date(2026, 8, 14), reductions=[discount]
    )
    assert bill.annual_charge_pence == 212800
    assert [(p.start, p.end, p.days, p.percent_off, p.amount_pence) for p in bill.periods] == [
        (date(2026, 4, 1), date(2026, 5, 31), 61, 0, 35564),
        (date(2026, 6, 1), date(2026, 8, 14), 75, 25, 32794),
    ]
    assert bill.total_pence == 68358
    assert bill.before_reductions_pence == 79290  # 136 days at the full charge


def test_overlapping_discounts_are_refused():
    year = FinancialYear(2026)
    both = [
        Reduction(ReductionKind.SINGLE_PERSON, year.start, date(2026, 9, 30), 25),
        Reduction(ReductionKind.ALL_DISREGARDED, date(2026, 9, 1), year.end, 50),
    ]
    with pytest.raises(BillError, match="same day"):
        work_out(band_d_pence=239400, band="D", nation="england", year=year, reductions=both)


def _amounts(plan):
    return [found.amount_pence for found in plan]


def _dates(plan):
    return [found.due for found in plan]


def test_the_first_instalment_carries_the_pence():
    # The Regulations' own example: £1,234.56 over 10 is £127.56, then 9 of £123.
    plan = instalments.plan(123456, FinancialYear(2026), date(2026, 3, 1), payment_day=1)
    assert _amounts(plan) == [12756] + [12300] * 9
    assert [(due.month, due.day) for due in _dates(plan)] == [(month, 1) for month in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1)]


def test_the_first_instalment_carries_the_rounding_down_too():
    # £2,171.00 / 10 is £217.10: 9 of £217 and the first £218.
    assert (
        _amounts(instalments.plan(217100, FinancialYear(2024), date(2024, 3, 1), payment_day=1))
        == [21800] + [21700] * 9
    )


def test_twelve_instalments_on_request_run_to_march():
    # £1,628.25 (band D less 25%) over 12: £135.6875 rounds to £136; the first is £132.25.
    plan = instalments.plan(162825, FinancialYear(2026), date(2026, 3, 1), payment_day=15, twelve=True)
    assert _amounts(plan) == [13225] + [13600] * 11
    assert (_dates(plan)[0], _dates(plan)[-1]) == (date(2026, 4, 15), date(2027, 3, 15))


def test_a_bill_issued_after_april_has_one_fewer_than_the_whole_months_left():
    # Issued 20 May 2026: June to March is 10 whole months, so 9 instalments; the first payment
    # day at least 14 days on (3 June) is 1 July.
    plan = instalments.plan(200000, FinancialYear(2026), date(2026, 5, 20), payment_day=1)
    assert len(plan) == 9
    assert (_dates(plan)[0], _dates(plan)[-1]) == (date(2026, 7, 1), date(2027, 3, 1))
    assert _amounts(plan) == [22400] + [22200] * 8


def test_a_bill_issued_late_in_the_year_is_one_instalment():
    assert instalments.plan(200000, FinancialYear(2026), date(2027, 2, 10), payment_day=1) == [
        Instalment(date(2027, 3, 1), 200000)
    ]
    # Too late for any payment day in the year: due 14 days after the bill.
    assert instalments.plan(200000, FinancialYear(2026), date(2027, 3, 25), payment_day=1) == [
        Instalment(date(2027, 4, 8), 200000)
    ]


def test_a_small_bill_is_spread_over_fewer_instalments():
    # £30 in 10 would be £3 each, below the £5 smallest instalment: 6 of £5.
    plan = instalments.plan(3000, FinancialYear(2026), date(2026, 3, 1), payment_day=1, minimum_instalment_pence=500)
    assert _amounts(plan) == [500] * 6


def test_after_a_change_the_balance_is_spread_over_the_instalments_left():
    year = FinancialYear(2026)
    plan = instalments.plan(200000, year, date(2026, 3, 1), payment_day=1)  # £200 x 10, April to January
    # A discount on a new bill issued 10 August: April to August (£1,000) stand; the new total of
    # £1,500 leaves £500 over September to January: £100 each.
    revised = instalments.respread(150000, plan, date(2026, 8, 10))
    assert _amounts(revised) == [20000] * 5 + [10000] * 5
    assert _dates(revised) == _dates(plan)
    # A new total below what has fallen due: nothing more is asked for.
    assert _amounts(instalments.respread(90000, plan, date(2026, 8, 10))) == [20000] * 5
    # No instalments left: the rest is due 14 days after the new bill.
    late = instalments.respread(210000, plan, date(2027, 1, 20))
    assert late[-1] == Instalment(date(2027, 2, 3), 10000)


def test_the_settings_file_is_read_and_checked():
    found, problems = service_settings.load_folder(SETTINGS)
    assert problems == []
    council_tax = found["council-tax"].section("council_tax")
    assert council_tax.nation == "england"
    assert council_tax.band_d_pence(2026) == 239400
    assert council_tax.band_d_pence(1999) is None
    assert council_tax.exemption_class("N").name.cy == "Mae pawb sy'n byw yno yn fyfyriwr"


@pytest.mark.parametrize(
    ("section", "path"),
    [
        ("nation: scotland\n  charges: [{year: 2026, band_d_pence: 1}]", "council_tax.nation"),
        ("nation: wales\n  charges: [{year: 2026, band_d_pence: 1}, {year: 2026, band_d_pence: 2}]", "council_tax"),
        (
            "nation: wales\n  charges: [{year: 2026, band_d_pence: 1}]\n  payment_days: [29]",
            "council_tax.payment_days[0]",
        ),
    ],
)
def test_a_settings_file_with_a_mistake_is_refused(tmp_path, section, path):
    (tmp_path / "council-tax.yaml").write_text(f"council_tax:\n  {section}\n")
    _found, problems = service_settings.load_folder(tmp_path)
    assert [found for _file, found, _message in problems] == [path]


# Properties that hold for any bill.

years = st.integers(min_value=1993, max_value=2099).map(FinancialYear)


@st.composite
def year_and_day(draw):
    year = draw(years)
    return year, year.start + timedelta(days=draw(st.integers(0, year.days - 1)))


@settings(max_examples=300, deadline=None)
@given(
    total=st.integers(1, 5_000_000),
    when=year_and_day(),
    before=st.booleans(),
    payment_day=st.integers(1, 28),
    twelve=st.booleans(),
    minimum=st.integers(1, 2000),
)
def test_instalments_always_add_up_and_the_first_carries_the_rounding(
    total, when, before, payment_day, twelve, minimum
):
    year, issued = when
    if before:
        issued = year.start - timedelta(days=30)
    plan = instalments.plan(
        total, year, issued, payment_day=payment_day, twelve=twelve, minimum_instalment_pence=minimum
    )
    amounts = _amounts(plan)
    assert sum(amounts) == total
    assert all(amount > 0 for amount in amounts)
    assert len(plan) <= (12 if twelve else 10)
    assert len(set(amounts[1:])) <= 1  # every instalment but the first is the same
    if len(plan) > 1:
        assert amounts[1] % 100 == 0  # in whole pounds
        assert abs(amounts[1] * len(plan) - total) <= 50 * len(plan)  # total / n to the nearest pound
        assert all(due.day == payment_day for due in _dates(plan))
        assert _dates(plan)[-1] <= year.end
    assert _dates(plan)[0] >= issued + timedelta(days=14)
    assert _dates(plan) == sorted(set(_dates(plan)))


@settings(max_examples=300, deadline=None)
@given(annual=st.integers(0, 2_000_000), year=years, cuts=st.lists(st.integers(1, 365), max_size=12, unique=True))
def test_apportioned_parts_add_up_to_the_year(annual, year, cuts):
    starts = [year.start] + sorted(year.start + timedelta(days=cut) for cut in cuts if cut < year.days)
    ends = [start - timedelta(days=1) for start in starts[1:]] + [year.end]
    parts = apportion(annual, year, [(start, end, 0) for start, end in zip(starts, ends, strict=True)])
    assert sum(parts) == annual


@settings(max_examples=200, deadline=None)
@given(
    when=year_and_day(),
    length=st.integers(0, 400),
    band=st.sampled_from("ABCDEFGH"),
    discount=st.tuples(st.integers(0, 400), st.integers(0, 400), st.sampled_from([25, 50, 100])),
)
def test_a_bill_s_periods_cover_the_days_liable_once(when, length, band, discount):
    year, liable_from = when
    liable_to = min(liable_from + timedelta(days=length), year.end)
    offset, span, percent = discount
    start = year.start + timedelta(days=offset)
    reduction = Reduction(ReductionKind.SINGLE_PERSON, start, start + timedelta(days=span), percent)
    bill = work_out(
        band_d_pence=200000,
        band=band,
        nation="england",
        year=year,
        liable_from=liable_from,
        liable_to=liable_to,
        reductions=[reduction],
    )
    assert bill.periods[0].start == liable_from and bill.periods[-1].end == liable_to
    for earlier, later in zip(bill.periods, bill.periods[1:], strict=False):
        assert later.start == earlier.end + timedelta(days=1)
    assert bill.liable_days == (liable_to - liable_from).days + 1
    assert 0 <= bill.total_pence <= bill.before_reductions_pence


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(1000, 1_000_000),
    change=st.integers(-500_000, 500_000),
    days_on=st.integers(0, 364),
    payment_day=st.integers(1, 28),
)
def test_a_respread_plan_adds_up_to_the_new_total(total, change, days_on, payment_day):
    year = FinancialYear(2026)
    plan = instalments.plan(total, year, date(2026, 3, 1), payment_day=payment_day)
    issued = year.start + timedelta(days=days_on)
    new_total = max(0, total + change)
    revised = instalments.respread(new_total, plan, issued)
    fallen_due = sum(found.amount_pence for found in plan if found.due < issued + timedelta(days=14))
    assert sum(_amounts(revised)) == max(new_total, fallen_due)
    assert all(found.amount_pence > 0 for found in revised)
