"""Asking for a refund of a council tax credit balance, to a bank account.

Only an account the imported record shows in credit can ask, for the whole credit or less. The
request goes to the revenues system in the export (kind `credit_refund`, with the bank details,
scrubbed to their last digits once the batch is written: direct_debits.scrub) and opens a case for
the revenues team with a due date, like a move out. While a refund case for the account is open,
another cannot be asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.form_model.schema import Definition
from app.models import Case, CaseEvent, CaseEventKind, CaseStatus, Channel, User
from app.models.council_tax import CouncilTaxAccount
from app.models.council_tax_requests import CouncilTaxRequest, RequestKind
from app.money import pounds
from app.services import case_work, cases, working_days
from app.services.council_tax.direct_debits import BankAccount
from app.services.errors import ServiceError

SERVICE_ID = "council-tax-credit-refund"
TEAM = "revenues"


def _text(en: str, cy: str) -> dict:
    return {"en": en, "cy": cy}


def _question(question_id: str, en: str, cy: str) -> dict:
    return {
        "id": question_id,
        "type": "long_text",
        "label": _text(en, cy),
        "error_name": _text(en[:1].lower() + en[1:], cy[:1].lower() + cy[1:]),
    }


@cache
def definition() -> Definition:
    return Definition.model_validate(
        {
            "id": SERVICE_ID,
            "version": 1,
            "title": _text("Council tax: refund of a credit", "Treth gyngor: ad-daliad credyd"),
            "summary": _text("Ask for a credit balance back.", "Gofyn am gael balans credyd yn ôl."),
            "start": _text("Asked online from a linked account.", "Wedi gofyn ar-lein o gyfrif cysylltiedig."),
            "who_can_use": ["residents"],
            "service_standard_days": 10,
            "pages": [
                {
                    "id": "refund",
                    "title": _text("Refund", "Ad-daliad"),
                    "questions": [
                        _question("account_reference", "Council tax account", "Cyfrif treth gyngor"),
                        _question("amount", "Amount to refund", "Swm i'w ad-dalu"),
                        _question("credit", "Credit on the record they saw", "Credyd ar y cofnod a welsant"),
                        _question("account_holder", "Name on the bank account", "Enw ar y cyfrif banc"),
                        _question("bank_account", "Bank account", "Cyfrif banc"),
                    ],
                }
            ],
            "submit": {
                "team": TEAM,
                "confirmation": _text(
                    "Our council tax team will check your account and pay the refund into your bank account.",
                    "Bydd ein tîm treth gyngor yn gwirio eich cyfrif ac yn talu'r ad-daliad i'ch cyfrif banc.",
                ),
            },
        }
    )


cases.register_own_definition(SERVICE_ID, definition)


@dataclass(frozen=True)
class Refund:
    amount_pence: int
    bank: BankAccount


def credit_pence(account: CouncilTaxAccount) -> int:
    """The credit on the imported record (0 when the account owes or is clear)."""
    return max(0, -account.balance_pence)


def waiting(account: CouncilTaxAccount) -> Case | None:
    """A refund case for this account the revenues team has not closed."""
    return db.session.scalar(
        sa.select(Case)
        .join(CouncilTaxRequest, CouncilTaxRequest.details["case_reference"].as_string() == Case.reference)
        .where(
            CouncilTaxRequest.kind == RequestKind.CREDIT_REFUND,
            CouncilTaxRequest.account_reference == account.reference,
            Case.status != CaseStatus.CLOSED,
        )
        .limit(1)
    )


def check_amount(account: CouncilTaxAccount, amount_pence: int) -> None:
    credit = credit_pence(account)
    if amount_pence <= 0:
        raise ServiceError(_("Enter an amount more than £0"), field="other_amount")
    if amount_pence > credit:
        raise ServiceError(
            _("Enter an amount no more than your credit of %(credit)s", credit=pounds(credit)), field="other_amount"
        )


def ask(user: User, account: CouncilTaxAccount, refund: Refund, *, due_in_days: int, language: str) -> Case:
    """Opens the revenues team's case and queues the request for the export. Raises ServiceError
    when the account is not in credit, a refund is already waiting, or the amount is wrong."""
    # One at a time per account: two sends at once (two tabs, a double click) must not both pass
    # the "already waiting" check.
    db.session.execute(sa.select(CouncilTaxAccount.id).where(CouncilTaxAccount.id == account.id).with_for_update())
    if credit_pence(account) <= 0:
        raise ServiceError(_("This account is not in credit, so there is nothing to refund"))
    if waiting(account) is not None:
        raise ServiceError(_("You have already asked for a refund. Our council tax team is dealing with it"))
    check_amount(account, refund.amount_pence)
    cases.snapshot(definition())
    bank = refund.bank.as_details()
    case = Case(
        reference="",
        service_id=SERVICE_ID,
        definition_version=definition().version,
        team=TEAM,
        answers={  # only the last digits: the full numbers go to the back office in the export
            "account_reference": account.reference,
            "amount": pounds(refund.amount_pence),
            "credit": pounds(credit_pence(account)),
            "account_holder": refund.bank.holder,
            "bank_account": f"sort code ending {bank['sort_code_ending']}, "
            f"account number ending {bank['account_number_ending']}",
        },
        channel=Channel.ONLINE,
        language=language,
        user_id=user.id,
        contact_email=user.email,
        contact_phone=user.phone,
        ward=user.address_ward,
        due_date=working_days.add_working_days(cases.london_today(), due_in_days),
    )
    cases.add_with_unique_reference(case)
    case.events.append(CaseEvent(kind=CaseEventKind.SUBMITTED, status=case.status))
    cases.send_confirmation(definition(), case)
    db.session.add(
        CouncilTaxRequest(
            kind=RequestKind.CREDIT_REFUND,
            account_reference=account.reference,
            user_id=user.id,
            details={
                **bank,
                "amount_pence": refund.amount_pence,
                "case_reference": case.reference,
                "due_on": case.due_date.isoformat(),
            },
        )
    )
    db.session.flush()
    return case


def for_person(user: User, account: CouncilTaxAccount, reference: str) -> Case | None:
    """The person's own refund case for this account, for its confirmation page."""
    case = case_work.find(reference) if reference.isascii() and len(reference) <= 12 else None
    if case is None or case.service_id != SERVICE_ID or case.user_id != user.id:
        return None
    return case if case.answers.get("account_reference") == account.reference else None
