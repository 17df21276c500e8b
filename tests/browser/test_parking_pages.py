"""The parking permits start page in every state, in Chromium: the zones and the postcode box, the
addresses found, each mistake, and the answer for an eligible address, a car-free home, an address
on a private road and one in no zone; axe and the keyboard checks at both widths, in English and
Welsh; and checking an address with JavaScript off."""

from datetime import date

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from app.extensions import db
from app.models import ParkingPermit
from app.services import demo
from tests.browser.conftest import BUSINESS_PERMIT_TO_CHECK_VRM
from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_error_state, check_skip_link, set_language, sign_in
from tests.browser.test_without_javascript import press

pytestmark = pytest.mark.browser

START = "/services/parking-permits"
STATES = {
    "postcode box": "",
    "addresses found": "?postcode=DM1+1AB",
    "eligible": "?postcode=DM1+1AB&uprn=100000000001",
    "car-free": "?postcode=DM1+1AB&uprn=100000000002",
    "excluded": "?postcode=DM2+4GH&uprn=100000000039",
    "no zone": "?postcode=DM3+5JK&uprn=100000000041",
}
MISTAKES = {
    "no postcode": "?postcode=",
    "postcode not in our area": "?postcode=ZZ9+9ZZ",
    "no address chosen": "?postcode=DM1+1AB&uprn=",
}


@pytest.mark.parametrize("role", ["signed out", "Resident"])
def test_every_state_of_the_parking_start_page_passes_axe(live, browsers, recorder, role):
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, role)
        for language in LANGUAGES:
            set_language(driver, live, language)
            for state, query in {**STATES, **MISTAKES}.items():
                driver.get(live.url + START + query)
                label = f"{width} {role} {language} parking start, {state}"
                if state in MISTAKES:  # focus starts on the error summary, so no skip-link check here
                    failures += [f"{label}: {problem}" for problem in check_error_state(driver)]
                violations = recorder.check(driver, width=width, label=label)
                failures += [f"{label}: {v['id']} {v['help']} {v['nodes']}" for v in violations]
                if state not in MISTAKES and recorder.last_was_new():
                    failures += [f"{label}: {problem}" for problem in check_skip_link(driver)]
                if state in MISTAKES:
                    continue
                if state not in ("postcode box", "addresses found"):
                    shown = driver.find_element(By.ID, "parking-result").get_attribute("data-standing")
                    assert shown == {"no zone": "no-zone"}.get(state, state), f"{label}: {shown}"
    assert not failures, "\n".join(failures[:40])


def test_checking_an_address_works_without_javascript(live):
    driver = start_chrome("mobile", javascript=False)
    try:
        driver.get(live.url + START)
        driver.find_element(By.ID, "postcode").send_keys("DM1 1AB")
        press(driver, "main form button")
        Select(driver.find_element(By.ID, "uprn")).select_by_value("100000000004")
        press(driver, "main form button")
        result = driver.find_element(By.ID, "parking-result")
        assert result.get_attribute("data-standing") == "car-free"
        assert "planning permission" in result.text
    finally:
        driver.quit()


def test_a_resident_buys_a_permit_without_javascript(live):
    """The whole resident journey with scripts off: sign in, the start page, address, vehicle, start
    day, length, check your answers with the quote, payment, and the permit, valid now."""
    from tests.browser.test_form_journeys import cancel_example_parking_permits
    from tests.local_stripe import GOOD_CARD

    driver = start_chrome("mobile", javascript=False)
    resident = demo.DEMO_ACCOUNTS[0]
    today = date.today()
    try:
        driver.get(live.url + "/sign-in")
        driver.find_element(By.ID, "email").send_keys(resident.email)
        driver.find_element(By.ID, "password").send_keys(resident.password)
        press(driver, "main form button[type=submit]")
        driver.get(live.url + START)
        assert driver.find_element(By.ID, "parking-result").get_attribute("data-standing") == "eligible"
        press(driver, "a.govuk-button--start")

        driver.find_element(By.ID, "address-postcode").send_keys("DM1 1AB")
        press(driver, "button[name=address-find]")
        Select(driver.find_element(By.ID, "address-uprn")).select_by_value("100000000001")
        press(driver, "main form button[type=submit]:not([name])")

        driver.find_element(By.ID, "vehicle-vrm").send_keys("dm21 evc")
        press(driver, "button[name=vehicle-find]")
        assert "Electric" in driver.find_element(By.CSS_SELECTOR, ".govuk-summary-list").text
        driver.find_element(By.ID, "vehicle-correct").send_keys(" ")
        press(driver, "main form button[type=submit]:not([name])")

        for box, value in (("start-day", today.day), ("start-day-month", today.month), ("start-day-year", today.year)):
            driver.find_element(By.ID, box).send_keys(str(value))
        press(driver, "main form button[type=submit]:not([name])")
        driver.find_element(By.CSS_SELECTOR, "input[value=months-12]").send_keys(" ")
        press(driver, "main form button[type=submit]:not([name])")
        driver.find_element(By.CSS_SELECTOR, "input[name=concession][value=none]").send_keys(" ")
        press(driver, "main form button[type=submit]:not([name])")
        # How we contact them: their account's email address is already filled in.
        assert driver.find_element(By.ID, "email").get_attribute("value") == resident.email
        press(driver, "main form button[type=submit]:not([name])")

        assert "Electric vehicle, 12 months" in driver.find_element(By.TAG_NAME, "main").text
        assert driver.find_element(By.ID, "permit-panel").is_displayed()
        press(driver, "main form button[type=submit]")
        for name, value in {"card_number": GOOD_CARD, "expiry": "04/35", "cvc": "123"}.items():
            driver.find_element(By.ID, name).send_keys(value)
        press(driver, "main form button[type=submit]")
        assert "/confirmation" in driver.current_url, driver.current_url

        driver.get(live.url + "/account/requests")
        link = driver.find_element(By.PARTIAL_LINK_TEXT, "DM21EVC")
        old_page = driver.find_element(By.TAG_NAME, "html").id
        link.send_keys(Keys.ENTER)
        WebDriverWait(driver, 10).until(lambda d: d.find_element(By.TAG_NAME, "html").id != old_page)
        assert driver.find_element(By.ID, "permit-vrm").text == "DM21 EVC"
        assert driver.find_element(By.ID, "permit-state").get_attribute("data-state") == "valid-now"
    finally:
        driver.quit()
        with live.app.app_context():
            import sqlalchemy as sa

            from app.extensions import db
            from app.models import ParkingPermit, PermitStatus

            db.session.execute(
                sa.update(ParkingPermit).where(ParkingPermit.vrm == "DM21EVC").values(status=PermitStatus.CANCELLED)
            )
            db.session.commit()
        cancel_example_parking_permits(live.app)


