"""The premises question: one of the premises of the organisation the person is acting for (see
docs/business-accounts.md). Radios of its premises; the answer is the premises' id with its address,
stored like an address answer (uprn, lines, postcode, ward), so the case has its ward and rounds,
zones and prices can use it.

Services narrow it by subclassing (the business parking permit's `organisation_premises`: admins
only, premises that may have another permit); `premises` itself is for any member, and a service
that books a collection at business premises uses `collection_premises` (only where the council
collects from businesses).
"""

from __future__ import annotations

from flask import session
from flask_babel import gettext as _
from flask_login import current_user

from app import form_model
from app.form_model.question_types import FieldContext, register
from app.form_model.schema import Question
from app.forms_common import GovRadioField
from app.forms_engine.question_types.address import display_lines
from app.forms_engine.question_types.base import label_and_hint, required
from app.forms_engine.question_types.choices import RadiosKind
from app.services import organisation_premises, organisations


def premises_name(answer: dict) -> str:
    lines = ", ".join(display_lines(answer))
    return f"{answer['label']}: {lines}" if answer.get("label") else lines


class PremisesField(GovRadioField):
    """Radios of the organisation's premises; the chosen one is checked by the kind's `refusal`."""

    def __init__(self, *args, organisation=None, premises=(), refusal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.premises = list(premises)
        self.refusal = refusal
        self.chosen = None

    def post_validate(self, form, validation_stopped):
        if validation_stopped or self.errors or self.organisation is None:
            return
        chosen = next((found for found in self.premises if str(found.id) == str(self.data)), None)
        refused = self.refusal(self.organisation, chosen) if self.refusal is not None else None
        if chosen is None or refused:
            self.errors.append(refused or _("Select one of the organisation's premises"))
            return
        self.chosen = chosen


@register
class PremisesKind(RadiosKind):
    """One of the premises of the organisation the person acts for (any member)."""

    name = "premises"
    takes_options = False
    usable_in_conditions = False

    def option_values(self, question: Question) -> list[str]:
        return []

    def organisation(self):
        """The organisation the signed-in person is acting for, if they may use this question for it."""
        if not current_user.is_authenticated:
            return None
        return organisations.acting_for_in_session(current_user, session)

    def not_acting_messages(self) -> tuple[str, str]:
        """(the error, the hint) for someone not acting for an organisation who may use it."""
        return (
            _("Act for an organisation to choose one of its premises"),
            _("Choose who you are acting for from Your account: this is for an organisation's premises."),
        )

    def refusal(self, organisation, premises) -> str | None:
        """Why the chosen premises will not do, in plain words; None when they will."""
        return None

    def unavailable(self, form_id: str) -> str | None:
        """Why nobody can use this question on this form now (a setting), or None."""
        return None

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        organisation = self.organisation()
        premises = organisation_premises.premises(organisation) if organisation is not None else []
        closed = self.unavailable(context.form_id)
        if closed is not None:
            organisation, premises, message, hint = None, [], closed, closed
        elif organisation is None:
            message, hint = self.not_acting_messages()
        elif not premises:
            message = _("Add the organisation's premises first, from Your account, Organisations")
            hint = _("The organisation has no premises yet. Its admins add them from Your account, Organisations.")
        else:
            message = _("Select one of the organisation's premises")
        return PremisesField(
            label,
            required(question, message),
            choices=[(str(found.id), premises_name(organisation_premises.answer_for(found))) for found in premises],
            choice_message=message,
            description=hint,
            organisation=organisation,
            premises=premises,
            refusal=self.refusal,
        )

    def to_form(self, question: Question, stored):
        return str(stored.get("premises_id")) if isinstance(stored, dict) else stored

    def from_form(self, question: Question, field):
        return organisation_premises.answer_for(field.chosen) if field.chosen is not None else None

    def example(self, question: Question) -> dict[str, list]:
        return {question.id: [None]}  # the first premises the page offers

    def display(self, question: Question, value, language: str) -> str:
        return premises_name(value) if isinstance(value, dict) else str(value)

    def ward(self, value) -> str | None:
        return value.get("ward") if isinstance(value, dict) else None


@register
class CollectionPremisesKind(PremisesKind):
    """Premises to collect from, where the service's settings say the council collects from
    businesses (`prices.business.allowed` for the `items` price rule: bulky waste)."""

    name = "collection_premises"

    def unavailable(self, form_id: str) -> str | None:
        settings = form_model.settings_for(form_id) if form_id else None
        business = getattr(getattr(settings, "prices", None), "business", None)
        if business is None or not business.allowed:
            return _("We do not collect from business premises. Ask a licensed waste carrier instead")
        return None
