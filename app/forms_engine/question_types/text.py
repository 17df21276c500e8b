"""Questions answered by typing: text, long text, email, UK phone, whole number and money."""

from __future__ import annotations

import re
from typing import ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, StopValidation, ValidationError

from app.form_model.question_types import FieldContext, QuestionKind, register
from app.form_model.schema import Question
from app.forms_common import EmailAddress, NoControlCharacters, sentence, strip
from app.forms_engine.question_types.base import Names, enter_message, label_and_hint, names_for, required
from app.money import format_pence
from app.services import accounts
from app.services.errors import ServiceError

LARGEST_NUMBER = 10**12
MONEY = re.compile(r"^£?\s*(\d{1,9})(?:\.(\d{2}))?$")


@register
class TextKind(QuestionKind):
    name = "text"
    settings: ClassVar[frozenset[str]] = frozenset({"max_length"})
    default_max_length = 200
    input_attributes: ClassVar[dict] = {}

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        names = names_for(question, context.language)
        max_length = question.max_length or self.default_max_length
        validators = [
            *required(question, enter_message(names)),
            NoControlCharacters(_l("Remove any special characters, like tabs")),
            Length(
                max=max_length,
                message=sentence(
                    _("%(name)s must be %(count)s characters or fewer", name=names.lower, count=max_length)
                ),
            ),
            *self.checks(question, names),
        ]
        return StringField(
            label,
            validators,
            filters=[strip],
            description=hint,
            widget=GovTextInput(),
            render_kw=dict(self.input_attributes) or None,
        )

    def checks(self, question: Question, names: Names) -> list:
        return []


@register
class LongTextKind(QuestionKind):
    name = "long_text"
    settings: ClassVar[frozenset[str]] = frozenset({"max_length"})

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        names = names_for(question, context.language)
        max_length = question.max_length or 2000
        validators = [
            *required(question, enter_message(names)),
            NoControlCharacters(_l("Remove any special characters")),
            Length(
                max=max_length,
                message=sentence(
                    _("%(name)s must be %(count)s characters or fewer", name=names.lower, count=max_length)
                ),
            ),
        ]
        return TextAreaField(label, validators, filters=[strip], description=hint, widget=GovTextArea())

    def field_params(self, field, question: Question, heading: dict) -> dict:
        return {"label": heading["label"], "rows": 5}


_email_format = EmailAddress(_l("Enter an email address in the correct format, like name@example.com"))


def _email_if_given(form, field):
    """An optional email question left empty is not an email address in the wrong format."""
    if field.data:
        _email_format(form, field)


@register
class EmailKind(TextKind):
    name = "email"
    default_max_length = 254
    account_field = "email"
    contact = "email"
    input_attributes: ClassVar[dict] = {"type": "email", "autocomplete": "email", "spellcheck": "false"}

    def checks(self, question: Question, names: Names) -> list:
        return [_email_if_given]

    def example(self, question: Question) -> dict[str, list]:
        return {question.id: ["person@example.com"]}


def _uk_phone(form, field):
    if not field.data:
        return
    try:
        field.data = accounts.parse_uk_phone(field.data)
    except ServiceError as error:
        raise ValidationError(error.message) from error


@register
class PhoneKind(TextKind):
    name = "phone"
    default_max_length = 40
    account_field = "phone"
    contact = "phone"
    input_attributes: ClassVar[dict] = {"type": "tel", "autocomplete": "tel"}

    def checks(self, question: Question, names: Names) -> list:
        return [_uk_phone]

    def field_params(self, field, question: Question, heading: dict) -> dict:
        return {"label": heading["label"], "classes": "govuk-input--width-20"}

    def example(self, question: Question) -> dict[str, list]:
        return {question.id: ["020 7946 0000"]}

    def display(self, question: Question, value, language: str) -> str:
        return accounts.display_phone(value)


@register
class NumberKind(TextKind):
    """A whole number, stored as an integer."""

    name = "number"
    default_max_length = 20
    settings: ClassVar[frozenset[str]] = frozenset({"max_length", "minimum", "maximum"})
    input_attributes: ClassVar[dict] = {"inputmode": "numeric", "spellcheck": "false"}

    def checks(self, question: Question, names: Names) -> list:
        def check(form, field):
            if not field.data:
                return
            cleaned = field.data.replace(",", "").strip()
            if not re.fullmatch(r"-?\d{1,13}", cleaned):
                raise StopValidation(sentence(_("%(name)s must be a whole number, like 3", name=names.lower)))
            value = int(cleaned)
            if question.minimum is not None and value < question.minimum:
                raise StopValidation(
                    sentence(_("%(name)s must be %(number)s or more", name=names.lower, number=question.minimum))
                )
            if question.maximum is not None and value > question.maximum:
                raise StopValidation(
                    sentence(_("%(name)s must be %(number)s or less", name=names.lower, number=question.maximum))
                )
            if abs(value) > LARGEST_NUMBER:
                raise StopValidation(sentence(_("%(name)s is too large", name=names.lower)))
            field.data = value

        return [check]

    def field_params(self, field, question: Question, heading: dict) -> dict:
        return {"label": heading["label"], "classes": "govuk-input--width-20"}

    def to_form(self, question: Question, stored):
        return str(stored)

    def example(self, question: Question) -> dict[str, list]:
        return {question.id: [str(question.minimum if question.minimum is not None else 1)]}


@register
class MoneyKind(TextKind):
    """An amount in pounds and pence, stored as integer pence."""

    name = "money"
    default_max_length = 20
    settings: ClassVar[frozenset[str]] = frozenset({"max_length", "minimum", "maximum"})
    input_attributes: ClassVar[dict] = {"inputmode": "decimal", "spellcheck": "false"}

    def checks(self, question: Question, names: Names) -> list:
        def check(form, field):
            if not field.data:
                return
            match = MONEY.match(field.data.replace(",", "").strip())
            if not match:
                raise StopValidation(sentence(_("%(name)s must be an amount of money, like 12.50", name=names.lower)))
            pence = int(match.group(1)) * 100 + int(match.group(2) or 0)
            if question.minimum is not None and pence < question.minimum:
                amount = format_pence(question.minimum)
                raise StopValidation(
                    sentence(_("%(name)s must be £%(amount)s or more", name=names.lower, amount=amount))
                )
            if question.maximum is not None and pence > question.maximum:
                amount = format_pence(question.maximum)
                raise StopValidation(
                    sentence(_("%(name)s must be £%(amount)s or less", name=names.lower, amount=amount))
                )
            field.data = pence

        return [check]

    def field_params(self, field, question: Question, heading: dict) -> dict:
        return {"label": heading["label"], "prefix": {"text": "£"}, "classes": "govuk-input--width-10"}

    def to_form(self, question: Question, stored):
        return format_pence(stored)

    def example(self, question: Question) -> dict[str, list]:
        return {question.id: [format_pence(question.minimum if question.minimum is not None else 1250)]}

    def display(self, question: Question, value, language: str) -> str:
        return f"£{format_pence(value)}"
