"""Claiming a concession in the resident permit form: the question, the proof asked for only when
one is claimed, the concession as a line of the quote, and the permit waiting for staff to check the
proof before it is valid; a forged concession is refused."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, ParkingPermit, PermitStatus, Role
from app.services.parking import permits
from tests.factories import make_user, sign_in
from tests.form_walk import example_page_data, follow_payment, walk
from tests.integration.test_parking_permits import FORM, definition, post_page

pytestmark = pytest.mark.db


@pytest.fixture
def resident(client):
    person = make_user(email="concession@example.com", uprn=100000000001)
    sign_in(client, person)
    return person


def claim(app, client, concession):
    walk(client, definition(app))
    return post_page(client, "concession", {"concession": concession}, expect=302)


def send_proof(app, client):
    page = next(page for page in definition(app).pages if page.id == "concession-evidence")
    shown = client.get(f"{FORM}/concession-evidence")
    return client.post(
        f"{FORM}/concession-evidence",
        {"csrf_token": shown.csrf_token(), **example_page_data(page, shown)},
        expect=302,
        content_type="multipart/form-data",
    )


def test_no_concession_asks_for_no_proof(app, client, resident):
    answered = claim(app, client, "none")
    assert answered.location.endswith(f"{FORM}/check-answers")


def test_a_council_tax_reduction_halves_the_price_and_the_permit_waits_for_the_proof(
    app,
    client,
    resident,
    local_stripe,
):
    answered = claim(app, client, "council-tax-reduction")
    assert answered.location.endswith(f"{FORM}/concession-evidence")
    send_proof(app, client)
    check = client.get(f"{FORM}/check-answers")
    price_rows = [row.get_text(" ", strip=True) for row in check.soup.select("table tbody tr")]
    assert price_rows == [
        "Band 1, up to 100 g/km, 12 months £55.00",
        "Concession, Council Tax Reduction: -50% -£27.50",
        "Total £27.50",
    ]
    sent = client.post(f"{FORM}/check-answers", {"csrf_token": check.csrf_token()}, expect=303)
    follow_payment(client, local_stripe, sent.location)
    permit = db.session.scalar(sa.select(ParkingPermit))
    assert (permit.status, permit.price_pence, permit.quote["concession"]) == (
        PermitStatus.AWAITING_CHECKS,
        2750,
        "council-tax-reduction",
    )
    assert permits.state(permit) == "awaiting-checks" and permit.checks_due_on is not None
    assert db.session.get(Case, permit.case_id).answers["concession-evidence"]
    page = client.get(f"{FORM}/permits/{permit.reference}")
    assert "Concession, Council Tax Reduction: -50%: -£27.50" in page.text


def test_a_blue_badge_permit_is_free_and_needs_no_card(app, client, resident, local_stripe):
    claim(app, client, "blue-badge")
    send_proof(app, client)
    check = client.get(f"{FORM}/check-answers")
    assert "Total £0.00" in [row.get_text(" ", strip=True) for row in check.soup.select("table tbody tr")]
    sent = client.post(f"{FORM}/check-answers", {"csrf_token": check.csrf_token()}, expect=302)
    assert not sent.location.startswith(local_stripe.url)
    permit = db.session.scalar(sa.select(ParkingPermit))
    assert (permit.status, permit.price_pence) == (PermitStatus.AWAITING_CHECKS, 0)


@pytest.mark.parametrize("forged", ["free-for-me", "<script>", "x" * 5000, ""])
def test_a_forged_or_missing_concession_is_refused(app, client, resident, forged):
    walk(client, definition(app))
    page = post_page(client, "concession", {"concession": forged}, expect=200)
    assert page.error_summary


def test_staff_see_the_concession_claimed_with_the_proof(app, client, resident, local_stripe):
    claim(app, client, "blue-badge")
    send_proof(app, client)
    check = client.get(f"{FORM}/check-answers")
    client.post(f"{FORM}/check-answers", {"csrf_token": check.csrf_token()}, expect=302)
    permit = db.session.scalar(sa.select(ParkingPermit))
    client.post("/sign-out", {"csrf_token": client.get("/").csrf_token()}, expect=302)
    sign_in(client, make_user(email="parking-officer@example.com", role=Role.STAFF))
    shown = client.get(f"/staff/parking/checks/{permit.reference}")
    listed = shown.soup.find(id="permit-to-check").get_text(" ", strip=True)
    assert "Reduced price claimed" in listed and "Concession, Blue Badge holder: -100%" in listed
    assert "Download" in listed
