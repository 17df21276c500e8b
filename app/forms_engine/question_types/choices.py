"""Questions answered by choosing: radios, checkboxes, a select list, yes or no, and a declaration."""

from __future__ import annotations

from flask_babel import gettext as _
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput
from wtforms import BooleanField, SelectMultipleField
from wtforms.validators import StopValidation

from app.form_model.question_types import FieldContext, QuestionKind, register
from app.form_model.schema import Question
from app.forms_common import GovRadioField, GovSelectField
from app.forms_engine.question_types.base import label_and_hint, names_for, required, select_message


class MultiCheckboxField(SelectMultipleField):
    widget = GovCheckboxesInput()

    def __init__(self, label=None, validators=None, *, choice_message, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.choice_message = choice_message

    def pre_validate(self, form):
        values = {value for value, *_ in self.iter_choices()}
        if any(item not in values for item in (self.data or [])):
            raise StopValidation(self.choice_message)


class ChoiceKind(QuestionKind):
    takes_options = True
    usable_in_conditions = True

    def choices(self, question: Question, language: str) -> list[tuple[str, str]]:
        return [(option.value, option.label.get(language)) for option in question.options]

    def choice_message(self, question: Question, language: str) -> str:
        return select_message(names_for(question, language))

    def display(self, question: Question, value, language: str) -> str:
        return dict(self.choices(question, language)).get(value, value)

    def example(self, question: Question) -> dict[str, list]:
        return {question.id: [question.option_values[0]]}


@register
class RadiosKind(ChoiceKind):
    name = "radios"

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        message = self.choice_message(question, context.language)
        return GovRadioField(
            label,
            required(question, message),
            choices=self.choices(question, context.language),
            choice_message=message,
            description=hint,
        )

    def field_params(self, field, question: Question, heading: dict) -> dict:
        return {"fieldset": heading["legend"]}


@register
class YesNoKind(RadiosKind):
    name = "yes_no"
    takes_options = False

    def option_values(self, question: Question) -> list[str]:
        return ["yes", "no"]

    def choices(self, question: Question, language: str) -> list[tuple[str, str]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def choice_message(self, question: Question, language: str) -> str:
        return _("Select yes or no")

    def field_params(self, field, question: Question, heading: dict) -> dict:
        return {"fieldset": heading["legend"], "classes": "govuk-radios--inline"}


@register
class CheckboxesKind(ChoiceKind):
    name = "checkboxes"
    many_values = True

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        message = self.choice_message(question, context.language)
        return MultiCheckboxField(
            label,
            required(question, message),
            choices=self.choices(question, context.language),
            choice_message=message,
            description=hint,
        )

    def field_params(self, field, question: Question, heading: dict) -> dict:
        return {"fieldset": heading["legend"]}

    def from_form(self, question: Question, field):
        return list(field.data or [])

    def display(self, question: Question, value, language: str) -> str:
        labels = dict(self.choices(question, language))
        return ", ".join(labels.get(item, item) for item in value)


@register
class SelectKind(ChoiceKind):
    name = "select"

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        message = self.choice_message(question, context.language)
        choices = [("", _("Choose an option")), *self.choices(question, context.language)]
        return GovSelectField(
            label, required(question, message), choices=choices, choice_message=message, description=hint
        )


@register
class DeclarationKind(QuestionKind):
    """A box the person ticks to confirm something (on a page of its own, never optional)."""

    name = "declaration"
    can_be_heading = False

    def check(self, question: Question) -> list[str]:
        return ["a declaration cannot be optional"] if question.optional else []

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        names = names_for(question, context.language)
        message = _("You must confirm %(name)s to continue", name=names.lower)
        return BooleanField(label, required(question, message), description=hint, widget=GovCheckboxInput())

    def field_params(self, field, question: Question, heading: dict) -> dict:
        return {}

    def to_form(self, question: Question, stored):
        return bool(stored)

    def example(self, question: Question) -> dict[str, list]:
        return {question.id: ["y"]}

    def display(self, question: Question, value, language: str) -> str:
        return _("Confirmed")