def test_the_permit_page_and_your_requests_pass_axe(live, browsers, recorder):
    """The virtual permit page (valid now) and the list of permits in "Your requests", as the resident
    who holds it, at both widths, in English and Welsh."""
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Resident")
        for language in LANGUAGES:
            set_language(driver, live, language)
            for label, path in (("permit", f"{START}/permits/PRMT-DEMO"), ("your requests", "/account/requests")):
                driver.get(live.url + path)
                label = f"{width} Resident {language} {label}"
                failures += [
                    f"{label}: {v['id']} {v['help']} {v['nodes']}"
                    for v in recorder.check(driver, width=width, label=label)
                ]
                if recorder.last_was_new():
                    failures += [f"{label}: {problem}" for problem in check_skip_link(driver)]
            assert driver.find_elements(By.ID, "parking-permits"), "the permits are not listed"
    assert not failures, "\n".join(failures[:40])


def test_cancelling_a_permit_passes_axe_in_every_state(live, browsers, recorder):
    """The cancel page with no refund (a permit in its last month) and the cancelled permit with its
    history, at both widths, in English and Welsh; the cancel is made with the keyboard."""
    from datetime import timedelta

    import sqlalchemy as sa

    from app.extensions import db
    from app.models import ParkingPermit, User
    from app.services.parking import permits

    failures = []
    for width in WIDTHS:
        with live.app.app_context():
            resident = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
            first = permits.add_months(date.today(), -12) + timedelta(days=10)  # 10 days left
            reference = f"CXL-{width[:4].upper()}"
            db.session.add(
                ParkingPermit(
                    reference=reference,
                    user_id=resident.id,
                    uprn=resident.uprn,
                    zone="A",
                    vrm="CX11CXL",
                    vehicle={"vrm": "CX11CXL", "source": "dvla"},
                    starts_at=permits.london_midnight(first),
                    ends_at=permits.london_midnight(permits.add_months(first, 12)),
                    months=12,
                    price_pence=5500,
                    quote={"lines": [], "lines_cy": []},
                )
            )
            db.session.commit()
        driver = browsers(width)
        sign_in(driver, live, "Resident")
        for language in LANGUAGES:
            set_language(driver, live, language)
            driver.get(f"{live.url}{START}/permits/{reference}/cancel")
            assert driver.find_element(By.ID, "refund").get_attribute("data-refund-pence") == "0"
            label = f"{width} Resident {language} cancel permit, no refund"
            failures += [
                f"{label}: {v['id']} {v['help']} {v['nodes']}" for v in recorder.check(driver, width=width, label=label)
            ]
        press(driver, "main form button[type=submit]")
        for language in LANGUAGES:
            set_language(driver, live, language)
            driver.get(f"{live.url}{START}/permits/{reference}")
            assert driver.find_element(By.ID, "permit-state").get_attribute("data-state") == "cancelled"
            assert driver.find_elements(By.ID, "permit-changes")
            label = f"{width} Resident {language} cancelled permit"
            failures += [
                f"{label}: {v['id']} {v['help']} {v['nodes']}" for v in recorder.check(driver, width=width, label=label)
            ]
    assert not failures, "\n".join(failures[:40])


