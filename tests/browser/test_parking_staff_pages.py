"""Staff acting for callers on parking permits, in Chromium: finding a permit (the empty box, the
mistakes, the results), the staff permit page, cancelling (the check page, then the cancelled permit
with its history), renewing (the length, its mistake, the check page, then the link sent), and the
staff visitor page with its "Sell visitor hours" button, and changing the vehicle for a caller
(the registration number, its mistake, the check page); axe at both widths, in English and Welsh.
The business admin's cancel and renew pages for a business permit too. Cancelling for a caller also
works with JavaScript off."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By

from app.extensions import db
from app.models import ParkingPermit, PermitStatus, User
from app.services import demo
from app.services.parking import permits
from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_error_state, set_language, sign_in
from tests.browser.test_without_javascript import press

pytestmark = pytest.mark.browser
STAFF = "/staff/parking/permits"
OTHER_HOME = 100000000003  # zone A: the permits to cancel, so the demo household stays under its limit


def add_permit(live, reference: str, vrm: str, *, last_day: date, uprn: int | None = None) -> None:
    """A resident permit of the demo resident's whose last day is `last_day`."""
    with live.app.app_context():
        resident = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
        ends = last_day + timedelta(days=1)
        db.session.add(
            ParkingPermit(
                reference=reference,
                user_id=resident.id,
                uprn=uprn or resident.uprn,
                zone="A",
                vrm=vrm,
                vehicle={"vrm": vrm, "source": "dvla"},
                starts_at=permits.london_midnight(permits.add_months(ends, -12)),
                ends_at=permits.london_midnight(ends),
                months=12,
                price_pence=5500,
                quote={"lines": [], "lines_cy": []},
            )
        )
        db.session.commit()


def retire(live, *vrms: str) -> None:
    with live.app.app_context():
        db.session.execute(
            sa.update(ParkingPermit).where(ParkingPermit.vrm.in_(vrms)).values(status=PermitStatus.CANCELLED)
        )
        db.session.commit()


def axe(recorder, driver, width, label) -> list[str]:
    return [f"{label}: {v['id']} {v['help']} {v['nodes']}" for v in recorder.check(driver, width=width, label=label)]


def test_staff_permit_pages_pass_axe_in_every_state(live, browsers, recorder):
    failures = []
    try:
        for width in WIDTHS:
            suffix = width[:4].upper()
            soon = date.today() + timedelta(days=10)
            add_permit(live, f"SCX-{suffix}", f"SC{suffix[0]}1CXL", last_day=soon, uprn=OTHER_HOME)
            add_permit(live, f"SRN-{suffix}", f"SR{suffix[0]}1RNW", last_day=soon)
            driver = browsers(width)
            sign_in(driver, live, "Staff")
            for language in LANGUAGES:
                set_language(driver, live, language)
                label = f"{width} Staff {language}"
                driver.get(f"{live.url}/staff/")
                driver.find_element(By.CSS_SELECTOR, f"a[href='{STAFF}']")
                driver.get(live.url + STAFF)
                failures += axe(recorder, driver, width, f"{label} find a permit")
                for mistake, query in (("nothing typed", "?q="), ("no permit found", "?q=ZZ99ZZZ")):
                    driver.get(live.url + STAFF + query)
                    failures += [f"{label} {mistake}: {problem}" for problem in check_error_state(driver)]
                    failures += axe(recorder, driver, width, f"{label} find a permit, {mistake}")
                driver.get(f"{live.url}{STAFF}?q=SCX-{suffix}")
                assert driver.find_elements(By.ID, "permits-found")
                failures += axe(recorder, driver, width, f"{label} permits found")
                driver.get(f"{live.url}{STAFF}/SRN-{suffix}")
                assert driver.find_elements(By.ID, "renew-permit")
                failures += axe(recorder, driver, width, f"{label} staff permit page")
                driver.get(f"{live.url}{STAFF}/SCX-{suffix}/cancel")
                failures += axe(recorder, driver, width, f"{label} cancel for a caller")
                driver.get(f"{live.url}{STAFF}/SRN-{suffix}/renew")
                failures += axe(recorder, driver, width, f"{label} renew for a caller, the length")
                press(driver, "main form button[type=submit]")
                failures += [f"{label} no length: {problem}" for problem in check_error_state(driver)]
                failures += axe(recorder, driver, width, f"{label} renew for a caller, no length chosen")
                driver.find_element(By.CSS_SELECTOR, "input[name=months][value='12']").send_keys(" ")
                press(driver, "main form button[type=submit]")
                assert driver.find_elements(By.ID, "link-to"), driver.current_url
                failures += axe(recorder, driver, width, f"{label} renew for a caller, check the renewal")
                driver.get(f"{live.url}/staff/parking/visitors/{demo.DEMO_ACCOUNTS[0].uprn}")
                assert driver.find_elements(By.CSS_SELECTOR, "form[action$='/buy-hours']")
                failures += axe(recorder, driver, width, f"{label} visitor page with selling hours")
                driver.get(f"{live.url}{STAFF}/SRN-{suffix}")
                driver.get(driver.find_element(By.ID, "change-vehicle").get_attribute("href"))
                failures += axe(recorder, driver, width, f"{label} change the vehicle for a caller")
                press(driver, "main form button[type=submit]")
                failures += [f"{label} no vehicle: {problem}" for problem in check_error_state(driver)]
                failures += axe(recorder, driver, width, f"{label} change the vehicle, nothing typed")
                driver.find_element(By.ID, "vrm").send_keys("DM68 HGH")
                press(driver, "main form button[type=submit]")
                assert driver.find_elements(By.ID, "difference"), driver.current_url
                failures += axe(recorder, driver, width, f"{label} change the vehicle, check the change")
            # The states after confirming: the link sent, and the permit cancelled (in its last month: no
            # refund), each back on the staff permit page with its message.
            driver.get(f"{live.url}{STAFF}/SRN-{suffix}/renew")
            driver.find_element(By.CSS_SELECTOR, "input[name=months][value='12']").send_keys(" ")
            press(driver, "main form button[type=submit]")
            press(driver, "main form button[type=submit]")
            assert driver.current_url.endswith(f"{STAFF}/SRN-{suffix}"), driver.current_url
            failures += axe(recorder, driver, width, f"{width} Staff {LANGUAGES[-1]} payment link sent")
            driver.get(f"{live.url}{STAFF}/SCX-{suffix}/cancel")
            press(driver, "main form button[type=submit]")
            for language in LANGUAGES:
                set_language(driver, live, language)
                driver.get(f"{live.url}{STAFF}/SCX-{suffix}")
                assert driver.find_element(By.ID, "permit-state").get_attribute("data-state") == "cancelled"
                failures += axe(recorder, driver, width, f"{width} Staff {language} permit cancelled by phone")
    finally:
        retire(
            live,
            *(f"S{kind}{width[0].upper()}1{end}" for width in WIDTHS for kind, end in (("C", "CXL"), ("R", "RNW"))),
        )
    assert not failures, "\n".join(failures[:40])


