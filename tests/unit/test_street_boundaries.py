"""Ward boundaries from the settings file: which ward a point is in, whose area it is when it is not
ours, and the mistakes a council could make in the GeoJSON, each refused with the reason."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.form_model import service_settings
from app.services.street_boundaries import Boundaries, place

SETTINGS = Path(__file__).resolve().parents[2] / "app" / "service_settings"


def square(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def feature(name, geometry):
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def boundaries(features, neighbours=()):
    return Boundaries.model_validate(
        {"wards": {"type": "FeatureCollection", "features": features}, "neighbours": list(neighbours)}
    )


@pytest.fixture(scope="module")
def demo():
    found, problems = service_settings.load_folder(SETTINGS)
    assert problems == []
    return found["street-reports"].section("boundaries")


@pytest.mark.parametrize(
    ("latitude", "longitude", "ward"),
    [(52.42, -3.0, "Northfield"), (52.40, -3.0, "Central"), (52.38, -3.0, "Riverside"), (52.371, -2.971, "Riverside")],
)
def test_points_in_the_borough_are_in_their_ward(demo, latitude, longitude, ward):
    placement = place(demo, latitude, longitude)
    assert placement.in_borough and placement.ward == ward


def test_a_point_over_the_border_is_in_the_neighbours_area(demo):
    west = place(demo, 52.395, -3.04)
    assert not west.in_borough and west.neighbour.name.en == "Westvale District Council"
    assert place(demo, 52.40, -2.95).neighbour.name.cy == "Cyngor Bwrdeistref Eastbrook"
    nowhere = place(demo, 51.5, -0.12)
    assert not nowhere.in_borough and nowhere.neighbour is None


def test_a_point_on_the_line_between_wards_is_in_one_of_them(demo):
    assert place(demo, 52.41, -3.0).ward == "Northfield"  # the first listed that covers it


def test_the_demo_gazetteers_points_agree_with_their_wards(demo):
    import csv

    with (SETTINGS.parent / "demo" / "gazetteer.csv").open() as handle:
        for row in csv.DictReader(handle):
            assert demo.ward_at(float(row["latitude"]), float(row["longitude"])) == row["ward"], row["line_1"]


def test_postcode_districts_name_the_neighbour(demo):
    assert demo.neighbour_for_postcode("dm9 1aa").name.en == "Westvale District Council"
    assert demo.neighbour_for_postcode("DM84ZZ").name.en == "Eastbrook Borough Council"
    assert demo.neighbour_for_postcode("DM1 1AB") is None
    assert demo.neighbour_for_postcode("") is None


def test_a_multipolygon_ward_with_a_hole():
    ring = [[0, 50], [1, 50], [1, 51], [0, 51], [0, 50]]
    hole = [[0.4, 50.4], [0.6, 50.4], [0.6, 50.6], [0.4, 50.6], [0.4, 50.4]]
    island = square(2, 50, 3, 51)["coordinates"]
    found = boundaries([feature("Isles", {"type": "MultiPolygon", "coordinates": [[ring, hole], island]})])
    assert found.ward_at(50.2, 0.2) == "Isles" and found.ward_at(50.5, 2.5) == "Isles"
    assert found.ward_at(50.5, 0.5) is None  # the hole is not in the ward
    assert found.ward_at(50.5, 1.5) is None


@pytest.mark.parametrize(
    ("wards", "problem"),
    [
        ({"type": "Feature"}, "wards must be a GeoJSON FeatureCollection"),
        ({"type": "FeatureCollection", "features": []}, "wards needs at least one feature"),
        (
            {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": square(0, 50, 1, 51)}]},
            "needs a name",
        ),
        (
            {"type": "FeatureCollection", "features": [feature("A", {"type": "Point", "coordinates": [0, 50]})]},
            "must be a GeoJSON Polygon or MultiPolygon",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [feature("A", {"type": "Polygon", "coordinates": [[[0, 50], [1, 50]]]})],
            },
            "is not a GeoJSON Polygon",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    feature(
                        "Bow tie", {"type": "Polygon", "coordinates": [[[0, 50], [1, 51], [1, 50], [0, 51], [0, 50]]]}
                    )
                ],
            },
            "is not a valid Polygon: Self-intersection",
        ),
        (
            {"type": "FeatureCollection", "features": [feature("A", square(400000, 200000, 400100, 200100))]},
            "not longitude and latitude",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [feature("A", square(0, 50, 1, 51)), feature("A", square(1, 50, 2, 51))],
            },
            "each ward has one feature: A",
        ),
    ],
)
def test_mistakes_in_the_ward_boundaries_are_refused_with_the_reason(wards, problem):
    with pytest.raises(ValidationError) as raised:
        Boundaries.model_validate({"wards": wards})
    assert problem in str(raised.value)


def test_mistakes_in_the_neighbours_are_refused():
    wards = [feature("A", square(0, 50, 1, 51))]
    neighbour = {"name": {"en": "N", "cy": "N"}, "url": "https://n.example", "postcode_districts": ["DM9"]}
    with pytest.raises(ValidationError, match="one neighbour: DM9"):
        boundaries(wards, [neighbour, neighbour | {"name": {"en": "M", "cy": "M"}}])
    with pytest.raises(ValidationError, match="url"):
        boundaries(wards, [neighbour | {"url": "javascript:alert(1)"}])
    with pytest.raises(ValidationError, match="postcode_districts"):
        boundaries(wards, [neighbour | {"postcode_districts": ["dm9 1aa"]}])
    with pytest.raises(ValidationError, match="boundary must be a GeoJSON Polygon"):
        boundaries(wards, [neighbour | {"boundary": {"type": "LineString", "coordinates": [[0, 50], [1, 51]]}}])
