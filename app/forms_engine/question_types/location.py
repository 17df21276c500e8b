"""The location question: where a problem in the street is, without a map.

The person types a postcode or a street name and presses "Find"; then chooses the nearest address
or the street from the list, and describes exactly where (near which house, lamp post, junction).
Everything is an ordinary button, so it works with JavaScript off. A place in a neighbouring
council's area is refused with that council's name and a link to its own site.

The stored answer is a dict: uprn or usrn, place (the address or street as shown), latitude and
longitude (None for an address the gazetteer has no point for), ward, description, and search (what
was typed, to show the same list again when the person comes back to the page).
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

PARTS = ("search", "place", "description")


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
            if stored:
                chosen = stored.get("uprn") or stored.get("usrn")
                prefix = street_locations.ADDRESS_PREFIX if stored.get("uprn") else street_locations.STREET_PREFIX
                self.values = {
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
        if self._check_search() and not self.searching:
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
        description = self.values["description"]
        if not description:
            self._error("description", _("Describe exactly where the problem is"))
        elif len(description) > street_locations.DESCRIPTION_MAX:
            self._error("description", _("Description of where it is must be 500 characters or fewer"))
        elif CONTROL_CHARACTERS.search(description):
            self._error("description", _("Remove any special characters, like tabs"))
        if self.errors or chosen is None:
            return
        self.data = chosen.answer | {"description": description, "search": self.found.term}


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
