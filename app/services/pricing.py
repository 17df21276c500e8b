"""What a paid form costs, from the prices in its service's settings file.

Each price rule is a function of the answers; the settings file names one with `price_rule:`. A new
paid service with the same kind of pricing needs only its definition and a settings file; a new kind
of price is one rule: a pydantic model for its part of the settings file (with a
`price_rule: Literal["name"]` field) and a function registered with @rule("name", Model).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from app.form_model import service_settings
from app.form_model.schema import Definition
from app.form_model.service_settings import ItemPrices, ServiceSettings
from app.services.errors import ServiceError
from app.services.payments import LineItem


@dataclass(frozen=True)
class Price:
    lines: list[LineItem]
    concession: bool = False  # a reduced price staff must check the person is entitled to

    @property
    def total_pence(self) -> int:
        return sum(line.total_pence for line in self.lines)


PriceRule = Callable[..., Price]
_rules: dict[str, PriceRule] = {}


def rule(name: str, model):
    """Register a price rule: `model` checks its part of the settings file, the function prices a
    journey's answers as fn(definition, prices, answers, language, *, user_id) -> Price."""

    def decorator(function: PriceRule) -> PriceRule:
        service_settings.register_price_rule(name, model)
        _rules[name] = function
        return function

    return decorator


def price_for(
    definition: Definition, settings: ServiceSettings, answers: dict, language: str, *, user_id: int | None = None
) -> Price:
    prices = settings.prices
    return _rules[prices.price_rule](definition, prices, answers, language, user_id=user_id)


def for_business_premises(definition: Definition) -> bool:
    """A version of the form for an organisation's premises (it asks which premises): commercial
    waste, at the business rate."""
    return any(question.type == "collection_premises" for question in definition.questions())


@rule("items", ItemPrices)
def _items_price(definition: Definition, prices: ItemPrices, answers: dict, language: str, *, user_id=None) -> Price:
    quantities = answers.get(prices.items_question) or {}
    count = sum(quantities.values())
    if count < 1 or count > prices.max_items:
        raise ServiceError("item-count")
    business = for_business_premises(definition)
    if business and (prices.business is None or not prices.business.allowed):
        raise ServiceError("business-collections")
    concession = (
        not business and prices.concession_question is not None and answers.get(prices.concession_question) == "yes"
    )
    if business:
        base, extra = prices.business.base_pence, prices.business.extra_item_pence
    else:
        base = prices.concession_base_pence if concession else prices.base_pence
        extra = prices.concession_extra_item_pence if concession else prices.extra_item_pence
    included = ngettext("Collection of up to %(num)d item", "Collection of up to %(num)d items", prices.items_included)
    if concession:
        included += " " + _("(Council Tax Reduction price)")
    elif business:
        included += " " + _("(business premises price)")
    lines = [LineItem(included, base)]
    if count > prices.items_included:
        lines.append(LineItem(_("Extra items"), extra, count - prices.items_included))
    labels = {option.value: option.label.get(language) for option in definition.question(prices.items_question).options}
    for item, quantity in quantities.items():
        surcharge = prices.surcharges_pence.get(item)
        if surcharge:
            lines.append(
                LineItem(_("Extra charge for %(item)s", item=labels.get(item, item).lower()), surcharge, quantity)
            )
    return Price(lines, concession)
