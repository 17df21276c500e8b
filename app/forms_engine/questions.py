"""Each question type: the WTForms field that asks it, how its answer is stored and shown, and an
example of a valid answer (used by the generated tests).

Stored answers are plain JSON: strings, integers (money in pence), lists of option values, and
ISO dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, Field, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, StopValidation, ValidationError

from app.forms_common import (
    BaseForm,
    EmailAddress,
    GovRadioField,
    GovSelectField,
    NoControlCharacters,
    Required,
    sentence,
    strip,
)
from app.forms_engine.address_field import AddressField, display_lines
from app.forms_engine.collection_date_field import CollectionDateField, available_days, day_label
from app.forms_engine.file_field import UploadField
from app.forms_engine.quantities_field import QuantitiesField
from app.forms_engine.schema import Question, QuestionType
from app.services import accounts, uploads
from app.services.errors import ServiceError

DEFAULT_MAX_LENGTH = {
    QuestionType.TEXT: 200,
    QuestionType.LONG_TEXT: 2000,
    QuestionType.EMAIL: 254,
    QuestionType.PHONE: 40,
    QuestionType.NUMBER: 20,
    QuestionType.MONEY: 20,
}
LARGEST_NUMBER = 10**12
MONEY = re.compile(r"^£?\s*(\d{1,9})(?:\.(\d{2}))?$")


class MultiCheckboxField(SelectMultipleField):
    widget = GovCheckboxesInput()

    def __init__(self, label=None, validators=None, *, choice_message, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.choice_message = choice_message

    def pre_validate(self, form):
        values = {value for value, *_ in self.iter_choices()}
        if any(item not in values for item in (self.data or [])):
            raise StopValidation(self.choice_message)


class PartsDateInput(GovDateInput):
    """GOV.UK date input whose boxes (with translated labels) come from the template; the library's
    own version unpacks whatever was posted and fails on more or fewer than three values."""

    def map_gov_params(self, field, **kwargs):
        params = GovFormBase.map_gov_params(self, field, **kwargs)
        params.setdefault("fieldset", {"legend": {"text": field.label.text}})
        return params


class PartsDateField(Field):
    """Day, month and year boxes, with the GOV.UK error messages for each way a date can be wrong."""

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


@dataclass(frozen=True)
class Names:
    """How error messages name an answer ("your collection day"); see sentence() for the capital."""

    lower: str
    optional: bool


def _uk_phone(form, field):
    if not field.data:
        return
    try:
        field.data = accounts.parse_uk_phone(field.data)
    except ServiceError as error:
        raise ValidationError(error.message) from error


def _whole_number(question: Question, names: Names):
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

    return check


def _money(question: Question, names: Names):
    def check(form, field):
        if not field.data:
            return
        match = MONEY.match(field.data.replace(",", "").strip())
        if not match:
            raise StopValidation(sentence(_("%(name)s must be an amount of money, like 12.50", name=names.lower)))
        pence = int(match.group(1)) * 100 + int(match.group(2) or 0)
        if question.minimum is not None and pence < question.minimum:
            raise StopValidation(
                sentence(
                    _("%(name)s must be £%(amount)s or more", name=names.lower, amount=format_pence(question.minimum))
                )
            )
        if question.maximum is not None and pence > question.maximum:
            raise StopValidation(
                sentence(
                    _("%(name)s must be £%(amount)s or less", name=names.lower, amount=format_pence(question.maximum))
                )
            )
        field.data = pence

    return check


def format_pence(pence: int) -> str:
    return f"{pence // 100:,}.{pence % 100:02d}"


TYPED_ANSWERS = {
    QuestionType.TEXT,
    QuestionType.LONG_TEXT,
    QuestionType.EMAIL,
    QuestionType.PHONE,
    QuestionType.NUMBER,
    QuestionType.MONEY,
}


def build_field(question: Question, language: str, answers: dict | None = None, form_id: str = ""):
    """The WTForms field for a question, with its label, hint and error messages in `language`.
    `answers` are the answers given so far, for questions that depend on them."""
    label = question.label.get(language)
    hint = question.hint.get(language) if question.hint else ""
    names = Names(question.error_name.get(language), question.optional)
    kind = question.type
    required = [] if question.optional else [Required(message=_required_message(kind, names))]

    if kind in TYPED_ANSWERS:
        return _typed_field(question, label, hint, names, required)
    if kind == QuestionType.DATE:
        return PartsDateField(
            label, description=hint, names=names, past_days=question.past_days, future_days=question.future_days
        )
    choice_message = _required_message(kind, names)
    if kind == QuestionType.SELECT:
        choices = [("", _("Choose an option"))] + _choices(question, language)
        return GovSelectField(label, required, choices=choices, choice_message=choice_message, description=hint)
    if kind in (QuestionType.RADIOS, QuestionType.YES_NO):
        return GovRadioField(
            label, required, choices=_choices(question, language), choice_message=choice_message, description=hint
        )
    if kind == QuestionType.CHECKBOXES:
        return MultiCheckboxField(
            label, required, choices=_choices(question, language), choice_message=choice_message, description=hint
        )
    if kind == QuestionType.DECLARATION:
        return BooleanField(label, required, description=hint, widget=GovCheckboxInput())
    if kind == QuestionType.ADDRESS:
        return AddressField(label, description=hint, optional=question.optional, in_area_only=question.in_area_only)
    if kind == QuestionType.FILE:
        return UploadField(
            label, description=hint, names=names, kinds=question.file_types, max_megabytes=question.max_megabytes
        )
    if kind == QuestionType.QUANTITIES:
        return QuantitiesField(
            label, description=hint, options=_choices(question, language), names=names, maximum=question.maximum
        )
    if kind == QuestionType.COLLECTION_DATE:
        days = available_days(form_id, (answers or {}).get(question.address_question))
        return CollectionDateField(label, required, days=days, names=names, description=hint)
    raise NotImplementedError(f"{kind} questions are not supported yet")


def _typed_field(question: Question, label: str, hint: str, names: Names, required: list):
    kind = question.type
    max_length = question.max_length or DEFAULT_MAX_LENGTH[kind]
    validators = required + [
        NoControlCharacters(_l("Remove any special characters, like tabs"))
        if kind != QuestionType.LONG_TEXT
        else NoControlCharacters(_l("Remove any special characters")),
        Length(
            max=max_length,
            message=sentence(_("%(name)s must be %(count)s characters or fewer", name=names.lower, count=max_length)),
        ),
    ]
    render_kw = {}
    if kind == QuestionType.EMAIL:
        validators.append(EmailAddress(_l("Enter an email address in the correct format, like name@example.com")))
        render_kw = {"type": "email", "autocomplete": "email", "spellcheck": "false"}
    elif kind == QuestionType.PHONE:
        validators.append(_uk_phone)
        render_kw = {"type": "tel", "autocomplete": "tel"}
    elif kind == QuestionType.NUMBER:
        validators.append(_whole_number(question, names))
        render_kw = {"inputmode": "numeric", "spellcheck": "false"}
    elif kind == QuestionType.MONEY:
        validators.append(_money(question, names))
        render_kw = {"inputmode": "decimal", "spellcheck": "false"}
    if kind == QuestionType.LONG_TEXT:
        return TextAreaField(label, validators, filters=[strip], description=hint, widget=GovTextArea())
    return StringField(
        label, validators, filters=[strip], description=hint, widget=GovTextInput(), render_kw=render_kw or None
    )


def _required_message(kind: QuestionType, names: Names) -> str:
    if kind in (QuestionType.RADIOS, QuestionType.SELECT, QuestionType.CHECKBOXES):
        return _("Select %(name)s", name=names.lower)
    if kind == QuestionType.YES_NO:
        return _("Select yes or no")
    if kind == QuestionType.DECLARATION:
        return _("You must confirm %(name)s to continue", name=names.lower)
    return _("Enter %(name)s", name=names.lower)


def _choices(question: Question, language: str) -> list[tuple[str, str]]:
    if question.type == QuestionType.YES_NO:
        return [("yes", _("Yes")), ("no", _("No"))]
    return [(option.value, option.label.get(language)) for option in question.options]


def page_form(
    questions: list[Question],
    language: str,
    formdata=None,
    stored: dict | None = None,
    manual_address=False,
    form_id: str = "",
):
    """A form for one page, filled from what the person sent, or else from their stored answers.
    `manual_address` shows the boxes for typing an address in, instead of finding it by postcode."""

    class PageForm(BaseForm):
        pass

    for question in questions:
        field = build_field(question, language, stored, form_id)
        setattr(PageForm, question.id, field)
    form = PageForm(formdata=formdata, data=_form_data(questions, stored or {}))
    if manual_address and formdata is None:
        for question in questions:
            if question.type == QuestionType.ADDRESS:
                form[question.id].use_manual_entry()
    return form


def searching_for_address(form) -> bool:
    """The person pressed "Find address": show the addresses found, without saving or moving on."""
    return any(isinstance(field, AddressField) and field.searching for field in form)


def _form_data(questions, stored: dict) -> dict:
    data = {}
    for question in questions:
        value = stored.get(question.id)
        if value is None:
            continue
        if question.type == QuestionType.DATE:
            data[question.id] = date.fromisoformat(value)
        elif question.type == QuestionType.MONEY:
            data[question.id] = format_pence(value)
        elif question.type == QuestionType.NUMBER:
            data[question.id] = str(value)
        elif question.type == QuestionType.DECLARATION:
            data[question.id] = bool(value)
        else:
            data[question.id] = value
    return data


def answers_from(form, questions: list[Question]) -> dict:
    answers = {}
    for question in questions:
        value = form[question.id].data
        if question.type == QuestionType.DATE:
            value = value.isoformat() if value else None
        elif question.type == QuestionType.CHECKBOXES:
            value = list(value or [])
        elif question.type == QuestionType.FILE:
            value = form[question.id].answer()
        elif isinstance(value, str):
            value = value or None
        answers[question.id] = value
    return answers


def display(question: Question, value, language: str) -> str:
    """An answer as the person reads it on check your answers, the case page and in messages."""
    if value in (None, "", []):
        return _("Not given")
    kind = question.type
    if kind in (QuestionType.RADIOS, QuestionType.SELECT, QuestionType.YES_NO):
        return dict(_choices(question, language)).get(value, value)
    if kind == QuestionType.CHECKBOXES:
        labels = dict(_choices(question, language))
        return ", ".join(labels.get(item, item) for item in value)
    if kind == QuestionType.QUANTITIES and isinstance(value, dict):
        labels = dict(_choices(question, language))
        return ", ".join(f"{labels.get(item, item)} × {count}" for item, count in value.items())
    if kind == QuestionType.COLLECTION_DATE:
        return day_label(date.fromisoformat(value))
    if kind == QuestionType.DATE:
        return format_date(date.fromisoformat(value), "d MMMM yyyy")
    if kind == QuestionType.MONEY:
        return f"£{format_pence(value)}"
    if kind == QuestionType.PHONE:
        return accounts.display_phone(value)
    if kind == QuestionType.DECLARATION:
        return _("Confirmed")
    if kind == QuestionType.ADDRESS and isinstance(value, dict):
        return ", ".join(display_lines(value))
    if kind == QuestionType.FILE and uploads.is_file_answer(value):
        return f"{value['name']} ({uploads.describe_size(value['size'])})"
    return str(value)


def example_answer(question: Question) -> dict[str, list[str]]:
    """Form data a person could type that passes validation (for the generated tests)."""
    kind = question.type
    if kind == QuestionType.EMAIL:
        return {question.id: ["person@example.com"]}
    if kind == QuestionType.PHONE:
        return {question.id: ["020 7946 0000"]}
    if kind == QuestionType.NUMBER:
        return {question.id: [str(question.minimum if question.minimum is not None else 1)]}
    if kind == QuestionType.MONEY:
        return {question.id: [format_pence(question.minimum if question.minimum is not None else 1250)]}
    if kind == QuestionType.DATE:
        day = date.today()
        return {question.id: [str(day.day), str(day.month), str(day.year)]}
    if kind in (QuestionType.RADIOS, QuestionType.SELECT, QuestionType.CHECKBOXES, QuestionType.YES_NO):
        return {question.id: [question.option_values[0]]}
    if kind == QuestionType.DECLARATION:
        return {question.id: ["y"]}
    if kind == QuestionType.ADDRESS:
        return _example_address(question)
    if kind == QuestionType.FILE:
        return {question.id: [example_file(question.file_types[0])]}
    if kind == QuestionType.QUANTITIES:
        return {f"{question.id}-{question.option_values[0]}": ["1"]}
    if kind == QuestionType.COLLECTION_DATE:
        return {question.id: [None]}  # the first day offered: the walk reads it from the page
    return {question.id: ["An example answer"]}


def _example_address(question: Question) -> dict[str, list[str]]:
    from app.services import gazetteer

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


def example_file(kind: str):
    """A small real file of the kind, as the test client sends an upload: (stream, file name)."""
    from io import BytesIO

    from PIL import Image

    if kind == "pdf":
        content = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    else:
        output = BytesIO()
        Image.new("RGB", (40, 30), (200, 120, 40)).save(output, "JPEG" if kind == "jpg" else "PNG")
        content = output.getvalue()
    return (BytesIO(content), f"example.{kind}")


class SatisfactionForm(BaseForm):
    rating = GovRadioField(
        _l("Overall, how did you feel about using this service?"),
        validators=[Required(message=_l("Select how you felt about using this service"))],
        choices=[
            ("very_satisfied", _l("Very satisfied")),
            ("satisfied", _l("Satisfied")),
            ("neither", _l("Neither satisfied nor dissatisfied")),
            ("dissatisfied", _l("Dissatisfied")),
            ("very_dissatisfied", _l("Very dissatisfied")),
        ],
        choice_message=_l("Select how you felt about using this service"),
    )
    comment = TextAreaField(
        _l("How could we improve this service? (optional)"),
        description=_l("Do not include personal details, like your name or address."),
        validators=[
            NoControlCharacters(_l("Remove any special characters")),
            Length(max=1200, message=_l("Your comments must be 1200 characters or fewer")),
        ],
        filters=[strip],
        widget=GovTextArea(),
    )
