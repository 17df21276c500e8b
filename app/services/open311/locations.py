"""Where a report posted through Open311 is, as the answer the form's location question would give:
a point (lat and long: the nearest street names it, the ward boundaries place it), an address from
our gazetteer (address_id, its UPRN), or address_string (a full postcode we hold, or the name of
exactly one street). A place outside the borough is refused with the name of the council whose
area it is, as the web form does.
"""

from __future__ import annotations

import math
import re

from app.services import gazetteer, street_locations, street_report_search
from app.services.open311.errors import Open311Error
from app.services.street_boundaries import Boundaries, place

PLACE_MAX = 300
NUMBER = re.compile(r"^[+-]?[0-9]{1,3}(\.[0-9]{1,15})?$")


def _coordinate(value: str, name: str, limit: int) -> float:
    value = (value or "").strip()
    if not NUMBER.fullmatch(value):
        raise Open311Error(400, f"{name} must be a decimal number of degrees (WGS84), like 52.4")
    number = float(value)
    if not math.isfinite(number) or abs(number) > limit:
        raise Open311Error(400, f"{name} must be between -{limit} and {limit}")
    return number


def _at_point(bounds: Boundaries, latitude: float, longitude: float, label: str | None) -> dict:
    placement = place(bounds, latitude, longitude)
    if not placement.in_borough:
        if placement.neighbour is not None:
            raise Open311Error(
                400,
                f"That point is in {placement.neighbour.name.get('en')}'s area, not ours: "
                f"send the report to them ({placement.neighbour.url})",
            )
        raise Open311Error(400, "That point is not in our area")
    street = street_locations.nearest_street(latitude, longitude)
    if label is None:
        label = f"Near {street.single_line}" if street is not None else f"Near {latitude:.5f}, {longitude:.5f}"
    return {
        "uprn": None,
        "usrn": street.usrn if street is not None else None,
        "place": label[:PLACE_MAX],
        "latitude": latitude,
        "longitude": longitude,
        "ward": placement.ward,
    }


def _at_address(address_id: str) -> dict:
    if not re.fullmatch(r"[0-9]{1,12}", address_id):
        raise Open311Error(400, "address_id must be the property's UPRN (up to 12 digits)")
    address = gazetteer.get(int(address_id))
    if address is None:
        raise Open311Error(400, "address_id is not an address in our area")
    return street_locations.answer_at_address(address)


def _at_address_string(bounds: Boundaries, text: str) -> dict:
    if gazetteer.is_valid_postcode(text):
        search = street_report_search.point_of_postcode(text)
        if search.point is None:
            if search.neighbour is not None:
                raise Open311Error(400, f"{search.postcode} is in {search.neighbour.name.get('en')}'s area, not ours")
            raise Open311Error(400, f"{search.postcode} is not a postcode in our area")
        return _at_point(bounds, *search.point, label=search.postcode)
    if len(gazetteer.street_key(text)) >= gazetteer.STREET_SEARCH_MIN:
        streets = gazetteer.find_streets(text)
        if len(streets) == 1:
            located = _at_point(bounds, streets[0].latitude, streets[0].longitude, label=streets[0].single_line)
            return located | {"usrn": streets[0].usrn}
    raise Open311Error(
        400, "address_string is not a postcode in our area or the name of one street: send lat and long, or address_id"
    )


def locate(fields: dict[str, str], boundaries_name: str = street_locations.DEFAULT_SETTINGS) -> dict:
    """The location answer (without the description) for the request's lat/long, address_id or
    address_string, in that order of preference."""
    bounds = street_locations.boundaries(boundaries_name)
    latitude, longitude = fields.get("lat"), fields.get("long")
    address_string = fields.get("address_string") or ""
    if latitude or longitude:
        if not (latitude and longitude):
            raise Open311Error(400, "Send both lat and long")
        point = _coordinate(latitude, "lat", 90), _coordinate(longitude, "long", 180)
        return _at_point(bounds, *point, label=None)
    if fields.get("address_id"):
        return _at_address(fields["address_id"])
    if address_string:
        return _at_address_string(bounds, address_string)
    raise Open311Error(400, "Say where the problem is: lat and long, address_id or address_string")
