"""A resident buys a permit through the form engine: the address must be able to have permits, the
vehicle must not have one already, check your answers shows the quote line by line and when the
permit is valid, payment makes the permit, and its page says "valid now" or "valid from"."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import (
    Case,
    OutboundMessage,
    ParkingPermit,
    Payment,
    PaymentRefund,
    PaymentStatus,
    PermitStatus,
    utcnow,
)
from app.services import working_days
from app.services.parking import checks, permits
from tests.factories import make_user, sign_in
from tests.form_walk import example_page_data, send, walk

pytestmark = pytest.mark.db
FORM = "/services/parking-permits"


@pytest.fixture
def resident(client):
    person = make_user(email="person@example.com", uprn=100000000001)
    sign_in(client, person)
    return person


def definition(app):
    with app.app_context():
        return forms_engine.get("parking-permits")


def buy(client, app, local_stripe):
    walk(client, definition(app))
    return send(client, definition(app), local_stripe)


def post_page(client, page_id: str, data: dict, expect=None):
    shown = client.get(f"{FORM}/{page_id}")
    return client.post(f"{FORM}/{page_id}", {"csrf_token": shown.csrf_token(), **data}, expect=expect)


def test_a_resident_buys_a_permit_and_it_is_valid_now(app, client, resident, local_stripe):
    check, _sent = buy(client, app, local_stripe)
    assert "DM19 LOW: Toyota, silver, petrol" in check.text
    price_rows = [row.get_text(" ", strip=True) for row in check.soup.select("table tbody tr")]
    assert price_rows == ["Band 1, up to 100 g/km, 12 months £55.00", "Total £55.00"]
    panel = check.soup.find(id="permit-panel").find_next("dl").get_text(" ", strip=True)
    today = date.today()
    assert "Zone A: Town centre" in panel
    assert f"From {today:%-d %B %Y} to {permits.add_months(today, 12) - timedelta(days=1):%-d %B %Y}" in panel

    permit = db.session.scalar(sa.select(ParkingPermit))
    assert (permit.vrm, permit.zone, permit.uprn, permit.price_pence) == ("DM19LOW", "A", 100000000001, 5500)
    assert (permit.status, permit.user_id, permits.state(permit)) == (PermitStatus.ACTIVE, resident.id, "valid-now")
    assert permit.quote["lines"] == [{"name": "Band 1, up to 100 g/km, 12 months", "pence": 5500}]
    assert permit.quote["lines_cy"] == [{"name": "Band 1, hyd at 100 g/km, 12 mis", "pence": 5500}]

    page = client.get(f"{FORM}/permits/{permit.reference}")
    assert page.h1 == "DM19 LOW"
    assert page.soup.find(id="permit-state")["data-state"] == "valid-now"
    assert "Valid now" in page.text
    requests = client.get("/account/requests")
    listed = requests.soup.find(id="parking-permits").get_text(" ", strip=True)
    assert "Resident permit for DM19LOW, zone A" in listed and "Valid now, until" in listed


def test_a_permit_starting_later_says_valid_from_that_day(app, client, resident, local_stripe):
    walk(client, definition(app))
    later = date.today() + timedelta(days=10)
    post_page(client, "start-day", {"start-day": [str(later.day), str(later.month), str(later.year)]}, expect=302)
    send(client, definition(app), local_stripe)
    permit = db.session.scalar(sa.select(ParkingPermit))
    assert permits.first_day(permit) == later
    page = client.get(f"{FORM}/permits/{permit.reference}")
    assert page.soup.find(id="permit-state")["data-state"] == "valid-from"
    assert f"Valid from {later:%-d %B %Y}" in page.text


def test_a_start_more_than_14_days_ahead_or_in_the_past_is_refused(app, client, resident):
    walk(client, definition(app))
    for day in (date.today() + timedelta(days=15), date.today() - timedelta(days=1)):
        page = post_page(client, "start-day", {"start-day": [str(day.day), str(day.month), str(day.year)]}, expect=200)
        assert page.error_summary


def test_a_vehicle_typed_in_by_hand_waits_for_checks_at_a_provisional_price(app, client, resident, local_stripe):
    walk(client, definition(app))
    typed = {
        "vehicle-mode": "manual",
        "vehicle-vrm": "ER19 NFD",
        "vehicle-make": "Morris",
        "vehicle-colour": "Green",
        "vehicle-fuel_type": "PETROL",
    }
    asked = post_page(client, "vehicle", typed, expect=302)
    # Typed in by hand: proof of keeping the vehicle is asked for next (not for a looked-up one).
    assert asked.location.endswith(f"{FORM}/vehicle-evidence")
    proof = definition(app).page("vehicle-evidence")
    missing = post_page(client, "vehicle-evidence", {})
    assert missing.error_summary == ["Select the proof that you keep the vehicle"]
    post_page(client, "vehicle-evidence", example_page_data(proof), expect=302)
    check, sent = send(client, definition(app), local_stripe)
    assert "Send us proof that you keep this vehicle" in check.text
    assert "Provisional price (Band 2) until we have checked your vehicle, 12 months" in check.text
    # Not "valid from the day it starts": the permit waits for checks, and the person is told so before paying.
    assert "this is a provisional price" not in check.text
    due = working_days.add_working_days(permits.london_today(), 5)
    assert check.soup.find(id="permit-checks-first").text.startswith(
        f"We need to check what you send us before the permit is valid. We will tell you by {due:%-d %B %Y}"
    )
    permit = db.session.scalar(sa.select(ParkingPermit))
    assert (permit.status, permit.price_pence, permits.state(permit)) == (
        PermitStatus.AWAITING_CHECKS,
        8200,
        "awaiting-checks",
    )
    assert [question for question, _file in checks.evidence_of(permit)] == ["vehicle-evidence"]
    page = client.get(f"{FORM}/permits/{permit.reference}")
    assert "Not valid yet: waiting for our checks" in page.text

    # Due 5 working days from today (the settings), and the applicant is told by when they will hear.
    case = db.session.get(Case, permit.case_id)
    assert (permit.checks_due_on, case.due_date) == (due, due)
    told = f"We will tell you by {due:%-d %B %Y} whether we approve it, and from exactly when it is valid."
    confirmation = client.get(sent.location)
    assert told in confirmation.text and "Your permit is ready" not in confirmation.text
    email = db.session.scalar(sa.select(OutboundMessage).where(OutboundMessage.template == "case_received"))
    assert told in email.body and "Your permit is ready" not in email.body


def test_a_permit_that_is_ready_keeps_the_forms_own_words_on_the_confirmation(app, client, resident, local_stripe):
    _check, sent = buy(client, app, local_stripe)
    permit = db.session.scalar(sa.select(ParkingPermit))
    assert permit.checks_due_on is None
    assert "Your permit is ready." in client.get(sent.location).text


def test_an_address_that_cannot_have_permits_is_refused_with_the_reason(app, client, resident):
    client.get(f"{FORM}/begin", expect=302)
    for uprn, postcode, message in (
        ("100000000002", "DM1 1AB", "This address cannot have resident parking permits. This home was built"),
        ("100000000041", "DM3 5JK", "This address is not in a controlled parking zone"),
        (
            "100000000039",
            "DM2 4GH",
            "This address cannot have resident parking permits. This address is on a private road",
        ),
    ):
        page = post_page(
            client,
            "address",
            {"address-mode": "lookup", "address-postcode": postcode, "address-uprn": uprn},
            expect=200,
        )
        assert page.error_for("address-uprn").startswith(message)


def test_a_household_at_its_limit_and_a_vehicle_with_a_permit_are_refused(app, client, resident):
    today = date.today()
    for number in range(3):
        db.session.add(
            ParkingPermit(
                reference=f"TEST-{number}",
                user_id=resident.id,
                uprn=100000000001 if number < 2 else 100000000003,
                zone="A",
                vrm=("DM19LOW", "DM17MED", "DM21EVC")[number],
                vehicle={},
                starts_at=permits.london_midnight(today),
                ends_at=permits.london_midnight(today + timedelta(days=30)),
                months=12,
                price_pence=1,
                quote={},
                updated_at=utcnow(),
            )
        )
    db.session.commit()
    client.get(f"{FORM}/begin", expect=302)
    address = {"address-mode": "lookup", "address-postcode": "DM1 1AB", "address-uprn": "100000000001"}
    assert post_page(client, "address", address, expect=302)  # 2 permits there: a third is allowed
    page = post_page(
        client,
        "vehicle",
        {"vehicle-vrm": "DM19 LOW", "vehicle-looked-up": "DM19LOW", "vehicle-correct": "yes"},
        expect=200,
    )
    assert page.error_for("vehicle-vrm").startswith("This vehicle already has a resident permit until")
    db.session.add(
        ParkingPermit(
            reference="TEST-3",
            user_id=resident.id,
            uprn=100000000001,
            zone="A",
            vrm="DM68HGH",
            vehicle={},
            starts_at=permits.london_midnight(today),
            ends_at=permits.london_midnight(today + timedelta(days=30)),
            months=12,
            price_pence=1,
            quote={},
            updated_at=utcnow(),
        )
    )
    db.session.commit()
    full = post_page(client, "address", address, expect=200)
    assert (
        full.error_for("address-uprn") == "This address already has 3 resident permits, the most one address can have"
    )


def test_someone_elses_permit_is_not_found_and_guests_are_asked_to_sign_in(app, client, resident, local_stripe):
    buy(client, app, local_stripe)
    reference = db.session.scalar(sa.select(ParkingPermit.reference))
    client.post("/sign-out", {"csrf_token": client.get("/account/requests").csrf_token()})
    assert client.get(f"{FORM}/permits/{reference}", expect=302).location.startswith("/sign-in")
    sign_in(client, make_user())
    client.get(f"{FORM}/permits/{reference}", expect=404)
    client.get(f"{FORM}/permits/{'X' * 5000}", expect=404)


def test_the_permit_page_is_in_welsh_for_welsh_readers(app, client, resident, local_stripe):
    buy(client, app, local_stripe)
    reference = db.session.scalar(sa.select(ParkingPermit.reference))
    client.raw.set_cookie("doorstep_language", "cy")
    page = client.get(f"{FORM}/permits/{reference}")
    assert "Yn ddilys nawr" in page.text
    assert "Band 1, hyd at 100 g/km, 12 mis" in page.text


def test_a_household_that_reached_its_limit_before_the_payment_arrived_is_refunded(app, client, resident, local_stripe):
    walk(client, definition(app))  # the address was chosen while the household had no permits
    today = date.today()
    for number, vrm in enumerate(("DM17MED", "DM21EVC", "DM13TXD")):
        db.session.add(
            ParkingPermit(
                reference=f"HOME-{number}",
                uprn=100000000001,
                zone="A",
                vrm=vrm,
                vehicle={},
                starts_at=permits.london_midnight(today),
                ends_at=permits.london_midnight(today + timedelta(days=30)),
                months=12,
                price_pence=1,
                quote={},
                updated_at=utcnow(),
            )
        )
    db.session.commit()
    send(client, definition(app), local_stripe)  # paid, but the household is full now
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ParkingPermit)) == 3
    paid = db.session.scalar(sa.select(Payment))
    refund = db.session.scalar(sa.select(PaymentRefund))
    assert (paid.status, refund.payment_id, refund.amount_pence, refund.succeeded) == (
        PaymentStatus.PAID,
        paid.id,
        paid.amount_pence,
        True,
    )  # in full


def test_a_price_that_changed_after_check_your_answers_is_shown_again_before_any_payment(
    app, client, resident, local_stripe
):
    """Another permit issued at the address between checking and paying makes this one the
    household's second: the person sees the new price before anything is charged."""
    walk(client, definition(app))
    check = client.get(f"{FORM}/check-answers")
    seen = check.soup.select_one("input[name=quoted_pence]")["value"]
    assert seen == "5500"
    today = date.today()
    db.session.add(
        ParkingPermit(
            reference="HOME-1",
            uprn=100000000001,
            zone="A",
            vrm="DM17MED",
            vehicle={},
            starts_at=permits.london_midnight(today),
            ends_at=permits.london_midnight(today + timedelta(days=30)),
            months=12,
            price_pence=1,
            quote={},
            updated_at=utcnow(),
        )
    )
    db.session.commit()
    stale = client.post(f"{FORM}/check-answers", {"csrf_token": check.csrf_token(), "quoted_pence": seen}, expect=302)
    assert stale.location.endswith(f"{FORM}/check-answers")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 0
    again = client.get(f"{FORM}/check-answers")
    assert "The price has changed since you checked your answers" in again.text
    new_total = again.soup.select_one("input[name=quoted_pence]")["value"]
    assert int(new_total) > 5500
    for hostile in ("", "abc", "-5500", "9" * 5000, "<b>1</b>"):
        refused = client.post(
            f"{FORM}/check-answers", {"csrf_token": again.csrf_token(), "quoted_pence": hostile}, expect=302
        )
        assert refused.location.endswith(f"{FORM}/check-answers")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 0
    send(client, definition(app), local_stripe)
    paid = db.session.scalar(sa.select(Payment))
    assert paid.amount_pence == int(new_total)


