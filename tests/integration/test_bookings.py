"""A bulky waste booking after it is paid for: the resident changes or cancels it before the cut-off,
staff run the day's schedule, record what happened, refund, and book for a caller by phone."""

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
import stripe

from app import forms_engine
from app.extensions import db
from app.models import (
    Booking,
    BookingStatus,
    Case,
    CaseStatus,
    Channel,
    CollectionSlot,
    OutboundMessage,
    Payment,
    PaymentRefund,
    PaymentStatus,
    Role,
)
from app.services import bookings, collection_rounds
from tests.factories import make_user, sign_in
from tests.form_walk import follow_payment, send, walk
from tests.local_process import free_port

pytestmark = pytest.mark.db
FORM = "bulky-waste"


def book(app, client, local_stripe) -> tuple[Case, Booking]:
    with app.app_context():
        definition = forms_engine.get(FORM)
    walk(client, definition)
    send(client, definition, local_stripe)
    case = db.session.scalar(sa.select(Case).where(Case.service_id == FORM).order_by(Case.id.desc()).limit(1))
    return case, bookings.for_case(case)


@pytest.fixture
def resident(client):
    person = make_user()
    sign_in(client, person)
    return person


def refunds_total() -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PaymentRefund.amount_pence), 0)))


def latest_message(template: str) -> OutboundMessage:
    return db.session.scalar(
        sa.select(OutboundMessage).where(OutboundMessage.template == template).order_by(OutboundMessage.id.desc())
    )


def test_a_resident_sees_their_booking_and_nobody_else_can(app, database, client, local_stripe, resident):
    case, booking = book(app, client, local_stripe)
    requests = client.get("/account/requests")
    assert "View, change or cancel this booking" in requests.text
    page = client.get(f"/bookings/{case.reference}")
    assert case.reference in page.h1 and "Sofa × 1" in page.text
    assert "You can change or cancel this booking until the end of" in page.text
    other = app.test_client()
    sign_in(type(client)(other), make_user())
    assert other.get(f"/bookings/{case.reference}").status_code == 404
    assert app.test_client().get(f"/bookings/{case.reference}").status_code == 302  # sign in first


def test_changing_the_day_moves_the_booking_and_tells_the_person(app, database, client, local_stripe, resident):
    case, booking = book(app, client, local_stripe)
    old_day = booking.slot.collection_date
    page = client.get(f"/bookings/{case.reference}/day")
    offered = [radio["value"] for radio in page.soup.select("input[name=day]")]
    assert offered and old_day.isoformat() not in offered
    forged = client.post(f"/bookings/{case.reference}/day", {"csrf_token": page.csrf_token(), "day": "2099-01-01"})
    assert forged.status == 200 and forged.error_summary
    client.post(f"/bookings/{case.reference}/day", {"csrf_token": page.csrf_token(), "day": offered[0]}, expect=302)
    db.session.refresh(booking)
    assert booking.slot.collection_date.isoformat() == offered[0]
    assert "Your collection day has changed" in latest_message("case_update").body


def test_fewer_items_refunds_the_difference_and_more_items_are_paid_for_first(
    app, database, client, local_stripe, resident
):
    case, booking = book(app, client, local_stripe)  # 1 sofa at the concession price: £17.50
    page = client.get(f"/bookings/{case.reference}/items")
    more = client.post(
        f"/bookings/{case.reference}/items",
        {"csrf_token": page.csrf_token(), "items-sofa": "2", "items-fridge_freezer": "1", "items-table": "2"},
        expect=303,
    )
    db.session.refresh(booking)
    assert booking.items == {"sofa": 1}  # nothing changes until the difference is paid
    back = follow_payment(client, local_stripe, more.location)
    assert back.location.endswith(f"/bookings/{case.reference}")
    db.session.refresh(booking)
    # 5 items at the concession price: £17.50 + 2 x £5 extra + £15 fridge surcharge = £42.50
    assert booking.items == {"sofa": 2, "fridge_freezer": 1, "table": 2} and booking.price_pence == 4250
    paid = db.session.scalars(sa.select(Payment).where(Payment.status == PaymentStatus.PAID)).all()
    assert sorted(payment.amount_pence for payment in paid) == [1750, 2500]

    page = client.get(f"/bookings/{case.reference}/items")
    client.post(f"/bookings/{case.reference}/items", {"csrf_token": page.csrf_token(), "items-sofa": "3"}, expect=302)
    db.session.refresh(booking)
    assert booking.items == {"sofa": 3} and booking.price_pence == 1750
    assert refunds_total() == 2500


