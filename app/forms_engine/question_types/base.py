"""What the web side of every question type shares: how error messages name the answer."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from app.form_model.schema import Question
from app.forms_common import Required


@dataclass(frozen=True)
class Names:
    """How error messages name an answer ("your collection day"); see sentence() for the capital."""

    lower: str
    optional: bool


def names_for(question: Question, language: str) -> Names:
    return Names(question.error_name.get(language), question.optional)


def label_and_hint(question: Question, language: str) -> tuple[str, str]:
    return question.label.get(language), question.hint.get(language) if question.hint else ""


def enter_message(names: Names) -> str:
    return _("Enter %(name)s", name=names.lower)


def select_message(names: Names) -> str:
    return _("Select %(name)s", name=names.lower)


def required(question: Question, message: str) -> list:
    return [] if question.optional else [Required(message=message)]
