"""What a paid form costs, from the prices in its service's settings file.

Each price rule is a function of the answers; the settings file names one with `price_rule:`. A new
paid service with the same kind of pricing needs only its definition and a settings file.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from app.forms_engine.schema import Definition
from app.forms_engine.service_settings import ItemPrices, ServiceSettings
from app.services.errors import ServiceError
from app.services.payments import LineItem


@dataclass(frozen=True)
class Price:
    lines: list[LineItem]
    concession: bool = False  # a reduced price staff must check the person is entitled to

    @property
    def total_pence(self) -> int:
        return sum(line.total_pence for line in self.lines)


def price_for(definition: Definition, settings: ServiceSettings, answers: dict, language: str) -> Price:
    prices = settings.prices
    if prices.price_rule == "items":
        return _items_price(definition, prices, answers, language)
    raise ValueError(f"unknown price rule {prices.price_rule!r}")


def _items_price(definition: Definition, prices: ItemPrices, answers: dict, language: str) -> Price:
    quantities = answers.get(prices.items_question) or {}
    count = sum(quantities.values())
    if count < 1 or count > prices.max_items:
        raise ServiceError("item-count")
    concession = prices.concession_question is not None and answers.get(prices.concession_question) == "yes"
    base = prices.concession_base_pence if concession else prices.base_pence
    extra = prices.concession_extra_item_pence if concession else prices.extra_item_pence
    included = ngettext("Collection of up to %(num)d item", "Collection of up to %(num)d items", prices.items_included)
    lines = [LineItem(included + (" " + _("(Council Tax Reduction price)") if concession else ""), base)]
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
