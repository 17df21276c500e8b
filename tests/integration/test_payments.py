"""Paying for a form through the local Stripe server: real HTTP, real Checkout Sessions, signed
webhooks. A payment counts only once Stripe confirms it, however and in whatever order we hear."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import (
    Booking,
    BookingStatus,
    Case,
    CaseStatus,
    OutboundMessage,
    Payment,
    PaymentRefund,
    PaymentStatus,
    StripeEvent,
    utcnow,
)
from app.services import payments
from app.services.errors import ServiceError
from tests.form_walk import follow_payment, walk
from tests.local_stripe import DECLINED_CARDS

pytestmark = pytest.mark.db
FORM = "bulky-waste"


def start_paying(app, client) -> str:
    """Walk the paid form (the example answers ask for 1 item at the Council Tax Reduction price) and
    press "Accept and continue to payment"; the payment page's address."""
    with app.app_context():
        definition = forms_engine.get(FORM)
    walk(client, definition)
    check = client.get(f"/services/{FORM}/check-answers")
    assert "What you will pay" in check.text and "£17.50" in check.text
    sent = client.post(f"/services/{FORM}/check-answers", {"csrf_token": check.csrf_token()}, expect=303)
    return sent.location


def session_of(checkout_url: str) -> str:
    return urlsplit(checkout_url).path.rsplit("/", 1)[1]


def deliver(client, delivery: dict, signature: str | None = None):
    return client.raw.post(
        "/payments/stripe-webhook",
        data=delivery["payload"],
        headers={"Stripe-Signature": signature or delivery["signature"], "Content-Type": "application/json"},
    )


def webhook_for(local_stripe, session_id: str, event_type: str = "checkout.session.completed") -> dict:
    found = local_stripe.webhooks(event_type, session_id)
    assert found, f"no {event_type} webhook for {session_id}"
    return found[0]


def fresh(record):
    """The record as the app left it (the test's session may hold an older copy)."""
    db.session.refresh(record)
    return record


def cases_made() -> int:
    return db.session.scalar(sa.select(sa.func.count(Case.id)).where(Case.service_id == FORM))


def test_the_return_address_alone_never_counts_as_paid(app, database, client, local_stripe):
    checkout = start_paying(app, client)
    session_id = session_of(checkout)
    pending = client.get(f"/services/{FORM}/payment-return?session_id={session_id}")
    assert pending.h1 == "We are checking your payment"
    assert cases_made() == 0
    # Someone else's session, or a made-up one, is not this journey's payment.
    client.get(f"/services/{FORM}/payment-return?session_id=cs_test_madeup", expect=404)
    booking = db.session.scalar(sa.select(Booking))
    assert booking.status == BookingStatus.HELD and booking.hold_expires_at > utcnow()

    confirmation = client.follow(follow_payment(client, local_stripe, checkout))
    case = db.session.scalar(sa.select(Case).where(Case.service_id == FORM))
    assert case.reference in confirmation.text
    assert "Your receipt" in confirmation.text and "£17.50" in confirmation.text
    payment = db.session.scalar(sa.select(Payment))
    assert payment.status == PaymentStatus.PAID and payment.case_id == case.id
    assert payment.stripe_payment_intent_id.startswith("pi_")
    assert fresh(booking).status == BookingStatus.CONFIRMED
    message = db.session.scalar(sa.select(OutboundMessage).where(OutboundMessage.template == "case_received"))
    assert "Receipt" in message.body and "Total paid: £17.50" in message.body


def test_a_webhook_before_the_person_returns_gives_the_same_single_case(app, database, client, local_stripe):
    checkout = start_paying(app, client)
    paid = local_stripe.pay(checkout)
    assert paid.status_code == 303
    delivery = webhook_for(local_stripe, session_of(checkout))
    response = deliver(client, delivery)
    assert response.status_code == 200 and response.json["outcome"] == "payment-paid"
    assert cases_made() == 1
    back = urlsplit(paid.headers["Location"])
    assert client.get(f"{back.path}?{back.query}", expect=302).location.endswith("/confirmation")
    assert deliver(client, delivery).json["outcome"] == "duplicate"
    assert cases_made() == 1
    assert db.session.scalar(sa.select(sa.func.count(StripeEvent.id))) == 1


