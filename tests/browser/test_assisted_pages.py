"""The volunteer's helping pages in every state the crawl cannot reach (the find and consent forms'
errors, the accounts found, helping with the banner on every page, a refusal), in Chromium at both
widths in both languages with axe; and the journey by keyboard with JavaScript off."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app.services import demo
from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES, set_language, sign_in
from tests.browser.test_api_key_pages import press_the_button
from tests.browser.test_without_javascript import fill, press

pytestmark = pytest.mark.browser
RESIDENT = demo.DEMO_ACCOUNTS[0]


def test_helping_pages_pass_axe_in_every_state(live, browsers, recorder):
    failures = []

    def check(driver, width, language, state):
        label = f"{language} helping someone: {state}"
        for violation in recorder.check(driver, width=width, label=label):
            failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")

    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Volunteer")
        for language in LANGUAGES:
            set_language(driver, live, language)
            driver.get(live.url + "/help/")
            press_the_button(driver)
            check(driver, width, language, "find form with errors")
            driver.find_element(By.ID, "email").send_keys(RESIDENT.email)
            press_the_button(driver)
            if len(driver.find_elements(By.CSS_SELECTOR, "input[name=person]")) != 1:
                failures.append(f"{width} {language}: the demo resident was not found by email")
            check(driver, width, language, "account found")
            press_the_button(driver)
            check(driver, width, language, "choose with an error")
            driver.find_element(By.CSS_SELECTOR, "input[name=person]").click()
            press_the_button(driver)
            check(driver, width, language, "consent form")
            press_the_button(driver)
            check(driver, width, language, "consent form with errors")
            driver.find_element(By.CSS_SELECTOR, "input[name=given][value=in_person]").click()
            driver.find_element(By.CSS_SELECTOR, "input[name=services][value=missed-bin]").click()
            press_the_button(driver)
            if not driver.find_elements(By.CSS_SELECTOR, ".doorstep-helping-banner"):
                failures.append(f"{width} {language}: no banner while helping")
            check(driver, width, language, "helping")
            driver.get(live.url + "/services/missed-bin/bin-type")
            check(driver, width, language, "a form page while helping")
            driver.get(live.url + "/account/requests")
            if not driver.current_url.endswith("/help/not-covered"):
                failures.append(f"{width} {language}: the person's requests were not refused")
            check(driver, width, language, "refused")
            press_the_button(driver, driver.find_element(By.CSS_SELECTOR, ".doorstep-helping-banner form"))
            if driver.find_elements(By.CSS_SELECTOR, ".doorstep-helping-banner"):
                failures.append(f"{width} {language}: still helping after Stop helping")
            check(driver, width, language, "stopped")
    assert not failures, "\n".join(failures)


def test_a_volunteer_helps_someone_by_keyboard_without_javascript(live):
    driver = start_chrome("mobile", javascript=False)
    try:
        driver.delete_all_cookies()
        driver.get(live.url + "/sign-in")
        fill(driver, {"email": demo.DEMO_VOLUNTEER, "password": "demo-volunteer-pass"})
        driver.get(live.url + "/help/")
        fill(driver, {"email": RESIDENT.email})
        driver.find_element(By.CSS_SELECTOR, "input[name=person]").send_keys(Keys.SPACE)
        press(driver, "main form button[type=submit]")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Record their consent"
        driver.find_element(By.CSS_SELECTOR, "input[name=given][value=telephone]").send_keys(Keys.SPACE)
        driver.find_element(By.CSS_SELECTOR, "input[name=services][value=missed-bin]").send_keys(Keys.SPACE)
        press(driver, "main form button[type=submit]")
        assert driver.find_element(By.TAG_NAME, "h1").text == f"You are helping {RESIDENT.full_name}"
        driver.get(live.url + "/services/missed-bin")
        banner = driver.find_element(By.CSS_SELECTOR, ".doorstep-helping-banner")
        assert f"You are helping {RESIDENT.full_name}" in banner.text
        press(driver, ".doorstep-helping-banner form button")
        assert "You have stopped helping" in driver.find_element(By.TAG_NAME, "main").text
        assert not driver.find_elements(By.CSS_SELECTOR, ".doorstep-helping-banner")
    finally:
        driver.quit()


def test_the_consent_form_for_someone_without_an_account_asks_for_a_letter_address_and_passes_axe(
    live, browsers, recorder
):
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Volunteer")
        for language in LANGUAGES:
            set_language(driver, live, language)
            driver.get(live.url + "/help/consent?who=guest")
            for state in ("empty", "by post with errors"):
                if state != "empty":
                    driver.find_element(By.CSS_SELECTOR, "input[name=confirmations][value=post]").click()
                    driver.find_element(By.ID, "address_postcode").send_keys("nowhere")
                    press_the_button(driver)
                    if not driver.find_elements(By.CSS_SELECTOR, "#address_line_1-error"):
                        failures.append(f"{width} {language}: no error for a letter address left out")
                label = f"{language} consent without an account: {state}"
                for violation in recorder.check(driver, width=width, label=label):
                    failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")
    assert not failures, "\n".join(failures)
