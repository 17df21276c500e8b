"""The pages around a payment that a walk through a form does not reach: waiting for the payment to
be confirmed, leaving the payment page without paying, the payment link staff send a caller, and
where that link comes back to (waiting, paid, expired). The state is set up through the test
client, then each page is checked in Chromium at both widths in both languages."""

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By

from app import forms_engine
from app.extensions import db
from app.models import Payment
from app.services import demo, payments
from tests.browser.harness import WIDTHS
from tests.browser.test_accessibility import LANGUAGES, check_skip_link, set_language
from tests.form_walk import walk
from tests.pages import PageClient

pytestmark = pytest.mark.browser
FORM = "bulky-waste"


def paid_form_client(live, *, staff: bool) -> tuple[PageClient, str]:
    """A test client that has filled in the paid form and pressed the button; where it was sent."""
    client = PageClient(live.app.test_client())
    if staff:
        account = demo.DEMO_ACCOUNTS[3]
        client.submit("/sign-in", {"email": account.email, "password": account.password})
        start = client.get("/staff/phone-request")
        client.post("/staff/phone-request", {"csrf_token": start.csrf_token(), "service": FORM, "channel": "telephone"})
    with live.app.app_context():
        definition = forms_engine.get(FORM)
        walk(client, definition)
    check = client.get(f"/services/{FORM}/check-answers")
    sent = client.post(f"/services/{FORM}/check-answers", {"csrf_token": check.csrf_token()})
    assert sent.status in (302, 303), sent.status
    return client, sent.location


def use_session_of(driver, live, client: PageClient) -> None:
    """Carry the test client's session into the browser (same app, same secret key)."""
    driver.get(live.url + "/")
    driver.delete_all_cookies()
    cookie = client.raw.get_cookie("doorstep_session")
    if cookie is not None:
        driver.add_cookie({"name": "doorstep_session", "value": cookie.value, "path": "/"})


def test_the_pages_around_a_payment_pass_axe(live, browsers, recorder):
    guest, checkout = paid_form_client(live, staff=False)
    guest_session = urlsplit(checkout).path.rsplit("/", 1)[1]
    staff, link_sent = paid_form_client(live, staff=True)
    with live.app.app_context():
        link = db.session.scalar(sa.select(Payment).order_by(Payment.id.desc()).limit(1))
        link_session, link_checkout = link.stripe_session_id, link.checkout_url
    caller = PageClient(live.app.test_client())  # the caller's own phone: no session of ours
    failures = []

    def check_pages(pages):
        for width in WIDTHS:
            driver = browsers(width)
            for language in LANGUAGES:
                for client, path, english_heading in pages:
                    use_session_of(driver, live, client)
                    set_language(driver, live, language)
                    driver.get(live.url + path)
                    label = f"{language} {path}"
                    heading = driver.find_element(By.TAG_NAME, "h1").text
                    if language == "en" and heading != english_heading:
                        failures.append(f"{width} {label}: heading is {heading!r}")
                    for violation in recorder.check(driver, width=width, label=label):
                        failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")
                    if recorder.last_was_new():
                        failures.extend(f"{width} {label}: {problem}" for problem in check_skip_link(driver))

    check_pages(
        [
            (guest, f"/services/{FORM}/payment-return?session_id={guest_session}", "We are checking your payment"),
            (guest, f"/services/{FORM}/payment-cancelled", "You have not paid yet"),
            (staff, urlsplit(link_sent).path, "Payment link sent"),
            (caller, f"/payments/done?session_id={link_session}", "We are checking your payment"),
        ]
    )
    assert live.stripe.pay(link_checkout).status_code == 303
    with live.app.app_context():
        payments.stripe_client().v1.checkout.sessions.expire(guest_session)
    check_pages(
        [
            (caller, f"/payments/done?session_id={link_session}", "Payment received"),
            (caller, f"/payments/done?session_id={guest_session}", "This payment link has expired"),
        ]
    )
    assert not failures, "\n".join(failures[:40])
