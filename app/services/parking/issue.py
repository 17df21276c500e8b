"""Making the permit once the person has paid: the `issue-parking-permit` submit action, in the
case's transaction, and the check-your-answers panel that says when the permit will be valid."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale

from app import form_model
from app.extensions import db
from app.models import ParkingAddress, ParkingPermit, PermitStatus, utcnow
from app.services import submit_actions
from app.services.errors import ServiceError
from app.services.parking import checks, permits
from app.services.parking.price_rule import concession_claimed, months_from, quote_for
from app.services.parking.settings import SETTINGS_FILE
from app.services.parking.tariff import Quote
from app.services.parking.zones import AddressStanding, settings, standing_of
from app.services.vehicles import VehicleAnswer

ACTION = "issue-parking-permit"


@submit_actions.register(ACTION)
def issue_permit(definition, case, journey) -> ParkingPermit:
    """The permit for a sent (and paid) application. A vehicle the DVLA has not confirmed still gets
    a permit that is valid (the registration number is what enforcement checks), but one typed in by
    hand waits for staff to check it. The address is checked again as the permit is made: still able
    to have resident permits, and under the household's limit (the payment step refunds in full
    when it is not)."""
    prices = form_model.settings_for(SETTINGS_FILE).prices
    answers = journey.answers
    standing = standing_of((answers.get(prices.address_question) or {}).get("uprn"))
    if standing is None or not standing.resident_permits:
        raise ServiceError("parking-address")
    _lock_household(standing.uprn)
    if permits.live_permits_at(standing.uprn) >= settings().max_permits_per_household:
        raise ServiceError("household-limit")
    vehicle = VehicleAnswer.from_answer(answers[prices.vehicle_question])
    return make_permit(
        case,
        permit_type="resident",
        standing=standing,
        vehicle=vehicle,
        starts=date.fromisoformat(answers[prices.start_question]),
        months=months_from(answers[prices.duration_question]),
        priced=in_both_languages(lambda language: quote_for(prices, answers, language)),
        # Staff check the evidence first: a concession's, or proof of living at the address.
        evidence_to_check=concession_claimed(prices, answers) is not None or bool(answers.get("address-evidence")),
    )


submit_actions.register_next_steps(ACTION)(checks.next_steps)


def _lock_household(uprn: int) -> None:
    """Lock the address's row in the zones table until the transaction ends, so two payments
    confirmed at the same moment count the household's permits one after the other: the limit holds."""
    db.session.execute(sa.select(ParkingAddress.uprn).where(ParkingAddress.uprn == uprn).with_for_update()).all()


def in_both_languages(price: Callable[[str], Quote]) -> tuple[Quote, dict]:
    """The quote as sold (in English, for the permit's price) and its lines in English and Welsh, as
    kept with the permit, so its page reads the same in either language for as long as it lasts."""
    with force_locale("en"):
        sold = price("en")
    with force_locale("cy"):
        in_welsh = price("cy")
    return sold, {**sold.to_dict(), "lines_cy": in_welsh.to_dict()["lines"]}


def make_permit(
    case,
    *,
    permit_type: str,
    standing: AddressStanding,
    vehicle: VehicleAnswer,
    starts: date,
    months: int,
    priced: tuple[Quote, dict],
    organisation_id: int | None = None,
    evidence_to_check: bool = False,
) -> ParkingPermit:
    """The permit for a sent (and paid) application of any kind: valid from its first day, unless
    the vehicle was typed in by hand or there is evidence to check (then it waits for staff to
    check it, due in the working days the settings give, and the case is due then too)."""
    sold, kept = priced
    awaiting = evidence_to_check or vehicle.source == "entered"
    permit = ParkingPermit(
        reference=case.reference,
        permit_type=permit_type,
        status=PermitStatus.AWAITING_CHECKS if awaiting else PermitStatus.ACTIVE,
        checks_due_on=checks.due_on() if awaiting else None,
        case_id=case.id,
        user_id=case.user_id,
        organisation_id=organisation_id,
        uprn=standing.uprn,
        zone=standing.zone.code,
        vrm=vehicle.vrm,
        vehicle=vehicle.to_answer(),
        starts_at=permits.london_midnight(starts),
        ends_at=permits.london_midnight(permits.add_months(starts, months)),
        months=months,
        price_pence=sold.total_pence,
        quote=kept,
        updated_at=utcnow(),
    )
    if awaiting:
        case.due_date = permit.checks_due_on
    db.session.add(permit)
    db.session.flush()
    return permit
