"""Outgoing post in the channel figures: each letter queued is counted (as things happen, and again
by `flask figures rebuild`) under its request's service, ward and place, at the outgoing letter's
unit cost."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from app.extensions import db
from app.models import MessageChannel, Role
from app.services import channel_figures, channel_figures_counts, messages
from tests.factories import make_user, sign_in
from tests.integration.test_channel_figures import COSTS, SPRING, at, counts, make_case

pytestmark = pytest.mark.db

ADDRESS = "Rita Rowe\n12 Acacia Avenue\nDemoton\nDM1 1AB"


def _letter(case=None, *, when):
    return messages.queue(
        channel=MessageChannel.LETTER,
        recipient=ADDRESS,
        template="case_received",
        language="en",
        context={"reference": "REF", "service_title": "Missed bin", "due_date": date(2026, 4, 20)},
        case_id=case.id if case else None,
        now=when,
    )


@pytest.fixture
def letters(app, database):
    with app.test_request_context():
        case = make_case(service="bulky-waste", made=at(date(2026, 4, 2)), due=date(2026, 4, 20), ward="Hillside")
        for when in (at(date(2026, 4, 2)), at(date(2026, 4, 3))):
            message = _letter(case, when=when)
            message.created_at = when  # queued in April
        db.session.flush()
        unrelated = _letter(when=at(date(2026, 3, 5)))
        unrelated.created_at = at(date(2026, 3, 5))
        db.session.flush()
        email = messages.queue(
            channel=MessageChannel.EMAIL,
            recipient="rita@example.com",
            template="case_received",
            language="en",
            context={"reference": "REF", "service_title": "Missed bin", "due_date": date(2026, 4, 20)},
            case_id=case.id,
        )
        db.session.flush()
        yield case, unrelated, email


def test_letters_queued_are_counted_with_their_cost_and_counting_again_finds_the_same(app, letters):
    kept = counts()
    this_month = datetime.now(UTC).date().replace(day=1)
    # The letters' created_at was set after the flush that counted them: counted in this month.
    assert kept[(this_month, "bulky-waste", "letter")] == 2
    assert kept[(this_month, "", "letter")] == 1
    assert channel_figures_counts.rebuild() > 0
    db.session.flush()
    rebuilt = counts()
    assert rebuilt[(date(2026, 4, 1), "bulky-waste", "letter")] == 2  # counted again in the month queued
    assert rebuilt[(date(2026, 3, 1), "", "letter")] == 1
    assert sum(n for (_, _, measure), n in rebuilt.items() if measure == "letter") == 3  # not the email

    found = channel_figures.figures(SPRING, unit_costs=COSTS, today=date(2026, 5, 1))
    assert found.letters_sent == [1, 2]
    assert found.letters_cost == 3 * 46
    bulky = channel_figures.figures(
        channel_figures.Filters(SPRING.first_month, SPRING.last_month, service="bulky-waste", ward="Hillside"),
        unit_costs=COSTS,
        today=date(2026, 5, 1),
    )
    assert bulky.letters_sent == [0, 2]
    elsewhere = channel_figures.Filters(SPRING.first_month, SPRING.last_month, ward="Riverside")
    assert channel_figures.figures(elsewhere, unit_costs=COSTS, today=date(2026, 5, 1)).letters_sent == [0, 0]


def test_the_post_table_shows_letters_sent_and_their_cost(app, client, letters):
    channel_figures_counts.rebuild()
    db.session.commit()
    sign_in(client, make_user(role=Role.MANAGER))
    page = client.get("/staff/figures?first=2026-03&last=2026-04&service=&ward=&place=")
    post = page.soup.find(
        "caption", string="Requests for letters in an alternative format, and letters sent, each month"
    )
    rows = [
        [cell.get_text() for cell in row.find_all(["th", "td"])] for row in post.find_parent("table").select("tbody tr")
    ]
    assert rows == [["Mar 2026", "0", "1", "£0.46"], ["Apr 2026", "0", "2", "£0.92"], ["Total", "0", "3", "£1.38"]]
    download = client.raw.get("/staff/figures/download?table=formats&first=2026-03&last=2026-04&service=&ward=&place=")
    lines = download.get_data(as_text=True).splitlines()
    assert lines[0] == "Month,Requests for an alternative format,Letters sent,Cost of letters sent"
    assert lines[-1] == "Total,0,3,£1.38"


def test_a_letter_about_a_request_not_loaded_is_counted_under_its_service(app, database):
    with app.test_request_context():
        case = make_case(service="fly-tipping", made=at(date(2026, 4, 2)), due=date(2026, 4, 20), ward="Hillside")
        case_id = case.id
        db.session.expunge_all()  # the letter is queued where the request was not read (a worker, say)
        _letter(SimpleNamespace(id=case_id), when=at(date(2026, 4, 2)))
        db.session.flush()
        this_month = datetime.now(UTC).date().replace(day=1)
        assert counts()[(this_month, "fly-tipping", "letter")] == 1
