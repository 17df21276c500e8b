"""Visitor permits: a household buys hours in packs through the payment step, reads its ledger,
starts sessions for visitors' vehicles (now or later) that enforcement finds, cancels one before it
starts for all its credit back, keeps favourite vehicles; staff start sessions for callers by phone.
Hostile input is refused; no credit is ever spent twice."""

import threading
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import (
    Channel,
    ParkingPermit,
    PermitStatus,
    Role,
    VisitorAccount,
    VisitorFavourite,
    VisitorLedgerEntry,
    VisitorLedgerKind,
)
from app.services import api_keys
from app.services.errors import ServiceError
from app.services.parking import visitors
from app.services.parking.permits import LONDON
from tests.factories import make_user, sign_in
from tests.form_walk import send, walk
from tests.pages import PageClient

pytestmark = pytest.mark.db
PAGE = "/services/parking-permits/visitors"
HOME = 100000000001  # zone A, may have permits
CAR_FREE = 100000000002  # zone A, car-free


@pytest.fixture
def resident(client):
    person = make_user(email="visitor-host@example.com", uprn=HOME)
    sign_in(client, person)
    return person


def give_credit(uprn=HOME, units=10, user_id=None):
    in_app(lambda: visitors.add_credit(uprn, units, case_id=None, user_id=user_id, channel="online"))


def in_app(work):
    """Run service code in an app context of its own, committed; its session is then closed, so it
    leaves no savepoint open on the test's connection."""
    with _app.app_context():
        try:
            result = work()
            db.session.commit()
            return result
        finally:
            db.session.remove()


_app = None


@pytest.fixture(autouse=True)
def _remember_app(app):
    global _app
    _app = app


def start(client, data: dict, expect=None):
    shown = client.get(PAGE)
    form = {
        "csrf_token": shown.csrf_token(1) if len(shown.soup.select("form[method=post]")) > 1 else shown.csrf_token()
    }
    form |= {"start": "now", "length": "2", "day": visitors.london_today().isoformat(), "time": ""}
    return client.post(PAGE, form | data, expect=expect)


def csrf_of(page) -> str:
    return page.soup.find("input", {"name": "csrf_token"})["value"]


def test_a_resident_buys_hours_through_the_payment_step_and_reads_the_ledger(app, client, resident, local_stripe):
    with app.app_context():
        definition = forms_engine.get("parking-visitors")
    walk(client, definition)
    check, _sent = send(client, definition, local_stripe)
    assert "10 hours of visitor parking" in check.text and "£9.00" in check.text
    account = db.session.get(VisitorAccount, HOME)
    assert account.balance_units == 10
    entry = db.session.scalar(sa.select(VisitorLedgerEntry))
    assert (entry.kind, entry.units, entry.user_id, entry.channel) == (
        VisitorLedgerKind.BOUGHT,
        10,
        resident.id,
        "online",
    )
    assert entry.case_id is not None
    page = client.get(PAGE)
    credit = page.soup.find(id="visitor-credit").get_text(" ", strip=True)
    assert "Left to use 10 hours" in credit and "10 hours of 720 hours a year" in credit
    assert "Bought" in page.soup.find(id="visitor-ledger").get_text(" ", strip=True)


def test_a_pack_past_the_years_allowance_is_refused_on_its_page(app, client, resident):
    with app.app_context():
        definition = forms_engine.get("parking-visitors")
    walk(client, definition)
    give_credit(units=715)
    shown = client.get("/services/parking-visitors/pack")
    assert "This address can buy 5 more before 1 April" in shown.text
    page = client.post(
        "/services/parking-visitors/pack", {"csrf_token": shown.csrf_token(), "pack": "hours-10"}, expect=200
    )
    assert page.error_for("pack") == "This address can buy 5 more hours this year. Choose a smaller pack"


