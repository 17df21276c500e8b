"""A temporary courtesy vehicle on a resident permit: enforcement sees the permit move to the
courtesy vehicle at once and back when it ends; one at a time, no charge, up to the settings' days;
refusals come with a reason next to the field and change nothing."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ParkingPermit, ParkingPermitChange, Payment, PermitStatus, Role, utcnow
from app.services import api_keys
from app.services.parking import courtesy, permits
from app.services.parking.enforcement import iso_utc
from tests.factories import make_user, sign_in
from tests.integration.test_parking_vehicle_changes import FORM, buy, valid

pytestmark = pytest.mark.db


@pytest.fixture
def resident(client):
    person = make_user(email="courtesy@example.com", uprn=100000000001)
    sign_in(client, person)
    return person


@pytest.fixture
def key(client):
    made = api_keys.create("Handhelds", api_keys.ENFORCEMENT, created_by=make_user(role=Role.ADMIN))
    db.session.commit()
    return made.secret


def valid_at(client, key, vrm, at) -> bool:
    answer = client.raw.get(
        f"/api/enforcement/v1/vrm/{vrm}",
        query_string={"zone": "A", "at": iso_utc(at)},
        headers={"Authorization": f"Bearer {key}"},
    )
    return answer.get_json()["valid"]


def ask_for(client, permit, vrm, days="7"):
    shown = client.get(f"{FORM}/permits/{permit.reference}/courtesy-vehicle")
    return client.post(
        f"{FORM}/permits/{permit.reference}/courtesy-vehicle",
        {"csrf_token": shown.csrf_token(), "vrm": vrm, "days": days},
    )


def confirm(client, permit, vrm, days="7", expect=302):
    checked = ask_for(client, permit, vrm, days)
    assert checked.status == 200 and checked.soup.find(id="courtesy-check") is not None, checked.error_summary
    return checked, client.post(
        f"{FORM}/permits/{permit.reference}/courtesy-vehicle",
        {"csrf_token": checked.csrf_token(), "vrm": vrm, "days": days, "confirm": "yes"},
        expect=expect,
    )


def test_the_permit_covers_the_courtesy_vehicle_for_its_days_and_then_the_own_one_again(
    app, client, resident, local_stripe, key
):
    permit = buy(app, client, local_stripe)
    page = client.get(f"{FORM}/permits/{permit.reference}")
    assert page.soup.find(id="add-courtesy") is not None
    assert valid(client, key, "DM19LOW") and not valid(client, key, "DM17MED")
    payments_before = db.session.scalar(sa.select(sa.func.count()).select_from(Payment))
    checked, _done = confirm(client, permit, "dm17 med", days="3")
    last_day = permits.london_today() + timedelta(days=2)
    assert "Free" in checked.soup.find(id="courtesy-check").text
    db.session.refresh(permit)
    assert permit.courtesy_vrm == "DM17MED" and permit.vrm == "DM19LOW"
    assert permit.courtesy_ends_at == permits.london_midnight(last_day + timedelta(days=1))
    # The permit moves to the courtesy vehicle: valid for it, not for the holder's own.
    assert valid(client, key, "DM17MED") and not valid(client, key, "DM19LOW")
    answer = client.raw.get(
        "/api/enforcement/v1/vrm/DM17MED", query_string={"zone": "A"}, headers={"Authorization": f"Bearer {key}"}
    ).get_json()
    assert answer["permits"][0]["courtesy"] is True and answer["permits"][0]["reference"] == permit.reference
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == payments_before  # no charge
    # Handhelds that sync get the permit again, with the courtesy vehicle.
    feed = client.raw.get(
        "/api/enforcement/v1/permits", query_string={"zone": "A"}, headers={"Authorization": f"Bearer {key}"}
    ).get_json()
    synced = next(found for found in feed["permits"] if found["reference"] == permit.reference)
    assert synced["vrm"] == "DM19LOW" and synced["courtesy"]["vrm"] == "DM17MED"
    assert synced["courtesy"]["valid_to"] == iso_utc(permit.courtesy_ends_at)
    page = client.get(f"{FORM}/permits/{permit.reference}")
    shown = " ".join(page.soup.find(id="courtesy-vehicle").text.split())
    assert "covers DM17 MED instead of DM19 LOW" in shown
    assert page.soup.find(id="add-courtesy") is None  # one at a time
    # A second confirm (an old tab) changes nothing.
    again = client.get(f"{FORM}/permits/{permit.reference}/courtesy-vehicle", expect=302)
    assert again.status == 302
    # Ended early: back to the holder's own vehicle at once.
    shown = client.get(f"{FORM}/permits/{permit.reference}/courtesy-vehicle/end")
    assert shown.h1 == "End the courtesy vehicle DM17 MED now?"
    client.post(
        f"{FORM}/permits/{permit.reference}/courtesy-vehicle/end", {"csrf_token": shown.csrf_token()}, expect=302
    )
    # The holder's own vehicle at once; the courtesy one keeps the grace period, like a permit that ended.
    assert valid(client, key, "DM19LOW") and valid(client, key, "DM17MED")
    assert not valid_at(client, key, "DM17MED", utcnow() + timedelta(minutes=6))
    client.post(
        f"{FORM}/permits/{permit.reference}/courtesy-vehicle/end", {"csrf_token": shown.csrf_token()}, expect=302
    )
    kinds = db.session.scalars(sa.select(ParkingPermitChange.kind).order_by(ParkingPermitChange.id)).all()
    assert kinds == ["courtesy", "courtesy-end"]
    history = " ".join(client.get(f"{FORM}/permits/{permit.reference}").soup.find(id="permit-changes").text.split())
    assert "courtesy vehicle DM17MED added, instead of DM19LOW" in history
    assert "courtesy vehicle DM17MED ended early" in history
    # Another can be added after the first ended.
    confirm(client, permit, "DM21 EVC", days="1")
    assert valid(client, key, "DM21EVC") and not valid(client, key, "DM19LOW")
    tomorrow = permits.london_midnight(permits.london_today() + timedelta(days=1))
    assert valid_at(client, key, "DM19LOW", tomorrow + timedelta(minutes=1))  # after its one day
    assert not valid_at(client, key, "DM21EVC", tomorrow + timedelta(minutes=6))


def test_the_courtesy_days_never_pass_the_permits_end(app_context):
    permit = ParkingPermit(
        reference="COURTESY-END",
        uprn=100000000001,
        zone="A",
        vrm="DM19LOW",
        vehicle={},
        starts_at=permits.london_midnight(date(2026, 1, 1)),
        ends_at=permits.london_midnight(date(2026, 2, 1)),
        months=1,
        price_pence=5500,
        quote={},
    )
    for today, days, last_day in (
        (date(2026, 1, 10), 1, date(2026, 1, 10)),
        (date(2026, 1, 10), 7, date(2026, 1, 16)),
        (date(2026, 1, 28), 7, date(2026, 1, 31)),  # the permit's last day
        (date(2026, 1, 31), 28, date(2026, 1, 31)),
    ):
        ends = courtesy.ends_at_for(permit, days, today=today)
        assert (ends.astimezone(permits.LONDON) - timedelta(days=1)).date() == last_day, (today, days)


def test_refusals_come_with_a_reason_and_change_nothing(app, client, resident, local_stripe, dvla_outage):
    permit = buy(app, client, local_stripe)
    other = make_user(email="other-courtesy@example.com", uprn=100000000003)
    db.session.add(
        ParkingPermit(
            reference="OTHER-C",
            user_id=other.id,
            uprn=100000000003,
            zone="A",
            vrm="DM68HGH",
            vehicle={},
            starts_at=permits.london_midnight(date.today()),
            ends_at=permits.london_midnight(date.today() + timedelta(days=30)),
            months=3,
            price_pence=100,
            quote={},
        )
    )
    db.session.commit()
    for vrm, days, field, message in (
        ("DM19 LOW", "7", "vrm", "This is the vehicle the permit is already for"),
        ("DM68 HGH", "7", "vrm", "This vehicle already has a resident permit"),
        ("ER19 NFD", "7", "vrm", "The DVLA does not know this registration number"),
        ("ER19 MNT", "7", "vrm", "We cannot check vehicles with the DVLA at the moment"),
        ("<script>", "7", "vrm", None),
        ("9" * 5000, "7", "vrm", "Registration number must be 20 characters or fewer"),
        ("", "7", "vrm", "Enter the courtesy vehicle's registration number"),
        ("DM17 MED", "", "days", "Enter how many days you need the courtesy vehicle for"),
        ("DM17 MED", "0", "days", "Enter a number of days from 1 to 28"),
        ("DM17 MED", "29", "days", "Enter a number of days from 1 to 28"),
        ("DM17 MED", "-3", "days", "Enter the number of days as a whole number, like 7"),
        ("DM17 MED", "<b>7</b>", "days", "Enter the number of days as a whole number, like 7"),
        ("DM17 MED", "٣", "days", "Enter the number of days as a whole number, like 7"),
        ("DM17 MED", "9" * 5000, "days", "Enter a number of days, like 7"),
    ):
        page = ask_for(client, permit, vrm, days)
        assert page.status == 200 and page.error_summary, (vrm, days)
        if message:
            assert page.error_for(field).startswith(message), (vrm, days, page.error_for(field))
        if field == "days":
            assert page.soup.find(id="vrm")["value"] == "DM17MED"  # nothing entered is lost
    # Forged confirmations with bad days, somebody else's permit, a reference that cannot be one,
    # no CSRF token.
    shown = client.get(f"{FORM}/permits/{permit.reference}/courtesy-vehicle")
    forged = client.post(
        f"{FORM}/permits/{permit.reference}/courtesy-vehicle",
        {"csrf_token": shown.csrf_token(), "vrm": "DM17MED", "days": "365", "confirm": "yes"},
    )
    assert forged.error_for("days").startswith("Enter a number of days from 1 to 28")
    client.get(f"{FORM}/permits/OTHER-C/courtesy-vehicle", expect=404)
    client.get(f"{FORM}/permits/OTHER-C/courtesy-vehicle/end", expect=404)
    client.get(f"{FORM}/permits/{'Z' * 300}/courtesy-vehicle", expect=404)
    forged_without_token = {"vrm": "DM17MED", "days": "3", "confirm": "yes"}
    client.post(f"{FORM}/permits/{permit.reference}/courtesy-vehicle", forged_without_token, expect=400)
    db.session.refresh(permit)
    assert permit.courtesy_vrm is None and db.session.scalar(sa.select(ParkingPermitChange)) is None
    # Nothing to end; and a cancelled permit cannot have one.
    client.get(f"{FORM}/permits/{permit.reference}/courtesy-vehicle/end", expect=302)
    permit.status = PermitStatus.CANCELLED
    db.session.commit()
    client.get(f"{FORM}/permits/{permit.reference}/courtesy-vehicle", expect=302)
