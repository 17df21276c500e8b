"""The Direct Debit and refund pages in Chromium, in every state the crawl cannot reach (the
errors, the check page with the Direct Debit Guarantee, the paper form page, the confirmations, the
account page with an instruction sent, a refund waiting): axe at both widths, in English and Welsh.
And setting up a Direct Debit with JavaScript off, changing an answer on the way."""

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By

from app.extensions import db
from app.models import Case, CaseStatus, CouncilTaxAccount, User
from app.services import demo
from app.services.council_tax import demo_extract, links, refunds
from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_error_state, set_language, sign_in
from tests.browser.test_without_javascript import press

pytestmark = pytest.mark.browser

ACCOUNTS = "/services/council-tax/accounts/"
ACCOUNT = ACCOUNTS + demo_extract.DEMO_RESIDENT_REFERENCE
DD = ACCOUNT + "/direct-debit"
BANK = {"account_holder": "Rhian Evans", "sort_code": "20 00 00", "account_number": "55779911"}


def link_an_account_in_credit(live) -> str:
    with live.app.test_request_context():
        resident = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
        links.link_demo_account(resident, demo_extract.DEMO_RESIDENT_REFERENCE)
        in_credit = db.session.scalar(
            sa.select(CouncilTaxAccount.reference)
            .where(CouncilTaxAccount.balance_pence < 0)
            .order_by(CouncilTaxAccount.reference)
            .limit(1)
        )
        links.link_demo_account(resident, in_credit)
        db.session.commit()
    return in_credit


def link_an_account_that_has_ended(live) -> str:
    with live.app.test_request_context():
        resident = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
        ended = db.session.scalar(
            sa.select(CouncilTaxAccount.reference)
            .where(CouncilTaxAccount.liable_to.is_not(None))
            .order_by(CouncilTaxAccount.reference)
            .limit(1)
        )
        links.link_demo_account(resident, ended)
        db.session.commit()
    return ended


def close_refund_cases(live) -> None:
    with live.app.app_context():
        db.session.execute(
            sa.update(Case).where(Case.service_id == refunds.SERVICE_ID).values(status=CaseStatus.CLOSED)
        )
        db.session.commit()


def fill(driver, values: dict, radios: tuple[str, ...] = ()) -> None:
    for field_id, value in values.items():
        box = driver.find_element(By.ID, field_id)
        box.clear()
        box.send_keys(value)
    for selector in radios:
        driver.find_element(By.CSS_SELECTOR, selector).send_keys(" ")


def test_the_direct_debit_and_refund_pages_in_every_state_pass_axe(live, browsers, recorder):
    in_credit = link_an_account_in_credit(live)
    refund = ACCOUNTS + in_credit + "/refund"
    ended = ACCOUNTS + link_an_account_that_has_ended(live) + "/direct-debit"
    failures = []

    def check(driver, width, label, *, errors=False, showing=None):
        nonlocal failures
        if showing and not driver.find_elements(By.CSS_SELECTOR, showing):
            failures.append(f"{width} {label}: no {showing} on {driver.current_url}")
        if errors:
            failures += [f"{width} {label}: {problem}" for problem in check_error_state(driver)]
        violations = recorder.check(driver, width=width, label=label)
        failures += [f"{width} {label}: {v['id']} {v['help']} {v['nodes']}" for v in violations]

    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Resident")
        for language in LANGUAGES:
            set_language(driver, live, language)
            driver.get(live.url + DD)
            press(driver, "main form button")
            check(driver, width, f"{language} Direct Debit, empty", errors=True)
            fill(driver, {**BANK, "account_number": "55779912"}, ("input[name=sole_authority][value=yes]",))
            press(driver, "main form button")
            check(driver, width, f"{language} Direct Debit, details that fail the modulus check", errors=True)
            driver.get(live.url + DD)
            fill(
                driver,
                BANK,
                ("input[name=sole_authority][value=no]", "input[name=payment_day]", "input[name=instalments]"),
            )
            press(driver, "main form button")
            check(driver, width, f"{language} Direct Debit, paper form", showing="a[href$='/direct-debit']")
            driver.get(live.url + DD)
            fill(
                driver,
                BANK,
                ("input[name=sole_authority][value=yes]", "input[name=payment_day][value='15']", "input[value='12']"),
            )
            press(driver, "main form button")
            if not driver.find_elements(By.ID, "direct-debit-guarantee"):
                failures.append(f"{width} {language}: no Direct Debit Guarantee on the check page")
            check(driver, width, f"{language} Direct Debit, check page")
            press(driver, "main form button[type=submit]:not([name=change])")
            check(driver, width, f"{language} Direct Debit, sent", showing="#advance-notice")
            driver.get(live.url + ACCOUNT)
            if not driver.find_elements(By.ID, "direct-debit-sent"):
                failures.append(f"{width} {language}: the account page does not say the instruction was sent")
            check(driver, width, f"{language} account page, Direct Debit instruction sent")
            driver.get(live.url + ended)
            check(driver, width, f"{language} Direct Debit, account ended", showing="#ended")
            close_refund_cases(live)
            driver.get(live.url + refund)
            press(driver, "main form button")
            check(driver, width, f"{language} refund, empty", errors=True)
            fill(driver, BANK, ("input[name=what][value=all]",))
            press(driver, "main form button")
            check(driver, width, f"{language} refund, sent", showing="#reference")
            driver.get(live.url + refund)
            check(driver, width, f"{language} refund, one waiting", showing="#refusal")
            driver.get(live.url + ACCOUNTS + in_credit)
            check(driver, width, f"{language} account page, refund waiting", showing="#refund-link")
    close_refund_cases(live)
    assert not failures, "\n".join(failures[:40])


def test_setting_up_a_direct_debit_without_javascript(live):
    resident = demo.DEMO_ACCOUNTS[0]
    link_an_account_in_credit(live)
    driver = start_chrome("mobile", javascript=False)
    try:
        driver.get(live.url + "/sign-in")
        driver.find_element(By.ID, "email").send_keys(resident.email)
        driver.find_element(By.ID, "password").send_keys(resident.password)
        press(driver, "main form button[type=submit]")
        driver.get(live.url + ACCOUNT)
        press(driver, "#direct-debit-link a")
        fill(
            driver,
            {**BANK, "sort_code": "200000"},
            ("input[name=sole_authority][value=yes]", "input[name=payment_day][value='8']", "input[value='10']"),
        )
        press(driver, "main form button")
        assert "55779911" in driver.find_element(By.ID, "answers").text
        press(driver, "main form button[name=change]")
        assert driver.find_element(By.ID, "account_number").get_attribute("value") == "55779911"
        fill(driver, {"account_holder": "R Evans"})
        press(driver, "main form button")
        assert "R Evans" in driver.find_element(By.ID, "answers").text
        press(driver, "main form button[type=submit]:not([name=change])")
        assert driver.current_url.endswith(DD + "/sent"), driver.current_url
        assert "10 working days" in driver.find_element(By.ID, "advance-notice").text
    finally:
        driver.quit()
