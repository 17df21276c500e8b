"""Changing the vehicle on a resident permit: any number of times, seen by enforcement at once (the
new registration number valid, the old one not), the price difference for the days left paid
through Stripe or refunded to the card, and each change kept in the permit's history."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import ParkingPermit, ParkingPermitChange, PaymentRefund, PermitStatus, Role, utcnow
from app.services import api_keys
from app.services.parking import permits, vehicle_changes
from app.services.vehicles import VehicleAnswer, VehicleDetails
from tests.factories import make_user, sign_in
from tests.form_walk import follow_payment, send, walk

pytestmark = pytest.mark.db
FORM = "/services/parking-permits"


@pytest.fixture
def resident(client):
    person = make_user(email="changer@example.com", uprn=100000000001)
    sign_in(client, person)
    return person


def buy(app, client, local_stripe) -> ParkingPermit:
    """A 12-month permit for DM19 LOW (Band 1, £55), bought and paid through the form."""
    with app.app_context():
        definition = forms_engine.get("parking-permits")
    walk(client, definition)
    send(client, definition, local_stripe)
    return db.session.scalar(sa.select(ParkingPermit).order_by(ParkingPermit.id.desc()))


def ask_for(client, permit, vrm):
    shown = client.get(f"{FORM}/permits/{permit.reference}/vehicle")
    return client.post(f"{FORM}/permits/{permit.reference}/vehicle", {"csrf_token": shown.csrf_token(), "vrm": vrm})


def confirm(client, permit, vrm, expect=None):
    checked = ask_for(client, permit, vrm)
    assert checked.status == 200 and checked.soup.find(id="vehicle-change") is not None, checked.error_summary
    return checked, client.post(
        f"{FORM}/permits/{permit.reference}/vehicle",
        {"csrf_token": checked.csrf_token(), "vrm": vrm, "confirm": "yes"},
        expect=expect,
    )


def valid(client, key, vrm) -> bool:
    answer = client.raw.get(
        f"/api/enforcement/v1/vrm/{vrm}", query_string={"zone": "A"}, headers={"Authorization": f"Bearer {key}"}
    )
    return answer.get_json()["valid"]


@pytest.fixture
def key(client):
    made = api_keys.create("Handhelds", api_keys.ENFORCEMENT, created_by=make_user(role=Role.ADMIN))
    db.session.commit()
    return made.secret


def test_a_dearer_vehicle_is_paid_for_and_enforcement_sees_it_at_once(app, client, resident, local_stripe, key):
    permit = buy(app, client, local_stripe)
    assert valid(client, key, "DM19LOW") and not valid(client, key, "DM17MED")
    checked, paying = confirm(client, permit, "dm17 med", expect=303)
    assert "You pay £27.00" in checked.soup.find(id="difference").text  # Band 2 £82 - Band 1 £55, all 12 months left
    assert "Band 2, 101 to 140 g/km, 12 months: £82.00" in checked.text
    follow_payment(client, local_stripe, paying.location)
    db.session.refresh(permit)
    assert (permit.vrm, permit.price_pence, permit.status) == ("DM17MED", 8200, PermitStatus.ACTIVE)
    assert valid(client, key, "DM17MED") and not valid(client, key, "DM19LOW")
    change = db.session.scalar(sa.select(ParkingPermitChange))
    assert (change.old_vrm, change.new_vrm, change.difference_pence) == ("DM19LOW", "DM17MED", 2700)
    assert change.payment_id is not None
    page = client.get(f"{FORM}/permits/{permit.reference}")
    assert page.h1 == "DM17 MED"
    changes = " ".join(page.soup.find(id="permit-changes").text.split())
    assert "vehicle changed from DM19LOW to DM17MED. You paid £27.00." in changes


def test_a_cheaper_vehicle_is_refunded_and_the_vehicle_can_change_again(app, client, resident, local_stripe, key):
    permit = buy(app, client, local_stripe)
    _checked, paying = confirm(client, permit, "DM17MED", expect=303)  # Band 2, £82: £27 more
    follow_payment(client, local_stripe, paying.location)
    checked, _done = confirm(client, permit, "DM19LOW", expect=302)
    assert "We refund £27.00" in checked.soup.find(id="difference").text
    refund = db.session.scalar(sa.select(PaymentRefund))
    assert (refund.amount_pence, refund.succeeded) == (2700, True)
    confirm(client, permit, "DM21 EVC", expect=302)  # electric, £25: £30 more back
    db.session.refresh(permit)
    assert (permit.vrm, permit.price_pence) == ("DM21EVC", 2500)
    refunds = db.session.scalars(sa.select(PaymentRefund.amount_pence).order_by(PaymentRefund.id)).all()
    assert refunds == [2700, 3000]
    assert [valid(client, key, vrm) for vrm in ("DM21EVC", "DM19LOW", "DM17MED")] == [True, False, False]
    history = db.session.scalars(sa.select(ParkingPermitChange.new_vrm).order_by(ParkingPermitChange.id)).all()
    assert history == ["DM17MED", "DM19LOW", "DM21EVC"]


def test_the_difference_is_for_the_days_left(app_context):
    permit = ParkingPermit(
        reference="PRO-RATA",
        uprn=100000000001,
        zone="A",
        vrm="DM19LOW",
        vehicle={},
        starts_at=permits.london_midnight(date(2026, 1, 1)),
        ends_at=permits.london_midnight(date(2027, 1, 1)),
        months=12,
        price_pence=5500,
        quote={},
    )
    db.session.add(permit)
    db.session.flush()
    dearer = VehicleAnswer.from_dvla(VehicleDetails(registration="DM17MED", looked_up_at=utcnow(), co2_emissions=139))
    change = vehicle_changes.price_change(permit, dearer, today=date(2026, 7, 2))  # 183 of 365 days left
    assert (change.days_left, change.days_total, change.new_price_pence) == (183, 365, 8200)
    assert change.difference_pence == round(2700 * 183 / 365)  # £13.54
    permit.price_pence = 8200
    cheaper = vehicle_changes.price_change(
        permit,
        VehicleAnswer.from_dvla(VehicleDetails(registration="DM19LOW", looked_up_at=utcnow(), co2_emissions=95)),
        today=date(2026, 12, 31),
    )
    assert (cheaper.days_left, cheaper.difference_pence) == (1, -7)  # £27 × 1/365, to the penny


def test_refusals_come_with_a_reason_and_nothing_changes(app, client, resident, local_stripe, dvla_outage):
    permit = buy(app, client, local_stripe)
    other = make_user(email="other-holder@example.com", uprn=100000000003)
    db.session.add(
        ParkingPermit(
            reference="OTHER-1",
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
    for vrm, message in (
        ("DM19 LOW", "This is the vehicle the permit is already for"),
        ("DM68 HGH", "This vehicle already has a resident permit"),
        ("ER19 NFD", "The DVLA does not know this registration number"),
        ("ER19 MNT", "We cannot check vehicles with the DVLA at the moment"),
        ("NOT A CAR", None),
        ("<script>", None),
        ("9" * 5000, "Registration number must be 20 characters or fewer"),
        ("", "Enter the new vehicle's registration number"),
    ):
        page = ask_for(client, permit, vrm)
        assert page.status == 200 and page.error_summary, vrm
        if message:
            assert page.error_for("vrm").startswith(message), (vrm, page.error_for("vrm"))
    # Somebody else's permit, a reference that cannot be one, and no CSRF token.
    client.get(f"{FORM}/permits/OTHER-1/vehicle", expect=404)
    client.get(f"{FORM}/permits/{'Z' * 300}/vehicle", expect=404)
    client.post(f"{FORM}/permits/{permit.reference}/vehicle", {"vrm": "DM17MED", "confirm": "yes"}, expect=400)
    client.get(f"{FORM}/permits/{permit.reference}/vehicle/paid?session_id=cs_nothing", expect=404)
    db.session.refresh(permit)
    assert permit.vrm == "DM19LOW" and db.session.scalar(sa.select(ParkingPermitChange)) is None
    permit.status = PermitStatus.CANCELLED
    db.session.commit()
    assert client.get(f"{FORM}/permits/{permit.reference}/vehicle", expect=302).status == 302
