"""Staff acting for a caller on the phone: find a permit by registration number or reference, see
its history, cancel it (the refund worked out first, by the holder's own rules, made through the
local Stripe server) and renew it (the caller pays by a link we send them). Recorded as the telephone
channel by that member of staff; residents cannot reach these pages."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Case,
    Channel,
    OutboundMessage,
    ParkingPermit,
    ParkingPermitChange,
    Payment,
    PaymentRefund,
    PermitStatus,
    Role,
    User,
)
from app.services import channel_figures
from app.services.parking import permits, renewals
from tests.factories import make_user, sign_in
from tests.integration.test_parking_vehicle_changes import buy

STAFF = "/staff/parking/permits"
FORM_EMAIL = "person@example.com"  # the email address given on the form's contact page (the example answer)


@pytest.fixture
def resident(client):
    person = make_user(email="holder@example.com", uprn=100000000001)
    sign_in(client, person)
    return person


@pytest.fixture
def bought(app, client, resident, local_stripe) -> ParkingPermit:
    """A 12-month permit for DM19 LOW (£55) that the resident bought, then staff signed in."""
    permit = buy(app, client, local_stripe)
    client.post("/sign-out", {"csrf_token": client.get("/").csrf_token()})
    sign_in(client, make_user(role=Role.STAFF, full_name="Sam Staff", email="sam@council.example"))
    return permit


def latest(template: str) -> OutboundMessage:
    return db.session.scalar(
        sa.select(OutboundMessage).where(OutboundMessage.template == template).order_by(OutboundMessage.id.desc())
    )


def test_staff_find_a_permit_by_registration_number_or_reference(client, bought):
    dashboard = client.get("/staff/")
    assert dashboard.soup.find("a", href=STAFF) is not None
    for typed in ("dm19 low", "DM19LOW", bought.reference.lower()):
        found = client.get(STAFF, query_string={"q": typed})
        assert [a.text for a in found.soup.select("#permits-found a")] == [bought.reference], typed
    nothing = client.get(STAFF, query_string={"q": "<b>ZZ99ZZZ</b>"})
    assert "No permit has that registration number or reference" in nothing.error_summary
    assert "<b>ZZ99ZZZ</b>" in nothing.soup.find(id="q")["value"]  # kept, escaped
    empty = client.get(STAFF, query_string={"q": " "})
    assert "Enter a registration number or a permit reference" in empty.error_summary
    page = client.get(f"{STAFF}/{bought.reference}")
    details = " ".join(page.soup.find(id="permit-details").text.split())
    assert "DM19 LOW" in details and "£55.00" in details and db.session.get(Case, bought.case_id).reference in details
    assert page.soup.find(id="cancel-permit") is not None
    assert "permit made" in page.soup.find(id="permit-changes").text
    client.get(f"{STAFF}/NOPE-NOPE", expect=404)
    client.get(f"{STAFF}/{'Z' * 300}", expect=404)


def test_staff_cancel_for_a_caller_with_the_refund_shown_first(client, bought):
    checking = client.get(f"{STAFF}/{bought.reference}/cancel")
    # The holder's own rules: 11 whole months from tomorrow, £55 × 11/12 = £50.42, less the £10 fee.
    assert checking.soup.find(id="refund")["data-refund-pence"] == "4042"
    client.post(f"{STAFF}/{bought.reference}/cancel", {}, expect=400)  # no CSRF token: nothing happens
    db.session.refresh(bought)
    assert bought.status == PermitStatus.ACTIVE
    done = client.post(f"{STAFF}/{bought.reference}/cancel", {"csrf_token": checking.csrf_token()}, expect=302)
    assert done.location.endswith(f"{STAFF}/{bought.reference}")

    db.session.refresh(bought)
    assert bought.status == PermitStatus.CANCELLED
    refund = db.session.scalar(sa.select(PaymentRefund))
    assert (refund.amount_pence, refund.succeeded) == (4042, True) and refund.stripe_refund_id
    change = db.session.scalar(sa.select(ParkingPermitChange))
    staff = db.session.scalar(sa.select(User).where(User.email == "sam@council.example"))
    assert (change.kind, change.difference_pence, change.actor_id, change.channel) == (
        "cancel",
        -4042,
        staff.id,
        "telephone",
    )
    told = latest("case_update")
    assert told.recipient == FORM_EMAIL and "is cancelled" in told.body and "£40.42" in told.body
    shown = client.get(f"{STAFF}/{bought.reference}")
    assert shown.soup.find(id="permit-state")["data-state"] == "cancelled"
    assert shown.soup.find(id="cancel-permit") is None
    history = " ".join(shown.soup.find(id="permit-changes").text.split())
    assert "permit cancelled. (by phone) Refunded £40.42." in history

    # A second confirm, from an old tab or a double click: nothing more happens.
    again = client.post(f"{STAFF}/{bought.reference}/cancel", {"csrf_token": checking.csrf_token()}, expect=302)
    assert again.location.endswith(f"{STAFF}/{bought.reference}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaymentRefund)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ParkingPermitChange)) == 1


def test_staff_renew_for_a_caller_who_pays_by_a_link(app, client, bought, local_stripe):
    ends = renewals.london_today() + timedelta(days=11)
    bought.starts_at = permits.london_midnight(permits.add_months(ends, -12))
    bought.ends_at = permits.london_midnight(ends)
    db.session.commit()
    page = client.get(f"{STAFF}/{bought.reference}")
    choosing = client.get(page.soup.find(id="renew-permit")["href"])
    empty = client.post(f"{STAFF}/{bought.reference}/renew", {"csrf_token": choosing.csrf_token()})
    assert "Select how long you want the new permit for" in empty.error_summary
    for hostile in ("<script>", "999", "12" * 500):
        refused = client.post(
            f"{STAFF}/{bought.reference}/renew", {"csrf_token": choosing.csrf_token(), "months": hostile}
        )
        assert "Select how long you want the new permit for" in refused.error_summary, hostile
    checking = client.post(f"{STAFF}/{bought.reference}/renew", {"csrf_token": choosing.csrf_token(), "months": "6"})
    summary = " ".join(checking.soup.find(id="renewal").text.split())
    first = permits.last_day(bought) + timedelta(days=1)
    assert f"Valid from {first.day} " in summary and "Price £30.25" in summary  # £55 × 55%
    assert "Band 1" in checking.soup.find(id="renewal-quote").text
    assert "holder@example.com" in checking.soup.find(id="link-to").text
    sent = client.post(
        f"{STAFF}/{bought.reference}/renew",
        {"csrf_token": checking.csrf_token(), "months": "6", "confirm": "yes"},
        expect=302,
    )
    assert sent.location.endswith(f"{STAFF}/{bought.reference}")
    link = latest("payment_link")
    assert link.recipient == "holder@example.com" and "£30.25" in link.body
    assert renewals.renewed_by(bought) is None  # not until the caller pays

    checkout = next(line for line in link.body.splitlines() if line.startswith(local_stripe.url))
    paid = local_stripe.pay(checkout)
    back = urlsplit(paid.headers["Location"])
    caller = type(client)(app.test_client())  # the caller's own phone: no session of ours
    done = caller.get(f"{back.path}?{back.query}")
    assert done.h1.startswith("Payment received")
    renewal = renewals.renewed_by(bought)
    assert renewal is not None and renewal.starts_at == bought.ends_at and renewal.months == 6
    assert renewal.price_pence == 3025 and renewal.user_id == bought.user_id
    case = db.session.get(Case, renewal.case_id)
    assert case.channel == Channel.TELEPHONE and case.submitted_by_id is not None
    payment = db.session.scalar(sa.select(Payment).where(Payment.purpose == renewals.PURPOSE))
    assert payment.case_id == case.id
    today = renewals.london_today()
    counted = channel_figures.figures(
        channel_figures.last_twelve_months(today), unit_costs=app.config["UNIT_COSTS_PENCE"], today=today
    )
    assert counted.by_service[case.service_id]["telephone"] == 1

    # The permit page shows the renewal; renewing again is refused and sends nothing.
    shown = client.get(f"{STAFF}/{bought.reference}")
    assert shown.soup.find(id="renewed") is not None and shown.soup.find(id="renew-permit") is None
    client.get(f"{STAFF}/{bought.reference}/renew", expect=302)
    client.post(
        f"{STAFF}/{bought.reference}/renew",
        {"csrf_token": checking.csrf_token(), "months": "6", "confirm": "yes"},
        expect=302,
    )
    renewal_payments = sa.select(sa.func.count()).select_from(Payment).where(Payment.purpose == renewals.PURPOSE)
    assert db.session.scalar(renewal_payments) == 1


def test_residents_cannot_reach_the_staff_permit_pages(client, app, resident, local_stripe):
    permit = buy(app, client, local_stripe)
    page = f"{STAFF}/{permit.reference}"
    for url in (STAFF, page, f"{page}/cancel", f"{page}/renew"):
        answer = client.get(url, expect=None)
        assert answer.status in (403, 404), url
    token = client.get(f"/services/parking-permits/permits/{permit.reference}").csrf_token()
    answer = client.post(f"{STAFF}/{permit.reference}/cancel", {"csrf_token": token}, expect=None)
    assert answer.status in (403, 404)
    db.session.refresh(permit)
    assert permit.status == PermitStatus.ACTIVE


def test_renewing_for_a_holder_we_cannot_reach_sends_nothing(client, bought):
    ends = renewals.london_today() + timedelta(days=11)
    bought.starts_at = permits.london_midnight(permits.add_months(ends, -12))
    bought.ends_at = permits.london_midnight(ends)
    bought.user_id = None  # a permit with no online account, and no contact on its case
    case = db.session.get(Case, bought.case_id)
    case.contact_email = case.contact_phone = None
    db.session.commit()
    choosing = client.get(f"{STAFF}/{bought.reference}/renew")
    checking = client.post(f"{STAFF}/{bought.reference}/renew", {"csrf_token": choosing.csrf_token(), "months": "12"})
    assert checking.soup.find(id="no-contact") is not None and checking.soup.find(id="link-to") is None
    client.post(
        f"{STAFF}/{bought.reference}/renew",
        {"csrf_token": checking.csrf_token(), "months": "12", "confirm": "yes"},
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 1  # the permit's own
    assert latest("payment_link") is None


def test_staff_change_the_vehicle_for_a_caller_a_dearer_one_paid_by_a_link_a_cheaper_one_refunded(
    app, client, bought, local_stripe
):
    page = client.get(f"{STAFF}/{bought.reference}")
    asking = client.get(page.soup.find(id="change-vehicle")["href"])
    assert asking.h1 == f"Change the vehicle on permit {bought.reference}"
    client.post(f"{STAFF}/{bought.reference}/vehicle", {"vrm": "DM17MED"}, expect=400)  # no CSRF token
    for hostile, error in (
        ("", "Enter the new vehicle's registration number"),
        ("<script>", "A registration number must only include letters and numbers"),
        ("DM19LOW", "This is the vehicle the permit is already for"),
    ):
        refused = client.post(
            f"{STAFF}/{bought.reference}/vehicle", {"csrf_token": asking.csrf_token(), "vrm": hostile}
        )
        assert any(message.startswith(error) for message in refused.error_summary), (hostile, refused.error_summary)
    checking = client.post(
        f"{STAFF}/{bought.reference}/vehicle", {"csrf_token": asking.csrf_token(), "vrm": "dm17 med"}
    )
    assert "The caller pays £27.00" in checking.soup.find(id="difference").text  # Band 2 £82 - Band 1 £55
    sent = client.post(
        f"{STAFF}/{bought.reference}/vehicle",
        {"csrf_token": checking.csrf_token(), "vrm": "DM17MED", "confirm": "yes"},
        expect=302,
    )
    assert sent.location.endswith(f"{STAFF}/{bought.reference}")
    db.session.refresh(bought)
    assert bought.vrm == "DM19LOW"  # not until the caller pays
    link = latest("payment_link")
    assert link.recipient == "holder@example.com" and "£27.00" in link.body
    checkout = next(line for line in link.body.splitlines() if line.startswith(local_stripe.url))
    back = urlsplit(local_stripe.pay(checkout).headers["Location"])
    caller = type(client)(app.test_client())  # the caller's own phone
    assert caller.get(f"{back.path}?{back.query}").h1.startswith("Payment received")
    db.session.refresh(bought)
    assert (bought.vrm, bought.price_pence) == ("DM17MED", 8200)
    change = db.session.scalar(sa.select(ParkingPermitChange).where(ParkingPermitChange.kind == "vehicle"))
    assert (change.channel, change.difference_pence, change.actor_id is not None) == ("telephone", 2700, True)

    # A cheaper vehicle changes at once, the difference refunded to the card that paid.
    again = client.get(f"{STAFF}/{bought.reference}/vehicle")
    checking = client.post(f"{STAFF}/{bought.reference}/vehicle", {"csrf_token": again.csrf_token(), "vrm": "DM19LOW"})
    assert "We refund £27.00 to the card the caller paid with" in checking.soup.find(id="difference").text
    client.post(
        f"{STAFF}/{bought.reference}/vehicle",
        {"csrf_token": checking.csrf_token(), "vrm": "DM19LOW", "confirm": "yes"},
        expect=302,
    )
    db.session.refresh(bought)
    assert bought.vrm == "DM19LOW"
    assert db.session.scalar(sa.select(PaymentRefund.amount_pence)) == 2700
    client.get(f"{STAFF}/NOPE-NOPE/vehicle", expect=404)


def test_a_resident_cannot_change_a_vehicle_through_the_staff_pages(client, app, resident, local_stripe):
    permit = buy(app, client, local_stripe)
    client.get(f"{STAFF}/{permit.reference}/vehicle", expect=403)
