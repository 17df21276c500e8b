"""The `parking_permit` price rule: the form's answers to a quote (see tariff.py), as the lines of
what the person pays. The household's other live permits at the address make this one its second or
third."""

from __future__ import annotations

import re
from datetime import date

from app.form_model.schema import Definition
from app.services import pricing
from app.services.errors import ServiceError
from app.services.parking import permits, zones
from app.services.parking.tariff import NoTariff, ParkingPermitPrices, Quote, quote
from app.services.vehicles import VehicleAnswer


def months_from(answer) -> int:
    """A duration option's value ("months-12") as a number of months."""
    found = re.search(r"\d+", str(answer or ""))
    if found is None:
        raise ServiceError("duration")
    return int(found.group())


NO_CONCESSION = "none"


def concession_claimed(prices: ParkingPermitPrices, answers: dict) -> str | None:
    """The concession code the person claimed, or None."""
    answer = answers.get(prices.concession_question) if prices.concession_question else None
    return answer if isinstance(answer, str) and answer and answer != NO_CONCESSION else None


def quote_for(prices: ParkingPermitPrices, answers: dict, language: str) -> Quote:
    """The quote for a journey's answers. Raises ServiceError when an answer it needs is missing."""
    try:
        vehicle = VehicleAnswer.from_answer(answers.get(prices.vehicle_question))
        starts = date.fromisoformat(answers.get(prices.start_question) or "")
        uprn = (answers.get(prices.address_question) or {}).get("uprn")
        months = months_from(answers.get(prices.duration_question))
        position = permits.household_position(uprn, starts) if uprn else 1
        standing = zones.standing_of(uprn) if uprn else None
        zone = standing.zone.code if standing is not None and standing.zone is not None else None
        return quote(
            prices,
            vehicle,
            months,
            starts,
            language,
            household_position=position,
            zone=zone,
            concession=concession_claimed(prices, answers),
        )
    except (ValueError, TypeError, AttributeError, NoTariff) as error:
        raise ServiceError("parking-quote") from error


@pricing.rule("parking_permit", ParkingPermitPrices)
def _permit_price(definition: Definition, prices: ParkingPermitPrices, answers: dict, language: str, *, user_id=None):
    found = quote_for(prices, answers, language)
    return pricing.Price(found.lines)
