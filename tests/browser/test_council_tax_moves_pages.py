"""Moving in and moving within the area, in Chromium: every page empty and sent empty, the address
list, "not listed" with the typed address, the adults added and the discount asked, the check pages
with their estimates, and the confirmations; axe at both widths, in English and Welsh. And both
journeys with JavaScript off."""

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app.extensions import db
from app.models import Case
from app.services import demo
from app.services.council_tax import demo_extract, moving_in, moving_within
from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_error_state, set_language, sign_in
from tests.browser.test_without_javascript import press

pytestmark = pytest.mark.browser

MOVING_IN = "/services/council-tax/moving-in"
MOVING_WITHIN = "/services/council-tax/accounts/" + demo_extract.DEMO_RESIDENT_REFERENCE + "/moving-within"
POSTCODE = "DM1 1AB"
PREVIOUS = {"previous_line_1": "12 Sea View", "previous_town": "Aberystwyth", "previous_postcode": "SY23 1AB"}
SEND = "main form button[type=submit]"


def fill(driver, values: dict) -> None:
    for field_id, value in values.items():
        box = driver.find_element(By.ID, field_id)
        box.clear()
        box.send_keys(value)


def choose(driver, name: str, value: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']").send_keys(Keys.SPACE)


def today_parts(driver, field: str) -> dict:
    """The date in the page's own example ("For example, 24 11 2026"): today, always allowed."""
    day, month, year = driver.find_element(By.ID, f"{field}-fieldset-hint").text.split()[-3:]
    return {field: day, f"{field}-month": month, f"{field}-year": year}


def another_address(driver) -> str:
    values = [box.get_attribute("value") for box in driver.find_elements(By.CSS_SELECTOR, "input[name='address']")]
    return next(value for value in values if value != str(demo_extract.DEMO_RESIDENT_UPRN))


def moving_in_journey(driver, live, seen) -> str:
    """Through every page of moving in; seen(label, error_state) is called on each. The reference."""
    driver.get(live.url + "/services/council-tax")
    press(driver, "#moving-in-link a")
    seen("moving in, postcode", False)
    press(driver, SEND)
    seen("moving in, postcode sent empty", True)
    fill(driver, {"postcode": POSTCODE})
    press(driver, SEND)
    seen("moving in, choose the address", False)
    press(driver, SEND)
    seen("moving in, no address chosen", True)
    press(driver, "#not-listed")
    seen("moving in, address not listed", False)
    fill(driver, {"postcode": ""})
    press(driver, SEND)
    seen("moving in, typed address sent empty", True)
    driver.get(live.url + MOVING_IN + "/address")
    choose(driver, "address", another_address(driver))
    press(driver, SEND)
    seen("moving in, about your move", False)
    press(driver, SEND)
    seen("moving in, about your move sent empty", True)
    fill(driver, {**today_parts(driver, "moving_in_on"), **PREVIOUS, "landlord_name": "Demo Lettings"})
    choose(driver, "tenure", "rents")
    press(driver, SEND)
    seen("moving in, landlord address missing", True)
    fill(driver, {"landlord_address": "1 Market Street, Demoton"})
    press(driver, SEND)
    seen("moving in, adults", False)
    press(driver, "button[value='continue']")
    seen("moving in, adults sent empty", True)
    fill(driver, {"name": "Rhian Evans"})
    press(driver, "button[value='add']")
    seen("moving in, one adult added", False)
    press(driver, "button[value='continue']")
    seen("moving in, single person discount", False)
    press(driver, SEND)
    seen("moving in, discount sent empty", True)
    choose(driver, "single_person_discount", "yes")
    press(driver, SEND)
    assert driver.current_url.endswith(MOVING_IN + "/check"), driver.current_url
    seen("moving in, check answers and estimate", False)
    press(driver, SEND)
    seen("moving in, confirmation", False)
    return driver.find_element(By.ID, "reference").text


def moving_within_journey(driver, live, seen) -> str:
    driver.get(live.url + "/services/council-tax/accounts/" + demo_extract.DEMO_RESIDENT_REFERENCE)
    press(driver, "#moving-within-link a")
    seen("moving within, postcode", False)
    press(driver, SEND)
    seen("moving within, postcode sent empty", True)
    fill(driver, {"postcode": POSTCODE})
    press(driver, SEND)
    choose(driver, "address", str(demo_extract.DEMO_RESIDENT_UPRN))
    press(driver, SEND)
    seen("moving within, the address being left chosen", True)
    choose(driver, "address", another_address(driver))
    press(driver, SEND)
    seen("moving within, about your move", False)
    press(driver, SEND)
    seen("moving within, about your move sent empty", True)
    fill(driver, {**today_parts(driver, "moving_on"), "moving_with": "Alex Jones"})
    press(driver, SEND)
    assert driver.current_url.endswith(MOVING_WITHIN + "/check"), driver.current_url
    seen("moving within, check answers and estimates", False)
    press(driver, SEND)
    seen("moving within, confirmation", False)
    return driver.find_element(By.ID, "reference").text


def test_every_moving_in_and_within_page_and_state_passes_axe(live, browsers, recorder):
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        for language in LANGUAGES:

            def seen(label, error_state, width=width, language=language, driver=driver):
                label = f"{language} {label}"
                if error_state:
                    failures.extend(f"{width} {label}: {problem}" for problem in check_error_state(driver))
                failures.extend(
                    f"{width} {label}: {v['id']} {v['help']} {v['nodes']}"
                    for v in recorder.check(driver, width=width, label=label)
                )

            for journey in (moving_in_journey, moving_within_journey):
                sign_in(driver, live, "Resident")
                set_language(driver, live, language)
                reference = journey(driver, live, seen)
                sign_in(driver, live, "Staff")
                set_language(driver, live, language)
                driver.get(f"{live.url}/staff/cases/{reference}")
                seen(f"staff case, {journey.__name__}", False)
    assert not failures, "\n".join(failures[:40])


@pytest.mark.parametrize(
    ("journey", "service_id"),
    [(moving_in_journey, moving_in.SERVICE_ID), (moving_within_journey, moving_within.SERVICE_ID)],
)
def test_moving_without_javascript(live, journey, service_id):
    driver = start_chrome("mobile", javascript=False)
    try:
        resident = demo.DEMO_ACCOUNTS[0]
        driver.get(live.url + "/sign-in")
        driver.find_element(By.ID, "email").send_keys(resident.email)
        driver.find_element(By.ID, "password").send_keys(resident.password)
        press(driver, "main form button[type=submit]")
        reference = journey(driver, live, lambda label, error_state: None)
        assert "You have told us you are moving" in driver.find_element(By.TAG_NAME, "h1").text
    finally:
        driver.quit()
    with live.app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert case.service_id == service_id
