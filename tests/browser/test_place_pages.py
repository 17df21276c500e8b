"""The place pages the crawl cannot reach: a place just added (with its banner), a volunteer just
added, a closed place and the list showing it. An admin does it all in Chromium at both widths in
both languages, and axe checks each page. The list, the add and change forms (empty and with their
errors), a place and the remove-volunteer page are in the crawl."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from app.services import demo
from tests.browser.harness import WIDTHS
from tests.browser.test_accessibility import LANGUAGES, check_skip_link, set_language, sign_in
from tests.browser.test_api_key_pages import press_the_button

pytestmark = pytest.mark.browser


def test_place_pages_after_each_change_pass_axe(live, browsers, recorder):
    failures = []

    def check(driver, width, language, state, *, banner=False):
        label = f"{language} places: {state}"
        for violation in recorder.check(driver, width=width, label=label):
            failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")
        if recorder.last_was_new() and not banner:
            failures.extend(f"{width} {label}: {problem}" for problem in check_skip_link(driver))

    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Admin")
        for language in LANGUAGES:
            set_language(driver, live, language)
            name = f"Browser library {width} {language}"
            driver.get(live.url + "/admin/places/new")
            driver.find_element(By.ID, "name").send_keys(name)
            driver.find_element(By.CSS_SELECTOR, "input[name=kind][value=library]").click()
            Select(driver.find_element(By.ID, "ward")).select_by_value("Riverside")
            press_the_button(driver)
            if driver.find_element(By.TAG_NAME, "h1").text != name:
                failures.append(f"{width} {language}: the new place's page does not follow adding it")
            check(driver, width, language, "place added", banner=True)
            place_url = driver.current_url

            driver.find_element(By.ID, "email").send_keys(demo.DEMO_VOLUNTEER)
            press_the_button(driver)
            if not driver.find_elements(By.XPATH, "//td[text()='Alex Morgan']"):
                failures.append(f"{width} {language}: the volunteer added is not listed")
            check(driver, width, language, "volunteer added", banner=True)

            close_form = driver.find_element(By.CSS_SELECTOR, "main form[action$='open-or-close']")
            press_the_button(driver, close_form)
            driver.get(place_url)
            if driver.find_elements(By.ID, "email"):
                failures.append(f"{width} {language}: a closed place still offers to add volunteers")
            check(driver, width, language, "closed place")
            driver.get(live.url + "/admin/places")
            check(driver, width, language, "list with a closed place")
    assert not failures, "\n".join(failures)
