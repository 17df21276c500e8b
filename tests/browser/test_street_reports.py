"""Report a street problem in Chromium: a guest reports fly-tipping by postcode with JavaScript off
and no map, and gets a reference; every category (abandoned vehicle's DVLA look-up included) is
reported by keyboard with JavaScript off and no map, with a photo, to its reference; every exit
page of every category passes axe and the keyboard checks at both widths in English and Welsh
(the journeys' other pages are walked in test_form_journeys.py, the service page in the crawl of
test_accessibility.py)."""

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from app.extensions import db
from app.models import Case, StreetReport
from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_skip_link, set_language
from tests.browser.test_form_journeys import click_and_wait, press_continue
from tests.browser.test_without_javascript import press

pytestmark = pytest.mark.browser

SETTINGS = Path(__file__).resolve().parents[2] / "app" / "service_settings" / "street-reports.yaml"
CATEGORIES = yaml.safe_load(SETTINGS.read_text())["street_reports"]["categories"]

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


def answer_without_javascript(driver, question, answers: dict, tmp_path: Path) -> None:
    """Give one question the definition's example answer, by keyboard, as a person with JavaScript
    off would: the location by search (no map), the vehicle by its DVLA look-up, the photo as a file."""
    name = question.id
    if question.type == "location":
        driver.find_element(By.ID, f"{name}-search").send_keys(answers[f"{name}-search"][0])
        press(driver, f"button[name={name}-find]")
        assert not driver.find_elements(By.CSS_SELECTOR, "[data-module='doorstep-location-map']")
        Select(driver.find_element(By.ID, f"{name}-place")).select_by_value(answers[f"{name}-place"][0])
        driver.find_element(By.ID, f"{name}-description").send_keys(answers[f"{name}-description"][0])
    elif question.type == "vehicle":
        driver.find_element(By.ID, f"{name}-vrm").send_keys(answers[f"{name}-vrm"][0])
        press(driver, f"button[name={name}-find]")
        choose(driver, f"{name}-correct", answers[f"{name}-correct"][0])
    elif question.type in ("radios", "yes_no", "checkboxes"):
        for value in answers[name]:
            choose(driver, name, value)
    elif question.type == "file":
        content, filename = answers[name][0]
        photo = tmp_path / filename
        photo.write_bytes(content.getvalue())
        driver.find_element(By.ID, name).send_keys(str(photo))
    elif question.type in ("text", "long_text", "email", "phone"):
        driver.find_element(By.ID, name).send_keys(answers[name][0])
    else:
        raise AssertionError(f"{question.type}: teach answer_without_javascript this type of question")


@pytest.mark.parametrize("form_id", CATEGORIES)
def test_every_category_is_reported_by_keyboard_without_javascript_or_a_map(live, no_js, form_id, tmp_path):
    """The example answers of each category's form, through every page of its route, then sent: the
    report is kept with its place and the reference shown (the issue's "every category completed with
    JavaScript off and without the map")."""
    from app import forms_engine
    from tests.form_walk import example_page_data, example_route

    with live.app.app_context():
        route = [(page, example_page_data(page)) for page in example_route(forms_engine.get(form_id))]
    assert route[-1][0].exit is None, f"{form_id}: the example answers end at an exit page"
    driver = no_js
    driver.delete_all_cookies()
    driver.get(f"{live.url}/services/{form_id}/begin")
    for page, answers in route:
        assert driver.current_url.endswith(f"/services/{form_id}/{page.id}"), driver.current_url
        for question in page.questions:
            answer_without_javascript(driver, question, answers, tmp_path)
        next_page(driver)
    assert driver.current_url.endswith(f"/services/{form_id}/check-answers"), driver.current_url
    sends = driver.find_elements(By.CSS_SELECTOR, "main form button[type=submit]:not([name])")
    old_page = driver.find_element(By.TAG_NAME, "html").id
    sends[-1].send_keys(Keys.ENTER)  # after any "Follow this report instead"
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.TAG_NAME, "html").id != old_page)
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Request sent")
    with live.app.app_context():
        case = db.session.scalars(sa.select(Case).where(Case.service_id == form_id).order_by(Case.id.desc())).first()
        report = db.session.scalar(sa.select(StreetReport).where(StreetReport.case_id == case.id))
        location = route[0][1]
        assert report.category == form_id and report.place and report.ward and report.has_photo
        assert report.uprn == int(location["location-place"][0].removeprefix("uprn-"))
        if form_id == "abandoned-vehicle":
            vehicle = case.answers["vehicle"]  # looked up with the DVLA stand-in, and confirmed
            assert (vehicle["vrm"], vehicle["source"], vehicle["details"]["make"]) == ("DM19LOW", "dvla", "TOYOTA")
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
