"""A report posted through Open311 becomes a case like any other: its fields and attributes are
turned into the answers the category's web form would have collected, checked against the same
definition (every page on the route answered, no exit page reached), and sent through the same
journey and `cases.submit`, whose `street_report` submit action records the report. The case's
channel is Open311, so it is counted apart and shows as such in the staff inbox.

Every problem is an Open311Error (400) naming the field, in English for the caller's developers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from app.extensions import db
from app.form_model import journey
from app.models import ApiKey, Case, CaseEvent, CaseEventKind, Channel, StreetReport
from app.services import accounts, cases, form_journeys, street_locations, street_reports
from app.services.errors import ServiceError
from app.services.open311 import locations, service_list
from app.services.open311.errors import Open311Error
from app.services.open311.service_list import Attribute, Service

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ATTRIBUTE = re.compile(r"^attribute\[([a-z0-9_-]{1,63})\](\[\])?$")
DESCRIPTION_MAX = 2000  # what the public reads (StreetReport.description)
FIELD_MAX = 500  # any other single field
EMAIL_MAX = 254
MEDIA_URL = re.compile(r"^https?://[^\s<>\"]{1,490}$")
LARGEST_NUMBER = 10**12
LANGUAGE = "en"
# Attributes FixMyStreet sends of its own accord (its report's number, title and address, the
# property's UPRN, British National Grid coordinates): accepted and not kept, as the case has them.
IGNORED_ATTRIBUTES = {"fixmystreet_id", "title", "report_url", "closest_address", "easting", "northing", "uprn"}
MEDIA_URLS_MAX = 10
SINGLE_FIELDS = (
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "jurisdiction_id",
    "api_key",
)


@dataclass(frozen=True)
class Received:
    report: StreetReport
    case: Case


def _text(value: str, name: str, limit: int = FIELD_MAX) -> str:
    value = value.strip()
    if len(value) > limit:
        raise Open311Error(400, f"{name} must be {limit} characters or fewer")
    if CONTROL_CHARACTERS.search(value):
        raise Open311Error(400, f"{name} must not contain control characters")
    return value


def single_fields(form: dict[str, list[str]]) -> dict[str, str]:
    """The standard's fields, each given once, checked for length and control characters."""
    fields = {}
    for name in SINGLE_FIELDS:
        values = form.get(name) or []
        if len(values) > 1:
            raise Open311Error(400, f"{name} was sent more than once")
        if values:
            limit = DESCRIPTION_MAX if name == "description" else FIELD_MAX
            fields[name] = _text(values[0], name, limit)
    return fields


def _attribute_value(attribute: Attribute, values: list[str]):
    name = f"attribute[{attribute.code}]"
    question = attribute.question
    if attribute.datatype == "multivaluelist":
        allowed = {key for key, _name in attribute.values()}
        chosen = [_text(value, name) for value in values if value.strip()]
        if any(value not in allowed for value in chosen):
            raise Open311Error(400, f"{name} must be some of: {', '.join(sorted(allowed))}")
        return list(dict.fromkeys(chosen)) or None
    if len(values) > 1:
        raise Open311Error(400, f"{name} takes one value")
    value = _text(values[0], name, max(FIELD_MAX, question.max_length or 0))
    if not value:
        return None
    if attribute.datatype == "singlevaluelist":
        allowed = [key for key, _name in attribute.values()]
        if value not in allowed:
            raise Open311Error(400, f"{name} must be one of: {', '.join(allowed)}")
        return value
    if attribute.datatype == "number":
        if not re.fullmatch(r"-?[0-9]{1,13}", value) or abs(int(value)) > LARGEST_NUMBER:
            raise Open311Error(400, f"{name} must be a whole number")
        number = int(value)
        if (question.minimum is not None and number < question.minimum) or (
            question.maximum is not None and number > question.maximum
        ):
            raise Open311Error(400, f"{name} must be between {question.minimum} and {question.maximum}")
        return number
    limit = question.max_length or (2000 if attribute.datatype == "text" else 200)
    if len(value) > limit:
        raise Open311Error(400, f"{name} must be {limit} characters or fewer")
    return value


