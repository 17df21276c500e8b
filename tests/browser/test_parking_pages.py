"""The parking permits start page in every state, in Chromium: the zones and the postcode box, the
addresses found, each mistake, and the answer for an eligible address, a car-free home, an address
on a private road and one in no zone; axe and the keyboard checks at both widths, in English and
Welsh; and checking an address with JavaScript off."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_error_state, check_skip_link, set_language, sign_in
from tests.browser.test_without_javascript import press

pytestmark = pytest.mark.browser

START = "/services/parking-permits"
STATES = {
    "postcode box": "",
    "addresses found": "?postcode=DM1+1AB",
    "eligible": "?postcode=DM1+1AB&uprn=100000000001",
    "car-free": "?postcode=DM1+1AB&uprn=100000000002",
    "excluded": "?postcode=DM2+4GH&uprn=100000000039",
    "no zone": "?postcode=DM3+5JK&uprn=100000000041",
}
MISTAKES = {
    "no postcode": "?postcode=",
    "postcode not in our area": "?postcode=ZZ9+9ZZ",
    "no address chosen": "?postcode=DM1+1AB&uprn=",
}


@pytest.mark.parametrize("role", ["signed out", "Resident"])
def test_every_state_of_the_parking_start_page_passes_axe(live, browsers, recorder, role):
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, role)
        for language in LANGUAGES:
            set_language(driver, live, language)
            for state, query in {**STATES, **MISTAKES}.items():
                driver.get(live.url + START + query)
                label = f"{width} {role} {language} parking start, {state}"
                if state in MISTAKES:  # focus starts on the error summary, so no skip-link check here
                    failures += [f"{label}: {problem}" for problem in check_error_state(driver)]
                violations = recorder.check(driver, width=width, label=label)
                failures += [f"{label}: {v['id']} {v['help']} {v['nodes']}" for v in violations]
                if state not in MISTAKES and recorder.last_was_new():
                    failures += [f"{label}: {problem}" for problem in check_skip_link(driver)]
                if state in MISTAKES:
                    continue
                if state not in ("postcode box", "addresses found"):
                    shown = driver.find_element(By.ID, "parking-result").get_attribute("data-standing")
                    assert shown == {"no zone": "no-zone"}.get(state, state), f"{label}: {shown}"
    assert not failures, "\n".join(failures[:40])


def test_checking_an_address_works_without_javascript(live):
    driver = start_chrome("mobile", javascript=False)
    try:
        driver.get(live.url + START)
        driver.find_element(By.ID, "postcode").send_keys("DM1 1AB")
        press(driver, "main form button")
        Select(driver.find_element(By.ID, "uprn")).select_by_value("100000000004")
        press(driver, "main form button")
        result = driver.find_element(By.ID, "parking-result")
        assert result.get_attribute("data-standing") == "car-free"
        assert "planning permission" in result.text
    finally:
        driver.quit()