def test_too_many_items_or_nonsense_keep_what_was_typed_with_an_error(app, database, client, local_stripe, resident):
    case, _booking = book(app, client, local_stripe)
    page = client.get(f"/bookings/{case.reference}/items")
    errors = client.post(f"/bookings/{case.reference}/items", {"csrf_token": page.csrf_token(), "items-sofa": "11"})
    assert errors.status == 200 and errors.error_for("items-sofa") == (
        "The items must add up to 10 or fewer: you entered 11"
    )
    errors = client.post(
        f"/bookings/{case.reference}/items", {"csrf_token": page.csrf_token(), "items-table": "two<b>"}
    )
    assert errors.error_for("items-table") == "Table must be a whole number, like 2"
    assert errors.value_of("items-table") == "two<b>" and "two<b>" not in errors.html


def test_cancelling_refunds_everything_once_and_frees_the_day(app, database, client, local_stripe, resident):
    case, booking = book(app, client, local_stripe)
    confirm = client.get(f"/bookings/{case.reference}/cancel")
    assert "£17.50" in confirm.text
    for _ in range(2):  # a double click
        client.post(f"/bookings/{case.reference}/cancel", {"csrf_token": confirm.csrf_token()}, expect=302)
    db.session.refresh(booking)
    db.session.refresh(case)
    assert booking.status == BookingStatus.CANCELLED and case.status == CaseStatus.CLOSED
    assert refunds_total() == 1750
    assert "We have refunded £17.50" in latest_message("case_update").body
    taken = collection_rounds.places_taken(
        FORM, booking.slot.round_id, booking.slot.collection_date, booking.slot.collection_date
    )
    assert taken.get(booking.slot.collection_date, 0) == 0


def test_after_the_cut_off_the_booking_cannot_be_changed_and_says_why(app, database, client, local_stripe, resident):
    case, booking = book(app, client, local_stripe)
    tomorrow = date.today() + timedelta(days=1)
    slot = CollectionSlot(service_id=FORM, round_id=booking.slot.round_id, collection_date=tomorrow)
    db.session.add(slot)
    db.session.flush()
    booking.slot_id = slot.id
    db.session.commit()
    page = client.get(f"/bookings/{case.reference}")
    assert "You can no longer change or cancel this booking online" in page.text
    token = page.csrf_token() if page.soup.select("form[method=post]") else client.get("/account/").csrf_token()
    for action in ("day", "items", "cancel"):
        assert client.post(f"/bookings/{case.reference}/{action}", {"csrf_token": token}, expect=302).location.endswith(
            f"/bookings/{case.reference}"
        )
    assert refunds_total() == 0


def test_staff_see_the_schedule_record_outcomes_and_refund(app, database, client, local_stripe, resident):
    case, booking = book(app, client, local_stripe)
    staff = app.test_client()
    staff_client = type(client)(staff)
    sign_in(staff_client, make_user(role=Role.STAFF))
    slot = booking.slot
    query = f"service={FORM}&round={slot.round_id}&date={slot.collection_date.isoformat()}"
    schedule = staff_client.get(f"/staff/collections?{query}")
    assert case.reference in schedule.text and "Check Council Tax Reduction" in schedule.text
    csv_file = staff.get(f"/staff/collections.csv?{query}")
    assert csv_file.mimetype == "text/csv" and case.reference in csv_file.get_data(as_text=True)
    assert (
        staff_client.get(f"/staff/collections?{query.replace(slot.collection_date.isoformat(), '31-31')}").status == 200
    )

    outcome = staff_client.get(f"/staff/collections/{case.reference}/outcome")
    missing = staff_client.post(
        f"/staff/collections/{case.reference}/outcome",
        {"csrf_token": outcome.csrf_token(), "outcome": "not_collected"},
    )
    assert missing.error_for("reason") == "Enter why the crew could not collect the items"
    staff_client.post(
        f"/staff/collections/{case.reference}/outcome",
        {"csrf_token": outcome.csrf_token(), "outcome": "not_collected", "reason": "Nothing was outside"},
        expect=302,
    )
    db.session.refresh(booking)
    assert booking.status == BookingStatus.NOT_COLLECTED
    assert "Nothing was outside" in latest_message("case_update").body

    refund = staff_client.get(f"/staff/cases/{case.reference}/refund")
    too_much = staff_client.post(
        f"/staff/cases/{case.reference}/refund", {"csrf_token": refund.csrf_token(), "amount": "20", "reason": "x"}
    )
    assert too_much.error_for("amount") == "The most you can refund is £17.50"
    nonsense = staff_client.post(
        f"/staff/cases/{case.reference}/refund", {"csrf_token": refund.csrf_token(), "amount": "£1.5.0", "reason": "x"}
    )
    assert nonsense.error_for("amount") == "Enter an amount of money, like 12.50"
    staff_client.post(
        f"/staff/cases/{case.reference}/refund",
        {"csrf_token": refund.csrf_token(), "amount": "7.50", "reason": "Goodwill"},
        expect=302,
    )
    assert refunds_total() == 750
    assert db.session.scalar(sa.select(PaymentRefund)).actor_id is not None


