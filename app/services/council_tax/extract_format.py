"""The revenues system's nightly extract: its files, their columns, and how each line is checked.

A folder with `extract.json` ({"format": 1, "extracted_at": "2026-11-23T01:30:00Z"}) and CSV files
(UTF-8, a header line, comma separated), every file but properties.csv sorted by account_ref.
docs/council-tax.md describes each column. A line is parsed into a plain dict of typed values, or
refused with a reason a person can act on.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from app.models.council_tax import (
    AccountStatus,
    PaymentMethod,
    RecoveryStage,
    ReductionKind,
    TransactionKind,
)
from app.services.council_tax.bill import BAND_NINTHS, FinancialYear

FORMAT_VERSION = 1
MAX_PENCE = 100_000_000  # £1,000,000: more than any council tax account will owe
REFERENCE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
WHOLE_PATTERN = re.compile(r"-?[0-9]{1,12}")
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CONTROL_PATTERN = re.compile(r"[\x00-\x1f]")
POSTCODE_PATTERN = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2})$")


class LineError(ValueError):
    """Why one line was refused."""


class ExtractError(ValueError):
    """The extract as a whole cannot be read (a file or a column missing, an unknown format)."""


@dataclass(frozen=True)
class Rejected:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.reason}" if self.line else f"{self.file}: {self.reason}"


# Checks for one value; each returns the typed value or raises LineError.


def _text(row: dict, name: str, *, max_length: int = 200, optional: bool = False) -> str | None:
    value = (row.get(name) or "").strip()
    if not value:
        if optional:
            return None
        raise LineError(f"{name} is empty")
    if len(value) > max_length:
        raise LineError(f"{name} is longer than {max_length} characters")
    if CONTROL_PATTERN.search(value):
        raise LineError(f"{name} contains control characters")
    return value


def _reference(row: dict, name: str) -> str:
    value = (_text(row, name, max_length=40) or "").upper()
    if not REFERENCE_PATTERN.match(value):
        raise LineError(f"{name} {value[:40]!r} is not a reference (letters, digits and hyphens, up to 20)")
    return value


def _whole(row: dict, name: str, low: int, high: int, *, optional: bool = False) -> int | None:
    value = (row.get(name) or "").strip()
    if not value and optional:
        return None
    if not WHOLE_PATTERN.fullmatch(value):
        raise LineError(f"{name} {value[:20]!r} is not a whole number")
    number = int(value)
    if not low <= number <= high:
        raise LineError(f"{name} {number} is not between {low} and {high}")
    return number


def _pence(row: dict, name: str, *, signed: bool = False) -> int:
    return _whole(row, name, -MAX_PENCE if signed else 0, MAX_PENCE)


def _date(row: dict, name: str, *, optional: bool = False) -> date | None:
    value = (row.get(name) or "").strip()
    if not value and optional:
        return None
    try:
        if not DATE_PATTERN.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise LineError(f"{name} {value[:20]!r} is not a date like 2026-04-01") from None


def _choice(row: dict, name: str, enum_class, *, optional: bool = False):
    value = (row.get(name) or "").strip().lower()
    if not value and optional:
        return None
    try:
        return enum_class(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum_class)
        raise LineError(f"{name} {value[:30]!r} is not one of {allowed}") from None


def _band(row: dict) -> str:
    value = (row.get("band") or "").strip().upper()
    if value not in BAND_NINTHS:
        raise LineError(f"band {value[:5]!r} is not a band A to I")
    return value


def _year(row: dict) -> int:
    return _whole(row, "year", 1993, 2100)


def _period(row: dict, year: int) -> tuple[date, date]:
    start, end = _date(row, "period_start"), _date(row, "period_end")
    financial_year = FinancialYear(year)
    if end < start:
        raise LineError("period_end is before period_start")
    if not (financial_year.contains(start) and financial_year.contains(end)):
        raise LineError(f"the period is not within {financial_year.label}")
    return start, end


def postcode_key(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def online_key_hash(reference: str, key: str) -> str:
    """The online key printed on the bill is kept only as this hash, salted with the account."""
    normalised = re.sub(r"[\s-]+", "", key or "").upper()
    return hashlib.sha256(f"doorstep-council-tax:{reference}:{normalised}".encode()).hexdigest()


# One parser per file: row -> dict of typed values (the columns the database keeps).


def parse_property(row: dict) -> dict:
    postcode = postcode_key(_text(row, "postcode", max_length=10))
    if not POSTCODE_PATTERN.match(postcode):
        raise LineError("postcode is not a UK postcode")
    return {
        "property_ref": _reference(row, "property_ref"),
        "uprn": _whole(row, "uprn", 1, 999_999_999_999, optional=True),
        "line_1": _text(row, "line_1"),
        "line_2": _text(row, "line_2", optional=True),
        "town": _text(row, "town", max_length=100),
        "postcode": f"{postcode[:-3]} {postcode[-3:]}",
        "postcode_key": postcode,
        "band": _band(row),
    }


def parse_account(row: dict) -> dict:
    liable_from, liable_to = _date(row, "liable_from"), _date(row, "liable_to", optional=True)
    if liable_to is not None and liable_to < liable_from:
        raise LineError("liable_to is before liable_from")
    status = _choice(row, "status", AccountStatus)
    method = _choice(row, "payment_method", PaymentMethod)
    payment_day = _whole(row, "payment_day", 1, 28, optional=True)
    if method == PaymentMethod.DIRECT_DEBIT and payment_day is None:
        raise LineError("a Direct Debit account needs its payment_day")
    reference = _reference(row, "account_ref")
    key = _text(row, "online_key", max_length=40)
    return {
        "reference": reference,
        "property_ref": _reference(row, "property_ref"),
        "status": status,
        "liable_from": liable_from,
        "liable_to": liable_to,
        "payment_method": method,
        "payment_day": payment_day,
        "instalments_per_year": _whole(row, "instalments", 1, 12),
        "balance_pence": _pence(row, "balance_pence", signed=True),
        "online_key_hash": online_key_hash(reference, key),
    }


def parse_person(row: dict) -> dict:
    return {"position": _whole(row, "position", 1, 9), "full_name": _text(row, "full_name")}


def parse_charge(row: dict) -> dict:
    year = _year(row)
    start, end = _period(row, year)
    return {
        "year": year,
        "period_start": start,
        "period_end": end,
        "band": _band(row),
        "annual_charge_pence": _pence(row, "annual_charge_pence"),
        "amount_pence": _pence(row, "amount_pence"),
    }


def parse_reduction(row: dict) -> dict:
    year = _year(row)
    start, end = _period(row, year)
    kind = _choice(row, "kind", ReductionKind)
    exemption_class = (row.get("exemption_class") or "").strip().upper() or None
    if kind == ReductionKind.EXEMPTION and not (exemption_class and re.fullmatch(r"[A-W]", exemption_class)):
        raise LineError("an exemption needs its exemption_class, a letter A to W")
    if kind != ReductionKind.EXEMPTION and exemption_class:
        raise LineError("only an exemption has an exemption_class")
    description = _text(row, "description", optional=True)
    if kind == ReductionKind.OTHER and not description:
        raise LineError("a discount of kind other needs its description")
    return {
        "year": year,
        "kind": kind,
        "exemption_class": exemption_class,
        "description": description,
        "period_start": start,
        "period_end": end,
        "percent": _whole(row, "percent", 0, 100),
        "amount_pence": _pence(row, "amount_pence"),
    }


def parse_instalment(row: dict) -> dict:
    amount = _pence(row, "amount_pence")
    paid = _pence(row, "paid_pence")
    if paid > amount:
        raise LineError("paid_pence is more than amount_pence")
    return {
        "year": _year(row),
        "number": _whole(row, "number", 1, 12),
        "due_date": _date(row, "due_date"),
        "amount_pence": amount,
        "paid_pence": paid,
    }


def parse_transaction(row: dict) -> dict:
    kind = _choice(row, "kind", TransactionKind)
    return {
        "transaction_ref": _reference(row, "transaction_ref"),
        "year": _year(row),
        "posted_on": _date(row, "posted_on"),
        "kind": kind,
        "method": _text(row, "method", max_length=20, optional=True),
        "amount_pence": _pence(row, "amount_pence", signed=kind == TransactionKind.ADJUSTMENT),
    }


def parse_recovery(row: dict) -> dict:
    return {
        "year": _year(row),
        "stage": _choice(row, "stage", RecoveryStage),
        "issued_on": _date(row, "issued_on"),
        "amount_pence": _pence(row, "amount_pence"),
        "costs_pence": _pence(row, "costs_pence"),
        "pay_by": _date(row, "pay_by", optional=True),
    }


@dataclass(frozen=True)
class FileFormat:
    name: str
    columns: tuple[str, ...]
    parse: Callable[[dict], dict]


PROPERTIES = FileFormat(
    "properties.csv", ("property_ref", "uprn", "line_1", "line_2", "town", "postcode", "band"), parse_property
)
ACCOUNTS = FileFormat(
    "accounts.csv",
    (
        "account_ref",
        "property_ref",
        "status",
        "liable_from",
        "liable_to",
        "payment_method",
        "payment_day",
        "instalments",
        "balance_pence",
        "online_key",
    ),
    parse_account,
)
# The files about an account, each sorted by account_ref: (format, the key each line is stored under).
PEOPLE = FileFormat("liable_people.csv", ("account_ref", "position", "full_name"), parse_person)
CHARGES = FileFormat(
    "charges.csv",
    ("account_ref", "year", "period_start", "period_end", "band", "annual_charge_pence", "amount_pence"),
    parse_charge,
)
REDUCTIONS = FileFormat(
    "reductions.csv",
    (
        "account_ref",
        "year",
        "kind",
        "exemption_class",
        "description",
        "period_start",
        "period_end",
        "percent",
        "amount_pence",
    ),
    parse_reduction,
)
INSTALMENTS = FileFormat(
    "instalments.csv", ("account_ref", "year", "number", "due_date", "amount_pence", "paid_pence"), parse_instalment
)
TRANSACTIONS = FileFormat(
    "transactions.csv",
    ("account_ref", "transaction_ref", "year", "posted_on", "kind", "method", "amount_pence"),
    parse_transaction,
)
RECOVERY = FileFormat(
    "recovery.csv",
    ("account_ref", "year", "stage", "issued_on", "amount_pence", "costs_pence", "pay_by"),
    parse_recovery,
)
ACCOUNT_FILES = (PEOPLE, CHARGES, REDUCTIONS, INSTALMENTS, TRANSACTIONS, RECOVERY)
ALL_FILES = (PROPERTIES, ACCOUNTS, *ACCOUNT_FILES)


def read_manifest(folder: Path) -> datetime:
    """When the extract was taken, from extract.json."""
    path = folder / "extract.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExtractError("extract.json is missing") from None
    except (ValueError, UnicodeDecodeError):
        raise ExtractError("extract.json is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise ExtractError(f"extract.json: format must be {FORMAT_VERSION}")
    try:
        extracted_at = datetime.fromisoformat(str(manifest.get("extracted_at")).replace("Z", "+00:00"))
    except ValueError:
        raise ExtractError("extract.json: extracted_at is not a date and time like 2026-11-23T01:30:00Z") from None
    if extracted_at.tzinfo is None:
        raise ExtractError("extract.json: extracted_at needs its time zone (Z for UTC)")
    return extracted_at.astimezone(UTC)


def check_columns(folder: Path) -> None:
    for file_format in ALL_FILES:
        path = folder / file_format.name
        if not path.is_file():
            raise ExtractError(f"{file_format.name} is missing")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
        missing = [column for column in file_format.columns if column not in header]
        if missing:
            raise ExtractError(f"{file_format.name}: missing columns: {', '.join(missing)}")


def rows(folder: Path, file_format: FileFormat) -> Iterator[tuple[int, dict]]:
    """(line number, raw row) for each line after the header."""
    with (folder / file_format.name).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, row


def raw_reference(row: dict) -> str:
    return (row.get("account_ref") or "").strip().upper()
