"""Setting up or changing a council tax Direct Debit from a linked account.

The instruction goes to the revenues system in the export (kind `direct_debit_instruction`); the
back office lodges it with Bacs and sends the advance notice. Doorstep needs the full sort code and
account number only until the export batch carrying them is written: then `scrub` keeps only their
last digits, which is all the account page needs to say which account pays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import User
from app.models.council_tax import CouncilTaxAccount
from app.models.council_tax_requests import CouncilTaxRequest, RequestKind
from app.services import bank_details, working_days

SORT_CODE_DIGITS_KEPT = 2
ACCOUNT_DIGITS_KEPT = 4
INSTALMENT_CHOICES = (10, 12)
# The kinds whose details carry bank numbers, scrubbed once their batch is written.
WITH_BANK_DETAILS = (RequestKind.DIRECT_DEBIT, RequestKind.CREDIT_REFUND)


@dataclass(frozen=True)
class BankAccount:
    holder: str
    sort_code: str  # 6 digits
    account_number: str  # 8 digits

    def __post_init__(self):
        if not bank_details.modulus_check(self.sort_code, self.account_number):
            raise ValueError("bank details that fail the modulus check")

    def as_details(self) -> dict:
        return {
            "account_holder": self.holder,
            "sort_code": self.sort_code,
            "account_number": self.account_number,
            "sort_code_ending": bank_details.last_digits(self.sort_code, SORT_CODE_DIGITS_KEPT),
            "account_number_ending": bank_details.last_digits(self.account_number, ACCOUNT_DIGITS_KEPT),
        }


@dataclass(frozen=True)
class Instruction:
    bank: BankAccount
    payment_day: int
    instalments: int


def first_payment_on(today: date, payment_day: int, lead_working_days: int) -> date:
    """The first payment day of a month on or after `lead_working_days` working days from today."""
    earliest = working_days.add_working_days(today, lead_working_days)
    year, month = earliest.year, earliest.month
    if earliest.day > payment_day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, payment_day)


def send(
    user: User, account: CouncilTaxAccount, instruction: Instruction, *, today: date, lead_working_days: int
) -> CouncilTaxRequest:
    changing = account.payment_method.value == "direct_debit"
    request = CouncilTaxRequest(
        kind=RequestKind.DIRECT_DEBIT,
        account_reference=account.reference,
        user_id=user.id,
        details={
            **instruction.bank.as_details(),
            "change": changing,
            "payment_day": instruction.payment_day,
            "instalments": instruction.instalments,
            "first_payment_on": first_payment_on(today, instruction.payment_day, lead_working_days).isoformat(),
            "payer_confirmed_sole_authority": True,
        },
    )
    db.session.add(request)
    db.session.flush()
    return request


def latest(account: CouncilTaxAccount, user: User | None = None) -> CouncilTaxRequest | None:
    """The newest Direct Debit instruction sent from Doorstep for the account (by this person, if given)."""
    query = sa.select(CouncilTaxRequest).where(
        CouncilTaxRequest.account_reference == account.reference,
        CouncilTaxRequest.kind == RequestKind.DIRECT_DEBIT,
    )
    if user is not None:
        query = query.where(CouncilTaxRequest.user_id == user.id)
    return db.session.scalar(query.order_by(CouncilTaxRequest.id.desc()).limit(1))


def pending(account: CouncilTaxAccount, imported_at) -> CouncilTaxRequest | None:
    """The newest instruction sent since the extract the account page shows was taken (so the
    revenues system's record does not have it yet), or None."""
    found = latest(account)
    if found is None or (imported_at is not None and _naive_utc(found.created_at) <= _naive_utc(imported_at)):
        return None
    return found


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def scrub(requests) -> None:
    """Keep only the last digits of the bank numbers in requests handed over to the back office."""
    for found in requests:
        if found.kind in WITH_BANK_DETAILS and "sort_code" in found.details:
            # A new dict: SQLAlchemy saves a JSON column when it is assigned, not when it is changed in place.
            found.details = {
                key: value for key, value in found.details.items() if key not in ("sort_code", "account_number")
            }
