from datetime import date

import pytest

from app.services import references, working_days


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 23), 0, date(2026, 11, 23)),  # Monday, nothing to add
        (date(2026, 11, 23), 1, date(2026, 11, 24)),  # the start day never counts
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Friday to Monday
        (date(2026, 11, 21), 1, date(2026, 11, 23)),  # from a Saturday
        (date(2026, 11, 23), 5, date(2026, 11, 30)),
        # Christmas 2026: Fri 25 Dec and the Boxing Day substitute Mon 28 Dec are bank holidays
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        # Year end: New Year's Day 2027 is a Friday
        (date(2026, 12, 31), 1, date(2027, 1, 4)),
        (date(2026, 12, 23), 10, date(2027, 1, 11)),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        # Early May bank holiday 2026: Monday 4 May
        (date(2026, 5, 1), 1, date(2026, 5, 5)),
    ],
)
def test_working_days_skip_weekends_and_england_and_wales_bank_holidays(start, days, expected):
    assert working_days.add_working_days(start, days) == expected


def test_scottish_holidays_do_not_count():
    # 2 January is a bank holiday in Scotland only.
    assert working_days.is_working_day(date(2026, 1, 2))


def test_the_bundled_bank_holidays_cover_the_next_year():
    assert working_days.last_known_year() >= 2027


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        working_days.add_working_days(date(2026, 1, 5), -1)


def test_references_are_short_and_unambiguous():
    made = {references.new_reference() for _ in range(2000)}
    assert len(made) == 2000
    for reference in made:
        assert len(reference) == 9 and reference[4] == "-"
        assert not set(reference.replace("-", "")) & set("0O1IL2Z5S8B")


def test_a_reference_read_out_or_typed_loosely_is_found():
    assert references.normalise(" kx7d m3qa ") == "KX7D-M3QA"
    assert references.normalise("kx7d-m3qa") == "KX7D-M3QA"
