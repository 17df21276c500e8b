"""What the revenues record's codes mean, in plain words, for the account pages (both languages)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.models.council_tax import RecoveryStage, ReductionKind


@dataclass(frozen=True)
class StageWords:
    name: str
    meaning: str
    to_do: str


RECOVERY = {
    RecoveryStage.REMINDER: StageWords(
        _l("Reminder"),
        _l(
            "An instalment was not paid on time. If you pay what the reminder asks within 7 days, you can "
            "keep paying by instalments."
        ),
        _l(
            "Pay the amount on the reminder by the date it gives. If you cannot, contact us now: we can "
            "agree a way to pay that you can afford."
        ),
    ),
    RecoveryStage.SECOND_REMINDER: StageWords(
        _l("Second reminder"),
        _l(
            "Another instalment was late this year. If you pay what the reminder asks within 7 days, you can "
            "keep paying by instalments. If you are late again this year, the whole year's balance falls "
            "due."
        ),
        _l(
            "Pay the amount on the reminder by the date it gives. If you cannot, contact us now: we can "
            "agree a way to pay that you can afford."
        ),
    ),
    RecoveryStage.FINAL_NOTICE: StageWords(
        _l("Final notice"),
        _l(
            "You have lost the right to pay by instalments: the whole year's balance is due now. If it is "
            "not paid within 7 days, we can ask the magistrates' court for a summons, which adds costs."
        ),
        _l("Pay the balance, or contact us before the date on the notice to agree an arrangement to pay."),
    ),
    RecoveryStage.SUMMONS: StageWords(
        _l("Summons"),
        _l(
            "We have asked the magistrates' court for a liability order. Costs have been added to what you "
            "owe. The summons gives the date of the hearing."
        ),
        _l(
            "Pay the balance with the costs before the hearing, or contact us to agree an arrangement: if "
            "you keep to it, we will not ask you to go to court."
        ),
    ),
    RecoveryStage.LIABILITY_ORDER: StageWords(
        _l("Liability order"),
        _l(
            "The court has made a liability order. We can now take the money from your wages or benefits, or "
            "pass the debt to enforcement agents, which adds more costs."
        ),
        _l(
            "Contact us now to agree an arrangement to pay. We will ask about your income and spending so "
            "that the amount is one you can afford."
        ),
    ),
    RecoveryStage.ATTACHMENT_OF_EARNINGS: StageWords(
        _l("Deductions from your wages"),
        _l(
            "Your employer has been told to take an amount from your pay each payday and send it to us until "
            "the debt is paid."
        ),
        _l(
            "Keep your other payments up to date. If the deductions leave you unable to pay for essentials, contact us."
        ),
    ),
    RecoveryStage.ATTACHMENT_OF_BENEFITS: StageWords(
        _l("Deductions from your benefits"),
        _l(
            "The Department for Work and Pensions has been asked to take an amount from your benefits and "
            "send it to us until the debt is paid."
        ),
        _l(
            "Keep your other payments up to date. If the deductions leave you unable to pay for essentials, contact us."
        ),
    ),
    RecoveryStage.ENFORCEMENT_AGENT: StageWords(
        _l("Enforcement agents"),
        _l(
            "The debt has been passed to enforcement agents (bailiffs). They add their own fees and may "
            "visit your home."
        ),
        _l(
            "Contact the enforcement agents or us straight away to agree how to pay. Free, independent debt "
            "advice is available from StepChange, National Debtline and Citizens Advice."
        ),
    ),
}

REDUCTIONS = {
    ReductionKind.SINGLE_PERSON: _l("Single person discount"),
    ReductionKind.ALL_DISREGARDED: _l("Discount: everyone who lives there is disregarded"),
    ReductionKind.EXEMPTION: _l("Exemption"),
    ReductionKind.OTHER: _l("Discount"),
}

INSTALMENT_STATES = {
    "paid": (_l("Paid"), "govuk-tag--green"),
    "part_paid": (_l("Partly paid"), "govuk-tag--yellow"),
    "overdue": (_l("Not paid"), "govuk-tag--red"),
    "due": (_l("To pay"), "govuk-tag--grey"),
}

TRANSACTIONS = {
    "payment": _l("Payment"),
    "refund": _l("Refund to you"),
    "costs": _l("Costs added"),
    "adjustment": _l("Adjustment"),
}

METHODS = {
    "direct_debit": _l("Direct Debit"),
    "card": _l("Card"),
    "bank": _l("Bank transfer"),
    "cash": _l("Cash"),
}
