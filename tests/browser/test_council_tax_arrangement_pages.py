"""Payment arrangements and the bill format preference in Chromium: every page of the arrangement
in every state (each section empty and with a refused amount, the offer sent empty, the check page,
waiting, the staff page with its counter-offer refused and sent, the counter-offer to accept,
agreed), and the bill format form, its refused state, the bill saying what was asked for and its
large-print view; axe at both widths, in English and Welsh. And the arrangement journey with
JavaScript off."""

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app.extensions import db
from app.models import CouncilTaxAccount, CouncilTaxArrangement, CouncilTaxRecoveryEvent, User
from app.services import demo
from app.services.council_tax import links
from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_error_state, set_language, sign_in
from tests.browser.test_without_javascript import press

pytestmark = pytest.mark.browser

SECTIONS = ("income", "fixed-costs", "flexible-costs", "debts")


def account_in_arrears(live) -> str:
    """Link the demo resident to an account at a recovery stage (so it is behind); its page."""
    with live.app.test_request_context():
        resident = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
        reference = db.session.scalar(
            sa.select(CouncilTaxAccount.reference)
            .join(CouncilTaxRecoveryEvent, CouncilTaxRecoveryEvent.account_id == CouncilTaxAccount.id)
            .where(CouncilTaxAccount.balance_pence > 100)
            .order_by(CouncilTaxAccount.reference)
            .limit(1)
        )
        links.link_demo_account(resident, reference)
        db.session.commit()
    return "/services/council-tax/accounts/" + reference


def fill(driver, values: dict) -> None:
    for field_id, value in values.items():
        box = driver.find_element(By.ID, field_id)
        box.clear()
        box.send_keys(value)


def today_parts(driver) -> dict:
    """The date in the page's own example ("For example, 24 11 2026"): today, always allowed."""
    day, month, year = driver.find_element(By.ID, "first_on-fieldset-hint").text.split()[-3:]
    return {"first_on": day, "first_on-month": month, "first_on-year": year}


def check(driver, recorder, width, label) -> list[str]:
    violations = recorder.check(driver, width=width, label=label)
    return [f"{width} {label}: {v['id']} {v['help']} {v['nodes']}" for v in violations]


def error_state(driver, recorder, width, label) -> list[str]:
    return [f"{width} {label}: {problem}" for problem in check_error_state(driver)] + check(
        driver, recorder, width, label
    )


def state(driver) -> str:
    found = driver.find_elements(By.ID, "state")
    return found[0].get_attribute("data-state") if found else "no state"


def test_every_arrangement_page_and_state_passes_axe(live, browsers, recorder):
    account = account_in_arrears(live)
    start = account + "/arrangement"
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        for language in LANGUAGES:
            sign_in(driver, live, "Resident")
            set_language(driver, live, language)
            driver.get(live.url + account)
            failures += check(driver, recorder, width, f"{language} account in arrears")
            press(driver, "#arrangement-link a")
            failures += check(driver, recorder, width, f"{language} arrangement start")
            for section in SECTIONS:
                driver.get(f"{live.url}{start}/{section}")
                failures += check(driver, recorder, width, f"{language} arrangement {section}")
                first = driver.find_element(By.CSS_SELECTOR, "main input[type=text]").get_attribute("id")
                fill(driver, {first: "-5"})
                press(driver, "main form button")
                failures += error_state(driver, recorder, width, f"{language} arrangement {section}, refused")
                fill(driver, {first: "100"})
                press(driver, "main form button")
            label = f"{language} arrangement offer"
            if not driver.current_url.endswith(start + "/offer"):
                failures.append(f"{width} {label}: not on the offer page ({driver.current_url})")
                continue
            failures += check(driver, recorder, width, label)
            press(driver, "main form button")
            failures += error_state(driver, recorder, width, f"{language} arrangement offer, sent empty")
            fill(driver, {"amount": "1", **today_parts(driver)})
            driver.find_element(By.CSS_SELECTOR, "input[name=frequency][value=monthly]").send_keys(Keys.SPACE)
            press(driver, "main form button")
            failures += check(driver, recorder, width, f"{language} arrangement check")
            press(driver, "main form button")
            if state(driver) != "proposed":
                failures.append(f"{width} {language}: the arrangement was not sent ({driver.current_url})")
                continue
            mine = driver.current_url
            reference = driver.find_element(By.ID, "reference").text
            failures += check(driver, recorder, width, f"{language} arrangement waiting")
            sign_in(driver, live, "Staff")
            set_language(driver, live, language)
            driver.get(f"{live.url}/staff/cases/{reference}")
            failures += check(driver, recorder, width, f"{language} staff case, arrangement")
            press(driver, "#arrangement-link a")
            failures += check(driver, recorder, width, f"{language} staff arrangement")
            press(driver, "form[action$='/counter'] button")
            failures += error_state(driver, recorder, width, f"{language} staff counter-offer, sent empty")
            fill(driver, {"amount": "1", **today_parts(driver), "reason": "We need the first payment sooner."})
            driver.find_element(By.CSS_SELECTOR, "input[name=frequency][value=weekly]").send_keys(Keys.SPACE)
            press(driver, "form[action$='/counter'] button")
            failures += check(driver, recorder, width, f"{language} staff arrangement, countered")
            sign_in(driver, live, "Resident")
            set_language(driver, live, language)
            driver.get(mine)
            failures += check(driver, recorder, width, f"{language} arrangement counter-offer")
            press(driver, "main form button")
            if state(driver) != "agreed":
                failures.append(f"{width} {language}: the counter-offer was not accepted")
            failures += check(driver, recorder, width, f"{language} arrangement agreed")
            driver.get(live.url + "/account/requests")
            failures += check(driver, recorder, width, f"{language} your requests with an arrangement")
    assert not failures, "\n".join(failures[:40])


