"""Where a street problem is, without a map: a postcode or a street name searched in the council's
gazetteers, one address or street chosen from what was found, and the person's own words for the
exact spot. The chosen place gives a point, the point a ward, and a place outside the borough the
council whose area it is.

An address in the council's gazetteer is in the borough by definition, and its ward is the
gazetteer's (the council's own record for the property). A street, and a point from the map (a pin
the person placed), is placed in a ward by the ward boundaries in the settings file; a point is
named by the nearest street.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from app import form_model
from app.extensions import db
from app.models import GazetteerAddress, Street
from app.services import gazetteer
from app.services.street_boundaries import Boundaries, Neighbour, Placement, place

DEFAULT_SETTINGS = "street-reports"
ADDRESS_PREFIX = "uprn-"
STREET_PREFIX = "usrn-"
# The start of a postcode (an outward code, or one with the first digit of the inward code): the
# person typed part of a postcode rather than a street name.
PARTIAL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?[0-9]?[A-Z]?$")
DESCRIPTION_MAX = 500
NEAREST_STREET_DEGREES = 0.005  # look for the nearest street within about 500 metres
# A coordinate as a form or an API sends it: decimal degrees, no exponent, no "nan" or "inf".
COORDINATE = re.compile(r"^[+-]?[0-9]{1,3}(\.[0-9]{1,15})?$")


def boundaries(settings_name: str = DEFAULT_SETTINGS) -> Boundaries:
    settings = form_model.settings_for(settings_name)
    section = settings.section("boundaries") if settings is not None else None
    if section is None:
        raise LookupError(f"app/service_settings/{settings_name}.yaml has no boundaries")
    return section


@dataclass
class Found:
    """What a search found: the addresses at a postcode, or the streets with a name."""

    term: str
    is_postcode: bool
    addresses: list[GazetteerAddress] = field(default_factory=list)
    streets: list[Street] = field(default_factory=list)
    # A postcode we do not hold but a neighbouring council covers.
    neighbour: Neighbour | None = None

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(f"{ADDRESS_PREFIX}{found.uprn}", found.single_line) for found in self.addresses] + [
            (f"{STREET_PREFIX}{found.usrn}", found.single_line) for found in self.streets
        ]

    @property
    def looks_like_part_of_a_postcode(self) -> bool:
        return not self.is_postcode and bool(PARTIAL_POSTCODE.match(gazetteer.postcode_key(self.term)))

    @property
    def at_limit(self) -> bool:
        return len(self.streets) >= gazetteer.STREET_LIST_LIMIT


def search(term: str, bounds: Boundaries) -> Found:
    """A full postcode finds its addresses (or the neighbour whose postcode it is); anything else
    finds streets whose name contains it."""
    term = (term or "").strip()
    if gazetteer.is_valid_postcode(term):
        found = Found(gazetteer.format_postcode(term), True, addresses=gazetteer.find_by_postcode(term))
        if not found.addresses:
            found.neighbour = bounds.neighbour_for_postcode(term)
        return found
    return Found(term, False, streets=gazetteer.find_streets(term))


@dataclass(frozen=True)
class Chosen:
    """The place chosen: its answer (when in the borough), and where it is."""

    answer: dict | None
    placement: Placement
    label: str


def answer_at_address(address: GazetteerAddress) -> dict:
    """A location answer for a gazetteer address: its point and ward, no street of its own."""
    return {
        "uprn": address.uprn,
        "usrn": None,
        "place": address.single_line,
        "latitude": address.latitude,
        "longitude": address.longitude,
        "ward": address.ward,
    }


def choose(value: str, found: Found, bounds: Boundaries) -> Chosen | None:
    """The address or street the person chose from what the search found (None if it is not one of
    them: a value made up, or from another search)."""
    if value not in {choice for choice, _label in found.choices}:
        return None
    if value.startswith(ADDRESS_PREFIX):
        address = next(found for found in found.addresses if f"{ADDRESS_PREFIX}{found.uprn}" == value)
        return Chosen(answer_at_address(address), Placement(address.ward), address.single_line)
    street = next(found for found in found.streets if f"{STREET_PREFIX}{found.usrn}" == value)
    placement = place(bounds, street.latitude, street.longitude)
    answer = None
    if placement.in_borough:
        answer = {
            "uprn": None,
            "usrn": street.usrn,
            "place": street.single_line,
            "latitude": street.latitude,
            "longitude": street.longitude,
            "ward": placement.ward,
        }
    return Chosen(answer, placement, street.single_line)


def coordinate(value: str, limit: int) -> float | None:
    """A latitude (limit 90) or longitude (limit 180) in decimal degrees, or None if it is not one."""
    value = (value or "").strip()
    if not COORDINATE.fullmatch(value):
        return None
    number = float(value)
    return number if abs(number) <= limit else None


def nearest_street(latitude: float, longitude: float) -> Street | None:
    """The street in the gazetteer whose point is nearest, within about 500 metres (or None)."""
    box = NEAREST_STREET_DEGREES
    nearby = db.session.scalars(
        sa.select(Street).where(
            Street.latitude.between(latitude - box, latitude + box),
            Street.longitude.between(longitude - box, longitude + box),
        )
    ).all()
    scale = math.cos(math.radians(latitude))
    return min(
        nearby,
        key=lambda street: (street.latitude - latitude) ** 2 + ((street.longitude - longitude) * scale) ** 2,
        default=None,
    )


def at_point(bounds: Boundaries, latitude: float, longitude: float) -> Chosen:
    """A point placed on the map: its ward (None outside the borough), named by the nearest street
    (or, with none near, by its coordinates). The answer has "pin" set, so the map shows it again."""
    placement = place(bounds, latitude, longitude)
    street = nearest_street(latitude, longitude)
    label = street.single_line if street is not None else f"{latitude:.5f}, {longitude:.5f}"
    answer = None
    if placement.in_borough:
        answer = {
            "uprn": None,
            "usrn": street.usrn if street is not None else None,
            "place": label,
            "latitude": latitude,
            "longitude": longitude,
            "ward": placement.ward,
            "pin": True,
        }
    return Chosen(answer, placement, label)


def display(answer: dict) -> str:
    """A location answer as people read it: the place, then their description of the spot."""
    parts = [answer.get("place"), answer.get("description")]
    return ": ".join(str(part) for part in parts if part)
