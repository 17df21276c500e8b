"""Settings a service needs beyond its form: prices, and collection rounds with their capacity.

One YAML file per service in app/service_settings/, named like the form it belongs to
(bulky-waste.yaml for app/definitions/bulky-waste.yaml). Checked when the app starts and by
`flask forms check`, with the file, the place in it and what is wrong, like form definitions.
"""

from __future__ import annotations

import enum
import importlib
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, Field, ValidationError, create_model, model_validator

from app.form_model.schema import Definition, Identifier, QuestionType, Strict, Text

Pence = Annotated[int, Field(ge=0, le=10_000_000)]


class Weekday(enum.StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"

    @property
    def number(self) -> int:
        return list(Weekday).index(self)


class Round(Strict):
    id: Identifier
    name: Text
    wards: list[str] = Field(min_length=1)
    weekdays: list[Weekday] = Field(min_length=1)
    capacity: Annotated[int, Field(ge=1, le=1000)]


class BookingRules(Strict):
    first_bookable_working_days: Annotated[int, Field(ge=1, le=30)] = 3
    weeks_ahead: Annotated[int, Field(ge=1, le=26)] = 8
    # Changes and cancellations close this many working days before the collection day.
    change_cutoff_working_days: Annotated[int, Field(ge=1, le=10)] = 2


class BusinessItemPrices(Strict):
    """Collections from business premises (commercial waste), at their own rate, for a version of
    the form that asks for the premises of the organisation the person acts for."""

    allowed: bool = True  # false: the council does not collect from businesses
    base_pence: Pence  # for up to items_included items
    extra_item_pence: Pence  # for each item after those


class ItemPrices(Strict):
    """A price for up to a number of items, a price for each item after that, surcharges for some
    items, a lower price for people who get Council Tax Reduction, and a most per booking."""

    price_rule: Literal["items"]
    items_question: Identifier
    concession_question: Identifier | None = None
    items_included: Annotated[int, Field(ge=1, le=100)]
    base_pence: Pence
    extra_item_pence: Pence
    concession_base_pence: Pence | None = None
    concession_extra_item_pence: Pence | None = None
    max_items: Annotated[int, Field(ge=1, le=100)]
    surcharges_pence: dict[Identifier, Pence] = Field(default_factory=dict)
    business: BusinessItemPrices | None = None  # None: no collections from business premises

    @model_validator(mode="after")
    def _concession_complete(self) -> ItemPrices:
        concession = (self.concession_question, self.concession_base_pence, self.concession_extra_item_pence)
        if any(value is not None for value in concession) and any(value is None for value in concession):
            raise ValueError(
                "a concession needs concession_question, concession_base_pence and concession_extra_item_pence"
            )
        return self

    def check_against(self, definition: Definition, settings_file: str) -> list[tuple[str, str]]:
        return _check_item_prices(definition, self, settings_file)


class ServiceSettings(Strict):
    """A settings file. `prices` is the model of the price rule the file names; services add their
    own top-level sections (see register_section), read back with section()."""

    prices: Any = None
    rounds: list[Round] = Field(default_factory=list)
    booking: BookingRules = BookingRules()

    @model_validator(mode="after")
    def _rounds_differ(self) -> ServiceSettings:
        ids = [found.id for found in self.rounds]
        if len(set(ids)) != len(ids):
            raise ValueError("each round needs an id of its own")
        wards = [ward for found in self.rounds for ward in found.wards]
        repeated = sorted({ward for ward in wards if wards.count(ward) > 1})
        if repeated:
            raise ValueError(f"each ward belongs to one round only: {', '.join(repeated)}")
        return self

    def round(self, round_id: str) -> Round | None:
        return next((found for found in self.rounds if found.id == round_id), None)

    def round_for_ward(self, ward: str | None) -> Round | None:
        return next((found for found in self.rounds if ward in found.wards), None)

    def section(self, name: str):
        """A service's own part of the file (parking zones, say), or None if the file has none."""
        return getattr(self, name, None)


# Price rules and settings sections that services register. A price rule's model has a
# `price_rule: Literal["<name>"]` field; the file picks the rule by it.
_price_models: dict[str, type[BaseModel]] = {"items": ItemPrices}
_sections: dict[str, type[BaseModel]] = {}
# Modules that register price rules and sections, imported before a settings file is read, so the
# files can be checked without the whole app (flask forms check, unit tests).
SETTINGS_MODULES = [
    "app.services.pricing",
    "app.services.council_tax.settings",
    "app.services.parking.settings",
    "app.services.parking.price_rule",
    "app.services.parking.visitor_packs",
    "app.services.street_boundaries",
    "app.services.street_reports",
]
_file_model: type[ServiceSettings] | None = None


def register_price_rule(name: str, model: type[BaseModel]) -> None:
    global _file_model
    _price_models[name] = model
    _file_model = None


def register_section(name: str, model: type[BaseModel]) -> None:
    global _file_model
    if name in ServiceSettings.model_fields:
        raise ValueError(f"{name!r} is already a part of every settings file")
    _sections[name] = model
    _file_model = None


def file_model() -> type[ServiceSettings]:
    """The shape of a settings file with every registered price rule and section."""
    global _file_model
    for module in SETTINGS_MODULES:
        importlib.import_module(module)
    if _file_model is None:
        models = tuple(_price_models.values())
        prices = Annotated[Union[models], Field(discriminator="price_rule")] if len(models) > 1 else models[0]  # noqa: UP007
        fields: dict[str, Any] = {"prices": (prices | None, None)}
        fields |= {name: (model | None, None) for name, model in _sections.items()}
        _file_model = create_model("ServiceSettingsFile", __base__=ServiceSettings, **fields)
    return _file_model


def load_folder(folder: Path) -> tuple[dict[str, ServiceSettings], list[tuple[str, str, str]]]:
    """Every settings file in the folder, and (file, path, problem) for each thing wrong."""
    from app.form_model.loader import _location, _plain

    found: dict[str, ServiceSettings] = {}
    problems = []
    if not folder.is_dir():
        return found, problems
    for file in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
            found[file.stem] = file_model().model_validate(data or {})
        except yaml.YAMLError as error:
            problems.append((file.name, "", f"this is not valid YAML ({getattr(error, 'problem', error)})"))
        except ValidationError as error:
            problems += [(file.name, _location(item["loc"]), _plain(item)) for item in error.errors()]
    return found, problems


def check_against(definition: Definition, settings: ServiceSettings | None) -> list[tuple[str, str]]:
    """What a definition asks of its settings file: a price for a paid form, rounds for a date question."""
    problems = []
    settings_file = f"app/service_settings/{definition.settings_from or definition.id}.yaml"
    if definition.payment is not None:
        if settings is None or settings.prices is None:
            problems.append(("payment", f"a paid form needs prices in {settings_file}"))
        elif hasattr(settings.prices, "check_against"):
            problems += settings.prices.check_against(definition, settings_file)
    for question in definition.questions():
        if question.type == QuestionType.COLLECTION_DATE and (settings is None or not settings.rounds):
            problems.append((f"question {question.id}", f"a collection_date question needs rounds in {settings_file}"))
    return problems


def _check_item_prices(definition: Definition, prices: ItemPrices, settings_file: str) -> list[tuple[str, str]]:
    questions = {question.id: question for question in definition.questions()}
    items = questions.get(prices.items_question)
    if items is None or items.type != QuestionType.QUANTITIES:
        return [("payment", f"prices.items_question in {settings_file} must be a quantities question of this form")]
    problems = []
    for item in prices.surcharges_pence:
        if item not in items.option_values:
            problems.append(
                ("payment", f"the surcharge for {item!r} in {settings_file} is not an option of {items.id!r}")
            )
    business = any(question.type == "collection_premises" for question in definition.questions())
    if business and prices.business is None:
        problems.append(("payment", f"a form for business premises needs prices.business in {settings_file}"))
    if prices.concession_question is not None and not business:
        concession = questions.get(prices.concession_question)
        if concession is None or concession.type != QuestionType.YES_NO:
            problems.append(("payment", f"prices.concession_question in {settings_file} must be a yes_no question"))
    if items.maximum is not None and items.maximum > prices.max_items:
        problems.append((f"question {items.id}", f"maximum is more than max_items in {settings_file}"))
    return problems