def test_a_session_now_is_found_by_enforcement_and_spends_credit(client, resident):
    give_credit(user_id=resident.id)
    start(client, {"vrm": "dm13 txd", "length": "3"}, expect=302)
    session = db.session.scalar(sa.select(ParkingPermit).where(ParkingPermit.permit_type == "visitor"))
    assert (session.vrm, session.zone, session.uprn, session.status) == ("DM13TXD", "A", HOME, PermitStatus.ACTIVE)
    assert session.ends_at - session.starts_at == timedelta(hours=3)
    assert db.session.get(VisitorAccount, HOME).balance_units == 7
    page = client.get(PAGE)
    assert "DM13TXD" in page.soup.find(id="visitor-sessions").get_text() and "Valid now" in page.text
    assert "Left to use 7 hours" in page.soup.find(id="visitor-credit").get_text(" ", strip=True)

    key = api_keys.create("Handhelds", api_keys.ENFORCEMENT, created_by=make_user(role=Role.ADMIN))
    db.session.commit()
    answer = client.raw.get(
        "/api/enforcement/v1/vrm/DM13TXD", query_string={"zone": "A"}, headers={"Authorization": f"Bearer {key.secret}"}
    ).get_json()
    assert answer["valid"] is True and [found["type"] for found in answer["permits"]] == ["visitor"]
    other_zone = client.raw.get(
        "/api/enforcement/v1/vrm/DM13TXD", query_string={"zone": "B"}, headers={"Authorization": f"Bearer {key.secret}"}
    ).get_json()
    assert other_zone["valid"] is False
    # The resident permits list and page are for resident permits only.
    assert client.get(f"/services/parking-permits/permits/{session.reference}", expect=404)


def test_a_later_session_can_be_cancelled_once_for_all_its_credit(client, resident):
    give_credit(user_id=resident.id)
    tomorrow = visitors.london_today() + timedelta(days=1)
    start(client, {"vrm": "DM13TXD", "start": "later", "day": tomorrow.isoformat(), "time": "14:30"}, expect=302)
    session = db.session.scalar(sa.select(ParkingPermit).where(ParkingPermit.permit_type == "visitor"))
    assert session.starts_at == datetime.combine(tomorrow, time(14, 30), tzinfo=LONDON)
    page = client.get(PAGE)
    assert "Starts later" in page.text
    url = f"{PAGE}/sessions/{session.reference}/cancel"
    client.post(url, {"csrf_token": csrf_of(page)}, expect=302)
    again = client.post(url, {"csrf_token": csrf_of(page)}, expect=302)
    assert again.status == 302
    db.session.refresh(session)
    assert session.status == PermitStatus.CANCELLED
    assert db.session.get(VisitorAccount, HOME).balance_units == 10
    kinds = db.session.scalars(sa.select(VisitorLedgerEntry.kind).order_by(VisitorLedgerEntry.id)).all()
    assert kinds == [VisitorLedgerKind.BOUGHT, VisitorLedgerKind.USED, VisitorLedgerKind.RETURNED]
    assert "already started or been cancelled" in client.get(PAGE).text


def test_a_session_that_has_started_cannot_be_cancelled(app_context):
    give_credit()
    session = visitors.start_session(HOME, vrm="DM13TXD", starts_at=None, units=1, channel="online", user_id=None)
    with pytest.raises(ServiceError, match="visitor-started"):
        visitors.cancel_session(session, channel="online", user_id=None)
    assert db.session.get(VisitorAccount, HOME).balance_units == 9


def test_the_rules_refuse_with_a_message_next_to_the_field(client, resident):
    give_credit(units=5, user_id=resident.id)
    too_far = visitors.london_today() + timedelta(days=29)
    cases = [
        ({"vrm": ""}, "vrm", "Enter the visitor's registration number"),
        ({"vrm": "NOT A CAR"}, "vrm", None),
        ({"vrm": "<script>alert(1)</script>"}, "vrm", None),
        ({"vrm": "A" * 5000}, "vrm", "Registration number must be 20 characters or fewer"),
        ({"vrm": "DM13TXD", "length": "8"}, "length", "You do not have enough hours left"),
        ({"vrm": "DM13TXD", "length": "99999999999999999999"}, "length", "Select how long the session lasts"),
        ({"vrm": "DM13TXD", "start": "later", "time": "25:99"}, "time", "Enter a time like 14:30"),
        ({"vrm": "DM13TXD", "start": "later", "time": ""}, "time", "Enter the time the visitor arrives"),
        ({"vrm": "DM13TXD", "start": "later", "day": too_far.isoformat(), "time": "10:00"}, "day", None),
        ({"vrm": "DM13TXD", "start": "sometime"}, "start", "Select when the visitor arrives"),
    ]
    for data, field, message in cases:
        page = start(client, data, expect=200)
        assert page.error_summary, data
        if message:
            assert message in page.error_for(field), (data, page.error_for(field))
        assert page.value_of("vrm") == data["vrm"] or len(data["vrm"]) > 20 or not data["vrm"]
    assert db.session.get(VisitorAccount, HOME).balance_units == 5


