"""Moving home with a resident permit: the holder gives their new address in the borough and the day
they move, sees what happens to the permit, and confirms.

    outcome = moving.plan(permit, new_uprn, moves_on)      # MoveOutcome: what happens, worked out
    payment = moving.move(permit, new_uprn, moves_on, ...)  # None: done; a Payment: pay first

- Same zone: the permit stays, with the new address from the day of the move; the price does not change.
- Another zone: the permit is for the new zone from the day of the move, priced again for the days
  left as vehicle changes are (the tariff it was sold under, its place in the new household, the new
  zone's price); the difference is charged through Stripe or refunded to the card that paid.
- In no zone, or an address that cannot have resident permits (car-free, excluded): the permit ends
  at midnight before the day of the move, with the refund the cancellation rules give for it.

The household limit applies at the new address. A move from a later day is stored on the permit
(`move_uprn`, `move_zone`, `moves_at`): the enforcement check reads it at once, so from midnight on
the day the permit is valid in the new zone and not the old; the daily job `apply-parking-moves` then
makes the new address the permit's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import form_model, scheduler
from app.extensions import db
from app.models import Case, ParkingPermit, ParkingPermitChange, Payment, PermitStatus, utcnow
from app.money import pounds
from app.services import case_work, payments
from app.services.errors import ServiceError
from app.services.parking import cancellations, permits, zones
from app.services.parking.issue import in_both_languages
from app.services.parking.settings import SETTINGS_FILE
from app.services.parking.tariff import NoTariff, quote
from app.services.vehicles import VehicleAnswer

PURPOSE = "parking-move"
KIND = "move"
KIND_AWAY = "move-away"

SAME_ZONE = "same-zone"
NEW_ZONE = "new-zone"
LEAVES = "leaves"  # no zone, or no resident permits there: the permit ends


@dataclass(frozen=True)
class MoveOutcome:
    kind: str  # SAME_ZONE, NEW_ZONE or LEAVES
    uprn: int
    moves_on: date
    zone: str | None  # the new address's zone (None when in none)
    new_price_pence: int  # the whole permit's price at the new address (the same for SAME_ZONE)
    quote: dict | None  # its lines in English and Welsh (NEW_ZONE)
    days_left: int  # the permit's days from the move to its end
    days_total: int
    difference_pence: int  # NEW_ZONE: to pay when above nought, to refund when below
    refund: cancellations.RefundOffer | None  # LEAVES
    ends_on: date | None  # LEAVES: the permit's last day


def can_move(permit: ParkingPermit, now=None) -> bool:
    return (
        permit.permit_type == "resident"
        and permit.status == PermitStatus.ACTIVE
        and (now or utcnow()) < permit.ends_at
        and permit.moves_at is None
    )


def latest_day(today: date | None = None) -> date:
    return (today or permits.london_today()) + timedelta(days=zones.settings().moving_max_days_ahead)


def _share(pence: int, part: int, whole: int) -> int:
    return (pence * part * 2 + whole) // (whole * 2) if whole > 0 else 0


def plan(permit: ParkingPermit, uprn: int, moves_on: date, today: date | None = None) -> MoveOutcome:
    """What moving to `uprn` on `moves_on` does to the permit. ServiceError: "move-day" (before today
    or too far ahead), "same-address", "not-in-borough", "household-full", "parking-quote"."""
    today = today or permits.london_today()
    if not today <= moves_on <= latest_day(today):
        raise ServiceError("move-day", field="moves_on")
    if uprn == permit.uprn:
        raise ServiceError("same-address", field="uprn")
    standing = zones.standing_of(uprn)
    if standing is None:
        raise ServiceError("not-in-borough", field="uprn")
    first, last = permits.first_day(permit), permits.last_day(permit)
    days_total = (last - first).days + 1
    days_left = max(0, (last - max(moves_on, first)).days + 1)
    if not standing.in_a_zone or not standing.resident_permits:
        offer = cancellations.refund_offer(
            permit,
            zones.settings().cancellation,
            refundable_pence=permits.refundable_pence(permit),
            today=moves_on - timedelta(days=1),
        )
        return MoveOutcome(
            LEAVES,
            uprn,
            moves_on,
            standing.zone.code if standing.zone else None,
            permit.price_pence,
            None,
            days_left,
            days_total,
            0,
            offer,
            max(moves_on - timedelta(days=1), first - timedelta(days=1)),
        )
    position = permits.household_position(uprn, max(moves_on, first))
    if position > zones.settings().max_permits_per_household:
        raise ServiceError("household-full", field="uprn")
    zone = standing.zone.code
    if zone == permit.zone:
        same = permit.price_pence
        return MoveOutcome(SAME_ZONE, uprn, moves_on, zone, same, None, days_left, days_total, 0, None, None)
    prices = form_model.settings_for(SETTINGS_FILE).prices
    vehicle = VehicleAnswer.from_answer(permit.vehicle)
    try:
        sold, kept = in_both_languages(
            lambda language: quote(
                prices,
                vehicle,
                permit.months,
                first,
                language,
                household_position=position,
                zone=zone,
                concession=(permit.quote or {}).get("concession"),
            )
        )
    except (NoTariff, ValueError, KeyError) as error:
        raise ServiceError("parking-quote") from error
    difference = sold.total_pence - permit.price_pence
    share = _share(abs(difference), days_left, days_total)
    return MoveOutcome(
        NEW_ZONE,
        uprn,
        moves_on,
        zone,
        sold.total_pence,
        kept,
        days_left,
        days_total,
        share if difference >= 0 else -share,
        None,
        None,
    )


def move(
    permit: ParkingPermit,
    uprn: int,
    moves_on: date,
    *,
    actor_id: int | None,
    channel: str,
    language: str,
    return_url: str,
    cancel_url: str,
) -> Payment | None:
    """Make the move (refunding what the outcome gives back), or start a payment for the difference
    and make it once paid. ServiceError "permit-not-movable" when the permit has ended, is cancelled
    or already has a move: a second confirm changes nothing; and those of plan()."""
    permit = permits.locked(permit.id)
    if permit is None or not can_move(permit):
        raise ServiceError("permit-not-movable")
    outcome = plan(permit, uprn, moves_on)
    if outcome.kind == NEW_ZONE and outcome.difference_pence > 0:
        with force_locale(language):
            label = _(
                "Moving permit %(reference)s to zone %(zone)s: %(days)s days left",
                reference=permit.reference,
                zone=outcome.zone,
                days=outcome.days_left,
            )
        return payments.start(
            purpose=PURPOSE,
            description=label,
            items=[payments.LineItem(label, outcome.difference_pence)],
            success_url=return_url,
            cancel_url=cancel_url,
            language=language,
            user_id=permit.user_id,
            case_id=permit.case_id,
            details={
                "permit_id": permit.id,
                "uprn": uprn,
                "moves_on": moves_on.isoformat(),
                "price_pence": outcome.new_price_pence,
                "quote": outcome.quote,
                "actor_id": actor_id,
                "channel": channel,
            },
        )
    if outcome.kind == LEAVES:
        _leave(permit, outcome, actor_id=actor_id, channel=channel)
        return None
    refunded = 0
    if outcome.difference_pence < 0:
        refunded = permits.refund_to_card(
            permit, -outcome.difference_pence, reason="parking permit moved to a cheaper zone", actor_id=actor_id
        )
    _apply(permit, outcome, outcome.new_price_pence, outcome.quote, -refunded, actor_id=actor_id, channel=channel)
    return None


def _record(permit, kind, old_price, difference, *, actor_id, channel, payment_id=None):
    db.session.add(
        ParkingPermitChange(
            permit_id=permit.id,
            kind=kind,
            old_vrm=permit.vrm,
            new_vrm=permit.vrm,
            old_price_pence=old_price,
            new_price_pence=permit.price_pence,
            difference_pence=difference,
            payment_id=payment_id,
            actor_id=actor_id,
            channel=channel,
            created_at=utcnow(),
        )
    )


def _apply(permit, outcome: MoveOutcome, price_pence, new_quote, difference, *, actor_id, channel, payment_id=None):
    old_price = permit.price_pence
    moment = permits.london_midnight(outcome.moves_on)
    if moment <= utcnow():
        permit.uprn, permit.zone = outcome.uprn, outcome.zone
    else:
        permit.move_uprn, permit.move_zone, permit.moves_at = outcome.uprn, outcome.zone, moment
    permit.price_pence = price_pence
    if new_quote is not None:
        permit.quote = new_quote
    permit.updated_at = utcnow()
    _record(permit, KIND, old_price, difference, actor_id=actor_id, channel=channel, payment_id=payment_id)
    db.session.flush()
    _tell(permit, _moved_message, outcome, difference)


def _leave(permit, outcome: MoveOutcome, *, actor_id, channel):
    refunded = 0
    if outcome.refund.refund_pence > 0:
        refunded = permits.refund_to_card(
            permit, outcome.refund.refund_pence, reason="parking permit holder moved away", actor_id=actor_id
        )
    end = permits.london_midnight(outcome.moves_on)
    if end <= max(utcnow(), permit.starts_at):
        permit.status = PermitStatus.CANCELLED
    else:
        permit.ends_at = end
    permit.updated_at = utcnow()
    _record(permit, KIND_AWAY, permit.price_pence, -refunded, actor_id=actor_id, channel=channel)
    db.session.flush()
    _tell(permit, _left_message, outcome, -refunded)


def _moved_message(permit, outcome, difference):
    message = _(
        "Your parking permit for %(vrm)s is for your new address from %(day)s, in zone %(zone)s.",
        vrm=permit.vrm,
        day=format_date(outcome.moves_on, "d MMMM yyyy"),
        zone=outcome.zone,
    )
    if difference > 0:
        message += " " + _("You paid %(amount)s for the days left.", amount=pounds(difference))
    elif difference < 0:
        message += " " + _("We have refunded %(amount)s to your card.", amount=pounds(-difference))
    return message


def _left_message(permit, outcome, difference):
    message = _(
        "You told us you are moving to an address that cannot have resident permits, so your parking "
        "permit for %(vrm)s ends when you move.",
        vrm=permit.vrm,
    )
    if difference < 0:
        message += " " + _("We have refunded %(amount)s to your card.", amount=pounds(-difference))
    else:
        message += " " + _("There is no refund for this permit.")
    return message


def _tell(permit, make_message, outcome, difference):
    case = db.session.get(Case, permit.case_id) if permit.case_id else None
    if case is None:
        return
    with force_locale(case.language):
        message = make_message(permit, outcome, difference)
    case_work.change_status(case, None, case.status, message)


@payments.when_paid(PURPOSE)
def _difference_paid(payment: Payment) -> None:
    details = payment.details
    permit = permits.locked(details["permit_id"])
    moves_on = date.fromisoformat(details["moves_on"])
    try:
        if permit is None or not can_move(permit):
            raise ServiceError("permit-not-movable")
        outcome = plan(permit, details["uprn"], moves_on)
        if outcome.kind != NEW_ZONE:
            raise ServiceError("permit-not-movable")
    except ServiceError:
        payments.refund(payment, payment.amount_pence, reason="move no longer possible")
        return
    _apply(
        permit,
        outcome,
        details["price_pence"],
        details["quote"],
        payment.amount_pence,
        actor_id=details.get("actor_id"),
        channel=details.get("channel", "online"),
        payment_id=payment.id,
    )


@scheduler.job(
    "apply-parking-moves",
    daily_at="00:05",
    title=_l("Move parking permits to their holders' new addresses"),
    summary=_l("%(moved)s permits moved"),
)
def apply_due_moves() -> dict[str, int]:
    """Make a move whose day has come the permit's own address and zone (enforcement already reads
    it from midnight; the scheduler commits)."""
    now = utcnow()
    due = list(
        db.session.scalars(
            sa.select(ParkingPermit).where(ParkingPermit.moves_at.is_not(None), ParkingPermit.moves_at <= now)
        )
    )
    for permit in due:
        permit.uprn, permit.zone = permit.move_uprn, permit.move_zone
        permit.move_uprn = permit.move_zone = permit.moves_at = None
        permit.updated_at = now
    return {"moved": len(due)}
