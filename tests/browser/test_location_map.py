"""The map on the location question in Chromium, with its tiles at an address where nothing answers
(the map must work, and pass, with no tiles at all): "Show the map" fetches it and moves focus to
it; it passes axe at both widths in English and Welsh (offered, shown, with a pin, and with the
pin's mistakes), does not trap the keyboard, and a pin put by keyboard ("Use the centre of the
map") or by a click is sent and accepted by the server. With no tile address there is no map; with
JavaScript off nothing of it is seen. "Use my current location" (the browser's location set through
the DevTools protocol) is offered with or without the map, passes axe, says when it is refused, and
its point is sent, shown on the map, and accepted or explained by the server."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from app import create_app
from app.extensions import db
from app.models import FormJourney
from app.services import demo, gazetteer
from tests.browser.harness import WIDTHS, LiveServer, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_error_state, check_skip_link, set_language
from tests.browser.test_form_journeys import click_and_wait, press_continue
from tests.browser.test_without_javascript import press
from tests.database import reset_schema
from tests.settings import app_overrides, isolated_environ

pytestmark = pytest.mark.browser

DEFINITIONS = Path(__file__).resolve().parents[1] / "integration" / "data" / "location"
BEGIN = "/services/report-a-spill/begin"
TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # the discard port: every tile fails at once
MAP = "[data-module='doorstep-location-map']"
CURRENT_LOCATION = "[data-module='doorstep-current-location']"
FETCHED_MAP = (
    "return performance.getEntriesByType('resource').some(function (entry) {"
    "  return /\\/static\\/map\\.[0-9a-f]+\\.js$/.test(entry.name); })"
)


@pytest.fixture(scope="module")
def map_server(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("location-map")
    app = create_app(
        app_overrides(
            tmp_dir,
            f"sqlite:///{tmp_dir / 'map.sqlite'}",
            FORM_DEFINITIONS_DIR=str(DEFINITIONS),
            MAP_TILE_URL=TILES,
            MAP_TILE_ATTRIBUTION="© Demo Map Makers",
            LIVE_SERVER=True,
        ),
        environ=isolated_environ(tmp_dir),
    )
    reset_schema(app)
    with app.app_context():
        demo.load()
        db.session.commit()
    with LiveServer(app) as server:
        server.app = app
        yield server
    with app.app_context():
        db.engine.dispose()


def wait_for_map(driver) -> None:
    WebDriverWait(driver, 10).until(
        lambda d: (
            d.find_element(By.CSS_SELECTOR, MAP).is_displayed()
            and d.find_element(By.ID, "spot-map").is_displayed()
            and d.find_elements(By.CSS_SELECTOR, "#spot-map.leaflet-container .leaflet-control-zoom-in")
        )
    )


def show_map(driver) -> None:
    """Press "Show the map" (Leaflet is fetched only then) and wait for it."""
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-map-show]").is_displayed())
    driver.find_element(By.CSS_SELECTOR, "[data-map-show]").click()
    wait_for_map(driver)


def latest_answer(server) -> dict:
    with server.app.app_context():
        journey = db.session.scalars(sa.select(FormJourney).order_by(FormJourney.id.desc())).first()
        return journey.answers["spot"]


def tab_until(driver, wanted: str, most: int = 6) -> bool:
    """Tab on from the element with focus until `wanted` (a CSS selector) has it."""
    for _ in range(most):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        if driver.execute_script("return document.activeElement.matches(arguments[0])", wanted):
            return True
    return False


def test_the_map_passes_axe_works_by_keyboard_and_its_pin_is_accepted(map_server, browsers, recorder):
    failures = []

    def check(driver, width, label):
        for violation in recorder.check(driver, width=width, label=label):
            failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")
        return recorder.last_was_new()

    for width in WIDTHS:
        driver = browsers(width)
        for language in LANGUAGES:
            label = f"{language} location map"
            driver.delete_all_cookies()
            driver.get(map_server.url + "/")
            set_language(driver, map_server, language)
            driver.get(map_server.url + BEGIN)
            WebDriverWait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, MAP).is_displayed())
            assert not driver.find_element(By.ID, "spot-map").is_displayed()  # not fetched until asked for
            assert not driver.execute_script(FETCHED_MAP), "Leaflet was fetched before the map was asked for"
            assert not driver.find_element(By.ID, "spot-description").is_displayed()
            if check(driver, width, f"{label} offered"):
                failures.extend(f"{width} {label}: {problem}" for problem in check_skip_link(driver))

            # By keyboard: Find, then "Show the map", which puts focus on the map.
            driver.execute_script("arguments[0].focus()", driver.find_element(By.ID, "spot-search"))
            assert tab_until(driver, "button[name=spot-find]", 2)
            assert tab_until(driver, "button[data-map-show]", 2), "Show the map cannot be reached with Tab"
            driver.switch_to.active_element.send_keys(Keys.ENTER)
            wait_for_map(driver)
            WebDriverWait(driver, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "spot-map")
            check(driver, width, f"{label} shown")
            assert driver.execute_script(FETCHED_MAP)
            mapped = driver.find_element(By.ID, "spot-map")
            assert mapped.get_attribute("tabindex") == "0"  # Leaflet's keyboard: arrows move, + and - zoom
            labelled = driver.find_element(By.ID, mapped.get_attribute("aria-labelledby"))
            assert labelled.is_displayed() and labelled.text
            assert driver.find_element(By.ID, "spot-description").is_displayed()

            # Move the map, then on (no trap) to "Use the centre of the map".
            mapped.send_keys(Keys.ARROW_UP, Keys.ARROW_UP)
            assert tab_until(driver, "button[data-map-centre]"), "Tab does not leave the map"
            driver.switch_to.active_element.send_keys(Keys.ENTER)
            assert driver.find_element(By.CSS_SELECTOR, "[data-map-status]").text
            assert driver.find_element(By.NAME, "spot-latitude").get_attribute("value")
            assert tab_until(driver, "#spot-description"), "Tab does not go on to the description"
            check(driver, width, f"{label} pin placed")

            # The pin's mistakes, as the server shows them: no words, then a point in Westvale's area.
            press_continue(driver)
            failures.extend(f"{width} {label} pin without words: {p}" for p in check_error_state(driver))
            wait_for_map(driver)
            check(driver, width, f"{label} pin without words")
            driver.execute_script(
                "document.querySelector('[name=spot-latitude]').value = '52.40';"
                "document.querySelector('[name=spot-longitude]').value = '-3.05';"
            )
            driver.find_element(By.ID, "spot-description").send_keys("By the bridge")
            press_continue(driver)
            failures.extend(f"{width} {label} pin in a neighbour's area: {p}" for p in check_error_state(driver))
            wait_for_map(driver)
            assert driver.find_element(By.ID, "spot-map-error").is_displayed()
            check(driver, width, f"{label} pin in a neighbour's area")

            # A click on the map puts the pin there; the server accepts it and places it in a ward.
            driver.get(map_server.url + BEGIN)
            show_map(driver)
            driver.find_element(By.ID, "spot-map").click()  # the middle of the borough's box
            WebDriverWait(driver, 5).until(lambda d: d.find_element(By.NAME, "spot-latitude").get_attribute("value"))
            driver.find_element(By.ID, "spot-description").send_keys("By the gate")
            press_continue(driver)
            assert driver.current_url.endswith("/services/report-a-spill/email"), driver.current_url
            answer = latest_answer(map_server)
            assert answer["pin"] is True and answer["ward"] == "Central" and answer["description"] == "By the gate"
            assert 52.37 < answer["latitude"] < 52.43 and -3.03 < answer["longitude"] < -2.97

            # Coming back: the pin is shown where it was; choosing a place from the list takes it away.
            driver.get(map_server.url + "/services/report-a-spill/where")
            wait_for_map(driver)
            assert driver.find_element(By.NAME, "spot-latitude").get_attribute("value")
            check(driver, width, f"{label} answered with a pin")
            driver.find_element(By.ID, "spot-search").send_keys("DM2 3EF")
            click_and_wait(driver, driver.find_element(By.NAME, "spot-find"))
            wait_for_map(driver)
            Select(driver.find_element(By.ID, "spot-place")).select_by_index(2)
            assert driver.find_element(By.NAME, "spot-latitude").get_attribute("value") == ""
            press_continue(driver)
            assert latest_answer(map_server)["uprn"] and "pin" not in latest_answer(map_server)
    assert not failures, "\n".join(failures[:40])


def test_no_tile_address_means_no_map(map_server, browsers):
    map_server.app.config["MAP_TILE_URL"] = ""
    try:
        driver = browsers("mobile")
        driver.delete_all_cookies()
        driver.get(map_server.url + BEGIN)
        assert driver.find_element(By.TAG_NAME, "h1").text == "Where is the spill?"
        assert driver.find_elements(By.CSS_SELECTOR, f"{MAP}, [data-map-show], #spot-map") == []
        assert not driver.execute_script(
            "return [...document.scripts, ...document.querySelectorAll('link')]"
            ".some(function (tag) { return /\\/static\\/map\\./.test(tag.src || tag.href || ''); })"
        )
        assert not driver.find_element(By.ID, "spot-description").is_displayed()
        # The device's location needs no map: offered all the same.
        assert driver.find_element(By.CSS_SELECTOR, "button[data-locate]").is_displayed()
    finally:
        map_server.app.config["MAP_TILE_URL"] = TILES


def test_with_javascript_off_nothing_of_the_map_is_seen_or_sent(map_server):
    driver = start_chrome("mobile", javascript=False)
    try:
        driver.get(map_server.url + BEGIN)
        assert not driver.find_element(By.CSS_SELECTOR, MAP).is_displayed()
        assert not driver.find_element(By.ID, "spot-description").is_displayed()
        assert not driver.find_element(By.CSS_SELECTOR, CURRENT_LOCATION).is_displayed()
        driver.find_element(By.ID, "spot-search").send_keys("mill")
        press(driver, "button[name=spot-find]")
        Select(driver.find_element(By.ID, "spot-place")).select_by_visible_text("Mill Lane, Demoton")
        driver.find_element(By.ID, "spot-description").send_keys("Near the bridge")
        press(driver, "main form button[type=submit]:not([name])")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Email address"
        answer = latest_answer(map_server)
        assert answer["usrn"] and answer["place"] == "Mill Lane, Demoton" and "pin" not in answer
    finally:
        driver.quit()


def locate_at(driver, origin: str, latitude: float | None, longitude: float | None = None) -> None:
    """The device's location as the browser reports it; None: this site is refused the location."""
    if latitude is None:
        driver.execute_cdp_cmd(
            "Browser.setPermission",
            {"origin": origin, "permission": {"name": "geolocation"}, "setting": "denied"},
        )
        return
    driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": origin, "permissions": ["geolocation"]})
    driver.execute_cdp_cmd(
        "Emulation.setGeolocationOverride", {"latitude": latitude, "longitude": longitude, "accuracy": 10}
    )


