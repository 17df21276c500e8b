"""Business parking permits: an organisation's admin, acting for it, applies for a permit for one of
its premises in a controlled zone, through the form engine (app/definitions/parking-business.yaml).

    refusal = business.premises_refusal(organisation, premises)   # None, or why not
    quote = business.quote(prices, months, starts, language)      # the business tariff's price

Premises may have business permits where a home may have resident permits (in a zone, eligible: not
car-free or excluded), up to `business_permits_per_premises` live permits for each of the
organisation's premises (the parking settings). The price is the business tariff's (the `prices:`
part of app/service_settings/parking-business.yaml, `price_rule: business_parking_permit`): a yearly
price in pence, a share of it for shorter permits, by the tariff in force on the first day. The
permit is of type `business`, belongs to the organisation (every member sees it and may change its
vehicle) and records who applied. It waits in the parking team's queue of checks until staff have
seen the evidence (the business rates bill or lease) and approved it; then enforcement finds it like
any other.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import sqlalchemy as sa
from flask_babel import gettext as _
from pydantic import Field, model_validator

from app import form_model
from app.extensions import db
from app.form_model.schema import Definition, Identifier, Strict, Text
from app.form_model.service_settings import Pence
from app.models import Organisation, OrganisationAddress, ParkingPermit, User, utcnow
from app.models.parking import LIVE_STATUSES
from app.services import organisation_premises, organisations, pricing, submit_actions
from app.services.errors import ServiceError
from app.services.parking import checks, permits
from app.services.parking.issue import in_both_languages, make_permit
from app.services.parking.price_rule import months_from
from app.services.parking.tariff import Months, NoTariff, Quote
from app.services.parking.zones import settings, standing_of
from app.services.payments import LineItem
from app.services.vehicles import VehicleAnswer

PERMIT_TYPE = "business"
ACTION = "issue-business-parking-permit"
FORM_ID = "parking-business"


class BusinessTariff(Strict):
    effective_from: date
    name: Text  # what the quote's line calls it: "Business permit"
    pence: Pence  # for 12 months
    duration_percent: dict[Months, Annotated[int, Field(ge=1, le=200)]] = Field(min_length=1)


class BusinessPermitPrices(Strict):
    """The `prices:` part of the parking-business settings file."""

    price_rule: Literal["business_parking_permit"]
    premises_question: Identifier = "premises"
    vehicle_question: Identifier = "vehicle"
    start_question: Identifier = "start-day"
    duration_question: Identifier = "duration"
    tariffs: list[BusinessTariff] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_per_day(self) -> BusinessPermitPrices:
        days = [tariff.effective_from for tariff in self.tariffs]
        if len(set(days)) != len(days):
            raise ValueError("two business tariffs take effect on the same day")
        return self

    def in_force(self, on: date) -> BusinessTariff | None:
        candidates = [tariff for tariff in self.tariffs if tariff.effective_from <= on]
        return max(candidates, key=lambda tariff: tariff.effective_from) if candidates else None


def quote(prices: BusinessPermitPrices, months: int, starts: date, language: str) -> Quote:
    """The business tariff's price for a permit `months` long from `starts`. Raises NoTariff, or
    ValueError for a length the tariff does not sell."""
    tariff = prices.in_force(starts)
    if tariff is None:
        raise NoTariff(starts)
    if months not in tariff.duration_percent:
        raise ValueError(f"the business tariff does not sell {months}-month permits")
    period = _("12 months") if months == 12 else _("%(num)s months", num=months)
    pence = (tariff.pence * tariff.duration_percent[months] + 50) // 100
    line = LineItem(f"{tariff.name.get(language)}, {period}", pence)
    return Quote([line], months, tariff.effective_from, False, PERMIT_TYPE)


def prices() -> BusinessPermitPrices:
    return form_model.settings_for(FORM_ID).prices


def quote_for(found_prices: BusinessPermitPrices, answers: dict, language: str) -> Quote:
    try:
        starts = date.fromisoformat(answers.get(found_prices.start_question) or "")
        months = months_from(answers.get(found_prices.duration_question))
        return quote(found_prices, months, starts, language)
    except (ValueError, TypeError, NoTariff) as error:
        raise ServiceError("parking-quote") from error


@pricing.rule("business_parking_permit", BusinessPermitPrices)
def _business_price(definition: Definition, found_prices, answers: dict, language: str, *, user_id=None):
    return pricing.Price(quote_for(found_prices, answers, language).lines)


def live_permits_at(organisation_id: int, uprn: int) -> int:
    """The organisation's business permits at one of its premises that have not ended or been
    cancelled."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ParkingPermit)
        .where(
            ParkingPermit.organisation_id == organisation_id,
            ParkingPermit.uprn == uprn,
            ParkingPermit.permit_type == PERMIT_TYPE,
            ParkingPermit.status.in_(LIVE_STATUSES),
            ParkingPermit.ends_at > utcnow(),
        )
    )


