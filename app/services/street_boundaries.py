"""Which ward a point is in, and whose area it is when it is not in the borough.

The ward boundaries are GeoJSON in a service settings file (the `boundaries` section of
app/service_settings/street-reports.yaml): a FeatureCollection of Polygon or MultiPolygon features,
each with a `name` property that is the ward's name as the gazetteer spells it. Neighbouring
councils each have a name, a web address where their residents report problems, the postcode
districts they cover and, optionally, their boundary, so a person whose problem is over the border
is told whose it is. Points are WGS84 longitude and latitude, as GeoJSON has them.

Point-in-polygon is Shapely's (GEOS), on geometries prepared once when the file is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

import shapely
from pydantic import Field, PrivateAttr, StringConstraints, field_validator, model_validator
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from app.form_model import service_settings
from app.form_model.schema import Strict, Text

POLYGON_TYPES = {"Polygon", "MultiPolygon"}
PostcodeDistrict = Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")]


def _geometry(value: Any, where: str) -> BaseGeometry:
    """A GeoJSON Polygon or MultiPolygon as a valid Shapely geometry, or a ValueError saying why not."""
    if not isinstance(value, dict) or value.get("type") not in POLYGON_TYPES:
        raise ValueError(f"{where} must be a GeoJSON Polygon or MultiPolygon")
    try:
        geometry = shape(value)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, shapely.errors.GEOSException) as error:
        raise ValueError(f"{where} is not a GeoJSON {value['type']} ({error})") from None
    if geometry.is_empty or not geometry.is_valid:
        raise ValueError(f"{where} is not a valid {value['type']}: {shapely.is_valid_reason(geometry)}")
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValueError(f"{where} has points that are not longitude and latitude")
    return geometry


class Neighbour(Strict):
    """A council next to ours: people with a problem in its area are sent to its own site."""

    name: Text
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$", max_length=500)]
    postcode_districts: list[PostcodeDistrict] = Field(default_factory=list)
    boundary: dict | None = None
    _shape: BaseGeometry | None = PrivateAttr(default=None)

    @field_validator("boundary")
    @classmethod
    def _valid_boundary(cls, value):
        if value is not None:
            _geometry(value, "boundary")
        return value

    def model_post_init(self, context) -> None:
        if self.boundary is not None:
            self._shape = _geometry(self.boundary, "boundary")
            shapely.prepare(self._shape)

    def contains(self, point: Point) -> bool:
        return self._shape is not None and self._shape.covers(point)


class Boundaries(Strict):
    """The `boundaries` section of a settings file: the wards as GeoJSON, and the neighbours."""

    wards: dict
    neighbours: list[Neighbour] = Field(default_factory=list)
    _wards: list[tuple[str, BaseGeometry]] = PrivateAttr(default_factory=list)

    @field_validator("wards")
    @classmethod
    def _feature_collection(cls, value: dict) -> dict:
        if value.get("type") != "FeatureCollection" or not isinstance(value.get("features"), list):
            raise ValueError("wards must be a GeoJSON FeatureCollection with a list of features")
        if not value["features"]:
            raise ValueError("wards needs at least one feature")
        names = []
        for index, feature in enumerate(value["features"]):
            where = f"feature {index}"
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise ValueError(f"{where} must be a GeoJSON Feature")
            name = (feature.get("properties") or {}).get("name")
            if not isinstance(name, str) or not name.strip():
                raise ValueError(f"{where} needs a name in its properties (the ward's name, as in the gazetteer)")
            _geometry(feature.get("geometry"), f"{where} ({name})")
            names.append(name)
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"each ward has one feature: {', '.join(repeated)}")
        return value

    @model_validator(mode="after")
    def _districts_once(self) -> Boundaries:
        districts = [district for neighbour in self.neighbours for district in neighbour.postcode_districts]
        repeated = sorted({district for district in districts if districts.count(district) > 1})
        if repeated:
            raise ValueError(f"each postcode district belongs to one neighbour: {', '.join(repeated)}")
        return self

    def model_post_init(self, context) -> None:
        for feature in self.wards["features"]:
            geometry = _geometry(feature["geometry"], feature["properties"]["name"])
            shapely.prepare(geometry)
            self._wards.append((feature["properties"]["name"], geometry))

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """The box around every ward: south, west, north, east (to show the borough on a map)."""
        boxes = [geometry.bounds for _name, geometry in self._wards]
        return (
            min(box[1] for box in boxes),
            min(box[0] for box in boxes),
            max(box[3] for box in boxes),
            max(box[2] for box in boxes),
        )

    @property
    def ward_names(self) -> list[str]:
        return [name for name, _geometry in self._wards]

    def ward_at(self, latitude: float, longitude: float) -> str | None:
        """The ward the point is in (on a boundary line, the first ward listed), or None."""
        point = Point(longitude, latitude)
        return next((name for name, geometry in self._wards if geometry.covers(point)), None)

    def neighbour_at(self, latitude: float, longitude: float) -> Neighbour | None:
        point = Point(longitude, latitude)
        return next((neighbour for neighbour in self.neighbours if neighbour.contains(point)), None)

    def neighbour_for_postcode(self, postcode: str) -> Neighbour | None:
        """The neighbour whose postcode districts include this postcode's (the part before the space)."""
        key = re.sub(r"\s+", "", postcode or "").upper()
        district = key[:-3] if len(key) > 3 else key
        return next((neighbour for neighbour in self.neighbours if district in neighbour.postcode_districts), None)


service_settings.register_section("boundaries", Boundaries)


@dataclass(frozen=True)
class Placement:
    """Where a point is: in one of our wards, or not in the borough (and in a neighbour's area, if known)."""

    ward: str | None
    neighbour: Neighbour | None = None

    @property
    def in_borough(self) -> bool:
        return self.ward is not None


def place(boundaries: Boundaries, latitude: float, longitude: float) -> Placement:
    ward = boundaries.ward_at(latitude, longitude)
    if ward is not None:
        return Placement(ward)
    return Placement(None, boundaries.neighbour_at(latitude, longitude))
