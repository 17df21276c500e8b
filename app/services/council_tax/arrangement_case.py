"""The revenues team's case for a payment arrangement asked for online: in the staff inbox with a
due date in working days, the person's statement and offer shown as its answers, and messages to
the person about it. Like the move out (moving_out_case.py) it has a small definition of its own,
because the journey is the council tax pages of a linked account, not one of the web team's forms.
"""

from __future__ import annotations

from functools import cache

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from app.form_model.schema import Definition
from app.models import Case, CaseEvent, CaseEventKind, Channel, User
from app.models.council_tax import CouncilTaxAccount
from app.money import pounds
from app.services import cases, working_days
from app.services.council_tax import arrangement_sums as sums

SERVICE_ID = "council-tax-arrangement"
TEAM = "revenues"
WORKING_DAYS = 10

_QUESTIONS = [
    ("account_reference", "Council tax account", "Cyfrif treth gyngor"),
    ("property", "Property", "Eiddo"),
    ("arrears", "Arrears to clear", "Ôl-ddyledion i'w clirio"),
    ("income", "Income a month", "Incwm y mis"),
    ("spending", "Fixed and flexible costs a month", "Costau sefydlog a hyblyg y mis"),
    ("debts", "Payments to other debts a month", "Taliadau i ddyledion eraill y mis"),
    ("left_over", "Left over a month", "Ar ôl y mis"),
    ("offer", "Payments offered", "Taliadau a gynigiwyd"),
    ("clears", "Clears the arrears", "Yn clirio'r ôl-ddyledion"),
]


@cache
def definition() -> Definition:
    return Definition.model_validate(
        {
            "id": SERVICE_ID,
            "version": 1,
            "title": {"en": "Council tax: payment arrangement", "cy": "Treth gyngor: trefniant talu"},
            "summary": {
                "en": "Ask to pay what you are behind with in smaller amounts.",
                "cy": "Gofyn i dalu'r hyn sy'n ddyledus gennych mewn symiau llai.",
            },
            "start": {
                "en": "Asked online from a linked account.",
                "cy": "Wedi gofyn ar-lein o gyfrif cysylltiedig.",
            },
            "who_can_use": ["residents"],
            "service_standard_days": WORKING_DAYS,
            "pages": [
                {
                    "id": "arrangement",
                    "title": {"en": "Payment arrangement", "cy": "Trefniant talu"},
                    "questions": [
                        {
                            "id": question_id,
                            "type": "long_text",
                            "label": {"en": en, "cy": cy},
                            "error_name": {"en": en.lower(), "cy": cy.lower()},
                        }
                        for question_id, en, cy in _QUESTIONS
                    ],
                }
            ],
            "submit": {
                "team": TEAM,
                "confirmation": {
                    "en": "Our council tax team will tell you if they can agree your offer.",
                    "cy": "Bydd ein tîm treth gyngor yn dweud wrthych a allant gytuno i'ch cynnig.",
                },
            },
        }
    )


cases.register_own_definition(SERVICE_ID, definition)


def terms_text(pence: int, frequency: sums.Frequency, first_on) -> str:
    """ "£50.00 a month from 1 December 2026", in the current language."""
    first = format_date(first_on, "d MMMM yyyy")
    if frequency is sums.Frequency.WEEKLY:
        return _("%(amount)s a week from %(first)s", amount=pounds(pence), first=first)
    if frequency is sums.Frequency.FORTNIGHTLY:
        return _("%(amount)s every 2 weeks from %(first)s", amount=pounds(pence), first=first)
    return _("%(amount)s a month from %(first)s", amount=pounds(pence), first=first)


def clearing_text(found: sums.Clearing) -> str:
    return _(
        "%(count)s payments, the last of %(amount)s on %(day)s",
        count=found.payments,
        amount=pounds(found.last_payment_pence),
        day=format_date(found.last_payment_on, "d MMMM yyyy"),
    )


def _answers(account: CouncilTaxAccount, arrears_pence: int, statement: sums.Statement, offer) -> dict:
    """What staff read, in English (the staff pages' language for answers given by the person)."""
    with force_locale("en"):
        return {
            "account_reference": account.reference,
            "property": account.property.single_line,
            "arrears": pounds(arrears_pence),
            "income": pounds(statement.income_pence),
            "spending": pounds(statement.spending_pence),
            "debts": pounds(statement.debts_pence),
            "left_over": pounds(statement.left_over_pence),
            "offer": terms_text(offer.amount_pence, offer.frequency, offer.first_on),
            "clears": clearing_text(sums.clearing(arrears_pence, offer.amount_pence, offer.frequency, offer.first_on)),
        }


def open_case(
    user: User, account: CouncilTaxAccount, arrears_pence: int, statement: sums.Statement, offer, *, language: str
) -> Case:
    cases.snapshot(definition())
    case = Case(
        reference="",
        service_id=SERVICE_ID,
        definition_version=definition().version,
        team=TEAM,
        answers=_answers(account, arrears_pence, statement, offer),
        channel=Channel.ONLINE,
        language=language,
        user_id=user.id,
        contact_email=user.email,
        contact_phone=user.phone,
        ward=user.address_ward,
        due_date=working_days.add_working_days(cases.london_today(), WORKING_DAYS),
    )
    cases.add_with_unique_reference(case)
    case.events.append(CaseEvent(kind=CaseEventKind.SUBMITTED, status=case.status))
    cases.send_confirmation(definition(), case)
    return case
