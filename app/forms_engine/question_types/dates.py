"""The date question: day, month and year boxes, with the GOV.UK error messages for each way a date
can be wrong, and limits on how far back or ahead it may be."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from flask_babel import format_date
from flask_babel import gettext as _
from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field
from wtforms.validators import StopValidation

from app.form_model.question_types import FieldContext, QuestionKind, register
from app.form_model.schema import Question
from app.forms_common import sentence
from app.forms_engine.question_types.base import Names, label_and_hint, names_for


class PartsDateInput(GovDateInput):
    """GOV.UK date input whose boxes (with translated labels) come from the template; the library's
    own version unpacks whatever was posted and fails on more or fewer than three values."""

    def map_gov_params(self, field, **kwargs):
        params = GovFormBase.map_gov_params(self, field, **kwargs)
        params.setdefault("fieldset", {"legend": {"text": field.label.text}})
        return params


class PartsDateField(Field):
    widget = PartsDateInput()

    def __init__(self, label=None, validators=None, *, names: Names, past_days=None, future_days=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.names = names
        self.past_days = past_days
        self.future_days = future_days
        self.raw_parts = ("", "", "")

    def process_formdata(self, valuelist):
        self.raw_parts = tuple((list(valuelist) + ["", "", ""])[:3])
        self.data = None

    def process_data(self, value):
        self.data = value if isinstance(value, date) else None
        if self.data:
            self.raw_parts = (str(self.data.day), str(self.data.month), str(self.data.year))

    def _value(self):
        return ""

    def pre_validate(self, form):
        day, month, year = (str(part).strip() for part in self.raw_parts)
        if not (day or month or year):
            if self.names.optional:
                return
            raise StopValidation(_("Enter %(name)s", name=self.names.lower))
        missing = [name for name, part in ((_("a day"), day), (_("a month"), month), (_("a year"), year)) if not part]
        if missing:
            raise StopValidation(sentence(_("%(name)s must include %(part)s", name=self.names.lower, part=missing[0])))
        not_real = sentence(_("%(name)s must be a real date", name=self.names.lower))
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise StopValidation(not_real)
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError as error:
            raise StopValidation(not_real) from error
        today = date.today()
        if self.past_days is not None and self.data < today - timedelta(days=self.past_days):
            earliest = format_date(today - timedelta(days=self.past_days), "d MMMM yyyy")
            raise StopValidation(
                sentence(_("%(name)s must be the same as or after %(date)s", name=self.names.lower, date=earliest))
            )
        if self.future_days is not None and self.data > today + timedelta(days=self.future_days):
            latest = format_date(today + timedelta(days=self.future_days), "d MMMM yyyy")
            raise StopValidation(
                sentence(_("%(name)s must be the same as or before %(date)s", name=self.names.lower, date=latest))
            )


@register
class DateKind(QuestionKind):
    name = "date"
    settings: ClassVar[frozenset[str]] = frozenset({"past_days", "future_days"})

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        return PartsDateField(
            label,
            description=hint,
            names=names_for(question, context.language),
            past_days=question.past_days,
            future_days=question.future_days,
        )

    def field_params(self, field, question: Question, heading: dict) -> dict:
        parts = field.raw_parts
        error_class = " govuk-input--error" if field.errors else ""
        boxes = (
            (_("Day"), field.id, parts[0], "govuk-input--width-2"),
            (_("Month"), field.id + "-month", parts[1], "govuk-input--width-2"),
            (_("Year"), field.id + "-year", parts[2], "govuk-input--width-4"),
        )
        return {
            "id": field.id + "-fieldset",
            "fieldset": heading["legend"],
            "items": [
                {
                    "label": label,
                    "id": box_id,
                    "name": field.name,
                    "value": value,
                    "classes": classes + error_class,
                    "inputmode": "numeric",
                }
                for label, box_id, value, classes in boxes
            ],
        }

    def to_form(self, question: Question, stored):
        return date.fromisoformat(stored)

    def from_form(self, question: Question, field):
        return field.data.isoformat() if field.data else None

    def example(self, question: Question) -> dict[str, list]:
        day = date.today()
        return {question.id: [str(day.day), str(day.month), str(day.year)]}

    def display(self, question: Question, value, language: str) -> str:
        return format_date(date.fromisoformat(value), "d MMMM yyyy")
