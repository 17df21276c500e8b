"""What the DVLA says about a vehicle, as a value that can be stored in form answers and read back.

The fields follow the DVLA Vehicle Enquiry Service's documented response (OpenAPI 1.1.0). Any of
them but the registration may be missing: the DVLA leaves out what it does not hold (older cars
have no CO2 figure, electric cars no engine size, new cars no MOT). A value of the wrong type is
treated as missing and logged, never guessed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime
from enum import StrEnum

log = logging.getLogger(__name__)


class TaxStatus(StrEnum):
    """The DVLA's `taxStatus` values (its documented enum)."""

    TAXED = "Taxed"
    UNTAXED = "Untaxed"
    SORN = "SORN"  # declared off the road
    NOT_TAXED_FOR_ON_ROAD_USE = "Not Taxed for on Road Use"


class MotStatus(StrEnum):
    """The DVLA's `motStatus` values (its documented enum)."""

    VALID = "Valid"
    NOT_VALID = "Not valid"
    NO_DETAILS_HELD = "No details held by DVLA"
    NO_RESULTS_RETURNED = "No results returned"


@dataclass(frozen=True)
class VehicleDetails:
    registration: str  # upper case, no spaces
    looked_up_at: datetime  # when the DVLA answered, UTC
    make: str | None = None  # "FORD"
    colour: str | None = None  # "RED"
    fuel_type: str | None = None  # "PETROL", "DIESEL", "ELECTRICITY", "HYBRID ELECTRIC", ...
    co2_emissions: int | None = None  # grams per kilometre
    engine_capacity: int | None = None  # cubic centimetres
    # The DVLA gives only the year and month; this is the first day of that month.
    month_of_first_registration: date | None = None
    euro_status: str | None = None  # "EURO 6", as the dealer or customer gave it
    tax_status: TaxStatus | None = None
    tax_due_date: date | None = None
    mot_status: MotStatus | None = None
    mot_expiry_date: date | None = None
    year_of_manufacture: int | None = None
    type_approval: str | None = None  # "M1" (a car), "N1" (a light van), "L3" (a motorcycle), ...
    wheelplan: str | None = None  # "2 AXLE RIGID BODY", "2 WHEEL", ...
    revenue_weight: int | None = None  # kilograms
    marked_for_export: bool | None = None

    @classmethod
    def from_dvla(cls, body: dict, looked_up_at: datetime) -> VehicleDetails:
        """From the DVLA's JSON response. Raises ValueError when it has no registration number."""
        registration = body.get("registrationNumber") if isinstance(body, dict) else None
        if not isinstance(registration, str) or not re.fullmatch(r"[A-Za-z0-9 ]{1,8}", registration):
            raise ValueError("the DVLA's answer has no registration number")
        read = _Reader(body)
        return cls(
            registration=registration.replace(" ", "").upper(),
            looked_up_at=looked_up_at.astimezone(UTC),
            make=read.text("make"),
            colour=read.text("colour"),
            fuel_type=read.text("fuelType"),
            co2_emissions=read.whole_number("co2Emissions"),
            engine_capacity=read.whole_number("engineCapacity"),
            month_of_first_registration=read.month("monthOfFirstRegistration"),
            euro_status=read.text("euroStatus"),
            tax_status=read.choice("taxStatus", TaxStatus),
            tax_due_date=read.day("taxDueDate"),
            mot_status=read.choice("motStatus", MotStatus),
            mot_expiry_date=read.day("motExpiryDate"),
            year_of_manufacture=read.whole_number("yearOfManufacture"),
            type_approval=read.text("typeApproval"),
            wheelplan=read.text("wheelplan"),
            revenue_weight=read.whole_number("revenueWeight"),
            marked_for_export=read.flag("markedForExport"),
        )

    def to_dict(self) -> dict:
        """Plain JSON types only: dates as ISO 8601, the first-registration month as "YYYY-MM"."""
        data = asdict(self)
        for name, value in data.items():
            if isinstance(value, StrEnum):
                data[name] = value.value
            elif isinstance(value, date):  # datetimes too
                data[name] = value.isoformat()
        if self.month_of_first_registration:
            data["month_of_first_registration"] = self.month_of_first_registration.strftime("%Y-%m")
        return data

    @classmethod
    def from_dict(cls, data: dict) -> VehicleDetails:
        """Back from `to_dict`. Keys it does not know are ignored and missing ones are None, so
        answers stored by an older or newer release still read."""
        known = {field.name for field in fields(cls)}
        values = {name: value for name, value in data.items() if name in known}
        looked_up_at = datetime.fromisoformat(values["looked_up_at"])
        if looked_up_at.tzinfo is None:
            looked_up_at = looked_up_at.replace(tzinfo=UTC)
        values["looked_up_at"] = looked_up_at
        for name in ("tax_due_date", "mot_expiry_date"):
            if values.get(name):
                values[name] = date.fromisoformat(values[name])
        if values.get("month_of_first_registration"):
            values["month_of_first_registration"] = date.fromisoformat(values["month_of_first_registration"] + "-01")
        if values.get("tax_status"):
            values["tax_status"] = TaxStatus(values["tax_status"])
        if values.get("mot_status"):
            values["mot_status"] = MotStatus(values["mot_status"])
        return cls(**values)


class _Reader:
    """Reads one field of the DVLA's answer; a value of the wrong type counts as missing."""

    def __init__(self, body: dict):
        self.body = body

    def _unexpected(self, name: str):
        # The field name only: the value could be personal data.
        log.warning("DVLA vehicle enquiry: ignored an unexpected value", extra={"dvla_field": name})
        return None

    def text(self, name: str) -> str | None:
        value = self.body.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > 100:
            return self._unexpected(name)
        return value.strip() or None

    def whole_number(self, name: str) -> int | None:
        value = self.body.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return self._unexpected(name)
        if isinstance(value, int) and 0 <= value < 10_000_000:
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{1,7}", value.strip()):
            return int(value)
        return self._unexpected(name)

    def flag(self, name: str) -> bool | None:
        value = self.body.get(name)
        if value is None or isinstance(value, bool):
            return value
        return self._unexpected(name)

    def day(self, name: str) -> date | None:
        value = self.body.get(name)
        if value is None:
            return None
        try:
            return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else self._unexpected(name)
        except ValueError:
            return self._unexpected(name)

    def month(self, name: str) -> date | None:
        value = self.body.get(name)
        if value is None:
            return None
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value):
            try:
                return date.fromisoformat(value + "-01")
            except ValueError:
                pass
        return self._unexpected(name)

    def choice(self, name: str, choices: type[StrEnum]):
        value = self.body.get(name)
        if value is None:
            return None
        try:
            return choices(value)
        except ValueError:
            return self._unexpected(name)