def test_when_stripe_cannot_be_reached_cancelling_and_refunding_change_nothing_and_say_so(
    app, database, client, local_stripe, resident, monkeypatch
):
    case, booking = book(app, client, local_stripe)
    unreachable = stripe.StripeClient("sk_test_x", base_addresses={"api": f"http://127.0.0.1:{free_port()}"})
    monkeypatch.setitem(app.extensions, "stripe_client", unreachable)

    confirm = client.get(f"/bookings/{case.reference}/cancel")
    sent = client.post(f"/bookings/{case.reference}/cancel", {"csrf_token": confirm.csrf_token()}, expect=302)
    again = client.get(sent.location)
    assert "could not cancel your booking just now" in again.text
    db.session.refresh(booking)
    assert booking.status == BookingStatus.CONFIRMED and refunds_total() == 0

    staff_client = type(client)(app.test_client())
    sign_in(staff_client, make_user(role=Role.STAFF))
    refund = staff_client.get(f"/staff/cases/{case.reference}/refund")
    sent = staff_client.post(
        f"/staff/cases/{case.reference}/refund",
        {"csrf_token": refund.csrf_token(), "amount": "5.00", "reason": "Goodwill"},
        expect=302,
    )
    assert "nothing was refunded" in staff_client.get(sent.location).text
    assert refunds_total() == 0


def test_staff_book_for_a_caller_who_pays_by_a_link_sent_to_them(app, database, client, local_stripe):
    sign_in(client, make_user(role=Role.STAFF))
    start = client.get("/staff/phone-request")
    client.post(
        "/staff/phone-request",
        {"csrf_token": start.csrf_token(), "service": FORM, "channel": "telephone"},
        expect=302,
    )
    with app.app_context():
        definition = forms_engine.get(FORM)
    walk(client, definition)
    check = client.get(f"/services/{FORM}/check-answers")
    sent = client.post(f"/services/{FORM}/check-answers", {"csrf_token": check.csrf_token()}, expect=302)
    sent = client.get(sent.location)  # refreshing this page sends nothing again
    assert sent.h1 == "Payment link sent" and "person@example.com" in sent.text
    link = latest_message("payment_link")
    assert link.recipient == "person@example.com" and "£17.50" in link.body
    checkout = next(line for line in link.body.splitlines() if line.startswith(local_stripe.url))
    assert db.session.scalar(sa.select(Booking)).status == BookingStatus.HELD

    paid = local_stripe.pay(checkout)
    back = urlsplit(paid.headers["Location"])
    caller = type(client)(app.test_client())  # the caller's own phone: no session of ours
    done = caller.get(f"{back.path}?{back.query}")
    case = db.session.scalar(sa.select(Case).where(Case.service_id == FORM))
    assert done.h1.startswith("Payment received") and case.reference in done.text
    assert case.channel == Channel.TELEPHONE and case.submitted_by_id is not None and case.user_id is None


def test_reminders_go_once_the_day_before(app, database, client, local_stripe, resident):
    case, booking = book(app, client, local_stripe)
    day_before = booking.slot.collection_date - timedelta(days=1)
    with app.app_context():
        assert bookings.send_reminders(day_before) == 1
        assert bookings.send_reminders(day_before) == 0
        db.session.commit()
    reminder = latest_message("collection_reminder")
    assert case.reference in reminder.subject and "by 7am" in reminder.body
    runner = app.test_cli_runner()
    assert "0 reminders queued" in runner.invoke(args=["bookings", "remind"]).output
