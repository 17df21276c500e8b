"""Parking permit prices: the tariff as data, and a quote a person can follow line by line.

The tariff is the `prices:` part of app/service_settings/parking-permits.yaml (`price_rule:
parking_permit`): a list of tariffs, each with the day it takes effect. A quote uses the tariff in
force on the day the permit starts, so a new tariff changes new quotes only; an issued permit keeps
the price it was sold at (it is stored with the permit).

A yearly price comes from the vehicle: a fully electric vehicle's own price if the tariff has one;
otherwise its CO2 figure, by band or by a base charge plus pence per g/km; with no CO2 figure
(older vehicles) its engine size; with neither, or when the DVLA could not be asked, a provisional
band, said so on the quote and checked later (never the top band by default). A diesel first
registered before a date pays a surcharge. Shorter permits cost a percentage of the yearly price.
A household's second and third permits cost a percentage more. Every step is a line of the quote,
in pence, rounded to the penny once per line, and the total is the sum of the lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import Field, model_validator

from app.form_model.schema import Identifier, Strict, Text
from app.form_model.service_settings import Pence
from app.money import pounds
from app.services.payments import LineItem
from app.services.vehicles import VehicleAnswer

ELECTRIC_FUEL_TYPES = {"ELECTRICITY"}
DIESEL_FUEL_TYPES = {"DIESEL"}
Months = Literal[3, 6, 12]


class Co2Band(Strict):
    name: Text  # "Band 3"
    up_to_g_km: Annotated[int, Field(ge=0, le=1000)] | None = None  # None: the top band, no upper limit
    pence: Pence  # for 12 months


class EngineBand(Strict):
    name: Text
    up_to_cc: Annotated[int, Field(ge=1, le=20_000)] | None = None  # None: the largest engines
    pence: Pence


class Formula(Strict):
    base_pence: Pence
    pence_per_g_km: Annotated[int, Field(ge=0, le=10_000)]


class DieselSurcharge(Strict):
    registered_before: date  # first registered before this day (the DVLA gives the month)
    pence: Pence  # for 12 months


class Concession(Strict):
    """A reduced price for people in a group the council helps (a Blue Badge holder, someone on
    Council Tax Reduction, a care worker), claimed in the form with evidence that staff check."""

    code: Identifier  # the answer's value in the form's concession question: "blue-badge"
    name: Text  # as the quote line says it
    percent_off: Annotated[int, Field(ge=1, le=100)]  # 100: free


class Tariff(Strict):
    effective_from: date
    permit_type: Literal["resident"] = "resident"
    co2_bands: list[Co2Band] = Field(default_factory=list)  # in order, lowest first
    formula: Formula | None = None  # instead of co2_bands
    engine_bands: list[EngineBand] = Field(min_length=1)  # in order, smallest first
    electric_pence: Pence | None = None  # a fully electric vehicle's price, whatever its CO2 figure
    diesel_surcharge: DieselSurcharge | None = None
    # Percent of the yearly price for each length of permit.
    duration_percent: dict[Months, Annotated[int, Field(ge=1, le=200)]] = Field(min_length=1)
    # Percent added for the household's 2nd, 3rd... permit at the same address.
    additional_permit_percent: dict[Annotated[int, Field(ge=2, le=10)], Annotated[int, Field(ge=0, le=500)]] = Field(
        default_factory=dict
    )
    provisional_band: int = Field(default=0, ge=0)  # index into co2_bands (or engine_bands with a formula)
    # Reduced prices a person may claim with evidence (the permit waits for checks).
    concessions: list[Concession] = Field(default_factory=list)
    # Percent of the price in a zone that costs more or less than the others (zone code: percent);
    # zones not listed pay 100%.
    zone_percent: dict[Annotated[str, Field(pattern=r"^[A-Z0-9]{1,6}$")], Annotated[int, Field(ge=0, le=500)]] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _consistent(self) -> Tariff:
        if bool(self.co2_bands) == (self.formula is not None):
            raise ValueError("a tariff has either co2_bands or a formula")
        for name, limits in (
            ("co2_bands", [band.up_to_g_km for band in self.co2_bands]),
            ("engine_bands", [band.up_to_cc for band in self.engine_bands]),
        ):
            if not limits:
                continue
            if limits[-1] is not None or any(limit is None for limit in limits[:-1]):
                raise ValueError(f"only the last of {name} has no upper limit, and it must have none")
            if limits[:-1] != sorted(set(limits[:-1])):
                raise ValueError(f"{name} go from the lowest to the highest")
        bands = self.co2_bands or self.engine_bands
        if self.provisional_band >= len(bands):
            raise ValueError("provisional_band must be one of the bands (counting from 0)")
        if self.provisional_band == len(bands) - 1 and len(bands) > 1:
            raise ValueError("the provisional band must not be the top band: nobody is charged the most by default")
        return self


class ParkingPermitPrices(Strict):
    """The `prices:` part of the parking settings file."""

    price_rule: Literal["parking_permit"]
    vehicle_question: Identifier = "vehicle"
    duration_question: Identifier = "duration"
    start_question: Identifier = "start-day"
    address_question: Identifier = "address"
    concession_question: Identifier | None = None  # a radios question whose values are concession codes
    tariffs: list[Tariff] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_per_day(self) -> ParkingPermitPrices:
        days = [(tariff.permit_type, tariff.effective_from) for tariff in self.tariffs]
        if len(set(days)) != len(days):
            raise ValueError("two tariffs for one kind of permit take effect on the same day")
        return self

    def in_force(self, on: date, permit_type: str = "resident") -> Tariff | None:
        candidates = [t for t in self.tariffs if t.permit_type == permit_type and t.effective_from <= on]
        return max(candidates, key=lambda t: t.effective_from) if candidates else None


class NoTariff(Exception):
    """No tariff is in force on that day (the first tariff starts later)."""


@dataclass(frozen=True)
class Quote:
    lines: list[LineItem]
    months: int
    tariff_from: date  # the tariff's effective_from: what the permit was priced under
    provisional: bool  # the vehicle's emissions are not known yet: checked later, the difference settled
    basis: str  # "electric", "co2-band", "co2-formula", "engine-size" or "provisional"
    concession: str | None = None  # the concession code claimed, kept so later prices keep it

    @property
    def total_pence(self) -> int:
        return sum(line.total_pence for line in self.lines)

    def to_dict(self) -> dict:
        return {
            "lines": [{"name": line.name, "pence": line.total_pence} for line in self.lines],
            "months": self.months,
            "tariff_from": self.tariff_from.isoformat(),
            "provisional": self.provisional,
            "basis": self.basis,
            "total_pence": self.total_pence,
        } | ({"concession": self.concession} if self.concession else {})


def _share(pence: int, percent: int) -> int:
    """pence × percent / 100, to the nearest penny (halves up)."""
    return (pence * percent + 50) // 100


def _g_km(low: int, high: int | None) -> str:
    if high is None:
        return _("over %(low)s g/km", low=low - 1) if low else _("any CO2")
    if low == 0:
        return _("up to %(high)s g/km", high=high)
    return _("%(low)s to %(high)s g/km", low=low, high=high)


def _cc(low: int, high: int | None) -> str:
    if high is None:
        return _("over %(low)s cc", low=f"{low - 1:,}")
    if low <= 1:
        return _("up to %(high)s cc", high=f"{high:,}")
    return _("%(low)s to %(high)s cc", low=f"{low:,}", high=f"{high:,}")


def _co2_band(tariff: Tariff, g_km: int, language: str) -> tuple[str, int]:
    low = 0
    for band in tariff.co2_bands:
        if band.up_to_g_km is None or g_km <= band.up_to_g_km:
            return f"{band.name.get(language)}, {_g_km(low, band.up_to_g_km)}", band.pence
        low = band.up_to_g_km + 1
    raise AssertionError("the last band has no upper limit")  # checked by Tariff


def _engine_band(tariff: Tariff, cc: int, language: str) -> tuple[str, int]:
    low = 1
    for band in tariff.engine_bands:
        if band.up_to_cc is None or cc <= band.up_to_cc:
            return _(
                "%(band)s, engine %(size)s (no CO2 figure)", band=band.name.get(language), size=_cc(low, band.up_to_cc)
            ), band.pence
        low = band.up_to_cc + 1
    raise AssertionError("the last band has no upper limit")


def _yearly(tariff: Tariff, vehicle: VehicleAnswer, language: str) -> tuple[str, int, str]:
    """(what the line says, pence for 12 months, the basis)."""
    details = vehicle.details if vehicle.source == "dvla" else None
    fuel = (vehicle.fuel_type or "").upper()
    if details is not None and fuel in ELECTRIC_FUEL_TYPES and tariff.electric_pence is not None:
        return _("Electric vehicle"), tariff.electric_pence, "electric"
    if details is not None and details.co2_emissions is not None:
        g_km = details.co2_emissions
        if tariff.formula is not None:
            formula = tariff.formula
            pence = formula.base_pence + formula.pence_per_g_km * g_km
            text = _(
                "%(base)s plus %(rate)s for each g/km of CO2 (%(g_km)s g/km)",
                base=pounds(formula.base_pence),
                rate=pounds(formula.pence_per_g_km),
                g_km=g_km,
            )
            return text, pence, "co2-formula"
        text, pence = _co2_band(tariff, g_km, language)
        return text, pence, "co2-band"
    if details is not None and details.engine_capacity:
        text, pence = _engine_band(tariff, details.engine_capacity, language)
        return text, pence, "engine-size"
    bands = tariff.co2_bands or tariff.engine_bands
    band = bands[tariff.provisional_band]
    return (
        _("Provisional price (%(band)s) until we have checked your vehicle", band=band.name.get(language)),
        band.pence,
        "provisional",
    )


def _period(months: int) -> str:
    return _("12 months") if months == 12 else _("%(num)s months", num=months)


def quote(
    prices: ParkingPermitPrices,
    vehicle: VehicleAnswer,
    months: int,
    starts: date,
    language: str,
    *,
    household_position: int = 1,
    zone: str | None = None,
    concession: str | None = None,
) -> Quote:
    """The price of a resident permit for `vehicle`, `months` long, starting on `starts`, as the
    `household_position`th permit at its address (1 for the first), in `zone`, with the
    `concession` claimed (a code, or None). Raises NoTariff or ValueError (a length of permit or a
    concession the tariff does not have)."""
    tariff = prices.in_force(starts)
    if tariff is None:
        raise NoTariff(starts)
    if months not in tariff.duration_percent:
        raise ValueError(f"the tariff does not sell {months}-month permits")
    percent = tariff.duration_percent[months]
    text, yearly, basis = _yearly(tariff, vehicle, language)
    period = _period(months)
    lines = [LineItem(f"{text}, {period}", _share(yearly, percent))]
    surcharge = tariff.diesel_surcharge
    registered = vehicle.details.month_of_first_registration if vehicle.details is not None else None
    if (
        surcharge is not None
        and basis != "provisional"
        and (vehicle.fuel_type or "").upper() in DIESEL_FUEL_TYPES
        and registered is not None
        and registered < surcharge.registered_before
    ):
        lines.append(
            LineItem(
                _(
                    "Diesel first registered before %(month)s, %(period)s",
                    month=_month_year(surcharge.registered_before, language),
                    period=period,
                ),
                _share(surcharge.pence, percent),
            )
        )
    zone_percent = tariff.zone_percent.get(zone or "", 100)
    if zone_percent != 100:
        so_far = sum(line.total_pence for line in lines)
        lines.append(LineItem(_zone_line(zone, zone_percent), _share(so_far, zone_percent) - so_far))
    extra = tariff.additional_permit_percent.get(
        min(household_position, max(tariff.additional_permit_percent, default=1))
    )
    if household_position > 1 and extra:
        so_far = sum(line.total_pence for line in lines)
        lines.append(LineItem(_household_line(household_position, extra), _share(so_far, extra)))
    if concession:
        claimed = next((found for found in tariff.concessions if found.code == concession), None)
        if claimed is None:
            raise ValueError(f"the tariff has no concession {concession!r}")
        so_far = sum(line.total_pence for line in lines)
        lines.append(
            LineItem(
                _(
                    "Concession, %(name)s: -%(percent)s%%",
                    name=claimed.name.get(language),
                    percent=claimed.percent_off,
                ),
                -_share(so_far, claimed.percent_off),
            )
        )
    return Quote(lines, months, tariff.effective_from, basis == "provisional", basis, concession or None)


def _zone_line(zone: str, percent: int) -> str:
    if percent < 100:
        return _("Zone %(zone)s costs less: -%(percent)s%%", zone=zone, percent=100 - percent)
    return _("Zone %(zone)s costs more: +%(percent)s%%", zone=zone, percent=percent - 100)


def _household_line(position: int, percent: int) -> str:
    if position == 2:
        return _("Second permit at this address: +%(percent)s%%", percent=percent)
    if position == 3:
        return _("Third permit at this address: +%(percent)s%%", percent=percent)
    return _("Permit number %(num)s at this address: +%(percent)s%%", num=position, percent=percent)


MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS_CY = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
]


def _month_year(day: date, language: str) -> str:
    names = MONTHS_CY if language == "cy" else MONTHS_EN
    return f"{names[day.month - 1]} {day.year}"


__all__ = ["Concession", "NoTariff", "ParkingPermitPrices", "Quote", "Tariff", "quote"]
