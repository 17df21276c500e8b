"""What moving in and moving within the area share: the new address (found in the council's
gazetteer by postcode, or typed when it is not listed), the limits on the date of the move, and the
estimated bill at the new address from the day of the move to the end of the year.

The estimate is worked out with the bill arithmetic (bill.py) from the band the imported valuation
list has for the property's UPRN and the council's band D charge for the year (settings). Liability
is by day (LGFA 1992 s.2): the state of affairs at the end of a day counts, so the day of the move is
charged at the new address. Where the list has no band for the address (a new build, an address not
listed), there is no estimate: the council tells the person the band.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from app.extensions import db
from app.models.council_tax import CouncilTaxProperty
from app.services import gazetteer
from app.services.council_tax.bill import BANDS, FinancialYear, Reduction, ReductionKind, work_out
from app.services.council_tax.settings import CouncilTaxSettings
from app.services.errors import ServiceError

# Councils usually accept a move up to 14 days ahead (plans change after that). A move more than a
# year back means bills for a year that has closed and a question of why it was not told sooner,
# which the team deals with by phone; the same limits as moving out (moving_out.py).
LATEST_AHEAD = timedelta(days=14)
EARLIEST_BEHIND = timedelta(days=365)
NAME_MAX = 100
ADULTS_MAX = 20  # more adults than this at one address is a house in multiple occupation: a call


@dataclass(frozen=True)
class NewAddress:
    """An address in the borough: one the gazetteer lists (with its UPRN), or one typed in."""

    uprn: int | None
    lines: tuple[str, ...]  # without the postcode
    postcode: str

    @property
    def single_line(self) -> str:
        return ", ".join([*self.lines, self.postcode])

    def as_dict(self) -> dict:
        return {"uprn": self.uprn, "lines": list(self.lines), "postcode": self.postcode}

    @classmethod
    def from_dict(cls, saved: dict) -> NewAddress:
        return cls(uprn=saved["uprn"], lines=tuple(saved["lines"]), postcode=saved["postcode"])


def listed_address(uprn: int, postcode: str) -> NewAddress:
    """The gazetteer's address for a UPRN chosen from the list for a postcode. Raises ServiceError
    for a UPRN that is not in the borough's gazetteer or not at that postcode (a forged choice)."""
    found = gazetteer.get(uprn)
    if found is None or found.postcode_key != gazetteer.postcode_key(postcode):
        raise ServiceError(_("Select your address from the list"), field="address")
    lines = tuple(part for part in (found.line_1, found.line_2, found.town) if part)
    return NewAddress(uprn=found.uprn, lines=lines, postcode=found.postcode)


def band_at(address: NewAddress) -> str | None:
    """The band the imported valuation list has for the address, when it has the UPRN."""
    if address.uprn is None:
        return None
    return db.session.scalar(
        sa.select(CouncilTaxProperty.band)
        .where(CouncilTaxProperty.uprn == address.uprn)
        .order_by(CouncilTaxProperty.id)
        .limit(1)
    )


def earliest_and_latest(today: date) -> tuple[date, date]:
    return today - EARLIEST_BEHIND, today + LATEST_AHEAD


def check_date(day: date, earliest: date, latest: date, *, field: str, too_early, too_late) -> None:
    """Raises ServiceError for the field when the day is outside the limits. too_early and too_late
    make the message from the limit, shown as a date (the limit itself is accepted)."""
    if day < earliest:
        raise ServiceError(too_early(format_date(earliest, "d MMMM yyyy")), field=field)
    if day > latest:
        raise ServiceError(too_late(format_date(latest, "d MMMM yyyy")), field=field)


def clean_names(names) -> tuple[str, ...]:
    return tuple(name.strip() for name in names if name and name.strip())


@dataclass(frozen=True)
class YearEstimate:
    """The estimated bill at the new address for one financial year, from the move (or 1 April)."""

    year_label: str
    band: str
    first_day: date
    last_day: date
    days: int
    days_in_year: int
    annual_charge_pence: int  # the band's charge for the whole year
    percent_off: int  # the single person discount asked for, or 0
    charge_pence: int  # for the days, after the discount

    def as_dict(self) -> dict:
        return {
            "year": self.year_label,
            "band": self.band,
            "from": self.first_day.isoformat(),
            "to": self.last_day.isoformat(),
            "days": self.days,
            "annual_charge_pence": self.annual_charge_pence,
            "percent_off": self.percent_off,
            "charge_pence": self.charge_pence,
        }


def estimate_from(
    settings: CouncilTaxSettings | None, band: str | None, moving_in_on: date, today: date, *, single_person: bool
) -> tuple[YearEstimate, ...]:
    """The bill at the new address for the rest of the year of the move, and for this year too when
    the move was in a year that has ended. Empty when the band is not known; a year the council has
    not set a band D charge for is left out."""
    if band is None or settings is None:
        return ()
    found = []
    for start_year in range(FinancialYear.of(moving_in_on).start_year, FinancialYear.of(today).start_year + 1):
        year = FinancialYear(start_year)
        band_d = settings.band_d_pence(start_year)
        if band_d is None or band not in BANDS[settings.nation]:
            continue
        first_day = max(moving_in_on, year.start)
        percent = settings.single_person_percent if single_person else 0
        reductions = [Reduction(ReductionKind.SINGLE_PERSON, first_day, year.end, percent)] if percent else []
        bill = work_out(
            band_d_pence=band_d,
            band=band,
            nation=settings.nation,
            year=year,
            liable_from=first_day,
            reductions=reductions,
        )
        found.append(
            YearEstimate(
                year_label=year.label,
                band=band,
                first_day=first_day,
                last_day=year.end,
                days=bill.liable_days,
                days_in_year=year.days,
                annual_charge_pence=bill.annual_charge_pence,
                percent_off=percent,
                charge_pence=bill.total_pence,
            )
        )
    return tuple(found)
