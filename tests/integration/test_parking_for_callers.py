"""Staff on the phone issuing a resident permit and selling visitor hours for a caller, through the
same forms residents use: the household is the caller's address (never the member of staff's), the
caller pays by a link sent to them, and what is made is recorded as the telephone channel."""

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import (
    Case,
    Channel,
    OutboundMessage,
    ParkingPermit,
    PermitStatus,
    Role,
    VisitorAccount,
    VisitorLedgerEntry,
    VisitorLedgerKind,
)
from app.services import channel_figures
from app.services.parking import permits
from tests.factories import make_user, sign_in
from tests.form_walk import walk

pytestmark = pytest.mark.db
STAFF_HOME = 100000000003  # the member of staff's own address, in zone A
CALLER_HOME = 100000000001  # zone A, may have permits


@pytest.fixture
def staff(client):
    person = make_user(role=Role.STAFF, email="phone-desk@council.example", uprn=STAFF_HOME)
    sign_in(client, person)
    return person


def payment_link() -> OutboundMessage:
    return db.session.scalar(
        sa.select(OutboundMessage).where(OutboundMessage.template == "payment_link").order_by(OutboundMessage.id.desc())
    )


def caller_pays(app, client, local_stripe, link: OutboundMessage):
    checkout = next(line for line in link.body.splitlines() if line.startswith(local_stripe.url))
    paid = local_stripe.pay(checkout)
    back = urlsplit(paid.headers["Location"])
    caller = type(client)(app.test_client())  # the caller's own phone: no session of ours
    return caller.get(f"{back.path}?{back.query}")


def telephone_count(app, service_id: str) -> int:
    today = permits.london_today()
    counted = channel_figures.figures(
        channel_figures.last_twelve_months(today), unit_costs=app.config["UNIT_COSTS_PENCE"], today=today
    )
    return counted.by_service[service_id]["telephone"]


def test_staff_issue_a_resident_permit_for_a_caller_at_the_callers_address(app, client, staff, local_stripe):
    start = client.get("/staff/phone-request")
    assert "parking-permits" in [option["value"] for option in start.soup.select("input[name=service]")]
    client.post(
        "/staff/phone-request",
        {"csrf_token": start.csrf_token(), "service": "parking-permits", "channel": "telephone"},
        expect=302,
    )
    with app.app_context():
        definition = forms_engine.get("parking-permits")
    walk(client, definition)
    check = client.get("/services/parking-permits/check-answers")
    sent = client.post("/services/parking-permits/check-answers", {"csrf_token": check.csrf_token()}, expect=302)
    assert client.get(sent.location).h1 == "Payment link sent"
    link = payment_link()
    assert link.recipient == "person@example.com" and "£55.00" in link.body
    # The same message serves bookings, permits and renewals: it does not call a permit a booking.
    assert "booking" not in f"{link.subject} {link.body}".lower()
    assert db.session.scalar(sa.select(ParkingPermit)) is None  # not until the caller pays

    done = caller_pays(app, client, local_stripe, link)
    assert done.h1.startswith("Payment received")
    permit = db.session.scalar(sa.select(ParkingPermit))
    case = db.session.get(Case, permit.case_id)
    assert permit.uprn == case.answers["address"]["uprn"] != staff.uprn  # the caller's household
    assert (permit.status, permit.user_id, permit.vrm) == (PermitStatus.ACTIVE, None, "DM19LOW")
    assert (case.channel, case.submitted_by_id, case.contact_email) == (
        Channel.TELEPHONE,
        staff.id,
        "person@example.com",
    )
    assert telephone_count(app, "parking-permits") == 1
    found = client.get("/staff/parking/permits", query_string={"q": "DM19LOW"})
    assert [a.text for a in found.soup.select("#permits-found a")] == [permit.reference]


def test_staff_sell_visitor_hours_to_a_caller_by_a_payment_link(app, client, staff, local_stripe):
    page = client.get(f"/staff/parking/visitors/{CALLER_HOME}")
    form = page.soup.find("form", action=f"/staff/parking/visitors/{CALLER_HOME}/buy-hours")
    assert form is not None
    client.post(f"/staff/parking/visitors/{CALLER_HOME}/buy-hours", {}, expect=400)  # no CSRF token
    client.post("/staff/parking/visitors/999999999999/buy-hours", {"csrf_token": page.csrf_token()}, expect=404)
    started = client.post(
        f"/staff/parking/visitors/{CALLER_HOME}/buy-hours", {"csrf_token": page.csrf_token()}, expect=302
    )
    assert started.location.endswith("/services/parking-visitors/pack")  # the address is already answered
    pack = client.get(started.location)
    contact = client.post(started.location, {"csrf_token": pack.csrf_token(), "pack": "hours-20"}, expect=302)
    shown = client.get(contact.location)
    to_check = client.post(contact.location, {"csrf_token": shown.csrf_token(), "email": "", "phone": "07700 900123"})
    assert to_check.status == 302, (contact.location, to_check.error_summary)
    check = client.get(to_check.location)
    assert "20 hours of visitor parking" in check.text and "£18.00" in check.text
    sent = client.post(to_check.location, {"csrf_token": check.csrf_token()}, expect=302)
    assert client.get(sent.location).h1 == "Payment link sent"
    link = payment_link()
    assert link.recipient.replace(" ", "").endswith("7700900123") and link.channel.value == "sms"
    assert (
        db.session.get(VisitorAccount, CALLER_HOME) is None
        or not db.session.get(VisitorAccount, CALLER_HOME).balance_units
    )

    caller_pays(app, client, local_stripe, link)
    account = db.session.get(VisitorAccount, CALLER_HOME)
    assert account.balance_units == 20
    entry = db.session.scalar(sa.select(VisitorLedgerEntry).where(VisitorLedgerEntry.kind == VisitorLedgerKind.BOUGHT))
    assert (entry.units, entry.channel, entry.user_id) == (20, "telephone", None)
    assert telephone_count(app, "parking-visitors") == 1
    assert "(by phone)" in client.get(f"/staff/parking/visitors/{CALLER_HOME}").soup.find(id="visitor-ledger").text


def test_residents_cannot_start_selling_hours(client):
    person = make_user(email="not-staff@example.com", uprn=CALLER_HOME)
    sign_in(client, person)
    token = client.get("/services/parking-permits/visitors").csrf_token()
    answer = client.post(f"/staff/parking/visitors/{CALLER_HOME}/buy-hours", {"csrf_token": token}, expect=None)
    assert answer.status in (403, 404)