def attribute_answers(found: Service, form: dict[str, list[str]]) -> dict:
    answers = {}
    for key, values in form.items():
        if not key.startswith("attribute["):
            continue
        matched = ATTRIBUTE.match(key)
        attribute = found.attribute(matched.group(1)) if matched else None
        if attribute is None and matched and matched.group(1) in IGNORED_ATTRIBUTES:
            continue
        if attribute is None:
            raise Open311Error(400, f"{key[:80]} is not an attribute of {found.code} (see services/{found.code}.json)")
        value = _attribute_value(attribute, values)
        if value is not None:
            answers[attribute.code] = value
    return answers


def contact_answers(found: Service, fields: dict[str, str]) -> dict:
    """The email address or phone number to send progress to, and the answer that chose it."""
    answers = {}
    if fields.get("email"):
        if len(fields["email"]) > EMAIL_MAX:
            raise Open311Error(400, f"email must be {EMAIL_MAX} characters or fewer")
        try:
            validate_email(fields["email"], check_deliverability=False)
        except EmailNotValidError:
            raise Open311Error(400, "email is not an email address") from None
        answers["email"] = fields["email"]
    if fields.get("phone"):
        try:
            answers["phone"] = accounts.parse_uk_phone(fields["phone"])
        except ServiceError:
            raise Open311Error(400, "phone is not a UK phone number") from None
    usable = [contact for contact in ("email", "phone") if contact in answers and contact in found.contact_questions]
    by = usable[0] if usable else None
    if by is None:
        raise Open311Error(400, "Send email or phone, so we can tell the person about progress")
    chosen = {found.contact_questions[by]: answers[by]}
    if by in found.contact_choice:
        question_id, value = found.contact_choice[by]
        chosen[question_id] = value
    return chosen


def name_answer(found: Service, fields: dict[str, str]) -> dict:
    name = " ".join(part for part in (fields.get("first_name"), fields.get("last_name")) if part)
    if not name or found.name_question is None:
        return {}
    limit = found.definition.question(found.name_question).max_length or 200
    if len(name) > limit:
        raise Open311Error(400, f"first_name and last_name together must be {limit} characters or fewer")
    return {found.name_question: name}


def _route(found: Service, answers: dict) -> list[str]:
    """The pages the web form would have shown for these answers, all of them answered."""
    definition = found.definition
    pages = journey.shown_pages(definition, answers)
    for page in pages:
        if page.exit is not None:
            raise Open311Error(400, f"We do not take this report: {page.title.get(LANGUAGE)}")
        for question in page.questions:
            if question.id not in answers and not question.optional:
                raise Open311Error(400, f"attribute[{question.id}] is required for these answers")
    return [page.id for page in pages]


def receive(service_code: str, form: dict[str, list[str]], *, api_key: ApiKey) -> Received:
    """Make the case and report for a posted service request. `form` is every field posted, each
    with its list of values."""
    found = service_list.service(service_code)
    if found is None:
        raise Open311Error(400, "service_code is not one of our services (see services.json)")
    fields = single_fields(form)
    media_urls = [url.strip() for url in form.get("media_url") or [] if url.strip()]
    if len(media_urls) > MEDIA_URLS_MAX:
        raise Open311Error(400, f"media_url takes at most {MEDIA_URLS_MAX} addresses")
    if any(not MEDIA_URL.fullmatch(url) for url in media_urls):
        raise Open311Error(400, "media_url must be an http or https address")
    definition = found.definition
    location_question = definition.question(found.location_question)
    located = locations.locate(fields, location_question.typed_settings().boundaries)
    description = fields.get("description", "")
    where = fields.get("address_string") or description or located["place"]
    location = located | {
        "description": where[: street_locations.DESCRIPTION_MAX],
        "search": fields.get("address_string", "")[:100],
    }
    answers = {
        **attribute_answers(found, form),
        **contact_answers(found, fields),
        **name_answer(found, fields),
        found.location_question: location,
    }
    pages = _route(found, answers)
    started = form_journeys.start(definition, user=None, acting_user=None, channel=Channel.OPEN311)
    started.answers = answers
    started.answered_pages = pages
    try:
        case = cases.submit(definition, started, language=LANGUAGE)
    except ServiceError as error:
        raise Open311Error(400, f"The report could not be made: {error}") from None
    report = street_reports.for_case(case)
    if description:
        report.description = description
    note = f"Sent through Open311 by the system with API key {api_key.name!r} (key {api_key.id})."
    if media_urls:
        note += f" Photos (not checked by us, do not open them unless you trust them): {' '.join(media_urls)}"
    case.events.append(CaseEvent(kind=CaseEventKind.NOTE, text=note))
    db.session.flush()
    return Received(report, case)
