"""The shape of a form definition file, checked with pydantic so that a mistake is reported with the
file, the path inside it and what is wrong.

A definition is data only: nothing here runs code from the file.
"""

from __future__ import annotations

import enum
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.form_model import question_types

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,62}$")]
ACCOUNT_FIELDS = ("full_name", "email", "phone", "address")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """Words a person reads, in English and Welsh."""

    en: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    cy: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]

    def get(self, language: str) -> str:
        return self.cy if language == "cy" else self.en


class QuestionType:
    """The names of the question types every council has (see question_types.py for the registry;
    services add more, such as a vehicle or a location)."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    EMAIL = "email"
    PHONE = "phone"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    ADDRESS = "address"
    RADIOS = "radios"
    CHECKBOXES = "checkboxes"
    SELECT = "select"
    YES_NO = "yes_no"
    FILE = "file"
    DECLARATION = "declaration"
    QUANTITIES = "quantities"  # how many of each option, e.g. items to collect
    COLLECTION_DATE = "collection_date"  # a free day of the round serving an address answer


class Option(Strict):
    value: Identifier
    label: Text
    hint: Text | None = None


class Question(Strict):
    id: Identifier
    type: Annotated[str, StringConstraints(max_length=40)]
    label: Text
    hint: Text | None = None
    # How error messages name the answer: "Enter {error_name}", e.g. "your letter reference".
    error_name: Text
    optional: bool = False
    # An answer the account already holds is filled in and not asked again ("tell us once").
    account_field: Literal["full_name", "email", "phone", "address"] | None = None
    options: list[Option] = Field(default_factory=list)
    max_length: Annotated[int, Field(ge=1, le=10000)] | None = None
    minimum: int | None = None
    maximum: int | None = None
    # Dates: how far back or forward an answer may be, in days from today.
    past_days: Annotated[int, Field(ge=0)] | None = None
    future_days: Annotated[int, Field(ge=0)] | None = None
    # Addresses: true when only an address in the council's gazetteer will do (no typing it in).
    in_area_only: bool = False
    # Files
    file_types: list[Literal["jpg", "png", "pdf"]] = Field(default_factory=list)
    max_megabytes: Annotated[int, Field(ge=1, le=20)] = 10
    # Collection dates: the address question whose ward decides the round.
    address_question: Identifier | None = None
    # Settings of their own for types that bring them (checked by the type's settings_model).
    settings: dict[str, Any] = Field(default_factory=dict)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if not question_types.is_known(value):
            raise ValueError(f"there is no question type {value!r}: use one of {', '.join(question_types.names())}")
        return value

    @field_validator("settings")
    @classmethod
    def _settings_of_the_type(cls, value: dict, info: ValidationInfo) -> dict:
        kind = question_types.kind(info.data["type"]) if info.data.get("type") else None
        if kind is not None and kind.settings_model is not None:
            kind.settings_model.model_validate(value)
        elif value:
            raise ValueError("this type of question has no settings: remove settings")
        return value

    @model_validator(mode="after")
    def _fits_its_type(self) -> Question:
        kind = question_types.kind(self.type)
        # A setting left at its default is not "given" (stored snapshots of old cases carry every one).
        given = {
            name
            for name in self.model_fields_set
            if name not in question_types.COMMON_SETTINGS
            and getattr(self, name) != type(self).model_fields[name].get_default(call_default_factory=True)
        }
        if kind.takes_options:
            given.discard("options")
        not_for_this_type = sorted(given - kind.settings - {"options", "settings"})
        if not_for_this_type:
            raise ValueError(f"{', '.join(not_for_this_type)} is not a setting of {self.type} questions")
        if kind.takes_options:
            if len(self.options) < 2:
                raise ValueError(f"a {self.type} question needs at least 2 options")
            values = [option.value for option in self.options]
            if len(set(values)) != len(values):
                raise ValueError("option values must be different from each other")
        elif self.options:
            raise ValueError(f"a {self.type} question cannot have options")
        if self.account_field not in (None, "full_name") and kind.account_field != self.account_field:
            raise ValueError(f"account_field {self.account_field} needs a question of type {self.account_field}")
        problems = kind.check(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def kind(self) -> question_types.QuestionKind:
        return question_types.kind(self.type)

    @property
    def option_values(self) -> list[str]:
        return self.kind.option_values(self)

    def typed_settings(self):
        """The type's own settings as its settings_model, with defaults filled in."""
        return self.kind.settings_model.model_validate(self.settings)


