"""Demonstration street reports, so the public list near a postcode, the public report pages and the
staff pages show something in `make run`. Each is sent through its category's form (a journey with
the answers filled in) like any other report, then moved on by the demo staff member. Never loaded in
production (`flask demo load` refuses there)."""

from __future__ import annotations

import sqlalchemy as sa

from app import form_model
from app.extensions import db
from app.form_model import journey
from app.models import Channel, StreetReport, StreetReportState, User
from app.services import cases, form_journeys, gazetteer, street_locations, street_report_updates

# (category, postcode, where exactly, answers for the rest of the form, what staff did)
DEMO_REPORTS = (
    (
        "fly-tipping",
        "DM1 1AB",
        "By the bins behind the bus shelter",
        {"land": "road", "amount": "van", "kind": ["furniture"], "hazardous": "no", "witnessed": "no"},
        [(StreetReportState.INVESTIGATING, "An officer will look at it today.")],
    ),
    (
        "graffiti",
        "DM1 1AB",
        "On the wall of the underpass",
        {"surface": "wall", "offensive": "no", "size": "small"},
        [(StreetReportState.ACTION_SCHEDULED, "Our graffiti team will clean it on Thursday.")],
    ),
    (
        "litter",
        "DM2 3EF",
        "Along the verge by the gate",
        {"land": "street", "dangerous": "no", "amount": "some"},
        [(StreetReportState.FIXED, "Cleared this morning. Thank you for telling us.")],
    ),
    ("dog-fouling", "DM2 3EF", "On the path into the park", {"land": "pavement", "often": "no"}, []),
)
DEMO_EMAIL = "street.reporter@demo.doorstep.example"
# The county council's categories sent on to it (app/services/county_forwards.py): a pothole sent by
# Open311 (the scheduler of `make run` sends it to the stand-in county within a minute) and a
# pavement by email (in the outbox). Loaded by `flask demo load`, apart from the reports above.
COUNTY_DEMO_REPORTS = (
    ("roads", "DM2 3EF", "In the middle of the lane, by the bend", {"problem": "pothole", "danger": "no"}, []),
    ("pavements", "DM2 3EF", "By the bus stop", {"problem": "broken", "trip": "no"}, []),
)


def _route_answers(definition, answers: dict) -> tuple[dict, list[str]]:
    answered = [page.id for page in journey.shown_pages(definition, answers) if page.exit is None]
    return answers, answered


def load(staff: User) -> int:
    """The demo reports, once (nothing is added if any street report exists). Returns how many."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(StreetReport)):
        return 0
    return len(_send(DEMO_REPORTS, staff))


def load_county(staff: User) -> int:
    """The county's demo reports, once (nothing is added if any exists). Returns how many."""
    categories = [category for category, *_rest in COUNTY_DEMO_REPORTS]
    if db.session.scalar(
        sa.select(sa.func.count()).select_from(StreetReport).where(StreetReport.category.in_(categories))
    ):
        return 0
    return len(_send(COUNTY_DEMO_REPORTS, staff))


def _send(reports, staff: User) -> list[StreetReport]:
    made = []
    for category, postcode, where, rest, steps in reports:
        definition = form_model.get(category)
        if definition is None:  # a council (or a test) without this category's form
            continue
        address = gazetteer.find_by_postcode(postcode)[0]
        location = {
            **street_locations.answer_at_address(address),
            "description": where,
            "search": postcode,
        }
        answers = {"location": location, **rest, "updates_by": "email", "email": DEMO_EMAIL}
        answers = {key: value for key, value in answers.items() if _is_question(definition, key, value)}
        found = form_journeys.start(definition, user=None, acting_user=None, channel=Channel.ONLINE)
        found.answers, found.answered_pages = _route_answers(definition, answers)
        if not journey.ready_to_submit(definition, found.answers, found.answered_pages):
            raise ValueError(f"the demo answers for {category} do not finish its form")
        case = cases.submit(definition, found, language="en")
        report = db.session.scalar(sa.select(StreetReport).where(StreetReport.case_id == case.id))
        for state, note in steps:
            street_report_updates.update(report, staff, state, note)
        made.append(report)
    return made


def _is_question(definition, question_id: str, value) -> bool:
    question = next((found for found in definition.questions() if found.id == question_id), None)
    if question is None:
        return False
    options = getattr(question, "options", None)
    if options:
        values = {option.value for option in options}
        chosen = value if isinstance(value, list) else [value]
        return all(item in values for item in chosen)
    return True
