"""Asking to pay in 12 instalments instead of 10 (England: reg. 21(1A) of the 1992 Regulations).

Before the person sends it, they see the plan Doorstep estimates: what is left of this year's
instalments spread monthly over the payment days left until March, with the Schedule 1 arithmetic
(app/services/council_tax/instalments.py). The revenues system decides and sends the real plan;
the request goes back to it in the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import User, utcnow
from app.models.council_tax import CouncilTaxAccount, RecoveryStage
from app.models.council_tax_requests import CouncilTaxRequest, RequestKind
from app.services.council_tax import instalments
from app.services.council_tax.settings import CouncilTaxSettings
from app.services.council_tax.statement import AccountSummary, InstalmentState

ASKED_RECENTLY = timedelta(days=60)  # a second request within this is not sent again


@dataclass(frozen=True)
class TwelveEstimate:
    year_label: str
    left_pence: int  # what is left to pay of this year's instalments
    current: list  # the instalments still to pay, as the record has them
    estimate: list[instalments.Instalment]


class Refusal:
    ALREADY_TWELVE = "already_twelve"
    NOT_OFFERED = "not_offered"
    NOTHING_LEFT = "nothing_left"
    IN_RECOVERY = "in_recovery"  # after a final notice, the right to instalments is gone
    ASKED = "asked"  # asked already, not yet answered


def recently_asked(account: CouncilTaxAccount, now=None) -> CouncilTaxRequest | None:
    now = now or utcnow()
    return db.session.scalar(
        sa.select(CouncilTaxRequest)
        .where(
            CouncilTaxRequest.account_reference == account.reference,
            CouncilTaxRequest.kind == RequestKind.TWELVE_INSTALMENTS,
            CouncilTaxRequest.created_at > now - ASKED_RECENTLY,
        )
        .limit(1)
    )


def estimate(
    found: AccountSummary, settings: CouncilTaxSettings | None, today: date
) -> tuple[TwelveEstimate | None, str | None]:
    """(the estimated plan, None) or (None, why it cannot be asked for online)."""
    account, this_year = found.account, found.this_year
    if settings is None or not settings.twelve_instalments_on_request:
        return None, Refusal.NOT_OFFERED
    if account.instalments_per_year >= 12:
        return None, Refusal.ALREADY_TWELVE
    if found.recovery is not None and found.recovery.stage not in (
        RecoveryStage.REMINDER,
        RecoveryStage.SECOND_REMINDER,
    ):
        return None, Refusal.IN_RECOVERY
    if recently_asked(account) is not None:
        return None, Refusal.ASKED
    left = sum(line.left_pence for line in this_year.instalments) if this_year else 0
    if this_year is None or left <= 0 or this_year.year.end < today:
        return None, Refusal.NOTHING_LEFT
    payment_day = account.payment_day or settings.payment_days[0]
    plan = instalments.plan(
        left,
        this_year.year,
        today,
        payment_day=payment_day,
        twelve=True,
        minimum_instalment_pence=settings.minimum_instalment_pence,
    )
    current = [line for line in this_year.instalments if line.state is not InstalmentState.PAID]
    return TwelveEstimate(this_year.year.label, left, current, plan), None


def ask(user: User, account: CouncilTaxAccount, found: TwelveEstimate) -> CouncilTaxRequest:
    request = CouncilTaxRequest(
        kind=RequestKind.TWELVE_INSTALMENTS,
        account_reference=account.reference,
        user_id=user.id,
        details={
            "year": found.year_label,
            "left_pence": found.left_pence,
            "estimated_plan": [
                {"due": item.due.isoformat(), "amount_pence": item.amount_pence} for item in found.estimate
            ],
        },
    )
    db.session.add(request)
    db.session.flush()
    return request
