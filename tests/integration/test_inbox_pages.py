"""The staff inbox's pages: "Next" and "Previous" links carry the place of the last or first case
shown (keyset pagination), so every page costs what the first does; each filter has an index in the
inbox's order."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseStatus, Role
from app.services import case_work, cases
from tests.factories import make_inbox_cases, make_user, sign_in

pytestmark = pytest.mark.db

WARDS = ["Central", "Riverside", None]
STATUSES = [CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING, CaseStatus.CLOSED]


@pytest.fixture
def inbox(app_context, client):
    """160 cases: urgent and not, many on the same due date (so the id breaks ties), in three wards,
    some assigned to the member of staff signed in, a quarter closed."""
    staff = make_user(role=Role.STAFF)
    make_inbox_cases(160, assigned_to_id=staff.id)
    db.session.commit()
    sign_in(client, staff)
    return staff


def expected(staff, *, open_only=True, ward=None, mine=False) -> list[str]:
    found = db.session.scalars(sa.select(Case).where(Case.reference.like("TEST-%"))).all()
    found = [
        case
        for case in found
        if (not open_only or case.status != CaseStatus.CLOSED)
        and (ward is None or case.ward == ward)
        and (not mine or case.assigned_to_id == staff.id)
    ]
    return [case.reference for case in sorted(found, key=lambda case: (not case.urgent, case.due_date, case.id))]


def references(page) -> list[str]:
    return [link.get_text(strip=True) for link in page.soup.select("table a.govuk-link")]


def link(page, rel: str) -> str | None:
    found = page.soup.select_one(f".govuk-pagination a[rel={rel}]")
    return found["href"] if found else None


def walk_forwards(client, url):
    pages = [client.get(url)]
    while link(pages[-1], "next"):
        pages.append(client.get(link(pages[-1], "next")))
    return pages


@pytest.mark.parametrize(
    ("query", "filters"),
    [("", {}), ("?ward=Riverside&mine=1", {"ward": "Riverside", "mine": True})],
)
def test_next_and_previous_links_walk_every_case_once_in_order(client, inbox, query, filters):
    every = expected(inbox, **filters)
    assert len(every) > 2 * case_work.PAGE_SIZE or filters  # several pages, or a filtered few
    pages = walk_forwards(client, f"/staff/cases{query}")
    assert [case for page in pages for case in references(page)] == every
    assert [page.soup.select_one("caption").get_text() for page in pages] == [
        f"Page {number}" for number in range(1, len(pages) + 1)
    ]
    # and back again, from the last page to the first, through the "Previous" links
    backwards = [pages[-1]]
    while link(backwards[-1], "prev"):
        backwards.append(client.get(link(backwards[-1], "prev")))
    assert [references(page) for page in reversed(backwards)] == [references(page) for page in pages]
    assert link(backwards[-1], "prev") is None and link(pages[-1], "next") is None


def test_links_keep_the_filters_and_a_page_number_alone_still_works(client, inbox):
    first = client.get("/staff/cases?ward=Central&service=alternative-formats")
    following = link(first, "next") or ""
    assert "ward=Central" in following and "service=alternative-formats" in following and "after=" in following
    pages = walk_forwards(client, "/staff/cases")
    for number, page in enumerate(pages, start=1):
        assert references(client.get(f"/staff/cases?page={number}")) == references(page)


def test_a_hand_edited_place_never_breaks_the_page(client, inbox):
    first = references(client.get("/staff/cases"))
    for cursor in ["", "2.2026-01-01.5", "1.2026-13-45.5", "1.2026-01-01.x", "<script>", "1.2026-01-01." + "9" * 40]:
        for name in ("after", "before"):
            page = client.get(f"/staff/cases?{name}={cursor}")
            assert references(page) == first  # not a place the inbox wrote: the first page
    beyond = client.get("/staff/cases?after=0.9999-12-31.1&page=7")
    assert "No cases match these filters." in beyond.text


def test_each_filter_reads_one_index_in_order_without_sorting(app, inbox):
    """The query plans: every filter staff use, and the pages after the first, need no sort."""
    today = cases.london_today()
    views = [
        case_work.InboxFilters(),
        case_work.InboxFilters(ward="Riverside", mine=True),
        case_work.InboxFilters(ward="Riverside"),
        case_work.InboxFilters(mine=True),
        case_work.InboxFilters(service="missed-bin"),
        case_work.InboxFilters(service="missed-bin", status="received"),
        case_work.InboxFilters(status="closed"),
        case_work.InboxFilters(overdue=True),
        case_work.InboxFilters(urgent=True),
    ]
    dialect = db.session.get_bind().dialect
    if dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        db.session.execute(sa.text("SET LOCAL enable_sort = off"))
    prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
    # Every statement the inbox runs for a page: the first page in one read, and each part (urgent
    # or not) after or before a place, or from the start of that part.
    shapes = [dict(part=None, from_cursor=False, backwards=False)] + [
        dict(part=part, from_cursor=from_cursor, backwards=backwards)
        for part in (True, False)
        for from_cursor in (True, False)
        for backwards in (True, False)
    ]
    for filters in views:
        chosen, values = case_work._filtered(filters, inbox)
        for shape in shapes:
            statement = case_work.walk_statement(chosen, **shape).params(values | {"due_date": today, "id": 10})
            compiled = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
            plan = " ".join(str(row[-1]) for row in db.session.execute(sa.text(prefix + str(compiled))))
            assert "ix_cases_" in plan, (filters, shape, plan)
            if filters.ward and filters.mine and filters.status is None:
                # One range of the index made for the two together, not a walk of either's.
                assert "ix_cases_open_assignee_ward" in plan, (filters, shape, plan)
            assert "TEMP B-TREE" not in plan and " Sort " not in f" {plan} ", (filters, shape, plan)