class Condition(Strict):
    """Show a page only when an earlier answer matches. One of equals, one_of, includes or
    includes_any."""

    question: Identifier
    equals: str | None = None
    one_of: list[str] | None = None
    includes: str | None = None  # for checkboxes: this box was ticked
    includes_any: list[str] | None = Field(default=None, min_length=1)  # for checkboxes: any of these was ticked

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = ("equals", "one_of", "includes", "includes_any")
        given = [name for name in tests if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("a condition needs exactly one of equals, one_of, includes or includes_any")
        return self

    def holds(self, answer) -> bool:
        if self.equals is not None:
            return answer == self.equals
        if self.one_of is not None:
            return answer in self.one_of
        if self.includes_any is not None:
            return isinstance(answer, list) and any(value in answer for value in self.includes_any)
        return isinstance(answer, list) and self.includes in answer

    @property
    def values(self) -> list[str]:
        if self.equals is not None:
            return [self.equals]
        return self.one_of or self.includes_any or [self.includes]


class Page(Strict):
    id: Identifier
    title: Text
    intro: Text | None = None
    show_if: list[Condition] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    # An exit page ends the journey: it says why the person cannot go on and what to do instead.
    exit: Text | None = None

    @model_validator(mode="after")
    def _questions_or_exit(self) -> Page:
        if self.exit is None and not self.questions:
            raise ValueError("a page needs questions, or exit text if it ends the journey")
        if self.exit is not None and self.questions:
            raise ValueError("an exit page cannot have questions")
        if self.exit is not None and not self.show_if:
            raise ValueError("an exit page needs show_if, or nobody could ever use the service")
        return self


class Audience(enum.StrEnum):
    GUESTS = "guests"
    RESIDENTS = "residents"
    ORGANISATIONS = "organisations"
    STAFF = "staff"


ACCOUNT_FORMATS = ("large_print", "braille", "audio", "easy_read", "bsl", "other_language")


class SaveFormatPreference(Strict):
    """On sending, keep the format asked for as the signed-in person's standing preference, so every
    service uses it from now on."""

    when: list[Condition] = Field(default_factory=list)
    format_question: Identifier
    formats: dict[str, Literal["large_print", "braille", "audio", "easy_read", "bsl", "other_language"]]
    point_size_question: Identifier | None = None
    point_sizes: dict[str, Annotated[int, Field(ge=12, le=72)]] = Field(default_factory=dict)
    language_question: Identifier | None = None


class PaymentStep(Strict):
    """The form is paid for: the price comes from the prices in the service's settings file, is shown
    on check your answers, and is paid by card after the declaration, before the form is sent."""

    description: Text  # what the payment is for, on the payment page and the receipt


class Submission(Strict):
    team: Identifier
    # What the service does with the case once it is made (see app/services/submit_actions.py).
    action: Identifier | None = None
    confirmation: Text  # what happens next, shown on the confirmation page and in the message
    urgent_if: list[Condition] = Field(default_factory=list)
    save_format_preference: SaveFormatPreference | None = None
    # False where another body replies (a county category sent on): no "We will reply by" promise.
    we_reply: bool = True


SLUG = re.compile(r"^[a-z][a-z0-9-]{1,62}$")


class Definition(Strict):
    id: Annotated[str, StringConstraints(pattern=SLUG.pattern)]
    version: Annotated[int, Field(ge=1)]
    title: Text
    summary: Text
    start: Text
    who_can_use: list[Audience] = Field(min_length=1)
    # Another service's settings file to use instead of one of its own: a version of a form for
    # businesses shares the council's rounds and prices with the form for residents.
    settings_from: Identifier | None = None
    service_standard_days: Annotated[int, Field(ge=1, le=90)]
    pages: list[Page] = Field(min_length=1)
    declaration: Text | None = None
    payment: PaymentStep | None = None
    submit: Submission

    @field_validator("who_can_use")
    @classmethod
    def _no_repeats(cls, value):
        if len(set(value)) != len(value):
            raise ValueError("each kind of user once only")
        return value

    def questions(self):
        for page in self.pages:
            yield from page.questions

    def question(self, question_id: str) -> Question:
        return self._questions_by_id()[question_id]

    def _questions_by_id(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions()}

    def page(self, page_id: str) -> Page | None:
        return next((page for page in self.pages if page.id == page_id), None)

    @property
    def allows_guests(self) -> bool:
        return Audience.GUESTS in self.who_can_use
