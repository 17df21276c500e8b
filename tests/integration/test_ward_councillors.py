"""Ward councillors: only councillors see the list, only of their own wards, never the reporters'
names or contact details; a page at a time by keyset; reporting for a resident records the channel;
the digest's settings refuse hostile input; the digest goes out on the chosen days, through the
outbox, with the new and urgent reports of their wards only."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import Case, Channel, CouncillorWard, MessageChannel, OutboundMessage, Role, StreetReport, User
from app.services import channel_figures, councillors, street_reports_demo
from app.services.cases import london_today
from app.services.street_reports_demo import DEMO_EMAIL
from tests.factories import make_user, sign_in
from tests.form_walk import walk
from tests.integration.test_form_engine import submit

pytestmark = pytest.mark.db

MONDAY_MORNING = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # a Monday, 07:00 in London


@pytest.fixture
def demo_reports(app, database):
    staff = make_user(role=Role.STAFF)
    with app.test_request_context():
        street_reports_demo.load(db.session.get(User, staff.id))
        db.session.commit()
    return {report.category: report for report in db.session.scalars(sa.select(StreetReport))}


def make_councillor(wards: list[str], **fields) -> User:
    councillor = make_user(role=Role.COUNCILLOR, **fields)
    admin = make_user(role=Role.ADMIN)
    for ward in wards:  # set_wards checks them against the boundaries (tested through the admin page)
        db.session.add(CouncillorWard(user_id=councillor.id, ward=ward, added_by_id=admin.id))
    db.session.commit()
    return councillor


def listed_numbers(page) -> list[int]:
    return [int(a["href"].rsplit("/", 1)[1]) for a in page.soup.select("main table a")]


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.VOLUNTEER, Role.STAFF, Role.ADMIN])
@pytest.mark.parametrize("url", ["/councillor/reports", "/councillor/digest", "/councillor/report"])
def test_only_councillors_see_the_councillor_pages(app, client, role, url):
    sign_in(client, make_user(role=role))
    assert client.get(url, expect=None).status == 403


def test_signed_out_people_are_asked_to_sign_in(client):
    assert client.get("/councillor/reports", expect=302).location.startswith("/sign-in")


def test_a_councillor_sees_the_reports_in_their_wards_and_no_reporter_details(app, client, demo_reports):
    councillor = make_councillor(["Central"])
    sign_in(client, councillor)
    page = client.get("/councillor/reports")
    assert page.h1 == "Street reports in your wards"
    central = {demo_reports["fly-tipping"].id, demo_reports["graffiti"].id}
    assert set(listed_numbers(page)) == central
    assert "By the bins behind the bus shelter" in page.text
    assert "High Street, Demoton, Central" in page.text  # the street, not the house
    for report in demo_reports.values():
        case = db.session.get(Case, report.case_id)
        assert case.reference not in page.html
        assert case.contact_email is None or case.contact_email not in page.html
    assert DEMO_EMAIL not in page.html
    places = [row.select("td")[1].get_text(" ", strip=True) for row in page.soup.select("main tbody tr")]
    assert all(place.startswith("High Street, Demoton, Central") for place in places), places
    assert "Mill Lane" not in page.text  # Riverside's reports are not theirs


def test_a_councillor_with_no_wards_is_told_and_sees_nothing(app, client, demo_reports):
    sign_in(client, make_councillor([]))
    page = client.get("/councillor/reports")
    assert "You have no wards yet" in page.text
    assert listed_numbers(page) == []


def test_the_list_goes_a_page_at_a_time_newest_first(app, client, demo_reports, monkeypatch):
    monkeypatch.setattr(councillors, "PAGE_SIZE", 1)
    sign_in(client, make_councillor(["Central", "Riverside"]))
    seen, url = [], "/councillor/reports"
    while url:
        page = client.get(url)
        seen += listed_numbers(page)
        older = page.soup.find("a", rel="next")
        url = older["href"] if older else None
    newest_first = sorted(demo_reports.values(), key=lambda r: (r.created_at, r.id), reverse=True)
    assert seen == [report.id for report in newest_first]


@pytest.mark.parametrize("cursor", ["nonsense", "20261130T070000000000_x", "1" * 50, "20261399T990000000000_1"])
def test_a_forged_page_address_is_not_found(app, client, demo_reports, cursor):
    sign_in(client, make_councillor(["Central"]))
    assert client.get(f"/councillor/reports?before={cursor}", expect=None).status == 404


def test_a_councillor_reports_for_a_resident_and_the_channel_is_recorded(app, client):
    councillor = make_councillor(["Central"])
    sign_in(client, councillor)
    chooser = client.get("/councillor/report")
    started = client.post("/councillor/report", {"csrf_token": chooser.csrf_token(), "category": "graffiti"})
    assert started.status == 302 and started.location.endswith("/services/graffiti/where")
    with app.app_context():
        definition = forms_engine.get("graffiti")
    walk(client, definition)
    submit(client, definition)
    case = db.session.scalar(sa.select(Case).where(Case.service_id == "graffiti"))
    assert case.channel == Channel.COUNCILLOR
    assert case.user_id is None  # the resident's request, not the councillor's own
    assert case.contact_email != councillor.email
    month = channel_figures.month_start(london_today())  # counted apart in the channel-shift figures
    costs = {"face_to_face": 786, "telephone": 235, "web": 21, "letter_in": 67, "letter_out": 46}
    figures = channel_figures.figures(
        channel_figures.Filters(first_month=month, last_month=month), unit_costs=costs, today=london_today()
    )
    assert figures.transactions[0]["councillor"] == 1 and figures.transactions[0]["online"] == 0


def test_a_forged_category_is_refused(app, client):
    sign_in(client, make_councillor(["Central"]))
    chooser = client.get("/councillor/report")
    refused = client.post(
        "/councillor/report", {"csrf_token": chooser.csrf_token(), "category": "parking-permits"}, expect=200
    )
    assert refused.error_for("category") == "Select the problem"


def save_digest(client, data: dict, expect=302):
    shown = client.get("/councillor/digest")
    return client.post("/councillor/digest", {"csrf_token": shown.csrf_token(), **data}, expect=expect)


def test_the_digest_settings_are_saved_and_shown_again(app, client):
    councillor = make_councillor(["Central"])
    sign_in(client, councillor)
    save_digest(client, {"channel": "email", "days": ["mon", "thu"]})
    saved = councillors.digest_settings(councillor)
    assert (saved.channel, councillors.weekdays_of(saved)) == (MessageChannel.EMAIL, ["mon", "thu"])
    again = client.get("/councillor/digest")
    assert again.soup.find("input", {"name": "days", "value": "thu"}).has_attr("checked")
    save_digest(client, {"channel": "email"})  # no days: no digest
    db.session.expire_all()
    assert councillors.weekdays_of(councillors.digest_settings(councillor)) == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"channel": "sms", "days": ["mon"]}, "channel", "Add a mobile phone number to your account"),
        ({"channel": "<script>alert(1)</script>", "days": ["mon"]}, "channel", "Select how we should send it"),
        ({"channel": "email", "days": ["funday"]}, "days", "Select days of the week from the list"),
        ({"channel": "email", "days": ["mon" * 10000]}, "days", "Select days of the week from the list"),
        ({"days": ["mon"]}, "channel", "Select how we should send it"),
    ],
)
def test_hostile_or_wrong_digest_settings_are_refused_next_to_the_field(app, client, data, field, message):
    councillor = make_councillor(["Central"])
    sign_in(client, councillor)
    refused = save_digest(client, data, expect=200)
    assert refused.error_for(field).startswith(message)
    assert "<script>alert(1)</script>" not in refused.html
    assert councillors.digest_settings(councillor) is None


def test_the_digest_settings_need_the_csrf_token(app, client):
    councillor = make_councillor(["Central"])
    sign_in(client, councillor)
    refused = client.post("/councillor/digest", {"channel": "email", "days": ["mon"]}, expect=None)
    assert refused.status == 400
    assert councillors.digest_settings(councillor) is None


def test_admins_give_a_councillor_their_wards_and_forged_wards_are_refused(app, client):
    admin = make_user(role=Role.ADMIN)
    person = make_user()
    sign_in(client, admin)
    shown = client.get(f"/admin/users/{person.id}/role")
    to_wards = client.post(f"/admin/users/{person.id}/role", {"csrf_token": shown.csrf_token(), "role": "councillor"})
    assert to_wards.location.endswith(f"/admin/users/{person.id}/wards")
    page = client.get(to_wards.location)
    forged = client.post(to_wards.location, {"csrf_token": page.csrf_token(), "wards": ["Atlantis"]}, expect=200)
    assert forged.error_for("wards") == "Select wards from the list"
    none = client.post(to_wards.location, {"csrf_token": page.csrf_token()}, expect=200)
    assert none.error_for("wards") == "Select at least one ward"
    client.post(to_wards.location, {"csrf_token": page.csrf_token(), "wards": ["Central", "Riverside"]}, expect=302)
    rows = db.session.scalars(sa.select(CouncillorWard.ward).where(CouncillorWard.user_id == person.id)).all()
    assert sorted(rows) == ["Central", "Riverside"]
    resident = make_user()
    assert client.get(f"/admin/users/{resident.id}/wards", expect=None).status == 404  # not a councillor


def run_digests(now: datetime) -> dict[str, int]:
    """As the scheduler does: the job, then its commit."""
    counts = councillors.send_due_digests(now)
    db.session.commit()
    return counts


def outbox_for(user: User) -> list[OutboundMessage]:
    return list(db.session.scalars(sa.select(OutboundMessage).where(OutboundMessage.user_id == user.id)))


def test_the_digest_goes_on_the_chosen_days_with_the_new_and_urgent_reports_of_their_wards(app, demo_reports):
    councillor = make_councillor(["Central"])
    councillors.save_digest_settings(councillor, channel="email", days=["mon"])
    for report in demo_reports.values():
        report.created_at = MONDAY_MORNING - timedelta(hours=5)
    db.session.get(Case, demo_reports["graffiti"].case_id).urgent = True
    db.session.commit()
    with app.test_request_context():
        assert run_digests(MONDAY_MORNING) == {"sent": 1, "nothing_new": 0}
        sent = outbox_for(councillor)
        assert len(sent) == 1 and sent[0].channel == MessageChannel.EMAIL and sent[0].recipient == councillor.email
        body = sent[0].body
        assert sent[0].subject == "Street reports in your wards: 2 new, 1 urgent"
        assert "Fly-tipping: High Street, Demoton, Central" in body
        assert f"/street-reports/{demo_reports['graffiti'].id}" in body
        assert "Mill Lane" not in body and "Litter" not in body  # another ward's
        assert DEMO_EMAIL not in body and "1 High Street" not in body
        # Not twice the same day; not on a day they did not choose.
        assert run_digests(MONDAY_MORNING + timedelta(hours=3)) == {"sent": 0, "nothing_new": 0}
        assert run_digests(MONDAY_MORNING + timedelta(days=1)) == {"sent": 0, "nothing_new": 0}
        # The next Monday: the urgent report still open is told again; nothing new.
        next_week = run_digests(MONDAY_MORNING + timedelta(days=7))
        assert next_week == {"sent": 1, "nothing_new": 0}
        latest = outbox_for(councillor)[-1]
        assert latest.subject == "Street reports in your wards: 0 new, 1 urgent"


def test_a_digest_by_text_is_short_and_nothing_is_sent_when_nothing_is_new(app, demo_reports):
    councillor = make_councillor(["Riverside"], phone="+447700900222")
    councillors.save_digest_settings(councillor, channel="sms", days=list(councillors.WEEKDAYS))
    quiet = make_councillor(["Northfield"])
    councillors.save_digest_settings(quiet, channel="email", days=["mon"])
    for report in demo_reports.values():
        report.created_at = MONDAY_MORNING - timedelta(hours=5)
    db.session.commit()
    with app.test_request_context():
        assert run_digests(MONDAY_MORNING) == {"sent": 1, "nothing_new": 1}
        (text,) = outbox_for(councillor)
        assert (text.channel, text.recipient) == (MessageChannel.SMS, "+447700900222")
        assert text.body.startswith("Street reports in your wards: 2 new, 0 urgent and still open.")
        assert len(text.body) < 300
        assert outbox_for(quiet) == []


def test_flask_councillors_digest_puts_the_demo_councillors_digest_in_the_outbox(app, demo_reports):
    councillor = make_councillor(["Central"], email="cllr@example.com")
    councillors.save_digest_settings(councillor, channel="email", days=[])
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["councillors", "digest", "--to", "cllr@example.com"])
    assert result.exit_code == 0, result.output
    assert "Digest queued in the outbox" in result.output
    (message,) = outbox_for(councillor)
    assert "By the bins behind the bus shelter" not in message.body  # descriptions stay on the site
    assert "Fly-tipping" in message.body and "Graffiti" in message.body
    unknown = runner.invoke(args=["councillors", "digest", "--to", "nobody@example.com"])
    assert unknown.exit_code != 0 and "No ward councillor" in unknown.output
