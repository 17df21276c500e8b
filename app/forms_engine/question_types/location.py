"""The location question: where a problem in the street is, without a map.

The person types a postcode or a street name and presses "Find"; then chooses the nearest address
or the street from the list, and describes exactly where (near which house, lamp post, junction).
Everything is an ordinary button, so it works with JavaScript off. A place in a neighbouring
council's area is refused with that council's name and a link to its own site.

With JavaScript on and a tile address set (MAP_TILE_URL), a map lets the person place a pin
instead of choosing from the list (app/assets/map.mjs): the pin's point is posted as the hidden
parts latitude and longitude, and checked here like a street's point (ward, whose area). A posted
point wins over the list; without JavaScript the parts are never sent.

"Use my current location" (app/assets/app.mjs, where the browser offers geolocation, with or
without a map) posts the device's point the same way, with the part source set to "device", so a
point outside the borough is explained as where the person is, not as a pin they placed.

The stored answer is a dict: uprn or usrn, place (the address or street as shown; for a pin, the
nearest street), latitude and longitude (None for an address the gazetteer has no point for), ward,
description, search (what was typed, to show the same list again when the person comes back to the
page), pin (True when the point was placed on the map or came from the device) and source
("device" when it came from the device).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from pydantic import BaseModel, ConfigDict
from wtforms import Field
from wtforms.utils import unset_value

from app.form_model.question_types import FieldContext, QuestionKind, register
from app.form_model.schema import Identifier, Question
from app.forms_common import CONTROL_CHARACTERS
from app.forms_engine.question_types.base import label_and_hint
from app.i18n import current_language
from app.services import gazetteer, street_locations

PARTS = ("search", "place", "description", "latitude", "longitude", "source")
DEVICE = "device"
ZOOMED_IN = 17  # the map's zoom on a chosen place or pin: a street and its houses


class LocationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # The settings file (app/service_settings/<name>.yaml) with the ward boundaries.
    boundaries: Identifier = street_locations.DEFAULT_SETTINGS


class LocationField(Field):
    """Errors are a dict of part name to messages, so the error summary links to the box at fault."""

    def __init__(self, label=None, validators=None, *, optional: bool, boundaries: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.optional = optional
        self.boundaries_name = boundaries

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        self.errors = {}
        self.bounds = street_locations.boundaries(self.boundaries_name)
        self.found = None
        self.searching = False
        self.outside = None  # (place, council's name, its web address) when the place is not in the borough
        stored = data if isinstance(data, dict) else None
        self.data = stored
        self.values = {part: "" for part in PARTS}
        if formdata is None:
            if stored and stored.get("pin"):
                self.values |= {
                    "search": str(stored.get("search") or ""),
                    "description": str(stored.get("description") or ""),
                    "latitude": str(stored.get("latitude") or ""),
                    "longitude": str(stored.get("longitude") or ""),
                    "source": DEVICE if stored.get("source") == DEVICE else "",
                }
                self._search()
            elif stored:
                chosen = stored.get("uprn") or stored.get("usrn")
                prefix = street_locations.ADDRESS_PREFIX if stored.get("uprn") else street_locations.STREET_PREFIX
                self.values |= {
                    "search": str(stored.get("search") or ""),
                    "place": f"{prefix}{chosen}" if chosen else "",
                    "description": str(stored.get("description") or ""),
                }
                self._search()
            return
        self.data = None
        self.values = {part: self._posted(formdata, part) for part in PARTS}
        self.searching = f"{self.name}-find" in formdata
        self._search()

    def _posted(self, formdata, part: str) -> str:
        value = formdata.get(f"{self.name}-{part}", "")
        return value.strip() if isinstance(value, str) else ""

    def _search(self) -> None:
        term = self.values["search"]
        if term and len(term) <= gazetteer.STREET_SEARCH_MAX and not CONTROL_CHARACTERS.search(term):
            self.found = street_locations.search(term, self.bounds)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return self.found.choices if self.found else []

    @property
    def choice_points(self) -> dict[str, tuple[float, float]]:
        """Each choice's point, for the map to move to the place chosen from the list."""
        if not self.found:
            return {}
        places = [(f"{street_locations.ADDRESS_PREFIX}{found.uprn}", found) for found in self.found.addresses]
        places += [(f"{street_locations.STREET_PREFIX}{found.usrn}", found) for found in self.found.streets]
        return {
            value: (found.latitude, found.longitude)
            for value, found in places
            if found.latitude is not None and found.longitude is not None
        }

    @property
    def pin(self) -> tuple[float, float] | None:
        latitude = street_locations.coordinate(self.values["latitude"], 90)
        longitude = street_locations.coordinate(self.values["longitude"], 180)
        return None if latitude is None or longitude is None else (latitude, longitude)

    @property
    def map_view(self) -> dict:
        """Where the map starts: the pin, the place chosen, the places found, or else the borough."""
        points = self.choice_points
        point = self.pin or points.get(self.values["place"])
        if point is None and points:
            point = tuple(sum(values) / len(points) for values in zip(*points.values(), strict=True))
        if point is not None:
            return {"centre": f"{point[0]:.6f},{point[1]:.6f}", "zoom": ZOOMED_IN}
        return {"bounds": ",".join(f"{value:.6f}" for value in self.bounds.extent)}

    @property
    def found_message(self) -> str:
        if not self.found:
            return ""
        if self.found.is_postcode:
            count = len(self.found.addresses)
            return ngettext("%(num)d address found", "%(num)d addresses found", count)
        if self.found.at_limit:
            return _("Showing the first %(num)d streets: type more of the name to see fewer", num=len(self.choices))
        return ngettext("%(num)d street found", "%(num)d streets found", len(self.choices))

    def validate(self, form, extra_validators=()):
        self.errors = {}
        self.data = None
        if not self.searching and (self.values["latitude"] or self.values["longitude"]):
            self._check_pin_and_description()
        elif self._check_search() and not self.searching:
            self._check_place_and_description()
        return not self.errors

    def _error(self, part: str, message: str) -> None:
        self.errors.setdefault(part, []).append(message)

    def _check_search(self) -> bool:
        """True when the search found places to choose from (or, optional, nothing was given)."""
        term = self.values["search"]
        if not term:
            if not self.optional or self.values["place"] or self.values["description"]:
                self._error("search", _("Enter a postcode or street name"))
            return False
        if len(term) > gazetteer.STREET_SEARCH_MAX:
            self._error("search", _("Postcode or street name must be 100 characters or fewer"))
            return False
        if CONTROL_CHARACTERS.search(term):
            self._error("search", _("Remove any special characters, like tabs"))
            return False
        found = self.found
        if found.choices:
            return True
        if found.is_postcode and found.neighbour is not None:
            self._outside(found.term, found.neighbour)
            self._error(
                "search",
                _(
                    "%(postcode)s is in %(council)s's area, not ours. Report the problem to them",
                    postcode=found.term,
                    council=found.neighbour.name.get(current_language()),
                ),
            )
        elif found.is_postcode:
            self._error(
                "search", _("We cannot find that postcode in our area. Check it, or search for the street name")
            )
        elif found.looks_like_part_of_a_postcode:
            self._error("search", _("Enter a full postcode, like DM1 1AB, or a street name"))
        elif len(gazetteer.street_key(term)) < gazetteer.STREET_SEARCH_MIN:
            self._error("search", _("Enter at least 3 letters of the street name"))
        else:
            self._error(
                "search", _("We cannot find a street with that name in our area. Check the spelling, or use a postcode")
            )
        return False

    def _outside(self, place: str, neighbour) -> None:
        self.outside = (place, neighbour.name.get(current_language()), neighbour.url)

    def _check_place_and_description(self) -> None:
        chosen = street_locations.choose(self.values["place"], self.found, self.bounds)
        if chosen is None:
            self._error("place", _("Select the nearest address or the street from the list"))
        elif chosen.answer is None:
            neighbour = chosen.placement.neighbour
            if neighbour is not None:
                self._outside(chosen.label, neighbour)
                message = _(
                    "%(place)s is in %(council)s's area, not ours. Report the problem to them",
                    place=chosen.label,
                    council=neighbour.name.get(current_language()),
                )
            else:
                message = _("%(place)s is not in our area. Choose a place in our area", place=chosen.label)
            self._error("place", message)
        description = self._check_description()
        if self.errors or chosen is None:
            return
        self.data = chosen.answer | {"description": description, "search": self.found.term}

    @property
    def from_device(self) -> bool:
        return self.values["source"] == DEVICE

    def _check_pin_and_description(self) -> None:
        """A pin placed on the map, or the device's location: in the borough, as a street's point is."""
        point = self.pin
        chosen = None
        part = "located" if self.from_device else "map"
        if point is None:
            if self.from_device:
                message = _("We could not use your location. Try again, or find the place by postcode or street name")
            else:
                message = _("Place the pin on the map again, or find the place by postcode or street name")
            self._error(part, message)
        else:
            chosen = street_locations.at_point(self.bounds, *point)
            if chosen.answer is None:
                self._error(part, self._outside_message(chosen.placement.neighbour))
        description = self._check_description()
        if self.errors or chosen is None:
            return
        search = self.found.term if self.found else ""
        source = {"source": DEVICE} if self.from_device else {}
        self.data = chosen.answer | {"description": description, "search": search} | source

    def _outside_message(self, neighbour) -> str:
        if neighbour is None:
            if self.from_device:
                return _("Where you are is not in our area. Find the place by postcode or street name")
            return _("The pin is not in our area. Move the map and place it in our area")
        council = neighbour.name.get(current_language())
        if self.from_device:
            self._outside(_("Where you are"), neighbour)
            return _("Where you are is in %(council)s's area, not ours. Report the problem to them", council=council)
        self._outside(_("The place where you put the pin"), neighbour)
        return _("The pin is in %(council)s's area, not ours. Report the problem to them", council=council)

    def _check_description(self) -> str:
        description = self.values["description"]
        if not description:
            self._error("description", _("Describe exactly where the problem is"))
        elif len(description) > street_locations.DESCRIPTION_MAX:
            self._error("description", _("Description of where it is must be 500 characters or fewer"))
        elif CONTROL_CHARACTERS.search(description):
            self._error("description", _("Remove any special characters, like tabs"))
        return description


@register
class LocationKind(QuestionKind):
    """Where a problem in the street is: an address or street found by postcode or name, then the
    person's own description of the spot. Stored as a dict (see the module's docstring)."""

    name = "location"
    settings_model = LocationSettings
    own_page = True
    template = "question_types/location.html"

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        return LocationField(
            label, description=hint, optional=question.optional, boundaries=question.typed_settings().boundaries
        )

    def from_form(self, question: Question, field):
        return field.data

    def example(self, question: Question) -> dict[str, list]:
        address = gazetteer.any_address()
        if address is None:
            return {f"{question.id}-search": ["DM1 1AB"]}
        return {
            f"{question.id}-search": [address.postcode],
            f"{question.id}-place": [f"{street_locations.ADDRESS_PREFIX}{address.uprn}"],
            f"{question.id}-description": ["On the pavement by the lamp post outside"],
        }

    def display(self, question: Question, value, language: str) -> str:
        return street_locations.display(value) if isinstance(value, dict) else str(value)

    def ward(self, value) -> str | None:
        return value.get("ward") if isinstance(value, dict) else None
