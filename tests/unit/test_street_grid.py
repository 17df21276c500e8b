"""The grid of squares that "near here" searches read: every point within the distance is in one of
the squares searched, and distances are right."""

import math
import random

import pytest

from app.services import street_grid


def moved(latitude, longitude, metres, bearing_degrees):
    """The point `metres` from (latitude, longitude) on a bearing (a flat-earth step, fine under 1 km)."""
    bearing = math.radians(bearing_degrees)
    d_lat = metres * math.cos(bearing) / street_grid.METRES_PER_DEGREE_LATITUDE
    d_lng = metres * math.sin(bearing) / (street_grid.METRES_PER_DEGREE_LATITUDE * math.cos(math.radians(latitude)))
    return latitude + d_lat, longitude + d_lng


def test_distances_are_great_circle_metres():
    assert street_grid.distance_metres(52.4, -3.0, 52.4, -3.0) == 0
    assert street_grid.distance_metres(52.4, -3.0, 52.401, -3.0) == pytest.approx(111.2, abs=0.2)
    # London to Cardiff, about 211 km
    assert street_grid.distance_metres(51.5074, -0.1278, 51.4816, -3.1791) == pytest.approx(211_300, rel=0.01)


def test_a_point_without_a_position_has_no_square():
    assert street_grid.cell_of(None, -3.0) is None and street_grid.cell_of(52.4, None) is None


def test_nearby_points_share_a_square_and_distant_ones_do_not():
    assert street_grid.cell_of(52.40001, -3.00001) == street_grid.cell_of(52.40002, -3.00002)
    assert street_grid.cell_of(52.40, -3.0) != street_grid.cell_of(52.41, -3.0)
    assert street_grid.cell_of(52.40, -3.0) != street_grid.cell_of(52.40, -2.99)
    # East and west of Greenwich never share a number
    assert street_grid.cell_of(51.5, 0.001) != street_grid.cell_of(51.5, -0.001)


@pytest.mark.parametrize("metres", [50, 250, 500, 1000])
@pytest.mark.parametrize("latitude", [50.1, 52.4, 58.6])
def test_every_point_within_the_distance_is_in_a_square_searched(latitude, metres):
    rng = random.Random(metres)
    for _ in range(400):
        start = (latitude + rng.uniform(-0.01, 0.01), rng.uniform(-5.5, 1.5))
        cells = set(street_grid.cells_within(*start, metres))
        end = moved(*start, rng.uniform(0, metres) * 0.999, rng.uniform(0, 360))
        assert street_grid.cell_of(*end) in cells


def test_250_metres_reads_nine_squares_or_so():
    assert len(street_grid.cells_within(52.4, -3.0, 250)) in (9, 15, 25)
