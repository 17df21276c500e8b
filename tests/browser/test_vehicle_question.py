"""The vehicle question in Chromium, in every state: the number box, a number that is not one, a
vehicle the DVLA does not know, typing its details in (empty, then filled), the DVLA's details to
confirm (unanswered, then yes), and the DVLA out of reach. axe and the keyboard checks in each, at
both widths, in English and Welsh; and the whole question with JavaScript off.

Its own live server, with a test definition that uses the type (tests/data/vehicle-forms)."""

from functools import partial
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.harness import WIDTHS, LiveServer, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_error_state, check_skip_link, set_language
from tests.browser.test_form_journeys import answer_vehicle, press_continue, type_number
from tests.browser.test_without_javascript import press
from tests.database import reset_schema
from tests.local_dvla import close_vehicle_client
from tests.settings import app_overrides, isolated_environ

pytestmark = pytest.mark.browser

FORMS = Path(__file__).parents[1] / "data" / "vehicle-forms"
FORM = "tell-us-about-a-vehicle"


@pytest.fixture(scope="module")
def vehicle_live(tmp_path_factory, live_stripe, local_dvla):
    from app import create_app
    from app.extensions import db

    tmp_dir = tmp_path_factory.mktemp("vehicle-browser")
    app = create_app(
        app_overrides(
            tmp_dir,
            f"sqlite:///{tmp_dir / 'vehicle.sqlite'}",
            FORM_DEFINITIONS_DIR=str(FORMS),
            STRIPE_API_BASE=live_stripe.url,
            DVLA_API_BASE=local_dvla.url,
            LIVE_SERVER=True,
        ),
        environ=isolated_environ(tmp_dir),
    )
    reset_schema(app)
    with LiveServer(app) as server:
        yield server.url
    close_vehicle_client(app)
    with app.app_context():
        db.engine.dispose()


def test_every_state_of_the_vehicle_question_passes_axe(vehicle_live, browsers, recorder, local_dvla, dvla_outage):
    failures = []

    def check(driver, width, label, keyboard=False):
        for violation in recorder.check(driver, width=width, label=label):
            failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")
        if keyboard and recorder.last_was_new():
            failures.extend(f"{width} {label}: {problem}" for problem in check_skip_link(driver))

    for width in WIDTHS:
        driver = browsers(width)
        for language in LANGUAGES:
            driver.delete_all_cookies()
            driver.get(vehicle_live + "/")
            set_language(driver, vehicle_live, language)
            label = f"{language} {FORM}/vehicle"
            driver.get(f"{vehicle_live}/services/{FORM}/begin")
            check(driver, width, label, keyboard=True)
            press_continue(driver)
            failures.extend(f"{width} {label} sent empty: {p}" for p in check_error_state(driver))
            check(driver, width, f"{label} sent empty")

            local_dvla.outage(503, seconds=60)
            type_number(driver, "vehicle", "DM19 LOW")
            press_continue(driver)
            check(driver, width, f"{label} the DVLA cannot be asked")
            assert driver.find_elements(By.NAME, "vehicle-unchecked"), f"{label}: the outage message is not shown"
            local_dvla.back_to_normal()

            answer_vehicle(driver, _question(), partial(check, width=width), f"{width} {label}", failures)
            assert driver.current_url.endswith(f"/services/{FORM}/details"), driver.current_url
            press_continue(driver)
            check(driver, width, f"{language} {FORM} check answers")
            summary = driver.find_element(By.CSS_SELECTOR, ".govuk-summary-list").text
            assert "DM19 LOW: Toyota, silver, petrol" in summary, summary
    assert not failures, "\n".join(failures[:40])


def _question():
    class VehicleQuestion:
        id = "vehicle"

    return VehicleQuestion()


def test_the_vehicle_question_works_without_javascript(vehicle_live):
    driver = start_chrome("mobile", javascript=False)
    try:
        driver.get(f"{vehicle_live}/services/{FORM}/begin")
        type_number(driver, "vehicle", "er19nfd")
        press(driver, "button[name=vehicle-find]")
        assert driver.title.startswith("Error:")
        press(driver, "button[name=vehicle-manual]")
        driver.find_element(By.ID, "vehicle-make").send_keys("Morris")
        driver.find_element(By.ID, "vehicle-colour").send_keys("Green")
        Select(driver.find_element(By.ID, "vehicle-fuel_type")).select_by_value("DIESEL")
        type_number(driver, "vehicle", "dm19 low")
        press(driver, "button[name=vehicle-lookup]")
        assert "Toyota" in driver.find_element(By.CSS_SELECTOR, ".govuk-summary-list").text
        driver.find_element(By.ID, "vehicle-correct").send_keys(" ")  # the space bar ticks a radio
        press(driver, "main form button[type=submit]:not([name])")
        assert driver.current_url.endswith(f"/services/{FORM}/details")
        press(driver, "main form button[type=submit]:not([name])")
        assert "DM19 LOW: Toyota, silver, petrol" in driver.find_element(By.CSS_SELECTOR, ".govuk-summary-list").text
    finally:
        driver.quit()