def test_renewing_a_permit_passes_axe_in_every_state(live, browsers, recorder):
    """The renewal's length question, its mistake, and the check page with the price, at both widths,
    in English and Welsh, for a permit that ends in ten days."""
    from datetime import timedelta

    import sqlalchemy as sa

    from app.extensions import db
    from app.models import ParkingPermit, PermitStatus, User
    from app.services.parking import permits

    with live.app.app_context():
        resident = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
        ends = date.today() + timedelta(days=11)
        permit = ParkingPermit(
            reference="RNW-BROWSER",
            user_id=resident.id,
            uprn=resident.uprn,
            zone="A",
            vrm="CX11RNW",
            vehicle={"vrm": "CX11RNW", "source": "dvla"},
            starts_at=permits.london_midnight(permits.add_months(ends, -12)),
            ends_at=permits.london_midnight(ends),
            months=12,
            price_pence=5500,
            quote={"lines": [], "lines_cy": []},
        )
        db.session.add(permit)
        db.session.commit()
    failures = []
    try:
        for width in WIDTHS:
            driver = browsers(width)
            sign_in(driver, live, "Resident")
            for language in LANGUAGES:
                set_language(driver, live, language)
                page = f"{live.url}{START}/permits/RNW-BROWSER/renew"
                driver.get(page)
                label = f"{width} Resident {language} renew permit, the length"
                failures += [
                    f"{label}: {v['id']} {v['help']} {v['nodes']}"
                    for v in recorder.check(driver, width=width, label=label)
                ]
                press(driver, "main form button[type=submit]")
                label = f"{width} Resident {language} renew permit, no length chosen"
                failures += [f"{label}: {problem}" for problem in check_error_state(driver)]
                failures += [
                    f"{label}: {v['id']} {v['help']} {v['nodes']}"
                    for v in recorder.check(driver, width=width, label=label)
                ]
                driver.find_element(By.CSS_SELECTOR, "input[name=months][value='12']").send_keys(" ")
                press(driver, "main form button[type=submit]")
                assert driver.find_elements(By.ID, "renewal"), driver.current_url
                label = f"{width} Resident {language} renew permit, check the renewal"
                failures += [
                    f"{label}: {v['id']} {v['help']} {v['nodes']}"
                    for v in recorder.check(driver, width=width, label=label)
                ]
                driver.get(f"{live.url}{START}/permits/RNW-BROWSER")
                assert driver.find_elements(By.ID, "renew-permit")
                label = f"{width} Resident {language} permit that can be renewed"
                failures += [
                    f"{label}: {v['id']} {v['help']} {v['nodes']}"
                    for v in recorder.check(driver, width=width, label=label)
                ]
    finally:
        with live.app.app_context():
            db.session.execute(
                sa.update(ParkingPermit).where(ParkingPermit.vrm == "CX11RNW").values(status=PermitStatus.CANCELLED)
            )
            db.session.commit()
    assert not failures, "\n".join(failures[:40])


def test_the_staff_queue_of_permits_to_check_passes_axe(live, browsers, recorder):
    """The parking team's queue (with an overdue permit in it), the check pages (a vehicle typed in
    by hand; a business permit's evidence) and the mistake (refusing without a reason), at both
    widths, in English and Welsh."""
    with live.app.app_context():
        business_reference = db.session.scalar(
            sa.select(ParkingPermit.reference).where(
                ParkingPermit.vrm == BUSINESS_PERMIT_TO_CHECK_VRM, ParkingPermit.permit_type == "business"
            )
        )
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Staff")
        for language in LANGUAGES:
            set_language(driver, live, language)
            driver.get(f"{live.url}/staff/parking/checks")
            assert "PRMT-CHCK" in driver.find_element(By.ID, "parking-checks").text
            assert driver.find_elements(By.CSS_SELECTOR, "#parking-checks .govuk-tag--red")  # overdue
            label = f"{width} Staff {language} permits to check, one overdue"
            failures += [
                f"{label}: {v['id']} {v['help']} {v['nodes']}" for v in recorder.check(driver, width=width, label=label)
            ]
            driver.get(f"{live.url}/staff/parking/checks/{business_reference}")
            assert driver.find_elements(By.CSS_SELECTOR, "#permit-to-check a[download]")  # the rates bill
            label = f"{width} Staff {language} check a business permit's evidence"
            failures += [
                f"{label}: {v['id']} {v['help']} {v['nodes']}" for v in recorder.check(driver, width=width, label=label)
            ]
            driver.get(f"{live.url}/staff/parking/checks/PRMT-CHCK")
            label = f"{width} Staff {language} check a permit"
            failures += [
                f"{label}: {v['id']} {v['help']} {v['nodes']}" for v in recorder.check(driver, width=width, label=label)
            ]
            driver.find_element(By.CSS_SELECTOR, "input[name=decision][value=refuse]").send_keys(" ")
            press(driver, "main form button[type=submit]")
            label = f"{width} Staff {language} check a permit, no reason"
            failures += [f"{label}: {problem}" for problem in check_error_state(driver)]
            failures += [
                f"{label}: {v['id']} {v['help']} {v['nodes']}" for v in recorder.check(driver, width=width, label=label)
            ]
    assert not failures, "\n".join(failures[:40])