def test_sessions_at_once_and_one_vehicle_at_a_time(client, resident):
    give_credit(user_id=resident.id)
    start(client, {"vrm": "DM13TXD"}, expect=302)
    same = start(client, {"vrm": "DM13TXD"}, expect=200)
    assert same.error_for("vrm") == "This vehicle already has a visitor session at that time"
    start(client, {"vrm": "DM19LOW"}, expect=302)
    third = start(client, {"vrm": "DM17MED"}, expect=200)
    assert "You can have 2 visitor sessions at the same time" in third.error_for("start")
    later = visitors.london_today() + timedelta(days=2)
    start(client, {"vrm": "DM17MED", "start": "later", "day": later.isoformat(), "time": "09:00"}, expect=302)
    assert db.session.get(VisitorAccount, HOME).balance_units == 4


def test_other_peoples_sessions_and_favourites_are_not_found_and_csrf_is_required(app, client, resident):
    give_credit(uprn=100000000003, units=5)
    someone = make_user(email="someone@example.com", uprn=100000000003)
    tomorrow = datetime.combine(visitors.london_today() + timedelta(days=1), time(9), tzinfo=LONDON)
    theirs = in_app(
        lambda: (
            visitors.start_session(
                100000000003, vrm="DM13TXD", starts_at=tomorrow, units=1, channel="online", user_id=None
            ).id
        )
    )
    favourite = in_app(lambda: visitors.add_favourite(someone.id, "DM13TXD", "Gran").id)
    theirs = db.session.get(ParkingPermit, theirs)
    favourite = db.session.get(VisitorFavourite, favourite)
    page = client.get(PAGE)
    client.post(f"{PAGE}/sessions/{theirs.reference}/cancel", {"csrf_token": csrf_of(page)}, expect=404)
    client.post(f"{PAGE}/sessions/{'X' * 500}/cancel", {"csrf_token": csrf_of(page)}, expect=404)
    client.post(f"{PAGE}/favourites/{favourite.id}/remove", {"csrf_token": csrf_of(page)}, expect=404)
    client.post(f"{PAGE}/sessions/{theirs.reference}/cancel", {}, expect=400)
    client.post(PAGE, {"vrm": "DM13TXD", "start": "now", "length": "1"}, expect=400)
    db.session.refresh(theirs)
    assert theirs.status == PermitStatus.ACTIVE
    assert db.session.get(VisitorFavourite, favourite.id) is not None


def test_favourite_vehicles_are_kept_used_and_removed(client, resident):
    give_credit(user_id=resident.id)
    page = client.get(PAGE)
    kept = client.post(
        f"{PAGE}/favourites",
        {"csrf_token": csrf_of(page), "favourite_vrm": "dm13 txd", "favourite_name": "<b>Mum</b>"},
        expect=302,
    )
    assert kept.status == 302
    page = client.get(PAGE)
    listed = page.soup.find(id="visitor-favourites")
    assert "DM13TXD (<b>Mum</b>)" in listed.get_text(" ", strip=True) and listed.find("b") is None
    again = client.post(
        f"{PAGE}/favourites",
        {"csrf_token": csrf_of(page), "favourite_vrm": "DM13TXD", "favourite_name": "Mum"},
        expect=200,
    )
    assert again.error_for("favourite_vrm") == "You have already kept this vehicle"
    prefilled = client.get(f"{PAGE}?vrm=DM13TXD")
    assert prefilled.value_of("vrm") == "DM13TXD"
    favourite = db.session.scalar(sa.select(VisitorFavourite))
    client.post(f"{PAGE}/favourites/{favourite.id}/remove", {"csrf_token": csrf_of(page)}, expect=302)
    assert db.session.scalar(sa.select(VisitorFavourite)) is None


def test_car_free_homes_by_setting_and_addresses_in_no_zone(app, client):
    rules = in_app(visitors.settings)
    car_free = in_app(lambda: visitors.standing_of(CAR_FREE))
    assert car_free.visitor_permits(rules) is True
    assert car_free.visitor_permits(rules.model_copy(update={"car_free_visitor_permits": False})) is False
    person = make_user(email="car-free@example.com", uprn=CAR_FREE)
    sign_in(client, person)
    assert client.get(PAGE).soup.find(id="visitor-credit") is not None
    nowhere = make_user(email="no-zone@example.com", uprn=100000000041)
    other = PageClient(app.test_client())
    sign_in(other, nowhere)
    page = other.get(PAGE)
    assert "not in a controlled parking zone" in page.soup.find(id="visitor-refusal").text


