"""The council tax pages in Chromium: the start page signed out and signed in, the link form empty,
with mistakes and with details that do not match, the account page and the bill page (with and
without arrears at a recovery stage, in credit, for a past address), unlinking, and the staff
page of links; axe and the keyboard checks at both widths, in English and Welsh. And linking and
unlinking an account, and paying by card, with JavaScript off."""

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By

from app.extensions import db
from app.models import CouncilTaxAccount, CouncilTaxLink, CouncilTaxLinkEvent, CouncilTaxRecoveryEvent, User
from app.services import demo
from app.services.council_tax import demo_extract, links
from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_error_state, check_skip_link, set_language, sign_in
from tests.browser.test_without_javascript import press
from tests.local_stripe import GOOD_CARD

pytestmark = pytest.mark.browser

START = "/services/council-tax"
ACCOUNTS = START + "/accounts/"


def link_resident_to_examples(live) -> list[str]:
    """Link the demo resident to an account in recovery, one in credit and a closed one (besides
    their own), so their pages show every state."""
    with live.app.test_request_context():
        resident = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
        in_recovery = db.session.scalar(
            sa.select(CouncilTaxAccount.reference)
            .join(CouncilTaxRecoveryEvent, CouncilTaxRecoveryEvent.account_id == CouncilTaxAccount.id)
            .where(CouncilTaxAccount.balance_pence > 0)
            .order_by(CouncilTaxAccount.reference)
            .limit(1)
        )
        in_credit = db.session.scalar(
            sa.select(CouncilTaxAccount.reference).where(CouncilTaxAccount.balance_pence < 0).limit(1)
        )
        closed = db.session.scalar(
            sa.select(CouncilTaxAccount.reference).where(CouncilTaxAccount.liable_to.is_not(None)).limit(1)
        )
        examples = [found for found in (in_recovery, in_credit, closed) if found]
        for reference in examples:
            links.link_demo_account(resident, reference)
        db.session.commit()
    return [demo_extract.DEMO_RESIDENT_REFERENCE, *examples]


def fill_link_form(driver, values: dict) -> None:
    for field_id, value in values.items():
        box = driver.find_element(By.ID, field_id)
        box.clear()
        box.send_keys(value)
    press(driver, "main form button")


def test_every_council_tax_page_passes_axe(live, browsers, recorder):
    references = link_resident_to_examples(live)
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        for role in ("signed out", "Resident", "Staff"):
            sign_in(driver, live, role)
            for language in LANGUAGES:
                set_language(driver, live, language)
                pages = {"start": START}
                if role == "Resident":
                    pages |= {"link form": START + "/link"}
                    for reference in references:
                        pages[f"account {reference}"] = ACCOUNTS + reference
                        pages[f"bill {reference}"] = ACCOUNTS + reference + "/bill"
                        pages[f"12 instalments {reference}"] = ACCOUNTS + reference + "/twelve-instalments"
                    pages["unlink"] = ACCOUNTS + references[0] + "/unlink"
                    pages["pay"] = ACCOUNTS + references[0] + "/pay"
                if role == "Staff":
                    pages["staff links"] = "/staff/council-tax/links?reference=" + references[0]
                    pages["staff links, none"] = "/staff/council-tax/links?reference=79999999"
                for state, path in pages.items():
                    driver.get(live.url + path)
                    label = f"{width} {role} {language} council tax {state}"
                    violations = recorder.check(driver, width=width, label=label)
                    failures += [f"{label}: {v['id']} {v['help']} {v['nodes']}" for v in violations]
                    if recorder.last_was_new():
                        failures += [f"{label}: {problem}" for problem in check_skip_link(driver)]
                if role == "Resident":
                    mistakes = {
                        "empty": {"reference": "", "postcode": ""},
                        "no match": {"reference": "79999999", "postcode": "DM1 1AB", "online_key": "NOPE-NOPE"},
                    }
                    for state, values in mistakes.items():
                        driver.get(live.url + START + "/link")
                        fill_link_form(driver, values)
                        label = f"{width} {role} {language} council tax link form, {state}"
                        failures += [f"{label}: {problem}" for problem in check_error_state(driver)]
                        violations = recorder.check(driver, width=width, label=label)
                        failures += [f"{label}: {v['id']} {v['help']} {v['nodes']}" for v in violations]
                    driver.get(live.url + ACCOUNTS + references[0] + "/pay")
                    press(driver, "main form button")
                    label = f"{width} {role} {language} council tax pay, nothing chosen"
                    failures += [f"{label}: {problem}" for problem in check_error_state(driver)]
                    violations = recorder.check(driver, width=width, label=label)
                    failures += [f"{label}: {v['id']} {v['help']} {v['nodes']}" for v in violations]
                    pay_by_card(driver, live, references[0], "5")
                    label = f"{width} {role} {language} council tax receipt"
                    assert driver.find_element(By.ID, "receipt").is_displayed(), label
                    violations = recorder.check(driver, width=width, label=label)
                    failures += [f"{label}: {v['id']} {v['help']} {v['nodes']}" for v in violations]
    assert not failures, "\n".join(failures[:40])


