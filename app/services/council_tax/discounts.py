"""Discounts, exemptions and Council Tax Reduction applied for through form definitions
(app/definitions/council-tax-*.yaml), and the estimate of what a change does to the bill.

Each of these forms asks for one of the person's linked accounts (the `council_tax_account`
question type) and, where the effect on the bill is known, for the day the change starts. The
question's settings say which change the answers ask for:

    settings:
      from_question: discount_from        # a date question: the first day of the change
      estimates:                          # the first whose conditions hold; none: no estimate
        - when: [{question: who_studies, equals: everyone}]
          change: exemption               # 100% off
        - change: single_person           # the council's single person discount (25%)

Changes: single_person and all_disregarded (the council's percents), exemption (no charge),
no_discount (a discount ends: someone moved in). Before sending, check your answers shows the
estimated effect on this year's bill and the next instalments (the panel in
app/council_tax/panels.py). On sending, the `council-tax-application` submit action hands the
answers to the revenues system in the export; the case itself goes to the revenues team's queue
with the form's due date, like any form's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from app.extensions import db
from app.form_model.schema import Condition, Definition, Identifier, Question, Strict
from app.models import Case, User
from app.models.council_tax import CouncilTaxAccount
from app.models.council_tax_requests import CouncilTaxRequest, RequestKind
from app.services import cases, submit_actions
from app.services.council_tax import adapter, estimates, links
from app.services.council_tax import settings as council_tax_settings
from app.services.council_tax.adapter import RevenuesAdapter
from app.services.council_tax.instalments import Instalment, respread
from app.services.council_tax.settings import CouncilTaxSettings
from app.services.council_tax.statement import year_bill
from app.services.errors import ServiceError

ACTION = "council-tax-application"
QUESTION_TYPE = "council_tax_account"
EXEMPTION_PERCENT = 100

ChangeName = Literal["single_person", "all_disregarded", "exemption", "no_discount"]


class EstimateRule(Strict):
    when: list[Condition] = Field(default_factory=list)
    change: ChangeName


class AccountQuestionSettings(Strict):
    """The `settings:` of a council_tax_account question."""

    from_question: Identifier | None = None
    estimates: list[EstimateRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _estimates_need_a_day(self) -> AccountQuestionSettings:
        if self.estimates and self.from_question is None:
            raise ValueError("estimates need from_question: the date question the change starts on")
        return self


def percent_for(change: ChangeName, settings: CouncilTaxSettings) -> int:
    return {
        "single_person": settings.single_person_percent,
        "all_disregarded": settings.all_disregarded_percent,
        "exemption": EXEMPTION_PERCENT,
        "no_discount": 0,
    }[change]


def account_question(definition: Definition) -> Question | None:
    return next((question for question in definition.questions() if question.type == QUESTION_TYPE), None)


@dataclass(frozen=True)
class Asked:
    """What a form's answers ask for: the change and the day it starts (None: no estimate)."""

    account_reference: str | None
    change: ChangeName | None
    starts: date | None


def asked_for(definition: Definition, answers: dict) -> Asked:
    question = account_question(definition)
    if question is None:
        return Asked(None, None, None)
    reference = answers.get(question.id) if isinstance(answers.get(question.id), str) else None
    rules = question.typed_settings()
    rule = next((rule for rule in rules.estimates if all(c.holds(answers.get(c.question)) for c in rule.when)), None)
    starts = None
    if rule is not None and isinstance(answers.get(rules.from_question), str):
        try:
            starts = date.fromisoformat(answers[rules.from_question])
        except ValueError:
            starts = None
    return Asked(reference, rule.change if rule is not None and starts is not None else None, starts)


@dataclass(frozen=True)
class InstalmentChange:
    due: date
    now_pence: int  # as the record has it (0: no instalment that day now)
    estimate_pence: int  # after the change (0: none that day)


@dataclass(frozen=True)
class ChangeEffect:
    year_label: str
    starts: date  # the first day of this year the change applies to
    earlier_years: bool  # it goes back before this year: the team works those years out
    percent: int  # off the charge from `starts`
    bill_now_pence: int  # this year's bill, as the record has it
    bill_estimate_pence: int
    paid_pence: int
    instalments: list[InstalmentChange]  # due today or later, now and after the change

    @property
    def difference_pence(self) -> int:
        return self.bill_estimate_pence - self.bill_now_pence

    @property
    def credit_pence(self) -> int:
        return max(self.paid_pence - self.bill_estimate_pence, 0)


