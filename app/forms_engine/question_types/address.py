"""The address question: find by postcode in the council's gazetteer and pick from the list, or type
the address in. Works without JavaScript: "Find address" and "Continue" are both ordinary buttons.

The stored answer is a dict: uprn (None when typed in), line_1, line_2, town, postcode and ward.
"""

from __future__ import annotations

from typing import ClassVar

from flask_babel import gettext as _
from wtforms import Field
from wtforms.utils import unset_value

from app.form_model.question_types import FieldContext, QuestionKind, register
from app.form_model.schema import Question
from app.forms_common import CONTROL_CHARACTERS
from app.forms_engine.question_types.base import label_and_hint
from app.services import gazetteer

MANUAL = "manual"
LOOKUP = "lookup"
PARTS = ("postcode", "uprn", "line_1", "line_2", "town")
MAX_LENGTHS = {"line_1": 200, "line_2": 200, "town": 100, "postcode": 10, "uprn": 20}


def answer_from_gazetteer(address) -> dict:
    return {
        "uprn": address.uprn,
        "line_1": address.line_1,
        "line_2": address.line_2 or None,
        "town": address.town,
        "postcode": address.postcode,
        "ward": address.ward,
    }


def display_lines(answer: dict) -> list[str]:
    return [
        part
        for part in (answer.get("line_1"), answer.get("line_2"), answer.get("town"), answer.get("postcode"))
        if part
    ]


class AddressField(Field):
    """Errors are a dict of part name to messages, so the error summary links to the box at fault."""

    def __init__(self, label=None, validators=None, *, optional: bool, in_area_only: bool, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.optional = optional
        self.in_area_only = in_area_only

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        self.errors = {}
        stored = data if isinstance(data, dict) else None
        self.data = stored
        self.results = []
        self.searching = False
        self.values = {part: "" for part in PARTS}
        self.mode = MANUAL if stored and not stored.get("uprn") and not self.in_area_only else LOOKUP
        if stored:
            self.values.update({key: str(stored.get(key) or "") for key in PARTS})
            if self.mode == LOOKUP:
                self.results = gazetteer.find_by_postcode(self.values["postcode"])
        if formdata is None:
            return
        self.data = None
        self.values = {part: self._posted(formdata, part) for part in PARTS}
        self.mode = MANUAL if formdata.get(f"{self.name}-mode") == MANUAL and not self.in_area_only else LOOKUP
        self.searching = f"{self.name}-find" in formdata
        if self.mode == LOOKUP and gazetteer.is_valid_postcode(self.values["postcode"]):
            self.results = gazetteer.find_by_postcode(self.values["postcode"])

    def _posted(self, formdata, part: str) -> str:
        value = formdata.get(f"{self.name}-{part}", "")
        return value.strip() if isinstance(value, str) else ""

    def use_manual_entry(self) -> None:
        if not self.in_area_only and self.mode != MANUAL:
            self.mode = MANUAL
            self.values = {part: "" for part in PARTS}

    def validate(self, form, extra_validators=()):
        self.errors = {}
        if self.mode == MANUAL:
            self._check_typed_address()
        else:
            self._check_chosen_address()
        return not self.errors

    def _error(self, part: str, message: str) -> None:
        self.errors.setdefault(part, []).append(message)

    def _check_chosen_address(self) -> None:
        postcode = self.values["postcode"]
        if not postcode and not self.values["uprn"]:
            if not self.optional:
                self._error("postcode", _("Enter your postcode"))
            return
        if len(postcode) > MAX_LENGTHS["postcode"] or not gazetteer.is_valid_postcode(postcode):
            self._error("postcode", _("Enter a full UK postcode, like DM1 1AB"))
            return
        if not self.results:
            if self.in_area_only:
                self._error("postcode", _("We cannot find that postcode in our area. Check it and try again"))
            else:
                self._error(
                    "postcode",
                    _("We cannot find any addresses for that postcode. Check it or enter the address manually"),
                )
            return
        if self.searching:
            return  # the person asked for the list: show it, with no error yet
        chosen = next((found for found in self.results if str(found.uprn) == self.values["uprn"]), None)
        if chosen is None:
            self._error("uprn", _("Select your address from the list"))
            return
        self.data = answer_from_gazetteer(chosen)

    def _check_typed_address(self) -> None:
        values = self.values
        if self.optional and not any(values[part] for part in ("line_1", "line_2", "town", "postcode")):
            return
        required = {
            "line_1": _("Enter address line 1, typically the building and street"),
            "town": _("Enter town or city"),
            "postcode": _("Enter postcode"),
        }
        too_long = {
            "line_1": _("Address line 1 must be 200 characters or fewer"),
            "line_2": _("Address line 2 must be 200 characters or fewer"),
            "town": _("Town or city must be 100 characters or fewer"),
            "postcode": _("Enter a full UK postcode, like DM1 1AB"),
        }
        for part in ("line_1", "line_2", "town", "postcode"):
            value = values[part]
            if not value:
                if part in required:
                    self._error(part, required[part])
            elif len(value) > MAX_LENGTHS[part]:
                self._error(part, too_long[part])
            elif CONTROL_CHARACTERS.search(value):
                self._error(part, _("Remove any special characters, like tabs"))
            elif part == "postcode" and not gazetteer.is_valid_postcode(value):
                self._error(part, too_long["postcode"])
        if self.errors:
            return
        self.data = {
            "uprn": None,
            "line_1": values["line_1"],
            "line_2": values["line_2"] or None,
            "town": values["town"],
            "postcode": gazetteer.format_postcode(values["postcode"]),
            "ward": None,
        }


@register
class AddressKind(QuestionKind):
    """Stored as a dict: uprn (None when typed in), line_1, line_2, town, postcode and ward."""

    name = "address"
    settings: ClassVar[frozenset[str]] = frozenset({"in_area_only"})
    own_page = True
    account_field = "address"
    template = "question_types/address.html"

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        return AddressField(label, description=hint, optional=question.optional, in_area_only=question.in_area_only)

    def example(self, question: Question) -> dict[str, list]:
        in_area = gazetteer.any_address()
        if question.in_area_only and in_area is not None:
            return {
                f"{question.id}-mode": ["lookup"],
                f"{question.id}-postcode": [in_area.postcode],
                f"{question.id}-uprn": [str(in_area.uprn)],
            }
        return {
            f"{question.id}-mode": ["manual"],
            f"{question.id}-line_1": ["1 Example Street"],
            f"{question.id}-town": ["Exampleton"],
            f"{question.id}-postcode": ["DM1 1AB"],
        }

    def display(self, question: Question, value, language: str) -> str:
        return ", ".join(display_lines(value)) if isinstance(value, dict) else str(value)

    def ward(self, value) -> str | None:
        return value.get("ward") if isinstance(value, dict) else None