def test_a_looked_up_vehicle_is_not_asked_for_proof(app, client, resident, local_stripe):
    seen = walk(client, definition(app))
    headings = [page.h1 for page in seen]
    assert "What is the vehicle's registration number?" in headings
    assert "Send us proof that you keep this vehicle" not in headings


def test_proof_of_living_there_is_asked_for_unless_the_council_holds_it(
    app, client, resident, local_stripe, monkeypatch
):
    """`address_proof`: unless_held asks a person the council knows nothing about at the address for
    proof, and not one who has had a permit there; always asks everyone; the permit then waits for
    staff to check it. (The demo council's setting is never.)"""
    from app.services.parking import zones

    rule = {"address_proof": "unless_held"}
    shipped = zones.settings
    monkeypatch.setattr(zones, "settings", lambda: shipped().model_copy(update=rule))
    address_page = definition(app).page("address")
    client.get(f"{FORM}/begin", expect=302)
    asked = post_page(client, "address", example_page_data(address_page), expect=302)
    assert asked.location.endswith(f"{FORM}/address-evidence")
    shown = client.get(f"{FORM}/address-evidence")
    assert shown.h1 == "Send us proof that you live at this address"

    today = date.today()
    db.session.add(
        ParkingPermit(
            reference="EARLIER-1",
            user_id=resident.id,
            uprn=100000000001,
            zone="A",
            vrm="DM13TXD",
            vehicle={},
            starts_at=permits.london_midnight(today - timedelta(days=400)),
            ends_at=permits.london_midnight(today - timedelta(days=35)),
            months=12,
            price_pence=1,
            quote={},
            updated_at=utcnow(),
        )
    )
    db.session.commit()
    held = post_page(client, "address", example_page_data(address_page), expect=302)
    assert held.location.endswith(f"{FORM}/vehicle")  # a permit there before: the council holds proof

    rule["address_proof"] = "always"
    again = post_page(client, "address", example_page_data(address_page), expect=302)
    assert again.location.endswith(f"{FORM}/address-evidence")
    post_page(client, "address-evidence", example_page_data(definition(app).page("address-evidence")), expect=302)
    walk_rest = client.get(f"{FORM}/vehicle")
    assert walk_rest.h1 == "What is the vehicle's registration number?"
    for page_id in ("vehicle", "start-day", "duration", "concession", "contact"):
        page = definition(app).page(page_id)
        shown = client.get(f"{FORM}/{page_id}")
        client.post(
            f"{FORM}/{page_id}", {"csrf_token": shown.csrf_token(), **example_page_data(page, shown)}, expect=302
        )
    send(client, definition(app), local_stripe)
    permit = db.session.scalar(sa.select(ParkingPermit).where(ParkingPermit.reference != "EARLIER-1"))
    assert permit.status == PermitStatus.AWAITING_CHECKS
    assert [question for question, _file in checks.evidence_of(permit)] == ["address-evidence"]


def test_a_linked_open_council_tax_account_for_the_address_is_proof_held(app, resident, monkeypatch):
    from app.models.council_tax import AccountStatus, CouncilTaxAccount
    from app.services.council_tax import links
    from app.services.parking import zones
    from tests.council_tax_accounts import link_an_account

    shipped = zones.settings
    monkeypatch.setattr(zones, "settings", lambda: shipped().model_copy(update={"address_proof": "unless_held"}))
    with app.test_request_context():
        assert zones.address_proof_needed(resident, 100000000001)
        assert zones.address_proof_needed(None, 100000000001)  # nobody to know anything about
        account = links.linked_account(resident, link_an_account(resident))
        account.property.uprn = 100000000001
        db.session.flush()
        assert not zones.address_proof_needed(resident, 100000000001)
        assert zones.address_proof_needed(resident, 100000000002)  # not for another address
        account.status = AccountStatus.CLOSED  # they have moved out: the record no longer shows them there
        db.session.flush()
        assert zones.address_proof_needed(resident, 100000000001)
        assert db.session.get(CouncilTaxAccount, account.id) is account
