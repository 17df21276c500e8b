"""The page that shows a new API key once: the crawl cannot reach it (it is the answer to sending the
create form), so an admin creates a key in Chromium at both widths in both languages, and axe checks
the page. The list, create form (empty and with its errors) and revoke confirmation are in the crawl."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.wait import WebDriverWait

from app.services import api_keys
from tests.browser.harness import WIDTHS
from tests.browser.test_accessibility import LANGUAGES, check_skip_link, set_language, sign_in

pytestmark = pytest.mark.browser

HEADINGS = {"en": "Copy your new API key", "cy": "Copïwch eich allwedd API newydd"}


def test_the_new_key_page_passes_axe_and_shows_the_key(live, browsers, recorder):
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Admin")
        for language in LANGUAGES:
            set_language(driver, live, language)
            driver.get(live.url + "/admin/api-keys/new")
            driver.find_element(By.ID, "name").send_keys(f"Browser check {width} {language}")
            driver.find_element(By.CSS_SELECTOR, "input[name=scope][value=open311]").click()
            button = driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]")
            button.click()
            WebDriverWait(driver, 10).until(staleness_of(button), "the form was not sent")
            label = f"{language} new API key page"
            heading = driver.find_element(By.TAG_NAME, "h1").text
            if heading != HEADINGS[language]:
                failures.append(f"{width} {label}: heading is {heading!r}")
                continue
            if not api_keys.KEY_PATTERN.fullmatch(driver.find_element(By.ID, "api-key").text):
                failures.append(f"{width} {label}: the key is not shown whole")
            for violation in recorder.check(driver, width=width, label=label):
                failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")
            if recorder.last_was_new():
                failures.extend(f"{width} {label}: {problem}" for problem in check_skip_link(driver))
    assert not failures, "\n".join(failures)
