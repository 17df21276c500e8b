"""The form for one page of a definition, built from the registry of question types, and the
satisfaction question every confirmation page asks.

Stored answers are plain JSON: strings, integers (money in pence), lists of option values, dicts
for compound answers (an address), and ISO dates.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import TextAreaField
from wtforms.validators import Length

from app.form_model.question_types import FieldContext, kind_of
from app.form_model.schema import Question
from app.forms_common import BaseForm, GovRadioField, NoControlCharacters, Required, strip
from app.forms_engine.question_types.address import AddressField


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

    context = FieldContext(language, stored, form_id)
    for question in questions:
        setattr(PageForm, question.id, kind_of(question).field(question, context))
    form = PageForm(formdata=formdata, data=_form_data(questions, stored or {}))
    if manual_address and formdata is None:
        for question in questions:
            field = form[question.id]
            if isinstance(field, AddressField):
                field.use_manual_entry()
    return form


def is_interim(form, questions: list[Question]) -> bool:
    """The person pressed a button inside a question (find address, say): show the page again with
    what was found, without saving or moving on."""
    return any(kind_of(question).is_interim(form[question.id]) for question in questions)


def _form_data(questions: list[Question], stored: dict) -> dict:
    return {
        question.id: kind_of(question).to_form(question, stored[question.id])
        for question in questions
        if stored.get(question.id) is not None
    }


def answers_from(form, questions: list[Question]) -> dict:
    return {question.id: kind_of(question).from_form(question, form[question.id]) for question in questions}


def field_params(field, question: Question, single: bool) -> dict:
    """GOV.UK macro parameters for a question of a type without its own template. When it is the
    only question on the page its label or legend is the page heading."""
    if single:
        label = {"isPageHeading": True, "classes": "govuk-label--l"}
        legend = {"legend": {"text": field.label.text, "isPageHeading": True, "classes": "govuk-fieldset__legend--l"}}
    else:
        label = {"classes": "govuk-label--s"}
        legend = {"legend": {"text": field.label.text, "classes": "govuk-fieldset__legend--s"}}
    return kind_of(question).field_params(field, question, {"label": label, "legend": legend})


def example_answer(question: Question) -> dict[str, list]:
    """Form data a person could type that passes validation (for the generated tests)."""
    return kind_of(question).example(question)


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
