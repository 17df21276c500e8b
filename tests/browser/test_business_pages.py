"""The business pages the crawl cannot reach (its example permit is the demo resident's): the demo
business's permit page, its change-of-vehicle page and that page with a vehicle found. The demo
business admin, at both widths in both languages, with axe. The premises pages (list, find, select,
remove) and the organisation's permits in "Your requests" are in the crawl."""

import pytest
from selenium.webdriver.common.by import By

from app.services import demo
from tests.browser.harness import WIDTHS
from tests.browser.test_accessibility import LANGUAGES, check_skip_link, set_language, sign_in
from tests.browser.test_api_key_pages import press_the_button

pytestmark = pytest.mark.browser
PERMIT = f"/services/parking-permits/permits/{demo.DEMO_BUSINESS_PERMIT}"


def test_business_permit_pages_pass_axe(live, browsers, recorder):
    failures = []

    def check(driver, width, language, state):
        label = f"{language} business: {state}"
        for violation in recorder.check(driver, width=width, label=label):
            failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")
        if recorder.last_was_new():
            failures.extend(f"{width} {label}: {problem}" for problem in check_skip_link(driver))

    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Business admin")
        for language in LANGUAGES:
            set_language(driver, live, language)
            driver.get(live.url + PERMIT)
            if driver.find_element(By.TAG_NAME, "h1").text != "DM20 HYB":
                failures.append(f"{width} {language}: the business permit page does not show its vehicle")
            check(driver, width, language, "permit page")
            driver.get(live.url + PERMIT + "/vehicle")
            check(driver, width, language, "change the vehicle")
            driver.find_element(By.ID, "vrm").send_keys("DM66 DSL")
            press_the_button(driver)
            check(driver, width, language, "change the vehicle: vehicle found")
    assert not failures, "\n".join(failures)
