"""Telling us you are moving out, in Chromium: the form empty, sent empty and sent with a date that
is not real, the check page with the final bill estimate, the confirmation, and the revenues team's
case for staff; axe at both widths, in English and Welsh. And the whole journey with JavaScript off."""

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By

from app.extensions import db
from app.models import Case
from app.services import demo
from app.services.council_tax import demo_extract
from app.services.council_tax.moving_out_case import SERVICE_ID
from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_error_state, set_language, sign_in
from tests.browser.test_without_javascript import press

pytestmark = pytest.mark.browser

ACCOUNT = "/services/council-tax/accounts/" + demo_extract.DEMO_RESIDENT_REFERENCE
MOVING = ACCOUNT + "/moving-out"


def fill(driver, values: dict) -> None:
    for field_id, value in values.items():
        box = driver.find_element(By.ID, field_id)
        box.clear()
        box.send_keys(value)


def today_parts(driver) -> dict:
    """The date in the page's own example ("For example, 24 11 2026"): today, always allowed."""
    hint = driver.find_element(By.ID, "moving_out_on-fieldset-hint").text
    day, month, year = hint.split()[-3:]
    return {"moving_out_on": day, "moving_out_on-month": month, "moving_out_on-year": year}


ADDRESS = {"address_line_1": "12 Sea View", "town": "Aberystwyth", "postcode": "SY23 1AB"}


def check(driver, recorder, width, label) -> list[str]:
    violations = recorder.check(driver, width=width, label=label)
    return [f"{width} {label}: {v['id']} {v['help']} {v['nodes']}" for v in violations]


def test_every_moving_out_page_and_state_passes_axe(live, browsers, recorder):
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        for language in LANGUAGES:
            sign_in(driver, live, "Resident")
            set_language(driver, live, language)
            driver.get(live.url + MOVING)
            failures += check(driver, recorder, width, f"{language} moving out, empty")
            press(driver, "main form button")
            label = f"{language} moving out, sent empty"
            failures += [f"{width} {label}: {problem}" for problem in check_error_state(driver)]
            failures += check(driver, recorder, width, label)
            fill(driver, {"moving_out_on": "31", "moving_out_on-month": "2", "moving_out_on-year": "2027", **ADDRESS})
            press(driver, "main form button")
            label = f"{language} moving out, not a real date"
            failures += [f"{width} {label}: {problem}" for problem in check_error_state(driver)]
            if driver.find_element(By.ID, "address_line_1").get_attribute("value") != "12 Sea View":
                failures.append(f"{width} {label}: the address typed was lost")
            failures += check(driver, recorder, width, label)
            fill(driver, today_parts(driver))
            press(driver, "main form button")
            label = f"{language} moving out, check answers and estimate"
            if not driver.current_url.endswith(MOVING + "/check"):
                failures.append(f"{width} {label}: not on the check page ({driver.current_url})")
                continue
            if not driver.find_element(By.ID, "estimate").is_displayed():
                failures.append(f"{width} {label}: no estimate")
            failures += check(driver, recorder, width, label)
            press(driver, "main form button")
            label = f"{language} moving out, confirmation"
            if not driver.find_elements(By.ID, "reference"):
                failures.append(f"{width} {label}: no reference")
                continue
            reference = driver.find_element(By.ID, "reference").text
            failures += check(driver, recorder, width, label)
            sign_in(driver, live, "Staff")
            set_language(driver, live, language)
            driver.get(f"{live.url}/staff/cases/{reference}")
            failures += check(driver, recorder, width, f"{language} staff case, moving out")
    assert not failures, "\n".join(failures[:40])


def test_moving_out_without_javascript(live):
    driver = start_chrome("mobile", javascript=False)
    try:
        resident = demo.DEMO_ACCOUNTS[0]
        driver.get(live.url + "/sign-in")
        driver.find_element(By.ID, "email").send_keys(resident.email)
        driver.find_element(By.ID, "password").send_keys(resident.password)
        press(driver, "main form button[type=submit]")
        driver.get(live.url + ACCOUNT)
        press(driver, "#moving-out-link a")
        assert driver.current_url.endswith(MOVING)
        fill(driver, {**today_parts(driver), **ADDRESS, "landlord": "Demo Lettings"})
        press(driver, "main form button")
        assert driver.current_url.endswith(MOVING + "/check"), driver.current_url
        assert "Demo Lettings" in driver.find_element(By.ID, "answers").text
        press(driver, "main form button")
        reference = driver.find_element(By.ID, "reference").text
        assert "You have told us you are moving out" in driver.find_element(By.TAG_NAME, "h1").text
    finally:
        driver.quit()
    with live.app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert (case.service_id, case.answers["landlord"]) == (SERVICE_ID, "Demo Lettings")
