"""The map on the location question: shown only when a tile address is set (MAP_TILE_URL), with its
words translated in the page; a pin's point, posted as the hidden latitude and longitude, is checked
as a street's point is (the ward from the boundaries, a neighbour's area refused) and comes back when
the person returns to the page. Without a tile address there is no map markup, script or tile host."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import FormJourney
from app.services import gazetteer, street_locations
from tests.pages import PageClient

pytestmark = pytest.mark.db

DEFINITIONS = Path(__file__).parent / "data" / "location"
URL = "/services/report-a-spill/where"
TILES = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"  # nothing listens there: no tile is ever fetched
MAP = '[data-module="doorstep-location-map"]'
CURRENT_LOCATION = '[data-module="doorstep-current-location"]'
POINT_PARTS = ("latitude", "longitude", "source")


def spill_client(make_app, **settings):
    app = make_app(FORM_DEFINITIONS_DIR=str(DEFINITIONS), **settings)
    client = PageClient(app.test_client())
    client.get("/services/report-a-spill/begin", expect=302)
    return client


@pytest.fixture
def with_map(make_app, database):
    return spill_client(make_app, MAP_TILE_URL=TILES, MAP_TILE_ATTRIBUTION="© Demo Map Makers")


@pytest.fixture
def without_map(make_app, database):
    return spill_client(make_app, MAP_TILE_URL="", MAP_TILE_ATTRIBUTION="")


def post(client, data: dict, expect=200):
    page = client.get(URL)
    return client.post(URL, {"csrf_token": page.csrf_token(), **data}, expect=expect)


def stored_answer():
    return db.session.scalars(sa.select(FormJourney).order_by(FormJourney.id.desc())).first().answers["spot"]


def test_without_a_tile_address_there_is_no_map(without_map):
    page = without_map.get(URL)
    assert page.soup.select(MAP) == [] and "map." not in " ".join(
        tag.get("src", "") + tag.get("href", "") for tag in page.soup.select("script, link")
    )
    # "Use my current location" needs no map: it is offered (by the script) all the same, and its
    # point's parts are in the page, disabled, so without JavaScript nothing of it is seen or sent.
    assert page.soup.select_one(CURRENT_LOCATION).has_attr("hidden")
    assert all(page.soup.select_one(f"input[name=spot-{part}]").has_attr("disabled") for part in POINT_PARTS)
    assert "img-src 'self' data:;" in page.response.headers["Content-Security-Policy"]


def test_the_tile_address_and_the_words_reach_the_page_and_the_borough_is_shown(with_map, app):
    page = with_map.get(URL)
    (block,) = page.soup.select(MAP)
    assert block.has_attr("hidden")  # until the script shows it: nothing of the map without JavaScript
    assert block["data-tile-url"] == TILES and block["data-attribution"] == "© Demo Map Makers"
    south, west, north, east = (float(value) for value in block["data-bounds"].split(","))
    assert (south, west, north, east) == (52.37, -3.03, 52.43, -2.97)  # the three demo wards
    assert block.select_one("#spot-map")["aria-labelledby"] == "spot-map-label"
    assert block.select_one("#spot-map-label").get_text(strip=True) == "Or put a pin on a map"
    assert block.select_one("button[data-map-centre]").get_text(strip=True) == "Use the centre of the map"
    assert all(page.soup.select_one(f"input[name=spot-{part}]").has_attr("disabled") for part in POINT_PARTS)
    (description,) = page.soup.select("[data-point-only] textarea#spot-description")
    assert description.has_attr("disabled")  # only sent when the map is there to put a pin
    # Leaflet is fetched only when the person asks for the map: nothing of it in the page itself.
    assert block["data-map-script"].startswith("/static/map.") and block["data-map-script"].endswith(".js")
    assert block["data-map-styles"].startswith("/static/map.") and block["data-map-styles"].endswith(".css")
    assert not any(
        "/static/map." in tag.get("src", "") + tag.get("href", "") for tag in page.soup.select("script, link")
    )
    assert block.select_one("button[data-map-show]").get_text(strip=True) == "Show the map"
    assert block.select_one("[data-map-panel]").has_attr("hidden") and not block.has_attr("data-show-now")
    assert "img-src 'self' data: http://127.0.0.1:9;" in page.response.headers["Content-Security-Policy"]

    with_map.get("/language/cy", expect=302)
    welsh = with_map.get(URL).soup.select_one(MAP)
    assert welsh["data-zoom-in"] == "Chwyddo i mewn" and welsh["data-zoom-out"] == "Chwyddo allan"
    assert welsh.select_one("button[data-map-centre]").get_text(strip=True) == "Defnyddio canol y map"
    assert welsh.select_one("button[data-map-show]").get_text(strip=True) == "Dangos y map"


def test_the_map_starts_at_the_places_found_and_each_choice_has_its_point(with_map):
    found = post(with_map, {"spot-search": "DM2 3EF", "spot-find": "1"})
    addresses = gazetteer.find_by_postcode("DM2 3EF")
    options = found.soup.select("#spot-place option")[1:]
    assert [option["data-point"] for option in options] == [
        f"{address.latitude:.6f},{address.longitude:.6f}" for address in addresses
    ]
    block = found.soup.select_one(MAP)
    assert block["data-zoom"] == "17" and not block.has_attr("data-bounds")
    assert found.soup.select("[data-point-only]") == []  # the description is asked after the list instead
    assert len(found.soup.select("textarea#spot-description")) == 1


def test_a_first_visit_with_the_map_offered_is_within_the_page_weight_budget(with_map):
    from tests.page_weight import BUDGET_BYTES, measure

    weight = measure(with_map.raw, URL)
    assert sorted(name.removeprefix("/static/").split(".")[0] for name in weight.assets) == ["app", "app"]
    assert weight.total <= BUDGET_BYTES


def test_a_pin_in_the_borough_is_placed_in_its_ward_and_named_by_the_nearest_street(with_map):
    street = gazetteer.find_streets("market square")[0]
    latitude, longitude = street.latitude + 0.0003, street.longitude - 0.0002
    post(
        with_map,
        {"spot-latitude": f"{latitude:.6f}", "spot-longitude": f"{longitude:.6f}", "spot-description": "By the bench"},
        expect=302,
    )
    answer = stored_answer()
    assert answer == {
        "uprn": None,
        "usrn": street.usrn,
        "place": street.single_line,
        "latitude": round(latitude, 6),
        "longitude": round(longitude, 6),
        "ward": "Central",
        "pin": True,
        "description": "By the bench",
        "search": "",
    }
    again = with_map.get(URL)  # coming back: the pin is where it was, and the words
    block = again.soup.select_one(MAP)
    assert block.has_attr("data-show-now")  # a pin is on the map: it is shown at once
    assert again.soup.select_one("input[name=spot-latitude]")["value"] == str(round(latitude, 6))
    assert block["data-centre"] == f"{round(latitude, 6):.6f},{round(longitude, 6):.6f}"
    assert again.soup.select_one("#spot-description").get_text() == "By the bench"


def test_a_pin_wins_over_a_place_chosen_from_the_list(with_map):
    address = gazetteer.find_by_postcode("DM2 3EF")[0]
    post(
        with_map,
        {
            "spot-search": "DM2 3EF",
            "spot-place": f"uprn-{address.uprn}",
            "spot-latitude": "52.42",
            "spot-longitude": "-3.0",
            "spot-description": "On the corner",
        },
        expect=302,
    )
    answer = stored_answer()
    assert (answer["ward"], answer["uprn"], answer["pin"], answer["search"]) == ("Northfield", None, True, "DM2 3EF")


def test_a_pin_in_a_neighbours_area_says_whose_it_is(with_map):
    refused = post(with_map, {"spot-latitude": "52.40", "spot-longitude": "-3.05", "spot-description": "Here"})
    assert refused.error_summary == [
        "The pin is in Westvale District Council's area, not ours. Report the problem to them"
    ]
    assert refused.soup.select_one(".govuk-error-summary a")["href"] == "#spot-map"
    assert refused.soup.select_one(MAP).has_attr("data-show-now")
    assert refused.soup.select_one("#spot-map-error") is not None
    assert "spot-map-error" in refused.soup.select_one("#spot-map")["aria-describedby"]
    assert refused.soup.select_one(".govuk-inset-text a")["href"] == "https://www.westvale.example/report-a-problem"
    nowhere = post(with_map, {"spot-latitude": "51.5", "spot-longitude": "-0.12", "spot-description": "Here"})
    assert nowhere.error_summary == ["The pin is not in our area. Move the map and place it in our area"]
    assert db.session.scalars(sa.select(FormJourney)).first() is None


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [("nan", "-3.0"), ("52.4", ""), ("1e2", "-3"), ("91", "-3"), ("52.4", "-181"), ("52.4<script>", "-3")],
)
def test_a_point_that_is_not_one_is_refused(with_map, latitude, longitude):
    refused = post(with_map, {"spot-latitude": latitude, "spot-longitude": longitude, "spot-description": "x"})
    assert refused.error_summary == ["Place the pin on the map again, or find the place by postcode or street name"]


def test_a_pin_needs_the_words_too(with_map):
    refused = post(with_map, {"spot-latitude": "52.40", "spot-longitude": "-3.0"})
    assert refused.error_summary == ["Describe exactly where the problem is"]
    assert refused.soup.select_one(MAP)["data-centre"] == "52.400000,-3.000000"


def test_finding_a_place_with_a_pin_on_the_map_keeps_the_pin_for_the_next_page(with_map):
    found = post(with_map, {"spot-search": "mill", "spot-find": "1", "spot-latitude": "52.40", "spot-longitude": "-3"})
    assert not found.error_summary
    assert found.soup.select_one("input[name=spot-latitude]")["value"] == "52.40"
    assert found.soup.select_one("#spot-place option[selected]") is None


def test_the_coordinates_are_read_as_numbers_of_degrees():
    assert street_locations.coordinate(" 52.4 ", 90) == 52.4
    assert street_locations.coordinate("-180", 180) == -180
    for wrong in ("", "nan", "inf", "1e3", "90.5", "52,4", "٥٢"):
        assert street_locations.coordinate(wrong, 90) is None, wrong


def test_the_devices_location_is_placed_in_its_ward_and_kept_as_the_devices(without_map):
    """ "Use my current location" posts the point as a pin is, with source "device": no map needed."""
    street = gazetteer.find_streets("market square")[0]
    latitude, longitude = street.latitude + 0.0001, street.longitude + 0.0001
    point = {"spot-latitude": f"{latitude:.6f}", "spot-longitude": f"{longitude:.6f}", "spot-source": "device"}
    post(without_map, point | {"spot-description": "Outside the chemist"}, expect=302)
    answer = stored_answer()
    assert (answer["ward"], answer["usrn"], answer["pin"], answer["source"]) == ("Central", street.usrn, True, "device")
    again = without_map.get(URL)  # coming back: the point, and that it came from the device, are kept
    assert again.soup.select_one("input[name=spot-source]")["value"] == "device"
    assert again.soup.select_one("input[name=spot-latitude]")["value"] == str(round(latitude, 6))
    assert again.soup.select_one("[data-point-only] #spot-description").get_text() == "Outside the chemist"


def test_the_devices_location_outside_the_borough_is_explained_as_where_the_person_is(without_map):
    refused = post(
        without_map,
        {"spot-latitude": "52.40", "spot-longitude": "-3.05", "spot-source": "device", "spot-description": "Here"},
    )
    assert refused.error_summary == [
        "Where you are is in Westvale District Council's area, not ours. Report the problem to them"
    ]
    assert refused.soup.select_one(".govuk-error-summary a")["href"] == "#spot-located"
    block = refused.soup.select_one(CURRENT_LOCATION)
    assert not block.has_attr("hidden") and block.select_one("#spot-located-error") is not None
    assert "spot-located-error" in block.select_one("button#spot-located")["aria-describedby"]
    assert (
        refused.soup.select_one(".govuk-inset-text")
        .get_text(" ", strip=True)
        .startswith("Where you are is looked after")
    )
    nowhere = post(
        without_map,
        {"spot-latitude": "51.5", "spot-longitude": "-0.12", "spot-source": "device", "spot-description": "Here"},
    )
    assert nowhere.error_summary == ["Where you are is not in our area. Find the place by postcode or street name"]
    broken = post(without_map, {"spot-latitude": "x", "spot-longitude": "-3", "spot-source": "device"})
    assert broken.error_summary[0] == (
        "We could not use your location. Try again, or find the place by postcode or street name"
    )
    assert db.session.scalars(sa.select(FormJourney)).first() is None


def test_an_unknown_source_is_read_as_a_pin(with_map):
    refused = post(
        with_map,
        {"spot-latitude": "51.5", "spot-longitude": "-0.12", "spot-source": "<b>gps</b>", "spot-description": "x"},
    )
    assert refused.error_summary == ["The pin is not in our area. Move the map and place it in our area"]
    assert "<b>gps</b>" not in refused.text


def test_the_current_location_words_are_translated(without_map):
    without_map.get("/language/cy", expect=302)
    block = without_map.get(URL).soup.select_one(CURRENT_LOCATION)
    english = {
        "data-locating": "Finding where you are",
        "data-located": "We have your location",
        "data-denied": "We cannot use your location",
        "data-failed": "We could not find your location",
    }
    for attribute, start in english.items():
        assert block[attribute] and not block[attribute].startswith(start), attribute
    assert block.select_one("button[data-locate]").get_text(strip=True) != "Use my current location"
