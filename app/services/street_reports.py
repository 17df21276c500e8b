"""Reporting a street problem: the categories people choose from, the county council's categories
in a two-tier area, and the record a report adds to its case (where it is, what the public sees).

Each category we deal with is a form definition (app/definitions/fly-tipping.yaml and so on) with a
location question and `submit: {action: street_report}`. The `street_reports` section of
app/service_settings/street-reports.yaml lists them in the order people see them, and the county's
categories (roads, pavements, street lights), which link to the county's own forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

import sqlalchemy as sa
from pydantic import Field, StringConstraints, model_validator

from app import form_model
from app.extensions import db
from app.form_model import service_settings
from app.form_model.schema import Definition, Identifier, Strict, Text
from app.models import Case, FormJourney, StreetReport, StreetReportState
from app.services import street_grid, street_locations, submit_actions, uploads

SETTINGS = street_locations.DEFAULT_SETTINGS
HttpsUrl = Annotated[str, StringConstraints(pattern=r"^https://\S+$", max_length=500)]


class CountyCategory(Strict):
    """One of the county's problems. `send` says what happens: `link` sends the person to the
    county's own form (`url`); `email` and `open311` make it a form of ours (app/definitions/<id>.yaml,
    with `submit: {action: county_street_report}`) whose reports we send on to the county."""

    id: Identifier
    title: Text
    hint: Text | None = None
    send: Literal["link", "email", "open311"] = "link"
    url: HttpsUrl | None = None  # the county's own form for it (send: link)
    service_code: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None  # send: open311

    @model_validator(mode="after")
    def _what_each_way_needs(self) -> CountyCategory:
        if self.send == "link" and self.url is None:
            raise ValueError(f"county category {self.id}: send: link needs the url of the county's form")
        if self.send == "open311" and self.service_code is None:
            raise ValueError(f"county category {self.id}: send: open311 needs the county's service_code")
        return self


class CountyOpen311(Strict):
    """The county's Open311 GeoReport v2 endpoint. The key is never written here: `api_key_env` names
    the environment variable that holds it."""

    endpoint: HttpsUrl  # the base address, ending before requests.json
    api_key_env: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,62}$")]
    jurisdiction_id: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None


class County(Strict):
    """In a two-tier area, the county council and the problems it deals with."""

    name: Text
    categories: list[CountyCategory] = Field(min_length=1)
    # Where reports sent by email go, and in which languages the email is written.
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)] | None = None
    languages: list[Literal["en", "cy"]] = Field(default_factory=lambda: ["en"], min_length=1)
    open311: CountyOpen311 | None = None

    @model_validator(mode="after")
    def _ways_have_addresses(self) -> County:
        ways = {category.send for category in self.categories}
        if "email" in ways and self.email is None:
            raise ValueError("a county category is sent by email: give the county's email address")
        if "open311" in ways and self.open311 is None:
            raise ValueError("a county category is sent by Open311: give the county's open311 endpoint")
        return self

    def category(self, category_id: str) -> CountyCategory | None:
        return next((found for found in self.categories if found.id == category_id), None)

    def forwarded_ids(self) -> list[str]:
        """The categories that are forms of ours, sent on to the county."""
        return [found.id for found in self.categories if found.send != "link"]


class StreetReportSettings(Strict):
    # The category forms, by id, in the order the chooser lists them.
    categories: list[Identifier] = Field(min_length=1)
    county: County | None = None
    # "Already reported?": open reports of the same category within this distance are shown
    # before a report is sent.
    nearby_distance_metres: int = Field(default=250, ge=10, le=2000)
    # What the public list calls each category ("Fly-tipping"); the form's title if not given.
    names: dict[Identifier, Text] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _each_once(self) -> StreetReportSettings:
        ids = self.categories + [found.id for found in (self.county.categories if self.county else [])]
        repeated = sorted({found for found in ids if ids.count(found) > 1})
        if repeated:
            raise ValueError(f"each category is listed once: {', '.join(repeated)}")
        return self


service_settings.register_section("street_reports", StreetReportSettings)


def settings() -> StreetReportSettings:
    found = form_model.settings_for(SETTINGS)
    section = found.section("street_reports") if found is not None else None
    if section is None:
        raise LookupError(f"app/service_settings/{SETTINGS}.yaml has no street_reports section")
    return section


@dataclass(frozen=True)
class Category:
    id: str
    title: str
    summary: str


def categories(language: str) -> list[Category]:
    """The categories we deal with, as the chooser lists them."""
    definitions = form_model.definitions()
    return [
        Category(form_id, definitions[form_id].title.get(language), definitions[form_id].summary.get(language))
        for form_id in settings().categories
        if form_id in definitions
    ]


def category_name(category: str, language: str) -> str:
    """What a report of this category is called on the public pages."""
    found = settings()
    named = found.names.get(category)
    if named is not None:
        return named.get(language)
    county_category = found.county.category(category) if found.county is not None else None
    if county_category is not None:  # one of the county's, sent on to it: as the service page calls it
        return county_category.title.get(language)
    definitions = form_model.definitions()
    return definitions[category].title.get(language) if category in definitions else category


def category_form_ids() -> set[str]:
    """The forms that are categories of this service (listed under it, not on their own)."""
    found = form_model.settings_for(SETTINGS)
    section = found.section("street_reports") if found is not None else None
    if section is None:
        return set()
    return set(section.categories) | set(section.county.forwarded_ids() if section.county else [])


def location_answer(definition: Definition, answers: dict) -> dict | None:
    return next(
        (
            answers[question.id]
            for question in definition.questions()
            if question.type == "location" and answers.get(question.id)
        ),
        None,
    )


@submit_actions.register("street_report")
def record(definition: Definition, case: Case, journey: FormJourney) -> StreetReport:
    """The report's place and public state, kept beside its case."""
    location = location_answer(definition, case.answers)
    if location is None:
        raise ValueError(f"{definition.id} has no location answer: a street report needs a location question")
    report = StreetReport(
        case_id=case.id,
        category=definition.id,
        state=StreetReportState.OPEN,
        uprn=location.get("uprn"),
        usrn=location.get("usrn"),
        place=str(location.get("place") or "")[:300],
        latitude=location.get("latitude"),
        longitude=location.get("longitude"),
        ward=location.get("ward"),
        grid_cell=street_grid.cell_of(location.get("latitude"), location.get("longitude")),
        description=str(location.get("description") or "")[:2000],
        has_photo=any(uploads.is_file_answer(value) for value in case.answers.values()),
    )
    db.session.add(report)
    db.session.flush()
    return report


def for_case(case: Case) -> StreetReport | None:
    return db.session.scalar(sa.select(StreetReport).where(StreetReport.case_id == case.id))
