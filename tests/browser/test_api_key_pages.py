"""The API key pages the crawl cannot reach: the page that shows a new key once (it is the answer to
sending the create form), the list just after revoking (with its banner), and the revoke page of a
key already revoked. An admin does it all in Chromium at both widths in both languages, and axe
checks each page. The list, the create form (empty and with its errors) and the revoke confirmation
are in the crawl."""

import pytest
import sqlalchemy as sa
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from app.extensions import db
from app.models import ApiKey
from app.services import api_keys
from tests.browser.harness import WIDTHS
from tests.browser.test_accessibility import LANGUAGES, check_skip_link, set_language, sign_in

pytestmark = pytest.mark.browser

HEADINGS = {
    "new key": {"en": "Copy your new API key", "cy": "Copïwch eich allwedd API newydd"},
    "list after revoking": {"en": "API keys", "cy": "Allweddi API"},
    "revoked key": {"en": "This API key has been revoked", "cy": "Mae'r allwedd API hon wedi'i dirymu"},
}


def press_the_button(driver, form=None) -> None:
    """The submit button of the page's first form (or of `form`), then wait for the next page."""
    old_page = driver.find_element(By.TAG_NAME, "html").id
    (form or driver).find_element(
        By.CSS_SELECTOR, "main form button[type=submit]" if form is None else "button"
    ).click()
    # Mid-navigation the browser can answer with an error; keep asking until the new page is there.
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.find_element(By.TAG_NAME, "html").id != old_page, "the form was not sent"
    )


def test_the_new_key_and_revoked_key_pages_pass_axe(live, browsers, recorder):
    failures = []

    def check(driver, width, language, state, *, banner=False):
        label = f"{language} API keys: {state}"
        heading = driver.find_element(By.TAG_NAME, "h1").text
        if heading != HEADINGS[state][language]:
            failures.append(f"{width} {label}: heading is {heading!r}")
        if banner:
            # GOV.UK Frontend moves focus to a success banner, so it is read out first; the first Tab
            # then goes on from the banner rather than to the skip link.
            focused = "return document.activeElement.classList.contains('govuk-notification-banner--success')"
            try:
                WebDriverWait(driver, 5).until(lambda d: d.execute_script(focused))
            except TimeoutException:
                failures.append(f"{width} {label}: the banner saying the key was revoked does not take focus")
        for violation in recorder.check(driver, width=width, label=label):
            failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")
        if recorder.last_was_new() and not banner:
            failures.extend(f"{width} {label}: {problem}" for problem in check_skip_link(driver))

    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Admin")
        for language in LANGUAGES:
            set_language(driver, live, language)
            name = f"Browser check {width} {language}"
            driver.get(live.url + "/admin/api-keys/new")
            driver.find_element(By.ID, "name").send_keys(name)
            driver.find_element(By.CSS_SELECTOR, "input[name=scope][value=open311]").click()
            press_the_button(driver)
            check(driver, width, language, "new key")
            if not api_keys.KEY_PATTERN.fullmatch(driver.find_element(By.ID, "api-key").text):
                failures.append(f"{width} {language}: the key is not shown whole")

            with live.app.app_context():
                key_id = db.session.scalar(sa.select(ApiKey.id).where(ApiKey.name == name))
            revoke = f"{live.url}/admin/api-keys/{key_id}/revoke"
            driver.get(revoke)
            press_the_button(driver)
            check(driver, width, language, "list after revoking", banner=True)
            driver.get(revoke)
            check(driver, width, language, "revoked key")
    assert not failures, "\n".join(failures)
