"""The council tax bill worked out: bands, the financial year day by day, discounts and exemptions.

Pure arithmetic on plain values (no database, no Flask), used for the demo extract and for
estimates. The record a resident sees is always the revenues system's, imported; what this module
works out is shown only as an estimate.

The law it follows (England; Wales where noted):
- Local Government Finance Act 1992 s.5: each band's charge is a fixed fraction of band D's
  (A 6/9, B 7/9, C 8/9, D 9/9, E 11/9, F 13/9, G 15/9, H 18/9; Wales adds I at 21/9).
- s.2: liability is by day; the state of affairs at the end of a day counts for the whole day, so a
  period's charge is the annual charge x its days / the days in the financial year (365 or 366).
- s.11: 25% off when one adult lives there (single person discount), 50% when every resident is
  disregarded; s.4 and the exempt dwellings orders: no charge for an exempt class.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction


class Nation(enum.StrEnum):
    ENGLAND = "england"
    WALES = "wales"


# Ninths of band D (LGFA 1992 s.5(1); for Wales s.5(1A), with band I).
BAND_NINTHS = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11, "F": 13, "G": 15, "H": 18, "I": 21}
BANDS = {Nation.ENGLAND: tuple("ABCDEFGH"), Nation.WALES: tuple("ABCDEFGHI")}


class BillError(ValueError):
    """Values the bill cannot be worked out from (a band the nation does not have, dates outside
    the year, periods that overlap)."""


def round_half_up(value: Fraction) -> int:
    """To the nearest whole number, halves away from zero (as money is rounded on bills)."""
    whole, rest = divmod(abs(value.numerator), value.denominator)
    if 2 * rest >= value.denominator:
        whole += 1
    return whole if value >= 0 else -whole


def band_charge_pence(band_d_pence: int, band: str, nation: Nation | str) -> int:
    """A band's annual charge from band D's, to the nearest penny."""
    nation = Nation(nation)
    if band not in BANDS[nation]:
        raise BillError(f"{nation.value.title()} has no band {band!r}")
    return round_half_up(Fraction(band_d_pence * BAND_NINTHS[band], 9))


@dataclass(frozen=True)
class FinancialYear:
    """The council tax year: 1 April to 31 March. `start_year` 2026 is 2026-27."""

    start_year: int

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def days(self) -> int:
        """366 when the year holds a 29 February (2023-24, 2027-28), otherwise 365."""
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @classmethod
    def of(cls, day: date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)


class ReductionKind(enum.StrEnum):
    SINGLE_PERSON = "single_person"  # one adult: 25%
    ALL_DISREGARDED = "all_disregarded"  # every resident disregarded: 50%
    EXEMPTION = "exemption"  # an exempt class: no charge


@dataclass(frozen=True)
class Reduction:
    """A discount or exemption from one day to another (both included). `percent` is what comes
    off the charge; `exemption_class` names the class ("N" for students) for an exemption."""

    kind: ReductionKind
    start: date
    end: date
    percent: int
    exemption_class: str | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Period:
    """A stretch of the year over which nothing changed, and what it costs."""

    start: date
    end: date
    days: int
    reduction: Reduction | None
    amount_pence: int  # after the reduction

    @property
    def percent_off(self) -> int:
        return self.reduction.percent if self.reduction else 0


@dataclass(frozen=True)
class Bill:
    year: FinancialYear
    band: str
    annual_charge_pence: int  # the band's charge for the whole year, before any reduction
    liable_from: date
    liable_to: date
    periods: tuple[Period, ...]

    @property
    def total_pence(self) -> int:
        return sum(period.amount_pence for period in self.periods)

    @property
    def liable_days(self) -> int:
        return sum(period.days for period in self.periods)

    @property
    def before_reductions_pence(self) -> int:
        """The charge for the days liable with nothing off (the apportioned charge)."""
        return apportion(self.annual_charge_pence, self.year, [(self.liable_from, self.liable_to, 0)])[0]


def _inclusive_days(start: date, end: date) -> int:
    return (end - start).days + 1


def apportion(annual_pence: int, year: FinancialYear, parts: Sequence[tuple[date, date, int]]) -> list[int]:
    """Each part's share of the annual charge: days / days in the year, less its percent off.

    Parts are (first day, last day, percent off), in order and not overlapping. The shares are
    rounded so that they add up to the rounded exact total (cumulative rounding), so the parts of
    a whole year with nothing off add up to exactly the annual charge.
    """
    shares, exact_so_far, rounded_so_far = [], Fraction(0), 0
    previous_end = None
    for start, end, percent in parts:
        if end < start or not (year.contains(start) and year.contains(end)):
            raise BillError(f"{start} to {end} is not within {year.label}")
        if previous_end is not None and start <= previous_end:
            raise BillError("periods overlap or are out of order")
        previous_end = end
        exact_so_far += Fraction(annual_pence * _inclusive_days(start, end) * (100 - percent), year.days * 100)
        share = round_half_up(exact_so_far) - rounded_so_far
        rounded_so_far += share
        shares.append(share)
    return shares


def work_out(
    *,
    band_d_pence: int,
    band: str,
    nation: Nation | str,
    year: FinancialYear,
    liable_from: date | None = None,
    liable_to: date | None = None,
    reductions: Iterable[Reduction] = (),
) -> Bill:
    """The year's bill for one liable person at one property: liable from a day (a move in) to a
    day (a move out), both included, the whole year when not given; one period for each stretch
    over which the reduction that applies stays the same. Reductions must not overlap."""
    liable_from = max(liable_from or year.start, year.start)
    liable_to = min(liable_to or year.end, year.end)
    if liable_to < liable_from:
        raise BillError("liable to a day before liable from")
    annual = band_charge_pence(band_d_pence, band, nation)
    ordered = sorted(reductions, key=lambda found: found.start)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if later.start <= earlier.end:
            raise BillError("two discounts or exemptions cover the same day")
    # The days on which what applies changes: the start of each reduction and the day after its end.
    changes = {liable_from}
    for found in ordered:
        for day in (found.start, found.end + timedelta(days=1)):
            if liable_from < day <= liable_to:
                changes.add(day)
    starts = sorted(changes)
    stretches = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - timedelta(days=1) if index + 1 < len(starts) else liable_to
        applying = next((found for found in ordered if found.covers(start)), None)
        stretches.append((start, end, applying))
    amounts = apportion(annual, year, [(start, end, found.percent if found else 0) for start, end, found in stretches])
    periods = tuple(
        Period(start, end, _inclusive_days(start, end), found, amount)
        for (start, end, found), amount in zip(stretches, amounts, strict=True)
    )
    return Bill(year, band, annual, liable_from, liable_to, periods)
