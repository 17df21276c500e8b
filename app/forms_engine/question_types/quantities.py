"""The quantities question: how many of each option (items to collect, say), a number box for each.

A blank box means none. The stored answer is a dict of option value to a number above nought. Errors
are a dict of option value to messages, so the error summary links to the box at fault.
"""

from __future__ import annotations

import re
from typing import ClassVar

from flask_babel import gettext as _
from wtforms import Field
from wtforms.utils import unset_value

from app.form_model.question_types import FieldContext, QuestionKind, register
from app.form_model.schema import Question
from app.forms_common import sentence
from app.forms_engine.question_types.base import label_and_hint, names_for

LARGEST_QUANTITY = 999


def is_quantity(text: str) -> bool:
    """Digits only, and no more than LARGEST_QUANTITY (blank, meaning none, is checked before this)."""
    return bool(re.fullmatch(r"\d+", text)) and len(text) <= 3


class QuantitiesField(Field):
    def __init__(self, label=None, validators=None, *, options, names, maximum: int | None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.options = options  # (value, label) pairs
        self.names = names
        self.maximum = maximum

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        self.errors = {}
        stored = data if isinstance(data, dict) else {}
        self.data = stored or None
        self.values = {value: str(stored[value]) if stored.get(value) else "" for value, _label in self.options}
        if formdata is not None:
            self.data = None
            self.values = {value: self._posted(formdata, value) for value, _label in self.options}

    def _posted(self, formdata, value: str) -> str:
        posted = formdata.get(f"{self.name}-{value}", "")
        return posted.strip() if isinstance(posted, str) else ""

    def validate(self, form, extra_validators=()):
        self.errors = {}
        counts = {}
        for value, label in self.options:
            text = self.values[value]
            if not text:
                continue
            if not is_quantity(text):
                message = _("%(item)s must be a whole number, like 2", item=label)
                if re.fullmatch(r"\d+", text):
                    message = _("%(item)s must be %(number)s or fewer", item=label, number=LARGEST_QUANTITY)
                self.errors[value] = [message]
            elif int(text) > 0:
                counts[value] = int(text)
        if self.errors:
            return False
        first = self.options[0][0]
        if not counts and not self.names.optional:
            self.errors[first] = [_("Enter how many of at least one of %(name)s", name=self.names.lower)]
            return False
        total = sum(counts.values())
        if self.maximum is not None and total > self.maximum:
            self.errors[first] = [
                sentence(
                    _(
                        "%(name)s must add up to %(number)s or fewer: you entered %(total)s",
                        name=self.names.lower,
                        number=self.maximum,
                        total=total,
                    )
                )
            ]
            return False
        self.data = counts or None
        return True


@register
class QuantitiesKind(QuestionKind):
    """How many of each option (items to collect, say): a dict of option value to a number above 0."""

    name = "quantities"
    settings: ClassVar[frozenset[str]] = frozenset({"maximum"})
    takes_options = True
    template = "question_types/quantities.html"

    def choices(self, question: Question, language: str) -> list[tuple[str, str]]:
        return [(option.value, option.label.get(language)) for option in question.options]

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        return QuantitiesField(
            label,
            description=hint,
            options=self.choices(question, context.language),
            names=names_for(question, context.language),
            maximum=question.maximum,
        )

    def example(self, question: Question) -> dict[str, list]:
        return {f"{question.id}-{question.option_values[0]}": ["1"]}

    def display(self, question: Question, value, language: str) -> str:
        if not isinstance(value, dict):
            return str(value)
        labels = dict(self.choices(question, language))
        return ", ".join(f"{labels.get(item, item)} × {count}" for item, count in value.items())
