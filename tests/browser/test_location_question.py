"""The location question in Chromium: every state (empty, sent empty, addresses found, streets found,
a neighbour's postcode, a street over the border, mistakes on both parts) passes axe and the keyboard
checks at both widths in English and Welsh; and the whole question works with JavaScript off."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from app import create_app
from app.extensions import db
from app.services import demo
from tests.browser.harness import WIDTHS, LiveServer, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_error_state, check_skip_link, set_language
from tests.browser.test_form_journeys import click_and_wait, empty_fields, press_continue
from tests.browser.test_without_javascript import press
from tests.database import reset_schema
from tests.settings import app_overrides, isolated_environ

pytestmark = pytest.mark.browser

DEFINITIONS = Path(__file__).resolve().parents[1] / "integration" / "data" / "location"
PAGE = "/services/report-a-spill/where"


@pytest.fixture(scope="module")
def spill_server(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("location")
    app = create_app(
        app_overrides(
            tmp_dir,
            f"sqlite:///{tmp_dir / 'location.sqlite'}",
            FORM_DEFINITIONS_DIR=str(DEFINITIONS),
            LIVE_SERVER=True,
        ),
        environ=isolated_environ(tmp_dir),
    )
    reset_schema(app)
    with app.app_context():
        demo.load()
        db.session.commit()
    with LiveServer(app) as server:
        yield server
    with app.app_context():
        db.engine.dispose()


def search(driver, typed: str) -> None:
    box = driver.find_element(By.ID, "spot-search")
    box.clear()
    box.send_keys(typed)
    click_and_wait(driver, driver.find_element(By.NAME, "spot-find"))


def test_every_state_of_the_location_question_passes_axe(spill_server, browsers, recorder):
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
            driver.get(spill_server.url + "/")
            set_language(driver, spill_server, language)
            driver.get(spill_server.url + "/services/report-a-spill/begin")
            label = f"{language} location"
            check(driver, width, f"{label} empty", keyboard=True)
            empty_fields(driver)
            press_continue(driver)
            failures.extend(f"{width} {label} sent empty: {p}" for p in check_error_state(driver))
            check(driver, width, f"{label} sent empty")

            search(driver, "DM9 4ZZ")
            failures.extend(f"{width} {label} neighbour's postcode: {p}" for p in check_error_state(driver))
            check(driver, width, f"{label} neighbour's postcode")
            assert (
                driver.find_element(By.CSS_SELECTOR, ".govuk-inset-text a")
                .get_attribute("href")
                .startswith("https://www.westvale.example/")
            )

            search(driver, "Lane")
            check(driver, width, f"{label} streets found")
            Select(driver.find_element(By.ID, "spot-place")).select_by_visible_text("Boundary Lane, Westvale")
            driver.find_element(By.ID, "spot-description").send_keys("By the bridge")
            press_continue(driver)
            failures.extend(f"{width} {label} street over the border: {p}" for p in check_error_state(driver))
            check(driver, width, f"{label} street over the border")

            search(driver, "DM1 1AB")
            check(driver, width, f"{label} addresses found")
            empty_fields(driver)
            driver.find_element(By.ID, "spot-search").send_keys("DM1 1AB")
            press_continue(driver)
            failures.extend(f"{width} {label} nothing chosen: {p}" for p in check_error_state(driver))
            check(driver, width, f"{label} nothing chosen")

            Select(driver.find_element(By.ID, "spot-place")).select_by_index(3)
            driver.find_element(By.ID, "spot-description").send_keys("Outside the shop")
            press_continue(driver)
            assert driver.current_url.endswith("/services/report-a-spill/email"), driver.current_url
            driver.get(spill_server.url + PAGE)
            check(driver, width, f"{label} answered")
            assert Select(driver.find_element(By.ID, "spot-place")).first_selected_option.get_attribute("value")
    assert not failures, "\n".join(failures[:40])


def test_the_location_question_works_without_javascript(spill_server):
    driver = start_chrome("mobile", javascript=False)
    try:
        driver.get(spill_server.url + "/services/report-a-spill/begin")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Where is the spill?"
        driver.find_element(By.ID, "spot-search").send_keys("mill")
        press(driver, "button[name=spot-find]")
        Select(driver.find_element(By.ID, "spot-place")).select_by_visible_text("Mill Lane, Demoton")
        driver.find_element(By.ID, "spot-description").send_keys("Near the bridge")
        press(driver, "main form button[type=submit]:not([name])")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Email address"
        driver.find_element(By.ID, "email").send_keys("spill@example.com")
        press(driver, "main form button[type=submit]:not([name])")
        assert "Mill Lane, Demoton: Near the bridge" in driver.find_element(By.TAG_NAME, "main").text
    finally:
        driver.quit()
