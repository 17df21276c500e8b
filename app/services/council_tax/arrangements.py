"""Payment arrangements for an account in arrears: the person sends their income and expenditure
and the payments they can afford; the revenues team accepts, or offers different terms with a
reason; the person may accept that offer online. Once agreed, the terms go to the revenues system
in the export (a `payment_arrangement` request) and the case is closed with a message to the person.

The arrears are what the account page calls "overdue now" (statement.AccountSummary.overdue_pence):
late instalments, or the sum a recovery notice asks for, capped at the balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from app.extensions import db
from app.models import Case, CaseStatus, User, utcnow
from app.models.council_tax import CouncilTaxAccount
from app.models.council_tax_arrangements import ArrangementStatus, CouncilTaxArrangement
from app.models.council_tax_requests import CouncilTaxRequest, RequestKind
from app.money import pounds
from app.services import case_work
from app.services.council_tax import arrangement_case
from app.services.council_tax import arrangement_sums as sums
from app.services.errors import ServiceError

FIRST_PAYMENT_WITHIN = timedelta(days=31)  # the first payment is due soon, or it is not an arrangement
MINIMUM_PAYMENT_PENCE = 100


@dataclass(frozen=True)
class Offer:
    amount_pence: int
    frequency: sums.Frequency
    first_on: date


def check_offer(offer: Offer, arrears_pence: int, today: date) -> sums.Clearing:
    """Raises ServiceError (for the field it is about) for terms that cannot be offered."""
    if offer.amount_pence < MINIMUM_PAYMENT_PENCE:
        raise ServiceError(_("Each payment must be £1.00 or more"), field="amount")
    if offer.amount_pence > arrears_pence:
        raise ServiceError(
            _(
                "Each payment must be %(arrears)s or less, the amount you are behind with",
                arrears=pounds(arrears_pence),
            ),
            field="amount",
        )
    latest = today + FIRST_PAYMENT_WITHIN
    if offer.first_on < today:
        raise ServiceError(
            _("The first payment must be on or after %(day)s", day=format_date(today, "d MMMM yyyy")),
            field="first_on",
        )
    if offer.first_on > latest:
        raise ServiceError(
            _("The first payment must be on or before %(day)s", day=format_date(latest, "d MMMM yyyy")),
            field="first_on",
        )
    return sums.clearing(arrears_pence, offer.amount_pence, offer.frequency, offer.first_on)


def waiting(account: CouncilTaxAccount) -> CouncilTaxArrangement | None:
    """An arrangement for this account not yet agreed (one at a time)."""
    return db.session.scalar(
        sa.select(CouncilTaxArrangement)
        .where(
            CouncilTaxArrangement.account_reference == account.reference,
            CouncilTaxArrangement.status != ArrangementStatus.AGREED,
        )
        .order_by(CouncilTaxArrangement.id.desc())
        .limit(1)
    )


def propose(
    user: User,
    account: CouncilTaxAccount,
    arrears_pence: int,
    given: dict[str, tuple[int, sums.Frequency]],
    offer: Offer,
    *,
    today: date,
    language: str,
) -> Case:
    """Sends the person's statement and offer to the revenues team: a case with a due date, and the
    arrangement waiting for their answer."""
    if arrears_pence <= 0:
        raise ServiceError(_("This account is not behind with payments"))
    # One at a time per account, also when two "Send"s (two tabs, joint payers) arrive together.
    db.session.execute(sa.select(CouncilTaxAccount.id).where(CouncilTaxAccount.id == account.id).with_for_update())
    if waiting(account) is not None:
        raise ServiceError(_("You have already asked for an arrangement on this account"))
    check_offer(offer, arrears_pence, today)
    statement = sums.statement(given)
    case = arrangement_case.open_case(user, account, arrears_pence, statement, offer, language=language)
    arrangement = CouncilTaxArrangement(
        case_id=case.id,
        account_reference=account.reference,
        user_id=user.id,
        status=ArrangementStatus.PROPOSED,
        arrears_pence=arrears_pence,
        statement={
            "monthly": dict(statement.monthly),
            "given": {heading: [pence, frequency.value] for heading, (pence, frequency) in given.items()},
        },
        proposed_pence=offer.amount_pence,
        proposed_frequency=offer.frequency,
        proposed_first_on=offer.first_on,
    )
    db.session.add(arrangement)
    db.session.flush()
    return case


def for_case(case: Case) -> CouncilTaxArrangement | None:
    return db.session.scalar(sa.select(CouncilTaxArrangement).where(CouncilTaxArrangement.case_id == case.id))


def for_person(user: User, account: CouncilTaxAccount, reference: str) -> tuple[Case, CouncilTaxArrangement] | None:
    """The person's own arrangement on this account, by its case reference; None for anyone else's."""
    case = case_work.find(reference) if reference.isascii() and len(reference) <= 12 else None
    if case is None or case.service_id != arrangement_case.SERVICE_ID or case.user_id != user.id:
        return None
    arrangement = for_case(case)
    if arrangement is None or arrangement.account_reference != account.reference:
        return None
    return case, arrangement


def proposed(arrangement: CouncilTaxArrangement) -> Offer:
    return Offer(arrangement.proposed_pence, arrangement.proposed_frequency, arrangement.proposed_first_on)


def offered(arrangement: CouncilTaxArrangement) -> Offer | None:
    if arrangement.offered_pence is None:
        return None
    return Offer(arrangement.offered_pence, arrangement.offered_frequency, arrangement.offered_first_on)


def agreed_terms(arrangement: CouncilTaxArrangement) -> Offer | None:
    if arrangement.status is not ArrangementStatus.AGREED:
        return None
    return offered(arrangement) or proposed(arrangement)


def _agree(case: Case, arrangement: CouncilTaxArrangement, terms: Offer, agreed_by: str) -> None:
    arrangement.status, arrangement.agreed_at = ArrangementStatus.AGREED, utcnow()
    found = sums.clearing(arrangement.arrears_pence, terms.amount_pence, terms.frequency, terms.first_on)
    request = CouncilTaxRequest(
        kind=RequestKind.PAYMENT_ARRANGEMENT,
        account_reference=arrangement.account_reference,
        user_id=arrangement.user_id,
        details={
            "case_reference": case.reference,
            "agreed_by": agreed_by,
            "arrears_pence": arrangement.arrears_pence,
            "amount_pence": terms.amount_pence,
            "frequency": terms.frequency.value,
            "first_payment_on": terms.first_on.isoformat(),
            "payments": found.payments,
            "last_payment_pence": found.last_payment_pence,
            "last_payment_on": found.last_payment_on.isoformat(),
            "monthly_statement_pence": arrangement.statement.get("monthly", {}),
        },
    )
    db.session.add(request)


def _message(case: Case, english_and_welsh) -> str:
    with force_locale(case.language):
        return english_and_welsh()


def _locked(arrangement: CouncilTaxArrangement) -> None:
    """Read the arrangement again under a row lock, so two answers at once cannot both be taken."""
    db.session.refresh(arrangement, with_for_update=True)


def accept(case: Case, arrangement: CouncilTaxArrangement, staff: User) -> None:
    """The revenues team agrees the person's offer."""
    _locked(arrangement)
    if arrangement.status is not ArrangementStatus.PROPOSED:
        raise ServiceError(_("This arrangement has already been answered"))
    arrangement.decided_by_id, arrangement.decided_at = staff.id, utcnow()
    terms = proposed(arrangement)
    _agree(case, arrangement, terms, "council")
    text = _message(
        case,
        lambda: _(
            "We have agreed your payment arrangement: %(terms)s. Keep paying on time and we will take no further "
            "recovery action.",
            terms=arrangement_case.terms_text(terms.amount_pence, terms.frequency, terms.first_on),
        ),
    )
    case_work.change_status(case, staff, CaseStatus.CLOSED, text)
    db.session.flush()