def effect(
    revenues: RevenuesAdapter,
    account: CouncilTaxAccount,
    *,
    starts: date,
    percent: int,
    today: date,
    minimum_instalment_pence: int,
) -> ChangeEffect | None:
    """The estimated effect on the latest year's bill the record has of `percent` off from `starts`
    (what the record has before it), and the instalments still to come spread again (Schedule 1
    para 10). None when the record has no charge for that year or the change starts after it."""
    years = revenues.years(account)
    if not years:
        return None
    bill = year_bill(revenues, account, years[0], today)
    if not bill.charges or starts > bill.year.end:
        return None
    first = max(starts, bill.year.start)
    change = estimates.Change(first, percent)
    worked_out_now = estimates.charge_pence(bill)
    worked_out_after = estimates.charge_pence(bill, change=change)
    # The record's own total is the starting point; only the difference is Doorstep's arithmetic.
    estimate_total = max(bill.total_pence + worked_out_after - worked_out_now, 0)
    plan = [Instalment(line.due_date, line.amount_pence) for line in bill.instalments]
    new_plan = respread(estimate_total, plan, today, minimum_instalment_pence=minimum_instalment_pence)
    now_by_day = {item.due: item.amount_pence for item in plan if item.due >= today}
    after_by_day = {item.due: item.amount_pence for item in new_plan if item.due >= today}
    return ChangeEffect(
        year_label=bill.year.label,
        starts=first,
        earlier_years=starts < bill.year.start,
        percent=percent,
        bill_now_pence=bill.total_pence,
        bill_estimate_pence=estimate_total,
        paid_pence=bill.paid_pence,
        instalments=[
            InstalmentChange(day, now_by_day.get(day, 0), after_by_day.get(day, 0))
            for day in sorted(now_by_day.keys() | after_by_day.keys())
        ],
    )


def effect_of_answers(
    revenues: RevenuesAdapter,
    user: User,
    definition: Definition,
    answers: dict,
    *,
    settings: CouncilTaxSettings | None,
    today: date,
) -> tuple[CouncilTaxAccount | None, ChangeEffect | None]:
    """(the person's linked account the answers name, the estimated effect or None when it is not
    known from the answers). Another person's account is (None, None)."""
    asked = asked_for(definition, answers)
    account = links.linked_account(user, asked.account_reference) if asked.account_reference else None
    if account is None or asked.change is None or settings is None:
        return account, None
    found = effect(
        revenues,
        account,
        starts=asked.starts,
        percent=percent_for(asked.change, settings),
        today=today,
        minimum_instalment_pence=settings.minimum_instalment_pence,
    )
    return account, found


def _effect_details(found: ChangeEffect | None) -> dict | None:
    if found is None:
        return None
    return {
        "year": found.year_label,
        "from": found.starts.isoformat(),
        "percent_off": found.percent,
        "bill_now_pence": found.bill_now_pence,
        "bill_estimate_pence": found.bill_estimate_pence,
        "instalments": [
            {"due": item.due.isoformat(), "now_pence": item.now_pence, "estimate_pence": item.estimate_pence}
            for item in found.instalments
        ],
    }


@submit_actions.register(ACTION)
def hand_to_revenues(definition: Definition, case: Case, journey) -> CouncilTaxRequest:
    """The application goes to the revenues system in the export, with the form's answers and the
    estimate the person saw. The account is checked again: still linked to the person sending."""
    user = db.session.get(User, case.user_id) if case.user_id is not None else None
    if user is None:
        raise ServiceError("council-tax-account")
    account, found = effect_of_answers(
        adapter.revenues(),
        user,
        definition,
        case.answers,  # the answers on the route taken (none left behind by a changed route)
        settings=council_tax_settings.current(),
        today=cases.london_today(),
    )
    if account is None:
        raise ServiceError("council-tax-account")
    request = CouncilTaxRequest(
        kind=RequestKind.DISCOUNT_APPLICATION,
        account_reference=account.reference,
        user_id=user.id,
        details={
            "form": definition.id,
            "form_version": definition.version,
            "case_reference": case.reference,
            "answers": case.answers,
            "estimate": _effect_details(found),
        },
    )
    db.session.add(request)
    db.session.flush()
    return request
