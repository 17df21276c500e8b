"""The shape of a form definition file, checked with pydantic so that a mistake is reported with the
file, the path inside it and what is wrong.

A definition is data only: nothing here runs code from the file.
"""

from __future__ import annotations

import enum
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

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


class QuestionType(enum.StrEnum):
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


CHOICE_TYPES = {QuestionType.RADIOS, QuestionType.CHECKBOXES, QuestionType.SELECT}
OPTION_TYPES = CHOICE_TYPES | {QuestionType.QUANTITIES}


class Option(Strict):
    value: Identifier
    label: Text
    hint: Text | None = None


class Question(Strict):
    id: Identifier
    type: QuestionType
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

    @model_validator(mode="after")
    def _fits_its_type(self) -> Question:
        if self.type in OPTION_TYPES:
            if len(self.options) < 2:
                raise ValueError(f"a {self.type} question needs at least 2 options")
            values = [option.value for option in self.options]
            if len(set(values)) != len(values):
                raise ValueError("option values must be different from each other")
        elif self.options:
            raise ValueError(f"a {self.type} question cannot have options")
        if self.type == QuestionType.FILE and not self.file_types:
            raise ValueError("a file question needs file_types, for example [jpg, png, pdf]")
        if self.account_field == "email" and self.type != QuestionType.EMAIL:
            raise ValueError("account_field email needs a question of type email")
        if self.account_field == "phone" and self.type != QuestionType.PHONE:
            raise ValueError("account_field phone needs a question of type phone")
        if self.account_field == "address" and self.type != QuestionType.ADDRESS:
            raise ValueError("account_field address needs a question of type address")
        if self.in_area_only and self.type != QuestionType.ADDRESS:
            raise ValueError("in_area_only is only for address questions")
        if (self.type == QuestionType.COLLECTION_DATE) != (self.address_question is not None):
            raise ValueError("a collection_date question needs address_question, and only it can have one")
        if self.type == QuestionType.DECLARATION and self.optional:
            raise ValueError("a declaration cannot be optional")
        return self

    @property
    def option_values(self) -> list[str]:
        if self.type == QuestionType.YES_NO:
            return ["yes", "no"]
        return [option.value for option in self.options]


class Condition(Strict):
    """Show a page only when an earlier answer matches. One of equals, one_of or includes."""

    question: Identifier
    equals: str | None = None
    one_of: list[str] | None = None
    includes: str | None = None  # for checkboxes: this box was ticked

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        given = [name for name in ("equals", "one_of", "includes") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("a condition needs exactly one of equals, one_of or includes")
        return self

    def holds(self, answer) -> bool:
        if self.equals is not None:
            return answer == self.equals
        if self.one_of is not None:
            return answer in self.one_of
        return isinstance(answer, list) and self.includes in answer

    @property
    def values(self) -> list[str]:
        return [self.equals] if self.equals is not None else (self.one_of or [self.includes])


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
    confirmation: Text  # what happens next, shown on the confirmation page and in the message
    urgent_if: list[Condition] = Field(default_factory=list)
    save_format_preference: SaveFormatPreference | None = None


SLUG = re.compile(r"^[a-z][a-z0-9-]{1,62}$")


class Definition(Strict):
    id: Annotated[str, StringConstraints(pattern=SLUG.pattern)]
    version: Annotated[int, Field(ge=1)]
    title: Text
    summary: Text
    start: Text
    who_can_use: list[Audience] = Field(min_length=1)
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