def counter(
    case: Case, arrangement: CouncilTaxArrangement, staff: User, terms: Offer, reason: str, today: date
) -> None:
    """The revenues team offers different terms, saying why; the person may accept them online."""
    _locked(arrangement)
    if arrangement.status is not ArrangementStatus.PROPOSED:
        raise ServiceError(_("This arrangement has already been answered"))
    check_offer(terms, arrangement.arrears_pence, today)
    arrangement.status = ArrangementStatus.COUNTERED
    arrangement.offered_pence, arrangement.offered_frequency, arrangement.offered_first_on = (
        terms.amount_pence,
        terms.frequency,
        terms.first_on,
    )
    arrangement.offer_reason = reason
    arrangement.decided_by_id, arrangement.decided_at = staff.id, utcnow()
    text = _message(
        case,
        lambda: _(
            "We cannot agree the payments you offered. We can offer %(terms)s. %(reason)s Sign in to accept our offer "
            "online, or call us.",
            terms=arrangement_case.terms_text(terms.amount_pence, terms.frequency, terms.first_on),
            reason=reason,
        ),
    )
    case_work.change_status(case, staff, CaseStatus.WAITING, text)
    db.session.flush()


def accept_offer(case: Case, arrangement: CouncilTaxArrangement, user: User) -> None:
    """The person accepts the revenues team's offer."""
    _locked(arrangement)
    if arrangement.status is not ArrangementStatus.COUNTERED or arrangement.user_id != user.id:
        raise ServiceError(_("There is no offer to accept"))
    terms = offered(arrangement)
    _agree(case, arrangement, terms, "person")
    text = _message(
        case,
        lambda: _(
            "You accepted our offer. Your payment arrangement is %(terms)s.",
            terms=arrangement_case.terms_text(terms.amount_pence, terms.frequency, terms.first_on),
        ),
    )
    case_work.change_status(case, None, CaseStatus.CLOSED, text)
    db.session.flush()
