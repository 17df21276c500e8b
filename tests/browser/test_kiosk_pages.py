"""Kiosk mode in Chromium: the kiosk banner and the "Are you still there?" warning pass axe at both
widths in both languages, the warning takes focus and Escape keeps the session; and Finish and
clear works by keyboard with JavaScript off, after which the back button shows nothing of the
last person's."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from app.services import demo
from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES, set_language, sign_in
from tests.browser.test_api_key_pages import press_the_button
from tests.browser.test_without_javascript import fill, press

pytestmark = pytest.mark.browser
RESIDENT = demo.DEMO_ACCOUNTS[0]


def enrol_this_browser(driver, live, press_button) -> None:
    driver.get(live.url + "/admin/kiosks")
    driver.find_element(By.ID, "name").send_keys("Browser kiosk")
    Select(driver.find_element(By.ID, "place")).select_by_visible_text(demo.DEMO_PLACE)
    driver.find_element(By.CSS_SELECTOR, "input[name=language][value=en]").send_keys(Keys.SPACE)
    press_button()


def test_kiosk_banner_and_warning_pass_axe(live, browsers, recorder):
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Admin")
        enrol_this_browser(driver, live, lambda d=driver: press_the_button(d))
        for language in LANGUAGES:
            set_language(driver, live, language)
            driver.get(live.url + "/")
            label = f"{language} kiosk: start page"
            failures += [
                f"{width} {label}: {v['id']} {v['nodes']}" for v in recorder.check(driver, width=width, label=label)
            ]
            driver.execute_script("document.querySelector('.doorstep-timeout-warning dialog').showModal()")
            focused = driver.execute_script("return !!document.activeElement.closest('dialog')")
            if not focused:
                failures.append(f"{width} {language}: the warning did not take focus")
            label = f"{language} kiosk: are you still there?"
            failures += [
                f"{width} {label}: {v['id']} {v['nodes']}" for v in recorder.check(driver, width=width, label=label)
            ]
            driver.switch_to.active_element.send_keys(Keys.ESCAPE)
            WebDriverWait(driver, 5).until(
                lambda d: not d.execute_script("return document.querySelector('.doorstep-timeout-warning dialog').open")
            )
        driver.delete_all_cookies()  # this browser is no longer a kiosk for the other tests
    assert not failures, "\n".join(failures)


def test_finish_and_clear_without_javascript_leaves_nothing(live):
    driver = start_chrome("mobile", javascript=False)
    try:
        driver.get(live.url + "/sign-in")
        fill(driver, {"email": "admin@demo.doorstep.example", "password": "demo-admin-pass"})
        enrol_this_browser(driver, live, lambda: press(driver, "main form button[type=submit]"))
        assert driver.find_elements(By.CSS_SELECTOR, ".doorstep-kiosk-banner")
        driver.get(live.url + "/sign-in")
        fill(driver, {"email": RESIDENT.email, "password": RESIDENT.password})
        driver.get(live.url + "/account/requests")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Your requests"
        press(driver, "#kiosk-finish-form button")
        assert "Everything has been cleared" in driver.find_element(By.TAG_NAME, "main").text
        driver.back()
        assert driver.find_element(By.TAG_NAME, "h1").text != "Your requests"
        assert RESIDENT.full_name not in driver.page_source
    finally:
        driver.quit()