def premises_refusal(organisation: Organisation, premises: OrganisationAddress | None) -> str | None:
    """Why these premises cannot have another business permit, or None: "not-premises" (not this
    organisation's), "no-zone", "not-eligible" (car-free or excluded), "premises-limit"."""
    if premises is None or premises.organisation_id != organisation.id or premises.uprn is None:
        return "not-premises"
    standing = standing_of(premises.uprn)
    if standing is None or standing.zone is None:
        return "no-zone"
    if not standing.business_permits:
        return "not-eligible"
    if live_permits_at(organisation.id, premises.uprn) >= settings().business_permits_per_premises:
        return "premises-limit"
    return None


def lock_premises(organisation_id: int, uprn: int) -> None:
    """Lock the organisation's premises rows at this address until the transaction ends, so two
    payments confirmed at the same moment count its permits one after the other, and the second
    sees the first's permit: the limit per premises holds (the later payment is refunded). Rows are
    locked in id order, so two transactions never wait for each other's rows."""
    db.session.execute(
        sa.select(OrganisationAddress.id)
        .where(OrganisationAddress.organisation_id == organisation_id, OrganisationAddress.uprn == uprn)
        .order_by(OrganisationAddress.id)
        .with_for_update()
    ).all()


def applying_for(user: User, organisation_id) -> Organisation | None:
    """The organisation `user` may apply for business permits for: one they are an admin of."""
    if not isinstance(organisation_id, int):
        return None
    return organisations.administered(user, organisation_id)


@submit_actions.register(ACTION)
def issue_business_permit(definition, case, journey) -> ParkingPermit:
    """The business permit for a sent (and paid) application, checked again as it is made (the
    payment step refunds in full when it is refused): the sender still an admin of the organisation
    the case is for, the premises still its own and able to have another permit, the vehicle without
    another business permit. It waits for staff to check the evidence (the rates bill or lease)."""
    found_prices = form_model.settings_for(definition.id).prices
    answers = journey.answers
    sender = db.session.get(User, case.user_id) if case.user_id else None
    organisation = applying_for(sender, case.organisation_id) if sender is not None else None
    if organisation is None:
        raise ServiceError("not-organisation-admin")
    premises_id = (answers.get(found_prices.premises_question) or {}).get("premises_id")
    premises = organisation_premises.find(organisation, premises_id)
    if premises is not None and premises.uprn is not None:
        lock_premises(organisation.id, premises.uprn)
    refusal = premises_refusal(organisation, premises)
    if refusal is not None:
        raise ServiceError(refusal)
    vehicle = VehicleAnswer.from_answer(answers[found_prices.vehicle_question])
    if permits.current_permit_for_vehicle(vehicle.vrm, PERMIT_TYPE) is not None:
        raise ServiceError("vehicle-has-permit")
    return make_permit(
        case,
        permit_type=PERMIT_TYPE,
        standing=standing_of(premises.uprn),
        vehicle=vehicle,
        starts=date.fromisoformat(answers[found_prices.start_question]),
        months=months_from(answers[found_prices.duration_question]),
        priced=in_both_languages(lambda language: quote_for(found_prices, answers, language)),
        organisation_id=organisation.id,
        evidence_to_check=True,  # the rates bill or lease: the permit is valid once staff approve it
    )


submit_actions.register_next_steps(ACTION)(checks.next_steps)


def for_organisation(organisation_id: int, limit: int = 200) -> list[ParkingPermit]:
    """The organisation's business permits, the latest first."""
    return list(
        db.session.scalars(
            sa.select(ParkingPermit)
            .where(ParkingPermit.organisation_id == organisation_id, ParkingPermit.permit_type == PERMIT_TYPE)
            .order_by(ParkingPermit.starts_at.desc(), ParkingPermit.id.desc())
            .limit(limit)
        )
    )
