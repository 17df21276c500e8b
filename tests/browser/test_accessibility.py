"""axe-core on every page the app can show, found from the URL map, in every role, at phone and
desktop widths, in English and Welsh, and on every form after an empty submit."""

import pytest
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from app import forms_engine
from app.pages.catalogue import SERVICES
from app.services import demo
from tests.browser.harness import AXE_SCRIPT, AXE_TAGS, WIDTHS
from tests.routes import all_routes, is_page

pytestmark = pytest.mark.browser

ROLES = ["signed out"] + [account.label for account in demo.DEMO_ACCOUNTS]
LANGUAGES = ["en", "cy"]
FIELD_SELECTOR = "input:not([type=hidden]), select, textarea"


def page_urls(live) -> list[tuple[str, str]]:
    urls = []
    for route in all_routes(live.app):
        if not is_page(live.app, route):
            continue
        if route.endpoint == "pages.service_start":
            with live.app.app_context():
                slugs = {service.slug for service in SERVICES} | set(forms_engine.definitions())
            urls += [(route.endpoint, route.url(live.app, slug=slug)) for slug in sorted(slugs)]
        else:
            urls.append((route.endpoint, route.url(live.app, **live.arguments.get(route.endpoint, {}))))
    return urls


def sign_in(driver, live, role: str) -> None:
    driver.delete_all_cookies()
    driver.get(live.url + "/")
    if role == "signed out":
        return
    account = next(a for a in demo.DEMO_ACCOUNTS if a.label == role)
    driver.get(live.url + "/sign-in")
    driver.find_element(By.ID, "email").send_keys(account.email)
    driver.find_element(By.ID, "password").send_keys(account.password)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "/account" in d.current_url, f"could not sign in as {role}")


def set_language(driver, live, language: str) -> None:
    driver.delete_cookie("doorstep_language")
    driver.add_cookie({"name": "doorstep_language", "value": language, "path": "/"})


def check_skip_link(driver) -> list[str]:
    driver.find_element(By.TAG_NAME, "body")
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    ActionChains(driver).send_keys(Keys.TAB).perform()
    active = driver.switch_to.active_element
    if "govuk-skip-link" not in (active.get_attribute("class") or ""):
        return ["the first Tab does not reach the skip link"]
    active.send_keys(Keys.ENTER)
    if driver.switch_to.active_element.get_attribute("id") != "main-content":
        return ["the skip link does not move focus to the main content"]
    return []


def check_error_state(driver) -> list[str]:
    problems = []
    if not driver.title.startswith(("Error:", "Gwall:")):
        problems.append(f"title does not begin 'Error:' ({driver.title})")
    # GOV.UK Frontend moves focus to the summary when its script starts; asking the page itself
    # (not holding an element reference across that moment) cannot go stale.
    summary_focused = (
        "return !!document.activeElement && document.activeElement.classList.contains('govuk-error-summary')"
    )
    try:
        WebDriverWait(driver, 5).until(lambda d: d.execute_script(summary_focused))
    except TimeoutException:
        problems.append("focus is not on the error summary")
    for link in driver.find_elements(By.CSS_SELECTOR, ".govuk-error-summary a"):
        target = (link.get_attribute("href") or "").split("#", 1)[-1]
        if not target or not driver.find_elements(By.ID, target):
            problems.append(f"error link '{link.text}' points at no field (#{target})")
    return problems


def submit_forms_empty(driver, url: str) -> list[tuple[str, list[str]]]:
    """Each form with fields on the page, emptied and sent: the error (or success) state that follows."""
    driver.get(url)
    count = len(driver.find_elements(By.CSS_SELECTOR, "main form[method=post]"))
    states = []
    for index in range(count):
        label = f"{url} form {index + 1} sent empty"
        driver.get(url)
        forms = driver.find_elements(By.CSS_SELECTOR, "main form[method=post]")
        if index >= len(forms):
            # An earlier form on this page changed what it offers (an answered "Is it fixed?" has
            # no form left): the states that follow are their own tests'.
            break
        form = forms[index]
        fields = form.find_elements(By.CSS_SELECTOR, FIELD_SELECTOR)
        if not fields:
            continue
        for element in fields:
            if element.get_attribute("type") not in {"radio", "checkbox"} and element.tag_name != "select":
                driver.execute_script("arguments[0].value = ''", element)
        # The browser starts a form's navigation after the click returns: wait for the page it
        # loads, or the next driver.get can be overtaken by it and count another page's forms.
        old_page = driver.find_element(By.TAG_NAME, "html").id
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        try:
            WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
                lambda d, old_page=old_page: d.find_element(By.TAG_NAME, "html").id != old_page
            )
        except TimeoutException:
            states.append((label, ["sending the form loaded no page within 10 seconds"]))
            continue
        has_errors = bool(driver.find_elements(By.CSS_SELECTOR, ".govuk-error-summary"))
        states.append((label, check_error_state(driver) if has_errors else []))
    return states


def test_axe_tags_select_rules(live, browsers):
    driver = browsers("desktop")
    driver.get(live.url + "/")
    driver.execute_script(AXE_SCRIPT.read_text())
    counts = driver.execute_script(
        "return arguments[0].map(function (tag) { return axe.getRules([tag]).length; })", AXE_TAGS
    )
    assert all(count > 0 for count in counts), dict(zip(AXE_TAGS, counts, strict=True))
    assert driver.execute_script("return axe.version").startswith("4.")
    assert "target-size" in [rule["ruleId"] for rule in driver.execute_script("return axe.getRules(['wcag22aa'])")]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_keyboard_checks(live, browsers, recorder, role):
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, role)
        for language in LANGUAGES:
            set_language(driver, live, language)
            form_pages = []
            for _endpoint, path in page_urls(live):
                driver.get(live.url + path)
                label = f"{role} {language} {path}"
                for violation in recorder.check(driver, width=width, label=label):
                    failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")
                if recorder.last_was_new():
                    failures += [f"{width} {label}: {p}" for p in check_skip_link(driver)]
                    if driver.find_elements(By.CSS_SELECTOR, f"main form[method=post] :is({FIELD_SELECTOR})"):
                        form_pages.append(live.url + path)
            for url in form_pages:
                for label, problems in submit_forms_empty(driver, url):
                    label = f"{role} {language} {label}"
                    failures += [f"{width} {label}: {p}" for p in problems]
                    for violation in recorder.check(driver, width=width, label=label):
                        failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")
            if role != "signed out":
                sign_in(driver, live, role)  # an empty submit may have changed the session
    assert not failures, "\n".join(failures[:40])