def test_staff_start_a_session_for_a_caller_by_phone(app, client):
    give_credit(uprn=100000000003, units=4)
    staff = make_user(role=Role.STAFF, email="phone-staff@example.com")
    sign_in(client, staff)
    found = client.get("/staff/parking/visitors?postcode=DM1+1AB")
    assert found.soup.find(id="addresses") is not None
    url = "/staff/parking/visitors/100000000003"
    page = client.get(url)
    sent = client.post(
        url,
        {"csrf_token": page.csrf_token(), "vrm": "DM13TXD", "start": "now", "length": "2", "day": "", "time": ""},
        expect=302,
    )
    assert sent.status == 302
    entry = db.session.scalar(sa.select(VisitorLedgerEntry).where(VisitorLedgerEntry.kind == VisitorLedgerKind.USED))
    assert (entry.channel, entry.actor_id, entry.units) == (Channel.TELEPHONE.value, staff.id, -2)
    assert "(by phone)" in client.get(url).text
    client.get("/staff/parking/visitors/999999999999", expect=404)


def test_residents_cannot_use_the_staff_pages(client, resident):
    response = client.raw.get("/staff/parking/visitors/100000000001")
    assert response.status_code in (403, 404)


THREADS = 20
RACE_HOME = 100000000004  # zone A; no other test commits data for it


def _race(app, attempt) -> list[str]:
    """Run `attempt` on THREADS threads at once, each in its own app context, connection and
    committed transaction; the outcomes ("done" or the ServiceError's code)."""
    start_line = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def run(number):
        with app.app_context():
            start_line.wait()
            try:
                attempt(number)
                db.session.commit()
                outcomes.append("done")
            except ServiceError as error:
                db.session.rollback()
                outcomes.append(error.message)
            except Exception as error:  # noqa: BLE001  (any other failure must show in the assertion)
                db.session.rollback()
                outcomes.append(repr(error))

    threads = [threading.Thread(target=run, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _clean_up(app) -> None:
    with app.app_context():
        db.session.execute(sa.delete(VisitorLedgerEntry).where(VisitorLedgerEntry.uprn == RACE_HOME))
        db.session.execute(sa.delete(ParkingPermit).where(ParkingPermit.uprn == RACE_HOME))
        db.session.execute(sa.delete(VisitorAccount).where(VisitorAccount.uprn == RACE_HOME))
        db.session.commit()


def test_twenty_clicks_at_once_never_spend_the_same_credit_twice(app):
    """6 hours of credit, 20 sessions of 2 hours (each on a different day) asked for at once: exactly 3."""
    with app.app_context():
        visitors.add_credit(RACE_HOME, 6, case_id=None, user_id=None, channel="online")
        db.session.commit()
        first_day = visitors.london_today() + timedelta(days=1)
    try:
        outcomes = _race(
            app,
            lambda number: visitors.start_session(
                RACE_HOME,
                vrm="DM13TXD",
                starts_at=datetime.combine(first_day + timedelta(days=number), time(10), tzinfo=LONDON),
                units=2,
                channel="online",
                user_id=None,
            ),
        )
        assert sorted(set(outcomes)) == ["done", "visitor-credit"], outcomes
        assert outcomes.count("done") == 3 and len(outcomes) == THREADS
        with app.app_context():
            assert db.session.get(VisitorAccount, RACE_HOME).balance_units == 0
            spent = db.session.scalar(
                sa.select(sa.func.sum(VisitorLedgerEntry.units)).where(
                    VisitorLedgerEntry.uprn == RACE_HOME, VisitorLedgerEntry.kind == VisitorLedgerKind.USED
                )
            )
            sessions = db.session.scalar(
                sa.select(sa.func.count()).select_from(ParkingPermit).where(ParkingPermit.uprn == RACE_HOME)
            )
            assert (spent, sessions) == (-6, 3)
    finally:
        _clean_up(app)


def test_twenty_cancels_at_once_give_the_credit_back_once(app):
    with app.app_context():
        visitors.add_credit(RACE_HOME, 4, case_id=None, user_id=None, channel="online")
        later = datetime.combine(visitors.london_today() + timedelta(days=3), time(10), tzinfo=LONDON)
        session_id = visitors.start_session(
            RACE_HOME, vrm="DM13TXD", starts_at=later, units=4, channel="online", user_id=None
        ).id
        db.session.commit()
    try:
        outcomes = _race(
            app,
            lambda number: visitors.cancel_session(
                db.session.get(ParkingPermit, session_id), channel="online", user_id=None
            ),
        )
        assert sorted(set(outcomes)) == ["done", "visitor-started"], outcomes
        assert outcomes.count("done") == 1
        with app.app_context():
            assert db.session.get(VisitorAccount, RACE_HOME).balance_units == 4
    finally:
        _clean_up(app)
