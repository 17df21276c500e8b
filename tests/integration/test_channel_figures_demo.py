"""The demo data's year of requests across channels: the figures page shows real figures, loading
again adds nothing, and a council without the demo's forms still loads."""

import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseContact, SatisfactionResponse, User
from app.services import cases, channel_figures, channel_figures_demo, demo
from tests.pages import PageClient

pytestmark = pytest.mark.db

COSTS = {"face_to_face": 786, "telephone": 235, "web": 21, "letter_in": 67, "letter_out": 46}


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_demo_year_has_every_channel_contacts_and_satisfaction_and_loads_once(app_context):
    demo.load()
    made = count(Case)
    assert made >= 12 * channel_figures_demo.REQUESTS_PER_MONTH * 0.95
    assert count(CaseContact) > 100 and count(SatisfactionResponse) > 100
    today = cases.london_today()
    found = channel_figures.figures(
        channel_figures.Filters(
            first_month=channel_figures.add_months(today.replace(day=1), -12),
            last_month=channel_figures.add_months(today.replace(day=1), -1),
        ),
        unit_costs=COSTS,
        today=today,
    )
    totals = found.channel_totals()
    made_by_the_demo = ("online", "kiosk", "assisted", "telephone", "face_to_face")  # no Open311 requests
    assert all(totals[channel] > 0 for channel in made_by_the_demo), totals
    # The year shows the shift online: more of the last month's requests are online than the first's.
    first, last = found.transactions[0], found.transactions[-1]
    assert last["online"] / sum(last.values()) > first["online"] / sum(first.values())
    assert sum(found.avoidable) > 0 and sum(found.alternative_formats) > 0
    assert all(decided > met > 0 for decided, met in found.standards)
    assert found.total_cost().saving > 0
    started = time.perf_counter()
    demo.load()  # again: nothing more
    assert count(Case) == made
    assert time.perf_counter() - started < 60  # not a benchmark: a guard against a row-by-row loader


def test_the_manager_sees_the_demo_figures_and_a_demo_case_page_opens(app, client, database):
    with app.test_request_context():
        demo.load()
        db.session.commit()
    manager = db.session.scalar(sa.select(User).where(User.email == "manager@demo.doorstep.example"))
    client.submit("/sign-in", {"email": manager.email, "password": "demo-manager-pass"}, expect=302)
    page = client.get("/staff/figures")
    assert "No requests or contacts" not in page.text
    assert len(page.soup.select("svg.doorstep-chart")) >= 4
    reference = db.session.scalar(sa.select(Case.reference).where(Case.user_id.is_(None)).limit(1))
    client.get(f"/staff/cases/{reference}")


def test_a_council_without_the_demo_forms_loads_the_demo_without_these_requests(make_app, database):
    empty = Path(__file__).parent / "data" / "location"  # a council with only its own spill form
    app = make_app(FORM_DEFINITIONS_DIR=str(empty))
    with app.test_request_context():
        demo.load()
        assert count(Case) <= 1  # at most the assisted demo request, when its form exists
        assert count(CaseContact) == 0
    assert PageClient(app.test_client()).get("/").status == 200
