"""The channel-shift figures: what the page counts, who may see it, its filters and its CSVs."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Case,
    CaseContact,
    CaseStatus,
    Channel,
    ChannelFigureCount,
    ContactChannel,
    Place,
    PlaceKind,
    Role,
    SatisfactionRating,
    SatisfactionResponse,
)
from app.services import case_contacts, case_work, channel_figures, channel_figures_counts
from app.services import cases as cases_service
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.db

_numbers = iter(range(10_000, 99_999))


def make_case(*, service="missed-bin", channel=Channel.ONLINE, made, due, closed=None, ward="Riverside", place=None):
    case = Case(
        reference=f"FIG-{next(_numbers)}",
        service_id=service,
        definition_version=1,
        team="waste",
        answers={},
        channel=channel,
        language="en",
        ward=ward,
        due_date=due,
        created_at=made,
        status=CaseStatus.CLOSED if closed else CaseStatus.RECEIVED,
        closed_at=closed,
        place_id=place.id if place else None,
    )
    db.session.add(case)
    db.session.flush()
    return case


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def data(database):
    library = Place(name="Central Library", name_cy="Llyfrgell Ganolog", kind=PlaceKind.LIBRARY, ward="Riverside")
    db.session.add(library)
    db.session.flush()
    march, april = date(2026, 3, 10), date(2026, 4, 10)
    on_time = make_case(made=at(march), due=date(2026, 3, 20), closed=at(date(2026, 3, 18)))
    make_case(made=at(march), due=date(2026, 3, 20), closed=at(date(2026, 3, 25)))  # late
    make_case(channel=Channel.TELEPHONE, made=at(march), due=date(2026, 3, 20))  # open past due: not met
    make_case(channel=Channel.ONLINE, place=library, made=at(april), due=date(2026, 4, 20), ward="Hillside")
    make_case(channel=Channel.ASSISTED, place=library, made=at(april), due=date(2026, 4, 20))
    make_case(service="alternative-formats", channel=Channel.FACE_TO_FACE, made=at(april), due=date(2026, 4, 20))
    # Just after midnight London time on 1 April (still 31 March in UTC): April's.
    make_case(made=datetime(2026, 3, 31, 23, 30, tzinfo=UTC), due=date(2026, 4, 20))
    for channel, avoidable in ((ContactChannel.TELEPHONE, True), (ContactChannel.LETTER, False)):
        db.session.add(
            CaseContact(
                case_id=on_time.id,
                channel=channel,
                contacted_at=at(date(2026, 3, 15)),
                avoidable=avoidable,
                service_id="missed-bin",
                ward="Riverside",
            )
        )
    for rating in (SatisfactionRating.VERY_SATISFIED, SatisfactionRating.DISSATISFIED):
        db.session.add(
            SatisfactionResponse(
                service_id="missed-bin", channel=Channel.ONLINE, rating=rating, created_at=at(date(2026, 3, 12))
            )
        )
    db.session.flush()
    return library


COSTS = {"face_to_face": 786, "telephone": 235, "web": 21, "letter_in": 67, "letter_out": 46}
SPRING = channel_figures.Filters(first_month=date(2026, 3, 1), last_month=date(2026, 4, 1))


def test_the_figures_count_channels_months_standards_contacts_satisfaction_and_costs(app, data):
    found = channel_figures.figures(SPRING, unit_costs=COSTS, today=date(2026, 5, 1))
    assert found.months == [date(2026, 3, 1), date(2026, 4, 1)]
    assert found.transactions[0] == {
        "online": 2,
        "kiosk": 0,
        "assisted": 0,
        "telephone": 1,
        "face_to_face": 0,
        "open311": 0,
        "councillor": 0,
    }
    assert found.transactions[1] == {
        "online": 1,
        "kiosk": 1,
        "assisted": 1,
        "telephone": 0,
        "face_to_face": 1,
        "open311": 0,
        "councillor": 0,
    }
    # Answered in March: one by its due date, one late. Not answered and past due on 1 May: five.
    assert found.standards == [(2, 1), (0, 0)]
    assert found.open_past_due == 5
    assert found.alternative_formats == [0, 1]
    assert found.contacts[0] == {"telephone": 1, "face_to_face": 0, "letter": 1, "email": 0}
    assert found.avoidable == [1, 0]
    assert found.satisfaction == {
        "online": {"very_satisfied": 1, "satisfied": 0, "neither": 0, "dissatisfied": 1, "very_dissatisfied": 0}
    }
    costs = found.transaction_costs
    assert (costs["online"].count, costs["online"].cost, costs["online"].by_phone) == (3, 63, 705)
    assert costs["face_to_face"].saving == 235 - 786
    assert found.contact_costs["letter"].cost == 67
    total = found.total_cost()
    assert total.cost == 5 * 21 + 235 + 786 + 235 + 67
    assert total.by_phone == 9 * 235


def test_filters_by_service_ward_and_place(app, data):
    library = data
    by_place = channel_figures.figures(
        channel_figures.Filters(SPRING.first_month, SPRING.last_month, place_id=library.id),
        unit_costs=COSTS,
        today=date(2026, 5, 1),
    )
    assert by_place.channel_totals() == {
        "online": 0,
        "kiosk": 1,
        "assisted": 1,
        "telephone": 0,
        "face_to_face": 0,
        "open311": 0,
        "councillor": 0,
    }
    by_ward = channel_figures.figures(
        channel_figures.Filters(SPRING.first_month, SPRING.last_month, ward="Hillside"),
        unit_costs=COSTS,
        today=date(2026, 5, 1),
    )
    assert by_ward.total_transactions == 1 and by_ward.total_contacts == 0 and by_ward.satisfaction == {}
    by_service = channel_figures.figures(
        channel_figures.Filters(SPRING.first_month, SPRING.last_month, service="alternative-formats"),
        unit_costs=COSTS,
        today=date(2026, 5, 1),
    )
    assert by_service.total_transactions == 1 and by_service.alternative_formats == [0, 1]


def test_only_managers_and_admins_see_the_figures(app, client, data):
    for role, status in ((Role.RESIDENT, 403), (Role.VOLUNTEER, 403), (Role.STAFF, 403)):
        sign_in(client, make_user(role=role))
        assert client.get("/staff/figures", expect=None).status == status
        assert client.get("/staff/figures/download?table=shares", expect=None).status == status
        assert "Channel-shift figures" not in client.get("/staff/", expect=None).text
        client.raw.delete_cookie("doorstep_session")
    manager = make_user(role=Role.MANAGER)
    sign_in(client, manager)
    assert "Channel-shift figures" in client.get("/staff/").text
    client.get("/staff/cases")  # a manager is staff too


def test_the_page_with_data_its_charts_tables_and_csv(app, client, data):
    sign_in(client, make_user(role=Role.MANAGER))
    page = client.get("/staff/figures?first=2026-03&last=2026-04&service=&ward=&place=")
    charts = page.soup.select("svg.doorstep-chart")
    assert len(charts) >= 4
    for chart in charts:
        assert chart["role"] == "img"
        title, desc = chart.find("title"), chart.find("desc")
        assert title.get_text() and desc.get_text()
        assert chart["aria-labelledby"] == f"{title['id']} {desc['id']}"
        assert chart.find("pattern") is not None  # not colour alone
    shares = page.soup.find("caption", string="Share of requests by channel, each month").find_parent("table")
    march = shares.find("th", string="Mar 2026").find_parent("tr")
    assert [cell.get_text() for cell in march.find_all("td")] == [
        "3",
        "2 (66.7%)",
        "0 (0.0%)",
        "0 (0.0%)",
        "1 (33.3%)",
        "0 (0.0%)",
        "0 (0.0%)",
        "0 (0.0%)",
    ]
    for table in page.soup.select("section h2"):
        links = [a for a in table.find_parent("section").find_all("a") if "Download this table" in a.get_text()]
        assert len(links) == 1 and "/staff/figures/download?table=" in links[0]["href"]
    download = client.raw.get("/staff/figures/download?table=costs&first=2026-03&last=2026-04&service=&ward=&place=")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    lines = download.get_data(as_text=True).splitlines()
    assert lines[0] == "Channel,Number,Unit cost,Cost,Cost if done by phone,Saving against phone"
    assert "Request: Face to face,1,£7.86,£7.86,£2.35,-£5.51" in lines
    assert client.get("/staff/figures/download?table=nothing", expect=None).status == 404


def test_empty_and_bad_filters(app, client, database):
    sign_in(client, make_user(role=Role.ADMIN))
    empty = client.get("/staff/figures")
    assert "No requests or contacts" in empty.text
    for query, field in (
        ("first=2026-05&last=2026-03", "last"),
        ("service=<script>", "service"),
        ("place=999999", "place"),
        ("first=1999-01", "first"),
        ("ward=" + "x" * 5000, "ward"),
    ):
        refused = client.get(f"/staff/figures?{query}")
        assert refused.title.startswith("Error:"), query
        assert refused.soup.select_one(f"#{field}-error") is not None, query
        assert "<script>" not in refused.text
        assert client.get(f"/staff/figures/download?table=shares&{query}", expect=None).status == 404


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    from app.staff.figures_tables import _safe_cell

    assert _safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert _safe_cell("+1") == "'+1" and _safe_cell("@x") == "'@x"
    assert _safe_cell("-£5.51") == "-£5.51" and _safe_cell("-") == "-" and _safe_cell("12.5%") == "12.5%"


def counts() -> dict:
    rows = db.session.execute(
        sa.select(
            ChannelFigureCount.month,
            ChannelFigureCount.service_id,
            ChannelFigureCount.measure,
            ChannelFigureCount.count,
        )
    )
    return {(month, service, measure): count for month, service, measure, count in rows if count}


def test_the_counts_kept_as_things_happen_are_what_counting_again_finds(app, data):
    staff = make_user(role=Role.STAFF)
    case = make_case(made=at(date(2026, 4, 2)), due=date(2026, 4, 20))
    # A contact while it was open, then answered (today, late) through the staff pages' service.
    case_contacts.record(case, staff, ContactChannel.EMAIL, when=at(date(2026, 4, 16)))
    case_work.change_status(case, staff, CaseStatus.CLOSED, None)
    db.session.flush()
    kept = counts()
    assert channel_figures_counts.rebuild() > 0
    db.session.flush()
    assert counts() == kept
    april = date(2026, 4, 1)
    assert kept[(april, "missed-bin", "made:online")] == 2  # this one and the one made just after midnight
    assert kept[(april, "missed-bin", "contact:email")] == 1 and kept[(april, "missed-bin", "avoidable")] == 1
    this_month = cases_service.london_today().replace(day=1)
    assert kept[(this_month, "missed-bin", "answered")] == 1
    assert (this_month, "missed-bin", "answered_on_time") not in kept


def test_a_request_closed_twice_is_answered_twice_and_ratings_count_the_kiosk(app, data):
    library = data
    case = make_case(made=at(date(2026, 4, 2)), due=date(2026, 4, 20), place=library)
    case.closed_at = at(date(2026, 4, 10))
    case.status = CaseStatus.CLOSED
    db.session.flush()
    case.closed_at = None
    db.session.flush()
    case.closed_at = at(date(2026, 4, 25))
    db.session.flush()
    db.session.add(
        SatisfactionResponse(
            service_id="missed-bin",
            channel=Channel.ONLINE,
            rating=SatisfactionRating.SATISFIED,
            case_id=case.id,
            created_at=at(date(2026, 4, 2)),
        )
    )
    db.session.flush()
    kept = counts()
    april = date(2026, 4, 1)
    assert kept[(april, "missed-bin", "answered")] == 2 and kept[(april, "missed-bin", "answered_on_time")] == 1
    assert kept[(april, "missed-bin", "rating:kiosk:satisfied")] == 1
