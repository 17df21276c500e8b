"""A kiosk in Chromium: enrolled by the demo admin, then every state only a kiosk shows (its start
page, a person signed in, the "Are you still there?" warning, cleared when idle, cleared with
"Finish and clear") passes axe at both widths in both languages; finishing by keyboard with
JavaScript off leaves nothing of the person's for the back button or the next person."""

import time
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

import app.kiosk as kiosk_module
from app.services import demo
from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES
from tests.browser.test_without_javascript import fill, press

pytestmark = pytest.mark.browser
RESIDENT = demo.DEMO_ACCOUNTS[0]
ADMIN = next(account for account in demo.DEMO_ACCOUNTS if account.label == "Admin")
SUCCESS_BANNER = ".govuk-notification-banner--success"


@contextmanager
def kiosk_timings(live, *, idle_minutes: int, warning_seconds: int):
    """The live server's kiosk timings for a moment (the server reads them on every request)."""
    saved = live.app.config["KIOSK_IDLE_MINUTES"], live.app.config["KIOSK_WARNING_SECONDS"]
    live.app.config["KIOSK_IDLE_MINUTES"], live.app.config["KIOSK_WARNING_SECONDS"] = idle_minutes, warning_seconds
    try:
        yield
    finally:
        live.app.config["KIOSK_IDLE_MINUTES"], live.app.config["KIOSK_WARNING_SECONDS"] = saved


def an_hour_on() -> SimpleNamespace:
    """The kiosk code's clock, an hour ahead: the session has been idle for too long."""
    moment = time.time() + 3600
    return SimpleNamespace(time=lambda: moment)


def enrol_this_browser(driver, live, *, name: str, language: str) -> None:
    """The demo admin makes this browser a kiosk at the demo place, by keyboard (works with scripts off)."""
    driver.delete_all_cookies()
    driver.get(live.url + "/sign-in")
    fill(driver, {"email": ADMIN.email, "password": ADMIN.password})
    driver.get(live.url + "/admin/kiosks")
    Select(driver.find_element(By.ID, "place")).select_by_value(str(live.arguments["admin.place"]["place_id"]))
    driver.find_element(By.CSS_SELECTOR, f"input[name=language][value={language}]").send_keys(Keys.SPACE)
    fill(driver, {"name": name})
    banner = driver.find_element(By.CSS_SELECTOR, ".doorstep-kiosk-banner")
    assert banner.is_displayed(), "no kiosk banner after enrolling"


def sign_in_on_the_kiosk(driver, live) -> None:
    driver.get(live.url + "/sign-in")
    fill(driver, {"email": RESIDENT.email, "password": RESIDENT.password})
    assert RESIDENT.full_name in driver.find_element(By.TAG_NAME, "main").text


def test_every_kiosk_state_passes_axe(live, browsers, recorder, monkeypatch):
    failures = []

    def check(driver, width, language, state):
        label = f"{language} kiosk: {state}"
        for violation in recorder.check(driver, width=width, label=label):
            failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")

    for width in WIDTHS:
        driver = browsers(width)
        try:
            for language in LANGUAGES:
                enrol_this_browser(driver, live, name=f"Browser test {width} {language}", language=language)
                if driver.find_element(By.TAG_NAME, "html").get_attribute("lang") != language:
                    failures.append(f"{width} {language}: the start page is not in the kiosk's language")
                check(driver, width, language, "start page just enrolled")
                sign_in_on_the_kiosk(driver, live)
                check(driver, width, language, "a person signed in")
                driver.get(live.url + "/services/missed-bin/bin-type")
                check(driver, width, language, "a form page")

                with kiosk_timings(live, idle_minutes=1, warning_seconds=58):
                    driver.get(live.url + "/services/missed-bin/bin-type")
                    WebDriverWait(driver, 15).until(
                        lambda d: d.find_elements(By.CSS_SELECTOR, ".doorstep-timeout-warning dialog[open]"),
                        "the timeout warning did not open",
                    )
                    check(driver, width, language, "the timeout warning")
                    driver.find_element(By.CSS_SELECTOR, "dialog[open] [data-continue]").click()
                    WebDriverWait(driver, 5).until(
                        lambda d: not d.find_elements(By.CSS_SELECTOR, ".doorstep-timeout-warning dialog[open]"),
                        "Continue did not close the timeout warning",
                    )

                with monkeypatch.context() as later:
                    later.setattr(kiosk_module, "time", an_hour_on())
                    driver.get(live.url + "/account/")
                if RESIDENT.full_name in driver.page_source:
                    failures.append(f"{width} {language}: the person's name is still shown after an idle clear")
                if not driver.find_elements(By.CSS_SELECTOR, ".govuk-notification-banner"):
                    failures.append(f"{width} {language}: no message that everything was cleared while idle")
                check(driver, width, language, "cleared when idle")

                sign_in_on_the_kiosk(driver, live)
                driver.find_element(By.CSS_SELECTOR, "#kiosk-finish-form button").click()
                WebDriverWait(driver, 10).until(lambda d: RESIDENT.full_name not in d.page_source)
                if not driver.find_elements(By.CSS_SELECTOR, SUCCESS_BANNER):
                    failures.append(f"{width} {language}: no message that everything was cleared")
                check(driver, width, language, "finished and cleared")
        finally:
            driver.delete_all_cookies()  # an ordinary browser again for the tests after
    assert not failures, "\n".join(failures)


def test_finish_and_clear_by_keyboard_without_javascript_leaves_nothing(live):
    driver = start_chrome("mobile", javascript=False)
    try:
        enrol_this_browser(driver, live, name="Browser test without JavaScript", language="en")
        sign_in_on_the_kiosk(driver, live)
        driver.get(live.url + "/account/")
        assert RESIDENT.email in driver.page_source
        press(driver, "#kiosk-finish-form button")
        assert "Everything has been cleared. The next person can start." in driver.page_source
        driver.back()  # the page was sent "no-store": the browser asks the server again
        assert RESIDENT.full_name not in driver.page_source
        assert RESIDENT.email not in driver.page_source
        driver.get(live.url + "/account/")
        assert "/sign-in" in driver.current_url
        assert driver.find_element(By.ID, "email").get_attribute("value") == ""
        assert driver.find_element(By.ID, "email").get_attribute("autocomplete") == "off"
    finally:
        driver.quit()