def test_webhooks_with_bad_signatures_unknown_sessions_or_out_of_order_are_handled(app, database, client, local_stripe):
    checkout = start_paying(app, client)
    local_stripe.pay(checkout)
    delivery = webhook_for(local_stripe, session_of(checkout))
    assert deliver(client, delivery, signature="t=1,v1=forged").status_code == 400
    tampered = dict(delivery, payload=delivery["payload"].replace('"paid"', '"unpaid"'))
    assert deliver(client, tampered).status_code == 400
    assert client.raw.post("/payments/stripe-webhook", data="{}").status_code == 400
    assert cases_made() == 0

    # An event for a session we never made (another system on the same Stripe account): logged, 200.
    elsewhere = start_other_session(app)
    assert local_stripe.pay(elsewhere).status_code == 303
    assert deliver(client, webhook_for(local_stripe, session_of(elsewhere))).json["outcome"] == "unknown-session"

    assert deliver(client, delivery).json["outcome"] == "payment-paid"
    # Stripe may send an older event late: what Stripe says now is what counts.
    assert cases_made() == 1
    payment = db.session.scalar(sa.select(Payment).where(Payment.stripe_session_id == session_of(checkout)))
    assert payment.status == PaymentStatus.PAID


def start_other_session(app) -> str:
    """A Checkout Session made straight on Stripe, not by the portal."""
    with app.app_context():
        session = payments.stripe_client().v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "line_items": [
                    {
                        "price_data": {"currency": "gbp", "unit_amount": 500, "product_data": {"name": "Other"}},
                        "quantity": 1,
                    }
                ],
                "success_url": "http://localhost/elsewhere",
                "cancel_url": "http://localhost/elsewhere",
                "expires_at": int((utcnow() + timedelta(hours=1)).timestamp()),
            }
        )
    return session.url


@pytest.mark.parametrize("card", DECLINED_CARDS)
def test_a_declined_card_can_try_again_and_keeps_the_day_held(app, database, client, local_stripe, card):
    checkout = start_paying(app, client)
    declined = local_stripe.pay(checkout, card=card)
    assert declined.status_code == 400 and "Your card was declined" in declined.text
    assert card in declined.text  # what was typed stays in the box
    assert db.session.scalar(sa.select(Booking)).status == BookingStatus.HELD
    assert db.session.scalar(sa.select(Payment)).status == PaymentStatus.PENDING
    client.follow(follow_payment(client, local_stripe, checkout))
    assert cases_made() == 1


def test_an_abandoned_payment_expires_and_frees_the_day(app, database, client, local_stripe):
    checkout = start_paying(app, client)
    cancelled = client.get(f"/services/{FORM}/payment-cancelled")
    assert cancelled.h1 == "You have not paid yet" and "We are keeping your collection day until" in cancelled.text
    with app.app_context():
        payments.stripe_client().v1.checkout.sessions.expire(session_of(checkout))
    assert (
        deliver(client, webhook_for(local_stripe, session_of(checkout), "checkout.session.expired")).json["outcome"]
        == "payment-expired"
    )
    assert db.session.scalar(sa.select(Booking)).status == BookingStatus.RELEASED
    assert local_stripe.pay(checkout).status_code == 200  # the page is closed: nothing can be paid
    page = client.get(f"/services/{FORM}/payment-return?session_id={session_of(checkout)}", expect=302)
    assert page.location.endswith("/check-answers")
    assert cases_made() == 0


def test_reconciliation_settles_a_payment_whose_webhook_never_came(app, database, client, local_stripe):
    checkout = start_paying(app, client)
    local_stripe.pay(checkout)
    assert cases_made() == 0
    with app.test_request_context():
        counts = payments.reconcile(settle_after_minutes=0)
        db.session.commit()
    assert counts == {"paid": 1}
    assert cases_made() == 1


def test_a_payment_after_the_hold_expired_is_honoured_when_the_day_still_has_room(app, database, client, local_stripe):
    checkout = start_paying(app, client)
    booking = db.session.scalar(sa.select(Booking))
    booking.hold_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    local_stripe.pay(checkout)
    deliver(client, webhook_for(local_stripe, session_of(checkout)))
    assert fresh(booking).status == BookingStatus.CONFIRMED
    assert not db.session.scalars(sa.select(PaymentRefund)).all()


def test_a_payment_after_the_hold_expired_is_refunded_when_the_day_filled_meanwhile(
    app, database, client, local_stripe
):
    checkout = start_paying(app, client)
    booking = db.session.scalar(sa.select(Booking))
    booking.hold_expires_at = utcnow() - timedelta(minutes=1)
    for _ in range(5):  # the round's capacity, taken by others while this person paid
        db.session.add(Booking(slot_id=booking.slot_id, status=BookingStatus.CONFIRMED))
    db.session.commit()
    local_stripe.pay(checkout)
    deliver(client, webhook_for(local_stripe, session_of(checkout)))

    case = db.session.scalar(sa.select(Case).where(Case.service_id == FORM))
    assert case.status == CaseStatus.CLOSED
    assert fresh(booking).status == BookingStatus.CANCELLED
    refund = db.session.scalar(sa.select(PaymentRefund))
    assert refund.succeeded and refund.amount_pence == 1750 and refund.stripe_refund_id.startswith("re_")
    told = db.session.scalar(sa.select(OutboundMessage).where(OutboundMessage.template == "case_update"))
    assert "refunded your payment in full" in told.body