def test_the_bill_format_pages_pass_axe(live, browsers, recorder):
    account = account_in_arrears(live)
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        for language in LANGUAGES:
            sign_in(driver, live, "Resident")
            set_language(driver, live, language)
            driver.get(live.url + account)
            press(driver, "#bill-format-link a")
            failures += check(driver, recorder, width, f"{language} bill format")
            driver.find_element(By.CSS_SELECTOR, "input[name=format][value=large_print]").send_keys(Keys.SPACE)
            # No size (an earlier round left 24 point chosen): the error state.
            driver.find_element(By.CSS_SELECTOR, "#point_size option[value='']").click()
            press(driver, "main form button")
            failures += error_state(driver, recorder, width, f"{language} bill format, no print size")
            driver.find_element(By.CSS_SELECTOR, "#point_size option[value=pt24]").click()
            press(driver, "main form button")
            driver.get(live.url + account + "/bill")
            failures += check(driver, recorder, width, f"{language} bill, large print asked for")
            press(driver, "#large-print-link")
            if not driver.find_elements(By.ID, "large-print"):
                failures.append(f"{width} {language}: no large-print view")
            failures += check(driver, recorder, width, f"{language} bill, large print")
    assert not failures, "\n".join(failures[:40])


def test_an_arrangement_without_javascript(live):
    account = account_in_arrears(live)
    driver = start_chrome("mobile", javascript=False)
    try:
        resident = demo.DEMO_ACCOUNTS[0]
        driver.get(live.url + "/sign-in")
        driver.find_element(By.ID, "email").send_keys(resident.email)
        driver.find_element(By.ID, "password").send_keys(resident.password)
        press(driver, "main form button[type=submit]")
        driver.get(live.url + account)
        press(driver, "#recovery-arrangement-link")
        press(driver, "main .govuk-button--start")
        fill(driver, {"earnings": "250"})
        driver.find_element(By.CSS_SELECTOR, "#earnings_frequency option[value=weekly]").click()
        press(driver, "main form button")
        fill(driver, {"home_and_contents": "600"})
        press(driver, "main form button")
        fill(driver, {"food_and_housekeeping": "200"})
        press(driver, "main form button")
        press(driver, "main form button")  # no other debts
        assert driver.current_url.endswith("/arrangement/offer"), driver.current_url
        # £250 a week is £1,083.33 a month; less £800.00 of costs
        assert "£283.33" in driver.find_element(By.ID, "money-left").text
        fill(driver, {"amount": "1", **today_parts(driver)})
        driver.find_element(By.CSS_SELECTOR, "input[name=frequency][value=fortnightly]").send_keys(Keys.SPACE)
        press(driver, "main form button")
        assert "£250.00" in driver.find_element(By.ID, "section-income").text
        press(driver, "main form button")
        assert state(driver) == "proposed"
        reference = driver.find_element(By.ID, "reference").text
    finally:
        driver.quit()
    with live.app.app_context():
        arrangement = db.session.scalar(
            sa.select(CouncilTaxArrangement).order_by(CouncilTaxArrangement.id.desc()).limit(1)
        )
        assert (arrangement.case.reference, arrangement.proposed_pence) == (reference, 100)
        assert arrangement.statement["monthly"]["earnings"] == 108333
