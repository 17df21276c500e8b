"""The council's gazetteers: properties by UPRN, looked up by postcode, and streets by USRN, looked up
by name."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import GazetteerAddress, Street

# The shape of a UK postcode, including the GIR 0AA special case; spaces are removed first.
POSTCODE_PATTERN = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2})$")
REQUIRED_COLUMNS = ("uprn", "line_1", "town", "postcode", "ward")
STREET_COLUMNS = ("usrn", "name", "town", "latitude", "longitude")
# Longest and shortest street search, and the most streets one search lists.
STREET_SEARCH_MAX = 100
STREET_SEARCH_MIN = 3
STREET_LIST_LIMIT = 30
BATCH_SIZE = 1000
WHITESPACE = re.compile(r"\s+")


def postcode_key(value: str) -> str:
    return WHITESPACE.sub("", value or "").upper()


def is_valid_postcode(value: str) -> bool:
    return bool(POSTCODE_PATTERN.match(postcode_key(value)))


def format_postcode(value: str) -> str:
    key = postcode_key(value)
    return f"{key[:-3]} {key[-3:]}" if len(key) > 3 else key


def find_by_postcode(postcode: str) -> list[GazetteerAddress]:
    key = postcode_key(postcode)
    if not POSTCODE_PATTERN.match(key):
        return []
    return list(
        db.session.scalars(
            sa.select(GazetteerAddress)
            .where(GazetteerAddress.postcode_key == key)
            .order_by(GazetteerAddress.line_1, GazetteerAddress.uprn)
        )
    )


def get(uprn: int) -> GazetteerAddress | None:
    return db.session.get(GazetteerAddress, uprn)


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def import_csv(path: Path) -> ImportResult:
    """Add or update addresses from a CSV extract; rows with problems are reported and skipped."""
    result = ImportResult()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in REQUIRED_COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            result.errors.append(f"{path.name}: missing columns: {', '.join(missing)}")
            return result
        batch: dict[int, dict] = {}
        for line_number, row in enumerate(reader, start=2):
            parsed, problem = _parse_row(row)
            if problem:
                result.errors.append(f"{path.name} line {line_number}: {problem}")
                continue
            batch[parsed["uprn"]] = parsed
            if len(batch) >= BATCH_SIZE:
                _store(batch, result)
                batch = {}
        _store(batch, result)
    return result


def _parse_row(row: dict) -> tuple[dict, str | None]:
    names = ("uprn", "line_1", "line_2", "town", "postcode", "ward", "latitude", "longitude")
    values = {key: (row.get(key) or "").strip() for key in names}
    if not values["uprn"].isdigit() or len(values["uprn"]) > 12:
        return {}, f"UPRN {values['uprn']!r} is not a number of up to 12 digits"
    for name in ("line_1", "town", "ward"):
        if not values[name]:
            return {}, f"{name} is empty"
    if not is_valid_postcode(values["postcode"]):
        return {}, f"postcode {values['postcode']!r} is not a UK postcode"
    point = (None, None)
    if values["latitude"] or values["longitude"]:
        point, problem = _parse_point(values["latitude"], values["longitude"])
        if problem:
            return {}, problem
    return {
        "uprn": int(values["uprn"]),
        "line_1": values["line_1"][:200],
        "line_2": values["line_2"][:200] or None,
        "town": values["town"][:100],
        "postcode": format_postcode(values["postcode"]),
        "postcode_key": postcode_key(values["postcode"]),
        "ward": values["ward"][:100],
        "latitude": point[0],
        "longitude": point[1],
    }, None


def _parse_point(latitude: str, longitude: str) -> tuple[tuple[float, float], str | None]:
    """A WGS84 point in or near the UK (the extract's coordinates, in degrees)."""
    try:
        point = (float(latitude), float(longitude))
    except ValueError:
        return (0.0, 0.0), f"latitude {latitude!r} and longitude {longitude!r} are not numbers"
    if not (49.0 <= point[0] <= 61.5 and -9.0 <= point[1] <= 2.5):
        return (0.0, 0.0), f"latitude {latitude} and longitude {longitude} are not in the UK"
    return point, None


def _store(batch: dict[int, dict], result: ImportResult) -> None:
    if not batch:
        return
    existing = {
        address.uprn: address
        for address in db.session.scalars(sa.select(GazetteerAddress).where(GazetteerAddress.uprn.in_(batch)))
    }
    for uprn, values in batch.items():
        if uprn in existing:
            for key, value in values.items():
                setattr(existing[uprn], key, value)
            result.updated += 1
        else:
            db.session.add(GazetteerAddress(**values))
            result.added += 1
    db.session.flush()


def any_address() -> GazetteerAddress | None:
    return db.session.scalar(sa.select(GazetteerAddress).order_by(GazetteerAddress.uprn).limit(1))


def street_key(value: str) -> str:
    """A street name as searched: lower case, single spaces, no punctuation but apostrophes and hyphens."""
    cleaned = re.sub(r"[^\w'\- ]+", " ", (value or "").lower())
    return " ".join(cleaned.split())


def find_streets(term: str) -> list[Street]:
    """Streets whose name contains the words typed, in name order: at most STREET_LIST_LIMIT."""
    key = street_key(term)[:STREET_SEARCH_MAX]
    if len(key) < STREET_SEARCH_MIN:
        return []
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(
        db.session.scalars(
            sa.select(Street)
            .where(Street.name_key.like(f"%{escaped}%", escape="\\"))
            .order_by(Street.name_key, Street.town, Street.usrn)
            .limit(STREET_LIST_LIMIT)
        )
    )


def get_street(usrn: int) -> Street | None:
    return db.session.get(Street, usrn)


def import_streets_csv(path: Path) -> ImportResult:
    """Add or update streets from a CSV extract (usrn,name,town,latitude,longitude)."""
    result = ImportResult()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in STREET_COLUMNS if name not in (reader.fieldnames or [])]
        if missing:
            result.errors.append(f"{path.name}: missing columns: {', '.join(missing)}")
            return result
        rows: dict[int, dict] = {}
        for line_number, row in enumerate(reader, start=2):
            values = {key: (row.get(key) or "").strip() for key in STREET_COLUMNS}
            point, problem = _parse_point(values["latitude"], values["longitude"])
            if not values["usrn"].isdigit() or len(values["usrn"]) > 12:
                problem = f"USRN {values['usrn']!r} is not a number of up to 12 digits"
            elif not values["name"] or not values["town"]:
                problem = "name or town is empty"
            if problem:
                result.errors.append(f"{path.name} line {line_number}: {problem}")
                continue
            rows[int(values["usrn"])] = {
                "usrn": int(values["usrn"]),
                "name": values["name"][:200],
                "name_key": street_key(values["name"])[:200],
                "town": values["town"][:100],
                "latitude": point[0],
                "longitude": point[1],
            }
    existing = {street.usrn: street for street in db.session.scalars(sa.select(Street).where(Street.usrn.in_(rows)))}
    for usrn, values in rows.items():
        if usrn in existing:
            for key, value in values.items():
                setattr(existing[usrn], key, value)
            result.updated += 1
        else:
            db.session.add(Street(**values))
            result.added += 1
    db.session.flush()
    return result


def wards() -> list[str]:
    """Every ward in the gazetteer, by name."""
    return list(db.session.scalars(sa.select(GazetteerAddress.ward).distinct().order_by(GazetteerAddress.ward)))
