"""The staff list of assisted sessions grows for ever, so it is paged by keyset: following "Next"
to the end and "Previous" back shows every session once, newest first, ties in time kept apart
by id; a typed page number and a hand-edited cursor still give a page."""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import AssistedSession, ConsentGiven, ConsentLasts, Role
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.db

SESSIONS = 60


@pytest.fixture
def sessions(database):
    volunteer = make_user(role=Role.VOLUNTEER, full_name="Val Volunteer")
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    made = []
    for number in range(SESSIONS):
        # Every third session starts in the same minute as the one before: the id keeps them apart.
        started = start + timedelta(minutes=number - number // 3)
        found = AssistedSession(
            volunteer_id=volunteer.id,
            person_name=f"Person {number:02d}",
            consent_given=ConsentGiven.IN_PERSON,
            consent_services=["missed-bin"],
            consent_lasts=ConsentLasts.VISIT,
            consent_expires_at=started + timedelta(hours=1),
            started_at=started,
        )
        db.session.add(found)
        made.append(found)
    db.session.commit()
    return sorted(made, key=lambda found: (found.started_at, found.id), reverse=True)


def names_on(page) -> list[str]:
    return [row.select("td")[2].get_text(" ", strip=True) for row in page.soup.select("tbody tr")]


def link(page, rel: str) -> str | None:
    found = page.soup.select_one(f".govuk-pagination a[rel={rel}]")
    return found["href"] if found else None


def test_next_to_the_end_and_previous_back_show_every_session_once_newest_first(client, sessions):
    sign_in(client, make_user(role=Role.STAFF))
    expected = [f"{found.person_name} (no account)" for found in sessions]
    page = client.get("/staff/assisted")
    shown, captions = names_on(page), [page.soup.select_one("caption").get_text(strip=True)]
    while (following := link(page, "next")) is not None:
        assert "after=" in following
        page = client.get(following)
        shown += names_on(page)
        captions.append(page.soup.select_one("caption").get_text(strip=True))
    assert shown == expected
    assert captions == ["Page 1", "Page 2", "Page 3"]

    back = []
    while (previous := link(page, "prev")) is not None:
        page = client.get(previous)
        back = names_on(page) + back
    assert back == expected[:50]
    assert page.soup.select_one("caption").get_text(strip=True) == "Page 1"


def test_a_typed_page_number_or_a_broken_cursor_still_gives_a_page(client, sessions):
    sign_in(client, make_user(role=Role.STAFF))
    expected = [f"{found.person_name} (no account)" for found in sessions]
    assert names_on(client.get("/staff/assisted?page=3")) == expected[50:]
    for broken in ("nonsense", "2026-01-05T09:00:00~1", "1~2~3", "<script>~1", "9" * 300, "9" * 18 + "~1"):
        assert names_on(client.get("/staff/assisted", query_string={"after": broken})) == expected[:25]
