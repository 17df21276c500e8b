"""Report a street problem in Chromium: a guest reports fly-tipping by postcode with JavaScript off
and no map, and gets a reference; every exit page of every category passes axe and the keyboard
checks at both widths in English and Welsh (the journeys' other pages are walked in
test_form_journeys.py, the service page in the crawl of test_accessibility.py)."""

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from app.extensions import db
from app.models import Case, StreetReport
from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_skip_link, set_language
from tests.browser.test_form_journeys import click_and_wait, press_continue
from tests.browser.test_without_javascript import press

pytestmark = pytest.mark.browser

EXITS = [
    ("fly-tipping", "land", "private_land", "private-land"),
    ("graffiti", "surface", "private_property", "private-property"),
    ("graffiti", "surface", "utility", "utility"),
    ("litter", "land", "private_land", "private-land"),
    ("dog-fouling", "land", "private_land", "private-land"),
]


@pytest.fixture(scope="module")
def no_js():
    driver = start_chrome("mobile", javascript=False)
    yield driver
    driver.quit()


def choose(driver, name: str, value: str) -> None:
    """Tick a radio or checkbox with the keyboard (a click waits for a navigation with scripts off)."""
    driver.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']").send_keys(Keys.SPACE)


def next_page(driver) -> None:
    press(driver, "main form button[type=submit]:not([name])")


def test_a_guest_reports_fly_tipping_by_postcode_without_javascript_or_a_map(live, no_js):
    driver = no_js
    driver.delete_all_cookies()
    driver.get(live.url + "/services/report-street-problem")
    press(driver, "main a[href='/services/fly-tipping']")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Report fly-tipping"
    press(driver, "main a.govuk-button--start")

    driver.find_element(By.ID, "location-search").send_keys("DM2 3EF")
    press(driver, "button[name=location-find]")
    Select(driver.find_element(By.ID, "location-place")).select_by_visible_text("4 Mill Lane, Demoton, DM2 3EF")
    driver.find_element(By.ID, "location-description").send_keys("Dumped against the wall by the gate")
    next_page(driver)
    for name, value in (("land", "road"), ("amount", "car_boot"), ("kind", "furniture")):
        choose(driver, name, value)
        next_page(driver)
    choose(driver, "hazardous", "yes")
    next_page(driver)
    choose(driver, "witnessed", "no")
    next_page(driver)
    assert driver.find_element(By.TAG_NAME, "h1").text == "Add a photo (optional)"
    next_page(driver)
    choose(driver, "updates_by", "email")
    next_page(driver)
    driver.find_element(By.ID, "email").send_keys("guest.reporter@example.com")
    next_page(driver)
    next_page(driver)  # no name: it is optional
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "4 Mill Lane, Demoton, DM2 3EF: Dumped against the wall by the gate" in main
    next_page(driver)
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Request sent")
    with live.app.app_context():
        case = db.session.scalars(
            sa.select(Case).where(Case.contact_email == "guest.reporter@example.com").order_by(Case.id.desc())
        ).first()
        report = db.session.scalar(sa.select(StreetReport).where(StreetReport.case_id == case.id))
        assert (case.service_id, case.urgent, case.ward) == ("fly-tipping", True, "Riverside")
        assert report.place == "4 Mill Lane, Demoton, DM2 3EF"
    assert case.reference in driver.find_element(By.TAG_NAME, "main").text


def test_every_exit_page_passes_axe(live, browsers, recorder):
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        for language in LANGUAGES:
            for form_id, question, value, exit_page in EXITS:
                driver.delete_all_cookies()
                driver.get(live.url + "/")
                set_language(driver, live, language)
                driver.get(f"{live.url}/services/{form_id}/begin")
                driver.find_element(By.ID, "location-search").send_keys("DM1 1AB")
                click_and_wait(driver, driver.find_element(By.NAME, "location-find"))
                Select(driver.find_element(By.ID, "location-place")).select_by_index(1)
                driver.find_element(By.ID, "location-description").send_keys("Here")
                press_continue(driver)
                radio = driver.find_element(By.CSS_SELECTOR, f"input[name='{question}'][value='{value}']")
                driver.execute_script("arguments[0].click()", radio)
                press_continue(driver)
                assert driver.current_url.endswith(f"/services/{form_id}/{exit_page}"), driver.current_url
                label = f"{language} {form_id} exit {exit_page}"
                for violation in recorder.check(driver, width=width, label=label):
                    failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")
                if recorder.last_was_new():
                    failures.extend(f"{width} {label}: {problem}" for problem in check_skip_link(driver))
    assert not failures, "\n".join(failures[:40])


def test_already_reported_lists_open_reports_nearby_and_following_one_works_without_javascript(
    live, no_js, browsers, recorder
):
    """An open fly-tipping report at DM1 1AB; a guest reporting fly-tipping there sees it on check
    your answers (axe in English and Welsh) and follows it instead, with JavaScript off."""
    from app import forms_engine
    from tests.form_walk import walk
    from tests.pages import PageClient

    sender = PageClient(live.app.test_client())
    with live.app.app_context():
        walk(sender, forms_engine.get("fly-tipping"))  # the example answers: the first address at DM1 1AB
    check = sender.get("/services/fly-tipping/check-answers")
    sender.post("/services/fly-tipping/check-answers", {"csrf_token": check.csrf_token()}, expect=302)

    driver = no_js
    driver.delete_all_cookies()
    driver.get(f"{live.url}/services/fly-tipping/begin")
    driver.find_element(By.ID, "location-search").send_keys("DM1 1AB")
    press(driver, "button[name=location-find]")
    Select(driver.find_element(By.ID, "location-place")).select_by_index(1)
    driver.find_element(By.ID, "location-description").send_keys("Behind the bus shelter")
    next_page(driver)
    for name, value in (("land", "road"), ("amount", "single_item"), ("kind", "bags")):
        choose(driver, name, value)
        next_page(driver)
    for name in ("hazardous", "witnessed"):
        choose(driver, name, "no")
        next_page(driver)
    next_page(driver)  # no photo
    choose(driver, "updates_by", "email")
    next_page(driver)
    driver.find_element(By.ID, "email").send_keys("second.reporter@example.com")
    next_page(driver)
    next_page(driver)
    panel = driver.find_element(By.ID, "already-reported").find_element(By.XPATH, "..")
    assert "Has someone already reported it?" in panel.text
    failures = []
    for width in WIDTHS:  # axe needs scripts: the same journey (its cookie) in a browser with them on
        checker = browsers(width)
        checker.get(live.url + "/")
        checker.delete_all_cookies()
        for cookie in driver.get_cookies():
            checker.add_cookie({key: cookie[key] for key in ("name", "value", "path") if key in cookie})
        for language in LANGUAGES:
            set_language(checker, live, language)
            checker.get(f"{live.url}/services/fly-tipping/check-answers")
            assert checker.find_elements(By.ID, "already-reported")
            label = f"{language} fly-tipping check answers with reports nearby"
            failures += [
                f"{width} {label}: {v['id']} {v['help']} {v['nodes']}"
                for v in recorder.check(checker, width=width, label=label)
            ]
    assert not failures, "\n".join(failures)
    set_language(driver, live, "en")
    driver.get(f"{live.url}/services/fly-tipping/check-answers")
    press(driver, "#already-reported ~ ul form button")
    assert "You are following this report" in driver.find_element(By.TAG_NAME, "main").text
    with live.app.app_context():
        from app.models import StreetReportFollower

        follower = db.session.scalar(
            sa.select(StreetReportFollower).where(StreetReportFollower.recipient == "second.reporter@example.com")
        )
        assert follower is not None
