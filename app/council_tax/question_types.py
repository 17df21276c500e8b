"""Council tax's own question type, registered with the engine's registry:

- council_tax_account: one of the accounts the person has linked (the person a volunteer is
  helping, while they help). With one linked it is shown, not asked; with none, the page says to
  link one first (with a link) and cannot be passed.
  The answer is the account reference, checked on the server against the person's links, so
  another person's reference (or one that does not exist) is refused like any wrong choice. Its
  settings say which change the form asks for, for the estimate (app/services/council_tax/discounts.py).
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.assisted import person_served
from app.form_model.question_types import FieldContext, QuestionKind, register
from app.form_model.schema import Question
from app.forms_common import GovRadioField
from app.forms_engine.question_types.base import label_and_hint, required
from app.services.council_tax import discounts, links


def account_name(account) -> str:
    return _("Account %(reference)s: %(address)s", reference=account.reference, address=account.property.single_line)


class CouncilTaxAccountField(GovRadioField):
    """Radios of the person's linked accounts; the chosen one is checked against their links again."""

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.accounts = list(accounts)

    def post_validate(self, form, validation_stopped):
        if validation_stopped or self.errors:
            return
        person = person_served()
        if person is None or links.linked_account(person, str(self.data)) is None:
            self.errors.append(self.choice_message)


@register
class CouncilTaxAccountKind(QuestionKind):
    """One of the person's linked council tax accounts, stored as its reference."""

    name = discounts.QUESTION_TYPE
    settings_model = discounts.AccountQuestionSettings
    template = "council_tax/_account_question.html"

    def field(self, question: Question, context: FieldContext):
        label, hint = label_and_hint(question, context.language)
        person = person_served()
        accounts = links.linked_accounts(person) if person is not None else []
        message = (
            _("Select your council tax account")
            if accounts
            else _("Link your council tax account to your Doorstep account first")
        )
        return CouncilTaxAccountField(
            label,
            required(question, message),
            choices=[(account.reference, account_name(account)) for account in accounts],
            choice_message=message,
            description=hint,
            accounts=accounts,
        )

    def field_params(self, field, question: Question, heading: dict) -> dict:
        return {"fieldset": heading["legend"]}

    def example(self, question: Question) -> dict[str, list]:
        return {question.id: [None]}  # the first account the page offers

    def display(self, question: Question, value, language: str) -> str:
        return _("Account %(reference)s", reference=value)