def use_current_location(driver) -> str:
    """Press "Use my current location" by keyboard and wait for what it says."""
    button = driver.find_element(By.CSS_SELECTOR, "button[data-locate]")
    driver.execute_script("arguments[0].focus()", button)
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    status = driver.find_element(By.CSS_SELECTOR, "[data-locate-status]")
    located = [
        driver.find_element(By.CSS_SELECTOR, CURRENT_LOCATION).get_attribute(f"data-{word}")
        for word in ("located", "denied", "failed")
    ]
    WebDriverWait(driver, 10).until(lambda d: status.text in located)
    return status.text


def test_use_my_current_location_passes_axe_and_its_point_is_accepted(map_server, browsers, recorder):
    failures = []
    with map_server.app.app_context():
        street = gazetteer.find_streets("market square")[0]
        here = (street.latitude + 0.0001, street.longitude + 0.0001)

    def check(driver, width, label):
        for violation in recorder.check(driver, width=width, label=label):
            failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")

    for width in WIDTHS:
        driver = browsers(width)
        for language in LANGUAGES:
            label = f"{language} current location"
            driver.delete_all_cookies()
            driver.get(map_server.url + "/")
            set_language(driver, map_server, language)

            # Refused by the person (or the browser): it says so, and the search is still there.
            locate_at(driver, map_server.url, None)
            driver.get(map_server.url + BEGIN)
            block = driver.find_element(By.CSS_SELECTOR, CURRENT_LOCATION)
            WebDriverWait(driver, 5).until(lambda d: d.find_element(By.CSS_SELECTOR, CURRENT_LOCATION).is_displayed())
            assert use_current_location(driver) == block.get_attribute("data-denied")
            assert driver.find_element(By.NAME, "spot-latitude").get_attribute("disabled")
            check(driver, width, f"{label} refused")

            # In a neighbour's area: the server says whose it is, next to the button.
            locate_at(driver, map_server.url, 52.40, -3.05)
            assert use_current_location(driver) == block.get_attribute("data-located")
            description = driver.find_element(By.ID, "spot-description")
            assert description.is_displayed()
            check(driver, width, f"{label} found")
            description.send_keys("By the bridge")
            press_continue(driver)
            failures.extend(f"{width} {label} in a neighbour's area: {p}" for p in check_error_state(driver))
            assert driver.find_element(By.ID, "spot-located-error").is_displayed()
            assert driver.find_element(By.ID, "spot-description").is_displayed()  # the words are kept
            check(driver, width, f"{label} in a neighbour's area")

            # In the borough: the map, when asked for, shows the same point; the server accepts it.
            locate_at(driver, map_server.url, *here)
            use_current_location(driver)
            show_map(driver)
            assert driver.find_elements(By.CSS_SELECTOR, "#spot-map .leaflet-overlay-pane path")  # the pin
            press_continue(driver)
            assert driver.current_url.endswith("/services/report-a-spill/email"), driver.current_url
            answer = latest_answer(map_server)
            assert (answer["source"], answer["ward"], answer["usrn"]) == ("device", "Central", street.usrn)
            assert (answer["latitude"], answer["longitude"]) == (round(here[0], 6), round(here[1], 6))
            assert answer["description"] == "By the bridge"
            driver.execute_cdp_cmd("Emulation.clearGeolocationOverride", {})
            driver.execute_cdp_cmd("Browser.resetPermissions", {})
    assert not failures, "\n".join(failures[:40])