def pay_by_card(driver, live, reference: str, amount: str) -> None:
    """Another amount, paid with the test card on the local Stripe's payment page."""
    driver.get(live.url + ACCOUNTS + reference + "/pay")
    driver.find_element(By.CSS_SELECTOR, "input[value=other]").send_keys(" ")
    driver.find_element(By.ID, "other_amount").send_keys(amount)
    press(driver, "main form button")
    for name, value in {"card_number": GOOD_CARD, "expiry": "04/35", "cvc": "123"}.items():
        driver.find_element(By.ID, name).send_keys(value)
    press(driver, "main form button[type=submit]")


def test_linking_unlinking_and_paying_without_javascript(live):
    resident = demo.DEMO_ACCOUNTS[0]
    reference = demo_extract.DEMO_UNLINKED_REFERENCE
    with live.app.app_context():  # other tests' wrong attempts must not use up today's limit
        user_id = db.session.scalar(sa.select(User.id).where(User.email == resident.email))
        db.session.execute(sa.delete(CouncilTaxLinkEvent).where(CouncilTaxLinkEvent.user_id == user_id))
        db.session.commit()
    driver = start_chrome("mobile", javascript=False)
    try:
        driver.get(live.url + "/sign-in")
        driver.find_element(By.ID, "email").send_keys(resident.email)
        driver.find_element(By.ID, "password").send_keys(resident.password)
        press(driver, "main form button[type=submit]")
        driver.get(live.url + START)
        press(driver, "main a.govuk-button")
        fill_link_form(driver, {"reference": reference, "postcode": "DM2 3EF", "online_key": "wrong-key"})
        assert "We could not link an account" in driver.find_element(By.CLASS_NAME, "govuk-error-summary").text
        assert driver.find_element(By.ID, "reference").get_attribute("value") == reference
        fill_link_form(driver, {"online_key": demo_extract.DEMO_UNLINKED_ONLINE_KEY})
        assert driver.current_url.endswith(ACCOUNTS + reference), driver.current_url
        assert driver.find_element(By.ID, "balance").is_displayed()
        press(driver, "a[href$='/bill']")
        assert driver.find_element(By.ID, "instalments").is_displayed()
        driver.get(live.url + ACCOUNTS + reference + "/unlink")
        press(driver, "main form button")
        assert driver.current_url.endswith(START)
        assert reference not in driver.find_element(By.ID, "linked-accounts").text
        pay_by_card(driver, live, demo_extract.DEMO_RESIDENT_REFERENCE, "12.50")
        assert "£12.50 for council tax account 60000001" in driver.find_element(By.TAG_NAME, "main").text
    finally:
        driver.quit()
        with live.app.app_context():
            account_id = db.session.scalar(
                sa.select(CouncilTaxAccount.id).where(CouncilTaxAccount.reference == reference)
            )
            db.session.execute(sa.delete(CouncilTaxLink).where(CouncilTaxLink.account_id == account_id))
            db.session.commit()