def test_staff_cancel_for_a_caller_without_javascript(live):
    add_permit(live, "SCX-NOJS", "SC91NJS", last_day=date.today() + timedelta(days=10), uprn=OTHER_HOME)
    driver = start_chrome("mobile", javascript=False)
    try:
        staff = next(account for account in demo.DEMO_ACCOUNTS if account.label == "Staff")
        driver.get(live.url + "/sign-in")
        driver.find_element(By.ID, "email").send_keys(staff.email)
        driver.find_element(By.ID, "password").send_keys(staff.password)
        press(driver, "main form button[type=submit]")
        driver.get(f"{live.url}{STAFF}")
        driver.find_element(By.ID, "q").send_keys("sc91 njs")
        press(driver, "main form button")
        press(driver, "#permits-found a")
        press(driver, "a#cancel-permit")
        press(driver, "main form button[type=submit]")
        assert driver.find_element(By.ID, "permit-state").get_attribute("data-state") == "cancelled"
        assert "(by phone)" in driver.find_element(By.ID, "permit-changes").text
    finally:
        driver.quit()


def test_business_admins_renew_and_cancel_pages_pass_axe(live, browsers, recorder):
    """The demo business's admin: the cancel page for its permit, and the renewal's length and check
    page for a business permit ending in ten days, at both widths, in English and Welsh."""
    with live.app.app_context():
        van = db.session.scalar(sa.select(ParkingPermit).where(ParkingPermit.reference == demo.DEMO_BUSINESS_PERMIT))
        ends = date.today() + timedelta(days=11)
        db.session.add(
            ParkingPermit(
                reference="BRN-BROWSER",
                permit_type="business",
                organisation_id=van.organisation_id,
                user_id=van.user_id,
                uprn=van.uprn,
                zone=van.zone,
                vrm="BR11RNW",
                vehicle={"vrm": "BR11RNW", "source": "dvla"},
                starts_at=permits.london_midnight(permits.add_months(ends, -12)),
                ends_at=permits.london_midnight(ends),
                months=12,
                price_pence=45000,
                quote={"lines": [], "lines_cy": []},
            )
        )
        db.session.commit()
    permit_pages = "/services/parking-permits/permits"
    failures = []
    try:
        for width in WIDTHS:
            driver = browsers(width)
            sign_in(driver, live, "Business admin")
            for language in LANGUAGES:
                set_language(driver, live, language)
                label = f"{width} Business admin {language}"
                driver.get(f"{live.url}{permit_pages}/{demo.DEMO_BUSINESS_PERMIT}/cancel")
                assert driver.find_elements(By.ID, "refund"), driver.current_url
                failures += axe(recorder, driver, width, f"{label} cancel a business permit")
                driver.get(f"{live.url}{permit_pages}/BRN-BROWSER")
                assert driver.find_elements(By.ID, "renew-permit")
                failures += axe(recorder, driver, width, f"{label} business permit that can be renewed")
                driver.get(f"{live.url}{permit_pages}/BRN-BROWSER/renew")
                failures += axe(recorder, driver, width, f"{label} renew a business permit, the length")
                driver.find_element(By.CSS_SELECTOR, "input[name=months][value='12']").send_keys(" ")
                press(driver, "main form button[type=submit]")
                assert driver.find_elements(By.ID, "renewal"), driver.current_url
                failures += axe(recorder, driver, width, f"{label} renew a business permit, check the renewal")
    finally:
        retire(live, "BR11RNW")
    assert not failures, "\n".join(failures[:40])
