"""The bill estimated at a new address from the day of a move (moves.estimate_from): the days from
the move to 31 March, leap years, a move on 1 April or 31 March, the single person discount, a move
in a year that has ended, and the limits on the date of a move."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.council_tax import moves
from app.services.council_tax.bill import FinancialYear, apportion
from app.services.council_tax.settings import CouncilTaxSettings
from app.services.errors import ServiceError

SETTINGS = CouncilTaxSettings(
    nation="england",
    charges=[{"year": 2026, "band_d_pence": 239400}, {"year": 2027, "band_d_pence": 250000}],
)
BAND_D_2026 = 239400


def only(found):
    [year] = found
    return year


def test_a_move_on_1_april_pays_the_whole_year():
    found = only(moves.estimate_from(SETTINGS, "D", date(2026, 4, 1), date(2026, 4, 1), single_person=False))
    assert (found.days, found.days_in_year, found.charge_pence) == (365, 365, BAND_D_2026)


def test_a_move_on_31_march_pays_one_day():
    found = only(moves.estimate_from(SETTINGS, "D", date(2027, 3, 31), date(2027, 3, 31), single_person=False))
    assert (found.year_label, found.days, found.first_day, found.last_day) == (
        "2026-27",
        1,
        date(2027, 3, 31),
        date(2027, 3, 31),
    )
    assert found.charge_pence == 656  # £2,394.00 / 365 = £6.558...


def test_a_leap_year_has_366_days_and_29_february_is_charged():
    # 2027-28 holds 29 February 2028: a move on 28 February pays 28 Feb, 29 Feb and 1 to 31 March.
    found = only(moves.estimate_from(SETTINGS, "D", date(2028, 2, 28), date(2028, 2, 20), single_person=False))
    assert (found.year_label, found.days, found.days_in_year) == ("2027-28", 33, 366)
    assert found.charge_pence == 22541  # £2,500.00 x 33 / 366 = £225.409...


def test_the_single_person_discount_takes_25_percent_off():
    full = only(moves.estimate_from(SETTINGS, "C", date(2026, 11, 30), date(2026, 11, 24), single_person=False))
    single = only(moves.estimate_from(SETTINGS, "C", date(2026, 11, 30), date(2026, 11, 24), single_person=True))
    assert (full.charge_pence, single.charge_pence, single.percent_off) == (71128, 53346, 25)


def test_a_move_in_a_year_that_has_ended_is_estimated_for_that_year_and_this():
    found = moves.estimate_from(SETTINGS, "A", date(2027, 3, 1), date(2027, 4, 10), single_person=False)
    assert [(year.year_label, year.days) for year in found] == [("2026-27", 31), ("2027-28", 366)]
    assert found[1].charge_pence == found[1].annual_charge_pence == 166667  # 6/9 of £2,500.00


def test_no_band_or_no_charge_for_the_year_gives_no_estimate():
    assert moves.estimate_from(SETTINGS, None, date(2026, 11, 30), date(2026, 11, 24), single_person=False) == ()
    assert moves.estimate_from(SETTINGS, "D", date(2026, 11, 30), date(2026, 11, 24), single_person=False)
    assert moves.estimate_from(None, "D", date(2026, 11, 30), date(2026, 11, 24), single_person=False) == ()
    assert moves.estimate_from(SETTINGS, "D", date(2028, 4, 1), date(2028, 4, 1), single_person=False) == ()
    assert moves.estimate_from(SETTINGS, "I", date(2026, 11, 30), date(2026, 11, 24), single_person=False) == ()


@given(st.dates(min_value=date(2026, 4, 2), max_value=date(2027, 3, 31)), st.sampled_from("ABCDEFGH"))
def test_the_old_address_to_the_day_before_and_the_new_from_the_day_make_the_year(day, band):
    """Moving within the same band: the days before and from the move add up to the year's charge
    (each rounded on its own, so to within a penny)."""
    new = only(moves.estimate_from(SETTINGS, band, day, day, single_person=False))
    year = FinancialYear(2026)
    [old] = apportion(new.annual_charge_pence, year, [(year.start, day - timedelta(days=1), 0)])
    assert abs(old + new.charge_pence - new.annual_charge_pence) <= 1


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2026, 12, 9), "before 8 December 2026"),
        (date(2025, 11, 23), "after 24 November 2025"),
    ],
)
def test_the_date_limits(app, day, message):
    earliest, latest = moves.earliest_and_latest(date(2026, 11, 24))
    with app.test_request_context(), pytest.raises(ServiceError) as refused:
        moves.check_date(
            day,
            earliest,
            latest,
            field="moving_in_on",
            too_early=lambda limit: f"after {limit}",
            too_late=lambda limit: f"before {limit}",
        )
    assert (refused.value.message, refused.value.field) == (message, "moving_in_on")
    for accepted in (earliest, latest):
        with app.test_request_context():
            moves.check_date(accepted, earliest, latest, field="x", too_early=str, too_late=str)
