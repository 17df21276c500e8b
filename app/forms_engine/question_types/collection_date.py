"""The collection date question: the free days of the round that serves the address given earlier.

The days come from the service's rounds (app/service_settings/) and the places already taken, so a
full day is never offered. The stored answer is the ISO date.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from flask_babel import gettext as _
from wtforms.validators import StopValidation

from app import form_model
from app.form_model.question_types import FieldContext, QuestionKind, register
from app.form_model.schema import Question
from app.forms_common import GovRadioField
from app.forms_engine.question_types.base import label_and_hint, names_for, required, select_message
from app.services import cases, collection_rounds


def available_days(form_id: str, address: dict | None) -> list[date] | None:
    """The days to offer; None when no round serves the address (or no address was given)."""
    settings = form_model.settings_for(form_id)
    round_ = settings.round_for_ward((address or {}).get("ward")) if settings else None
    if round_ is None:
        return None
    return collection_rounds.available_days(form_model.settings_id(form_id), settings, round_, cases.london_today())


def day_label(day: date) -> str:
    return collection_rounds.day_label(day)


class CollectionDateField(GovRadioField):
    def __init__(self, label=None, validators=None, *, days: list[date] | None, names, **kwargs):
        choices = [(day.isoformat(), day_label(day)) for day in days or []]
        super().__init__(
            label, validators, choices=choices, choice_message=_("Select %(name)s", name=names.lower), **kwargs
        )
        self.no_round = days is None

    def pre_validate(self, form):
        if self.data and self.data not in {value for value, _label in self.choices}:
            try:
                date.fromisoformat(self.data)
            except (TypeError, ValueError):
                raise StopValidation(self.choice_message) from None
            raise StopValidation(_("That day is now fully booked. Choose another day"))


@register
class CollectionDateKind(QuestionKind):
    """A free day of the round that serves the address given in an earlier question (its ward
    picks the round in the service's settings). Stored as the ISO date."""

    name = "collection_date"
    settings: ClassVar[frozenset[str]] = frozenset({"address_question"})
    template = "question_types/collection_date.html"

    def check(self, question: Question) -> list[str]:
        return [] if question.address_question else ["a collection_date question needs address_question"]

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        names = names_for(question, context.language)
        days = available_days(context.form_id, context.answers.get(question.address_question))
        return CollectionDateField(
            label, required(question, select_message(names)), days=days, names=names, description=hint
        )

    def example(self, question: Question) -> dict[str, list]:
        return {question.id: [None]}  # the first day offered: the walk reads it from the page

    def display(self, question: Question, value, language: str) -> str:
        return day_label(date.fromisoformat(value))
