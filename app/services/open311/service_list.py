"""Street report categories as Open311 services, and each one's attributes (its "service
definition"), read from the category's form definition so the web form and Open311 ask the same.

A question becomes an attribute by its type (DATATYPES). Some questions are answered from the
standard's own fields instead: the location (lat/long, address_id or address_string), the photo
(media_url), the contact details (email, phone), the choice between them (the question whose answer
shows the email or phone page) and the person's name (first_name, last_name). A category with a
question that is none of these and must be answered cannot be sent through Open311, so it is not
listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app import form_model
from app.form_model.schema import Definition, Question
from app.services import street_reports

LANGUAGE = "en"  # the standard has no language: names and descriptions are in English
DATATYPES = {
    "radios": "singlevaluelist",
    "select": "singlevaluelist",
    "yes_no": "singlevaluelist",
    "checkboxes": "multivaluelist",
    "text": "string",
    "long_text": "text",
    "number": "number",
}
LIST_TYPES = {"singlevaluelist", "multivaluelist"}


@dataclass(frozen=True)
class Attribute:
    question: Question
    datatype: str
    order: int
    required: bool  # asked on every route and not optional
    # When it is asked only after some answers ("witnessed is yes"), for the description.
    asked_when: str | None = None

    @property
    def code(self) -> str:
        return self.question.id

    def values(self) -> list[tuple[str, str]]:
        """(key, name) of each allowed value, for list types."""
        if self.datatype not in LIST_TYPES:
            return []
        return list(self.question.kind.choices(self.question, LANGUAGE))


@dataclass(frozen=True)
class Service:
    definition: Definition
    location_question: str
    attributes: list[Attribute]
    # "email" / "phone": (question id, value) of the answer that shows the page asking for it.
    contact_choice: dict[str, tuple[str, str]] = field(default_factory=dict)
    contact_questions: dict[str, str] = field(default_factory=dict)  # "email" / "phone": question id
    name_question: str | None = None
    photo_question: str | None = None

    @property
    def code(self) -> str:
        return self.definition.id

    @property
    def name(self) -> str:
        return street_reports.category_name(self.code, LANGUAGE)

    @property
    def description(self) -> str:
        return self.definition.summary.get(LANGUAGE)

    def attribute(self, code: str) -> Attribute | None:
        return next((found for found in self.attributes if found.code == code), None)


def _contact_choices(definition: Definition) -> dict[str, tuple[str, str]]:
    """The answer that shows the page asking for an email address, and the one for a phone number."""
    chosen = {}
    for page in definition.pages:
        contacts = {question.kind.contact for question in page.questions} - {None}
        if len(page.show_if) == 1 and page.show_if[0].equals is not None and len(contacts) == 1:
            chosen[contacts.pop()] = (page.show_if[0].question, page.show_if[0].equals)
    return chosen


def _asked_when(page) -> str | None:
    if not page.show_if:
        return None
    return " and ".join(f"{condition.question} is {' or '.join(condition.values)}" for condition in page.show_if)


def describe(definition: Definition) -> Service | None:
    """The category as a service, or None when Open311 cannot give every answer it needs."""
    choices = _contact_choices(definition)
    choosers = {question_id for question_id, _value in choices.values()}
    location, photo, name, contacts, attributes = None, None, None, {}, []
    for page in definition.pages:
        if page.exit is not None:
            continue
        for question in page.questions:
            kind = question.kind
            if question.type == "location" and location is None:
                location = question.id
            elif question.type == "file" and photo is None and question.optional:
                photo = question.id
            elif kind.contact in ("email", "phone") and kind.contact not in contacts:
                contacts[kind.contact] = question.id
            elif question.account_field == "full_name" and name is None:
                name = question.id
            elif question.id in choosers:
                continue
            elif question.type in DATATYPES:
                required = not question.optional and not page.show_if
                attributes.append(
                    Attribute(question, DATATYPES[question.type], len(attributes) + 1, required, _asked_when(page))
                )
            elif not question.optional:
                return None
    if location is None or not contacts:
        return None
    return Service(definition, location, attributes, choices, contacts, name, photo)


def services() -> list[Service]:
    """The categories people can report through Open311, in the order the web form lists them."""
    definitions = form_model.definitions()
    found = []
    for code in street_reports.settings().categories:
        if code in definitions:
            described = describe(definitions[code])
            if described is not None:
                found.append(described)
    return found


def service(code: str) -> Service | None:
    if not code or len(code) > 63:
        return None
    return next((found for found in services() if found.code == code), None)


def service_names() -> dict[str, str]:
    """Every category's code and name, for service requests (including categories no longer listed)."""
    return {found.code: found.name for found in services()}


def as_service(found: Service) -> dict:
    """One entry of services.json."""
    return {
        "service_code": found.code,
        "service_name": found.name,
        "description": found.description,
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": "street",
    }


def as_definition(found: Service) -> dict:
    """services/<code>.json: the attributes a report of this category takes."""
    attributes = []
    for attribute in found.attributes:
        question = attribute.question
        description = question.label.get(LANGUAGE)
        if attribute.asked_when:
            description = f"{description} (required when {attribute.asked_when})"
        entry = {
            "variable": True,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": question.hint.get(LANGUAGE) if question.hint else "",
            "order": attribute.order,
            "description": description,
        }
        values = attribute.values()
        if values:
            entry["values"] = [{"key": key, "name": name} for key, name in values]
        attributes.append(entry)
    return {"service_code": found.code, "attributes": attributes}
