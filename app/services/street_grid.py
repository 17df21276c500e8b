"""A grid of squares about 280 metres a side over the country, so "reports near this point" is a
few short index reads however many reports there are.

Each report stores the number of the square its point is in (`street_reports.grid_cell`). Reports
within a distance of a point are in that point's square or the squares around it: a search reads
those squares (each one range of an index) and then measures the real distance to each report found.
The squares never change size: changing CELL_DEGREES would need every report's square worked out
again (a migration).
"""

from __future__ import annotations

import math

# Height and width of a square, in degrees of latitude and longitude. At 50 to 58 degrees north a
# degree of longitude is 59 to 72 km, so the squares are about 278 m tall and 236 to 286 m wide.
CELL_DEGREES_LATITUDE = 0.0025
CELL_DEGREES_LONGITUDE = 0.004
# A cell number is row * ROW + column, the column shifted so it is never negative.
ROW = 1_000_000
COLUMN_SHIFT = 500_000
EARTH_RADIUS_METRES = 6_371_000
METRES_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_METRES / 180


def _row_and_column(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / CELL_DEGREES_LATITUDE), math.floor(longitude / CELL_DEGREES_LONGITUDE)


def cell_of(latitude: float | None, longitude: float | None) -> int | None:
    """The square a point is in, or None for a report without a point."""
    if latitude is None or longitude is None:
        return None
    row, column = _row_and_column(latitude, longitude)
    return row * ROW + column + COLUMN_SHIFT


def cells_within(latitude: float, longitude: float, metres: float) -> list[int]:
    """Every square that has a point within `metres` of the point (and a few more at the corners)."""
    row, column = _row_and_column(latitude, longitude)
    rows = math.ceil(metres / (CELL_DEGREES_LATITUDE * METRES_PER_DEGREE_LATITUDE))
    width = CELL_DEGREES_LONGITUDE * METRES_PER_DEGREE_LATITUDE * math.cos(math.radians(min(abs(latitude), 89.0)))
    columns = math.ceil(metres / width)
    return [
        (row + down) * ROW + column + across + COLUMN_SHIFT
        for down in range(-rows, rows + 1)
        for across in range(-columns, columns + 1)
    ]


def distance_metres(latitude: float, longitude: float, other_latitude: float, other_longitude: float) -> float:
    """The great-circle distance between two points (haversine), in metres."""
    phi1, phi2 = math.radians(latitude), math.radians(other_latitude)
    d_phi = phi2 - phi1
    d_lambda = math.radians(other_longitude - longitude)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(min(1.0, a)))
