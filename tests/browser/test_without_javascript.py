"""The journeys work with JavaScript turned off, in real Chromium."""

import re

import pytest
import sqlalchemy as sa
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from app.extensions import db
from app.models import OutboundMessage
from tests.browser.harness import start_chrome

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def no_js_browser():
    driver = start_chrome("mobile", javascript=False)
    yield driver
    driver.quit()


# ChromeDriver's click() waits forever for a navigation when scripts are off, so these journeys
# press Enter on buttons and links, as a keyboard user would.
def press(driver, selector: str) -> None:
    old_page = driver.find_element(By.TAG_NAME, "html").id
    driver.find_element(By.CSS_SELECTOR, selector).send_keys(Keys.ENTER)
    # Mid-navigation the browser can answer with an error; keep asking until the new page is there.
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.find_element(By.TAG_NAME, "html").id != old_page
    )


def fill(driver, values: dict) -> None:
    for field_id, value in values.items():
        element = driver.find_element(By.ID, field_id)
        element.clear()
        element.send_keys(value)
    press(driver, "main form button[type=submit]")


def test_register_confirm_sign_in_and_change_details_without_javascript(live, no_js_browser):
    driver = no_js_browser
    driver.delete_all_cookies()
    driver.get(live.url + "/create-account")
    assert "js-enabled" not in (driver.find_element(By.TAG_NAME, "body").get_attribute("class") or "")

    fill(driver, {"full_name": "", "email": "nojs@example.com", "password": "a long enough password"})
    assert driver.title.startswith("Error: Create an account")
    assert driver.find_element(By.ID, "email").get_attribute("value") == "nojs@example.com"

    fill(driver, {"full_name": "No Script", "email": "nojs@example.com", "password": "a long enough password"})
    assert driver.find_element(By.TAG_NAME, "h1").text == "Check your email"

    with live.app.app_context():
        body = db.session.scalars(
            sa.select(OutboundMessage.body).where(OutboundMessage.recipient == "nojs@example.com")
        ).one()
    driver.get(live.url + re.search(r"http://localhost(/\S+)", body).group(1))
    fill(driver, {"email": "nojs@example.com", "password": "a long enough password"})
    assert driver.find_element(By.TAG_NAME, "h1").text == "Your account"

    driver.get(live.url + "/account/address")
    fill(driver, {"postcode": "DM2 3EF"})
    Select(driver.find_element(By.ID, "uprn")).select_by_value("100000000022")
    press(driver, "main form button[type=submit]")
    assert "Your address has been saved" in driver.page_source
    assert "2 Mill Lane" in driver.page_source

    press(driver, ".doorstep-header__language")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "cy"
    assert driver.find_element(By.TAG_NAME, "h1").text == "Eich cyfrif"