def test_refunds_full_and_partial_never_exceed_what_was_paid(app, database, client, local_stripe):
    checkout = start_paying(app, client)
    client.follow(follow_payment(client, local_stripe, checkout))
    payment = db.session.scalar(sa.select(Payment))
    with app.test_request_context():
        payments.refund(payment, 1000, reason="one item not collected")
        with pytest.raises(ServiceError, match="refund-too-large"):
            payments.refund(payment, 751, reason="too much")
        with pytest.raises(ServiceError, match="refund-amount"):
            payments.refund(payment, 0, reason="nothing")
        payments.refund(payment, 750, reason="the rest")
        assert payment.refundable_pence == 0
        db.session.commit()
        stripe_refunds = payments.stripe_client().v1.refunds.list(
            params={"payment_intent": payment.stripe_payment_intent_id}
        )
    assert sorted(refund.amount for refund in stripe_refunds.data) == [750, 1000]
    assert [r.case_id for r in db.session.scalars(sa.select(PaymentRefund))] == [payment.case_id] * 2


def test_paying_twice_for_one_form_refunds_the_second_payment(app, database, client, local_stripe):
    checkout = start_paying(app, client)
    client.follow(follow_payment(client, local_stripe, checkout))
    first = db.session.scalar(sa.select(Payment))
    with app.test_request_context():
        second = payments.start(
            purpose="form",
            description="again",
            items=[payments.LineItem("again", 3500)],
            success_url="http://localhost/x",
            cancel_url="http://localhost/x",
            language="en",
            journey_id=first.journey_id,
            details={"form_id": FORM},
        )
        db.session.commit()
        second_id, checkout_url, session_id = second.id, second.checkout_url, second.stripe_session_id
    local_stripe.pay(checkout_url)
    deliver(client, webhook_for(local_stripe, session_id))
    assert cases_made() == 1
    refund = db.session.scalar(sa.select(PaymentRefund).where(PaymentRefund.payment_id == second_id))
    assert refund.amount_pence == 3500 and refund.reason == "duplicate payment"


def test_a_paid_form_whose_price_is_nothing_is_sent_without_a_payment_page(app, database, make_app, tmp_path):
    from app.form_model.loader import DEFAULT_SETTINGS_FOLDER
    from tests.pages import PageClient

    folder = tmp_path / "service_settings"
    folder.mkdir()
    for other in DEFAULT_SETTINGS_FOLDER.glob("*.yaml"):  # every other paid form keeps its prices
        (folder / other.name).write_text(other.read_text(encoding="utf-8"), encoding="utf-8")
    settings = (DEFAULT_SETTINGS_FOLDER / f"{FORM}.yaml").read_text(encoding="utf-8")
    free_for_concessions = settings.replace("concession_base_pence: 1750", "concession_base_pence: 0")
    assert free_for_concessions != settings
    (folder / f"{FORM}.yaml").write_text(free_for_concessions, encoding="utf-8")
    free = make_app(SERVICE_SETTINGS_DIR=str(folder))
    client = PageClient(free.test_client())
    with free.app_context():
        definition = forms_engine.get(FORM)
    walk(client, definition)  # the example answers say yes to Council Tax Reduction
    check = client.get(f"/services/{FORM}/check-answers")
    assert "£0.00" in check.text
    sent = client.post(f"/services/{FORM}/check-answers", {"csrf_token": check.csrf_token()}, expect=302)
    assert sent.location.endswith(f"/services/{FORM}/confirmation")
    assert cases_made() == 1 and not db.session.scalars(sa.select(Payment)).all()
    assert db.session.scalar(sa.select(Booking)).status == BookingStatus.CONFIRMED


def test_someone_who_gets_everything_in_large_print_gets_their_receipt_in_it_too(app, database, client, local_stripe):
    from app.models import AlternativeFormat, CaseEventKind
    from tests.factories import make_user, sign_in

    sign_in(client, make_user(alternative_format=AlternativeFormat.LARGE_PRINT, large_print_point_size=18))
    client.follow(follow_payment(client, local_stripe, start_paying(app, client)))
    case = db.session.scalar(sa.select(Case).where(Case.service_id == FORM))
    notes = [event.text for event in case.events if event.kind == CaseEventKind.NOTE]
    assert notes == ["Send the receipt in Large print (18) too: the person asks for everything in this format."]
