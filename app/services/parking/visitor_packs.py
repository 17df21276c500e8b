"""Buying visitor credit through the form engine: the `visitor_pack` price rule (so many hours or
days at so much each, from the parking-visitors settings file) and the `add-visitor-credit` submit
action, which adds the pack to the household's credit once the payment is confirmed."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from flask_babel import ngettext
from pydantic import Field

from app import form_model
from app.form_model.schema import Definition, Identifier, Strict
from app.services import pricing, submit_actions
from app.services.errors import ServiceError
from app.services.parking import visitors
from app.services.payments import LineItem

ACTION = "add-visitor-credit"


class VisitorPackPrices(Strict):
    """The `prices:` part of the parking-visitors settings file."""

    price_rule: Literal["visitor_pack"]
    address_question: Identifier = "address"
    pack_question: Identifier = "pack"
    pence_per_unit: Annotated[int, Field(ge=1, le=100_000)]  # for each hour (or day) of credit


def units_from(answer) -> int:
    """A pack option's value ("hours-10") as its number of hours or days."""
    found = re.search(r"\d+", str(answer or ""))
    if found is None or len(found.group()) > 5:
        raise ServiceError("visitor-pack")
    return int(found.group())


def pack_name(units: int, unit: str) -> str:
    if unit == "days":
        return ngettext("%(num)d day of visitor parking", "%(num)d days of visitor parking", units)
    return ngettext("%(num)d hour of visitor parking", "%(num)d hours of visitor parking", units)


@pricing.rule("visitor_pack", VisitorPackPrices)
def _pack_price(definition: Definition, prices: VisitorPackPrices, answers: dict, language: str, *, user_id=None):
    units = units_from(answers.get(prices.pack_question))
    return pricing.Price([LineItem(pack_name(units, visitors.rules().unit), units * prices.pence_per_unit)])


@submit_actions.register(ACTION)
def add_pack(definition, case, journey) -> None:
    """The pack paid for, added to the household's credit (refunded by the payment step if the
    address can no longer have visitor permits, or the year's allowance was reached meanwhile)."""
    prices = form_model.settings_for(definition.id).prices
    uprn = (journey.answers.get(prices.address_question) or {}).get("uprn")
    if visitors.household(uprn) is None:
        raise ServiceError("visitor-address")
    visitors.add_credit(
        uprn,
        units_from(journey.answers.get(prices.pack_question)),
        case_id=case.id,
        user_id=case.user_id,
        channel=str(case.channel),
    )
