"""Moving home with a resident permit: same zone keeps it, another zone prices it again for the days
left (paid or refunded through the local Stripe), an address that cannot have permits ends it with
the cancellation refund; the outcome is shown before confirming; enforcement sees the new zone from
the day of the move; a second confirm changes nothing."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ParkingPermit, ParkingPermitChange, PaymentRefund, PermitStatus, Role, utcnow
from app.services import api_keys
from app.services.parking import moving, permits
from app.services.parking.enforcement import iso_utc
from tests.factories import make_user, sign_in
from tests.form_walk import follow_payment
from tests.integration.test_parking_vehicle_changes import FORM, buy

pytestmark = pytest.mark.db

SAME_ZONE_HOME = 100000000003  # 3 High Street, DM1 1AB: zone A
RIVERSIDE = 100000000021  # 1 Mill Lane, DM2 3EF: zone B, 80% of the price
CAR_FREE = 100000000030  # 10 Mill Lane, DM2 3EF: zone B, car-free
NO_ZONE = 100000000041  # 1 Station Approach, DM3 5JK


@pytest.fixture
def resident(client):
    person = make_user(email="mover@example.com", uprn=100000000001)
    sign_in(client, person)
    return person


@pytest.fixture
def key(client):
    made = api_keys.create("Handhelds", api_keys.ENFORCEMENT, created_by=make_user(role=Role.ADMIN))
    db.session.commit()
    return made.secret


def valid_at(client, key, vrm, zone, at=None) -> bool:
    query = {"zone": zone}
    if at is not None:
        query["at"] = iso_utc(at)
    answer = client.raw.get(
        f"/api/enforcement/v1/vrm/{vrm}", query_string=query, headers={"Authorization": f"Bearer {key}"}
    )
    return answer.get_json()["valid"]


def ask(client, permit, postcode, uprn, day: date):
    shown = client.get(f"{FORM}/permits/{permit.reference}/move", query_string={"postcode": postcode})
    return client.post(
        f"{FORM}/permits/{permit.reference}/move",
        {
            "csrf_token": shown.csrf_token(),
            "postcode": postcode,
            "uprn": str(uprn),
            "moves_on": [str(day.day), str(day.month), str(day.year)],
        },
    )


def confirm(client, permit, postcode, uprn, day, expect=302):
    checked = ask(client, permit, postcode, uprn, day)
    assert checked.status == 200 and checked.soup.find(id="move-outcome") is not None, checked.error_summary
    return checked, client.post(
        f"{FORM}/permits/{permit.reference}/move",
        {
            "csrf_token": checked.csrf_token(),
            "postcode": postcode,
            "uprn": str(uprn),
            "moves_on": [str(day.day), str(day.month), str(day.year)],
            "confirm": "yes",
        },
        expect=expect,
    )


def test_same_zone_keeps_the_permit_with_the_new_address(app, client, resident, local_stripe, key):
    permit = buy(app, client, local_stripe)
    assert client.get(f"{FORM}/permits/{permit.reference}").soup.find(id="move-permit") is not None
    checked, _done = confirm(client, permit, "DM1 1AB", SAME_ZONE_HOME, permits.london_today())
    assert checked.soup.find(id="move-outcome")["data-outcome"] == "same-zone"
    assert "you keep your permit" in checked.soup.find(id="move-result").text
    db.session.refresh(permit)
    assert (permit.uprn, permit.zone, permit.price_pence, permit.moves_at) == (SAME_ZONE_HOME, "A", 5500, None)
    assert valid_at(client, key, "DM19LOW", "A")
    assert db.session.scalar(sa.select(ParkingPermitChange.kind)) == "move"


def test_another_zone_later_is_refunded_pro_rata_and_enforcement_sees_it_from_the_day(
    app, client, resident, local_stripe, key
):
    permit = buy(app, client, local_stripe)  # £55, zone A, 12 months from today
    day = permits.london_today() + timedelta(days=10)
    checked, _done = confirm(client, permit, "dm2 3ef", RIVERSIDE, day)
    days_total = (permits.last_day(permit) - permits.first_day(permit)).days + 1
    days_left = days_total - 10
    refund = (1100 * days_left * 2 + days_total) // (days_total * 2)  # zone B costs 20% less: £11 a year
    assert f"We refund £{refund / 100:.2f}" in checked.soup.find(id="difference").text
    assert "Zone B costs less: -20%: -£11.00" in checked.text
    db.session.refresh(permit)
    assert (permit.zone, permit.move_zone, permit.price_pence) == ("A", "B", 4400)
    assert db.session.scalar(sa.select(PaymentRefund.amount_pence)) == refund
    moment = permits.london_midnight(day)
    # Zone A until midnight on the day of the move, zone B from then.
    assert valid_at(client, key, "DM19LOW", "A") and not valid_at(client, key, "DM19LOW", "B")
    assert valid_at(client, key, "DM19LOW", "B", moment) and not valid_at(client, key, "DM19LOW", "A", moment)
    feed = client.raw.get(
        "/api/enforcement/v1/permits", query_string={"zone": "A"}, headers={"Authorization": f"Bearer {key}"}
    ).get_json()
    synced = next(found for found in feed["permits"] if found["reference"] == permit.reference)
    assert synced["moves"] == {"zone": "B", "from": iso_utc(moment)}
    page = client.get(f"{FORM}/permits/{permit.reference}")
    assert "1 Mill Lane" in page.soup.find(id="permit-move").text
    assert page.soup.find(id="move-permit") is None  # one move at a time
    client.get(f"{FORM}/permits/{permit.reference}/move", expect=302)
    # The day comes: the daily job makes it the permit's own address.
    permit.moves_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert moving.apply_due_moves() == {"moved": 1}
    db.session.commit()
    db.session.refresh(permit)
    assert (permit.uprn, permit.zone, permit.move_zone, permit.moves_at) == (RIVERSIDE, "B", None, None)
    assert valid_at(client, key, "DM19LOW", "B") and not valid_at(client, key, "DM19LOW", "A")


def test_a_dearer_zone_is_paid_for_through_stripe(app, client, resident, local_stripe, key):
    permit = buy(app, client, local_stripe)  # zone A: £55
    confirm(client, permit, "DM2 3EF", RIVERSIDE, permits.london_today())  # zone B today: £11 back
    db.session.refresh(permit)
    assert (permit.zone, permit.price_pence) == ("B", 4400)
    checked, paying = confirm(client, permit, "DM1 1AB", SAME_ZONE_HOME, permits.london_today(), expect=303)
    assert "You pay £11.00" in checked.soup.find(id="difference").text  # all days left
    follow_payment(client, local_stripe, paying.location)
    db.session.refresh(permit)
    assert (permit.uprn, permit.zone, permit.price_pence) == (SAME_ZONE_HOME, "A", 5500)
    assert valid_at(client, key, "DM19LOW", "A") and not valid_at(client, key, "DM19LOW", "B")
    change = db.session.scalar(sa.select(ParkingPermitChange).order_by(ParkingPermitChange.id.desc()).limit(1))
    assert (change.kind, change.difference_pence) == ("move", 1100) and change.payment_id is not None


@pytest.mark.parametrize(("postcode", "uprn"), [("DM3 5JK", NO_ZONE), ("DM2 3EF", CAR_FREE)])
def test_an_address_without_permits_ends_it_with_the_cancellation_refund(
    app, client, resident, local_stripe, key, postcode, uprn
):
    permit = buy(app, client, local_stripe)  # £55 for 12 months from today
    day = permits.london_today() + timedelta(days=5)
    checked, _done = confirm(client, permit, postcode, uprn, day)
    assert checked.soup.find(id="move-outcome")["data-outcome"] == "leaves"
    # 11 whole months from the day of the move: £55 × 11/12 = £50.42, less the £10 admin fee.
    assert checked.soup.find(id="refund")["data-refund-pence"] == "4042"
    db.session.refresh(permit)
    assert permit.status == PermitStatus.ACTIVE and permit.ends_at == permits.london_midnight(day)
    assert db.session.scalar(sa.select(PaymentRefund.amount_pence)) == 4042
    assert valid_at(client, key, "DM19LOW", "A")
    assert not valid_at(client, key, "DM19LOW", "A", permits.london_midnight(day) + timedelta(minutes=6))
    # A second confirm (an old tab) changes nothing and refunds nothing more.
    again = client.post(
        f"{FORM}/permits/{permit.reference}/move",
        {
            "csrf_token": checked.csrf_token(),
            "postcode": postcode,
            "uprn": str(uprn),
            "moves_on": [str(day.day), str(day.month), str(day.year)],
            "confirm": "yes",
        },
        expect=302,
    )
    assert again.status == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentRefund)) == 1


def test_moving_today_out_of_the_zones_cancels_at_once(app, client, resident, local_stripe, key):
    permit = buy(app, client, local_stripe)
    confirm(client, permit, "DM3 5JK", NO_ZONE, permits.london_today())
    db.session.refresh(permit)
    assert permit.status == PermitStatus.CANCELLED
    assert not valid_at(client, key, "DM19LOW", "A")


def test_refusals_come_with_a_reason_and_change_nothing(app, client, resident, local_stripe):
    permit = buy(app, client, local_stripe)
    today = permits.london_today()
    for number in (1, 2):  # 3 High Street already has the most permits a household may have... almost
        db.session.add(
            ParkingPermit(
                reference=f"FULL-{number}",
                user_id=make_user(email=f"full{number}@example.com").id,
                uprn=SAME_ZONE_HOME,
                zone="A",
                vrm=f"DM68HG{number}",
                vehicle={},
                starts_at=permits.london_midnight(today),
                ends_at=permits.london_midnight(today + timedelta(days=60)),
                months=3,
                price_pence=100,
                quote={},
            )
        )
    db.session.add(
        ParkingPermit(
            reference="FULL-3",
            user_id=make_user(email="full3@example.com").id,
            uprn=SAME_ZONE_HOME,
            zone="A",
            vrm="DM68HG3",
            vehicle={},
            starts_at=permits.london_midnight(today),
            ends_at=permits.london_midnight(today + timedelta(days=60)),
            months=3,
            price_pence=100,
            quote={},
        )
    )
    db.session.commit()
    for postcode, uprn, day, field, message in (
        ("DM1 1AB", 100000000001, today, "uprn", "This is the address the permit is for now"),
        ("DM1 1AB", SAME_ZONE_HOME, today, "uprn", "The new address already has as many resident permits"),
        ("DM1 1AB", 999, today, "uprn", "Select your new address from the list"),
        ("DM1 1AB", "<script>", today, "uprn", "Select your new address from the list"),
        (
            "DM2 3EF",
            RIVERSIDE,
            today - timedelta(days=1),
            "moves_on-fieldset",
            "The day you move must be the same as or after",
        ),
        (
            "DM2 3EF",
            RIVERSIDE,
            today + timedelta(days=29),
            "moves_on-fieldset",
            "The day you move must be the same as or before",
        ),
    ):
        page = ask(client, permit, postcode, uprn, day)
        assert page.status == 200 and page.error_summary, (uprn, day)
        assert page.error_for(field).startswith(message), (uprn, day, page.error_for(field))
    # A date that is not one, and the answers kept.
    shown = client.get(f"{FORM}/permits/{permit.reference}/move", query_string={"postcode": "DM2 3EF"})
    page = client.post(
        f"{FORM}/permits/{permit.reference}/move",
        {
            "csrf_token": shown.csrf_token(),
            "postcode": "DM2 3EF",
            "uprn": str(RIVERSIDE),
            "moves_on": ["31", "2", "x" * 5000],
        },
    )
    assert page.error_for("moves_on-fieldset").startswith("The day you move must be a real date")
    assert page.soup.find(id="uprn").find("option", selected=True)["value"] == str(RIVERSIDE)
    # Postcodes: empty, not one, not ours, markup.
    for postcode, message in (
        ("", "Enter the postcode of your new address"),
        ("<b>x</b>", "Enter a full UK postcode, like DM1 1AB"),
        ("SW1A 1AA", "We cannot find that postcode in our area"),
        ("Z" * 5000, "Enter a full UK postcode, like DM1 1AB"),
    ):
        page = client.get(f"{FORM}/permits/{permit.reference}/move", query_string={"postcode": postcode})
        assert page.error_summary and page.error_summary[0].startswith(message), postcode
        assert page.error_for("postcode").startswith(message)
    # Somebody else's permit, a reference that cannot be one, no CSRF token.
    client.get(f"{FORM}/permits/FULL-1/move", expect=404)
    client.get(f"{FORM}/permits/{'Z' * 300}/move", expect=404)
    client.get(f"{FORM}/permits/{permit.reference}/move/paid?session_id=cs_nothing", expect=404)
    client.post(
        f"{FORM}/permits/{permit.reference}/move",
        {"postcode": "DM3 5JK", "uprn": str(NO_ZONE), "moves_on": ["1", "1", "2030"], "confirm": "yes"},
        expect=400,
    )
    db.session.refresh(permit)
    assert (permit.uprn, permit.status, permit.moves_at) == (100000000001, PermitStatus.ACTIVE, None)
    assert db.session.scalar(sa.select(ParkingPermitChange)) is None


@pytest.mark.parametrize(
    ("moves_on", "uprn", "kind", "days_left", "difference", "refund"),
    [
        # A £55 permit for 2026 (365 days), looked at on 1 July 2026.
        (date(2026, 7, 1), SAME_ZONE_HOME, moving.SAME_ZONE, 184, 0, None),
        (date(2026, 7, 1), RIVERSIDE, moving.NEW_ZONE, 184, -round(1100 * 184 / 365), None),  # £11 less a year
        (date(2026, 7, 29), RIVERSIDE, moving.NEW_ZONE, 156, -round(1100 * 156 / 365), None),
        # Out of the zones: whole months from the day of the move (6 from 1 July), less the £10 fee.
        (date(2026, 7, 1), NO_ZONE, moving.LEAVES, 184, 0, round(5500 * 6 / 12) - 1000),
        (date(2026, 7, 2), CAR_FREE, moving.LEAVES, 183, 0, round(5500 * 5 / 12) - 1000),
    ],
)
def test_what_a_move_does_over_a_table_of_cases(app_context, moves_on, uprn, kind, days_left, difference, refund):
    holder = make_user(email="table@example.com", uprn=100000000001)
    permit = ParkingPermit(
        reference="MOVE-TABLE",
        user_id=holder.id,
        uprn=100000000001,
        zone="A",
        vrm="DM19LOW",
        vehicle=demo_vehicle_answer(),
        starts_at=permits.london_midnight(date(2026, 1, 1)),
        ends_at=permits.london_midnight(date(2027, 1, 1)),
        months=12,
        price_pence=5500,
        quote={},
    )
    db.session.add(permit)
    db.session.flush()
    outcome = moving.plan(permit, uprn, moves_on, today=date(2026, 7, 1))
    assert (outcome.kind, outcome.days_left, outcome.difference_pence) == (kind, days_left, difference)
    if refund is not None:
        # What is left to refund caps the refund; this permit was not paid through the site.
        assert outcome.refund.unused_pence - outcome.refund.admin_fee_pence == refund
        assert outcome.ends_on == moves_on - timedelta(days=1)


def demo_vehicle_answer() -> dict:
    from app.services.vehicles import VehicleAnswer, VehicleDetails

    return VehicleAnswer.from_dvla(
        VehicleDetails(registration="DM19LOW", looked_up_at=utcnow(), co2_emissions=95)
    ).to_answer()
