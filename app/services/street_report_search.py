"""Finding street reports near a place: "Already reported?" before a report is sent (open reports
of the same category within a distance), and the public list of recent reports near a postcode.

Both read the grid squares around the point (app/services/street_grid.py), one short range of an
index per square, so they cost the same however many reports there are (`make bench` measures it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa

from app.extensions import db
from app.models import StreetReport
from app.models.street_reports import OPEN_REPORT
from app.services import gazetteer, street_grid, street_locations, street_reports, uploads

# The public list shows reports in the squares within this distance of the postcode.
PUBLIC_LIST_METRES = 500
PUBLIC_LIST_LIMIT = 20
# Open reports read for "Already reported?": far more than a street ever has; a safety limit.
OPEN_READ_LIMIT = 5000


@dataclass(frozen=True)
class Nearby:
    report: StreetReport
    metres: int


def open_nearby(
    category: str, latitude: float, longitude: float, *, metres: int | None = None, limit: int = 10
) -> list[Nearby]:
    """Open reports of the category within `metres` (the setting, 250 m by default), nearest first.
    The points come from the index of open reports alone; only the nearest reports are then read."""
    metres = metres if metres is not None else street_reports.settings().nearby_distance_metres
    cells = street_grid.cells_within(latitude, longitude, metres)
    points = db.session.execute(
        sa.select(StreetReport.id, StreetReport.latitude, StreetReport.longitude)
        .where(StreetReport.category == category, StreetReport.grid_cell.in_(cells), OPEN_REPORT)
        .limit(OPEN_READ_LIMIT)
    ).all()
    measured = sorted(
        (distance, report_id)
        for report_id, report_latitude, report_longitude in points
        if (distance := round(street_grid.distance_metres(latitude, longitude, report_latitude, report_longitude)))
        <= metres
    )[:limit]
    if not measured:
        return []
    reports = {
        report.id: report
        for report in db.session.scalars(
            sa.select(StreetReport).where(StreetReport.id.in_([report_id for _, report_id in measured]))
        )
    }
    return [Nearby(reports[report_id], distance) for distance, report_id in measured]


def _metres(report: StreetReport, latitude: float, longitude: float) -> int:
    return round(street_grid.distance_metres(latitude, longitude, report.latitude, report.longitude))


def recent_near(latitude: float, longitude: float, *, limit: int = PUBLIC_LIST_LIMIT) -> list[Nearby]:
    """The newest reports in the grid squares around the point, newest first: the newest few of each
    square (one index range each, in one statement), then the newest of those."""
    cells = street_grid.cells_within(latitude, longitude, PUBLIC_LIST_METRES)
    values = {f"cell_{number}": cell for number, cell in enumerate(cells)} | {"wanted": limit}
    ids = list(db.session.scalars(_newest_in_squares(len(cells)), values))
    if not ids:
        return []
    found = db.session.scalars(
        sa.select(StreetReport)
        .where(StreetReport.id.in_(ids))
        .order_by(StreetReport.created_at.desc(), StreetReport.id.desc())
    ).all()
    return [Nearby(report, _metres(report, latitude, longitude)) for report in found]


@cache
def _newest_in_squares(squares: int) -> sa.Select:
    """The statement for that many squares, built once: building it (25 subqueries) costs more than
    running it. Its values are bound: cell_0, cell_1, ... and wanted."""
    wanted = sa.bindparam("wanted", type_=sa.Integer)
    newest_in_each = [
        sa.select(StreetReport.id, StreetReport.created_at)
        .where(StreetReport.grid_cell == sa.bindparam(f"cell_{number}", type_=sa.BigInteger))
        .order_by(StreetReport.created_at.desc())
        .limit(wanted)
        .subquery()
        for number in range(squares)
    ]
    together = sa.union_all(*(sa.select(part.c.id, part.c.created_at) for part in newest_in_each)).subquery()
    return sa.select(together.c.id).order_by(together.c.created_at.desc(), together.c.id.desc()).limit(wanted)


@dataclass(frozen=True)
class PostcodeSearch:
    """What a postcode search found: a point, or why not (not a postcode, not ours, not known)."""

    postcode: str
    point: tuple[float, float] | None = None
    problem: str | None = None  # "invalid", "unknown", "neighbour"
    neighbour: object | None = None


def point_of_postcode(postcode: str) -> PostcodeSearch:
    """The middle of the addresses at a postcode in the gazetteer."""
    postcode = (postcode or "").strip()
    if len(postcode) > 20 or not gazetteer.is_valid_postcode(postcode):
        return PostcodeSearch(postcode[:20], problem="invalid")
    shown = gazetteer.format_postcode(postcode)
    points = [
        (address.latitude, address.longitude)
        for address in gazetteer.find_by_postcode(postcode)
        if address.latitude is not None and address.longitude is not None
    ]
    if not points:
        neighbour = street_locations.boundaries().neighbour_for_postcode(postcode)
        return PostcodeSearch(shown, problem="neighbour" if neighbour else "unknown", neighbour=neighbour)
    latitude = sum(point[0] for point in points) / len(points)
    longitude = sum(point[1] for point in points) / len(points)
    return PostcodeSearch(shown, point=(latitude, longitude))


# What the public may see of a report.

HOUSE_NUMBER = re.compile(r"^(?:(?:flat|unit|apartment|room)\s+)?\d+[a-z]?(?:\s*-\s*\d+[a-z]?)?\s+", re.IGNORECASE)
ONLY_A_NUMBER = re.compile(r"^(?:(?:flat|unit|apartment|room)\s+)?\d+[a-z]?$", re.IGNORECASE)


def rough_location(report: StreetReport) -> str:
    """Where it is, without a house number or postcode: "High Street, Demoton"."""
    parts = []
    for part in (report.place or "").split(","):
        part = HOUSE_NUMBER.sub("", part.strip())
        if not part or ONLY_A_NUMBER.match(part) or gazetteer.is_valid_postcode(part):
            continue
        parts.append(part)
    return ", ".join(parts[:2])


def shows_photo(report: StreetReport) -> bool:
    """Whether the public see a photo with the report (without reading its case)."""
    return report.has_photo and not report.photo_hidden


def photo_of(report: StreetReport) -> dict | None:
    """The photo the public may see: the first file sent with it, unless staff have hidden it."""
    if not shows_photo(report):
        return None
    return next((value for value in report.case.answers.values() if uploads.is_file_answer(value)), None)
