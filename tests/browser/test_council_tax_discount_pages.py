"""The council tax account question in the states the form walks do not reach (they walk as the
demo resident, who has one account linked): someone with no linked account (told to link one
first, then the error when they go on anyway), and someone with two (radios, sent empty); axe at
both widths, in English and Welsh."""

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By

from app.extensions import db
from app.models import CouncilTaxLink, User
from app.services import demo
from app.services.council_tax import demo_extract, links
from tests.browser.harness import WIDTHS
from tests.browser.test_accessibility import LANGUAGES, check_error_state, set_language, sign_in
from tests.browser.test_without_javascript import press

pytestmark = pytest.mark.browser

FORM = "/services/council-tax-carer"
BUSINESS_ADMIN = next(account for account in demo.DEMO_ACCOUNTS if account.label == "Business admin")


def check(driver, recorder, width, label) -> list[str]:
    violations = recorder.check(driver, width=width, label=label)
    return [f"{width} {label}: {v['id']} {v['help']} {v['nodes']}" for v in violations]


def link_two_accounts(app, linked: bool) -> None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == BUSINESS_ADMIN.email))
        if linked:
            for reference in (demo_extract.DEMO_RESIDENT_REFERENCE, demo_extract.DEMO_UNLINKED_REFERENCE):
                links.link_demo_account(user, reference)
        else:
            db.session.execute(sa.delete(CouncilTaxLink).where(CouncilTaxLink.user_id == user.id))
        db.session.commit()


def walk_account_page(driver, live, recorder, width, language, label) -> list[str]:
    failures = []
    sign_in(driver, live, "Business admin")
    set_language(driver, live, language)
    driver.get(live.url + FORM + "/begin")
    if not driver.current_url.endswith(FORM + "/account"):
        return [f"{width} {label}: not on the account question ({driver.current_url})"]
    failures += check(driver, recorder, width, label)
    press(driver, "main form button")
    failures += [f"{width} {label} sent empty: {problem}" for problem in check_error_state(driver)]
    failures += check(driver, recorder, width, f"{label} sent empty")
    return failures


def test_the_account_question_with_no_account_and_with_two_passes_axe(live, browsers, recorder):
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        for language in LANGUAGES:
            failures += walk_account_page(driver, live, recorder, width, language, f"{language} no account linked")
            link = driver.find_elements(By.CSS_SELECTOR, "main a[href='/services/council-tax/link']")
            if not link:
                failures.append(f"{width} {language}: no link to link an account")
    link_two_accounts(live.app, linked=True)
    try:
        for width in WIDTHS:
            driver = browsers(width)
            for language in LANGUAGES:
                failures += walk_account_page(driver, live, recorder, width, language, f"{language} two accounts")
                if len(driver.find_elements(By.CSS_SELECTOR, "main input[type=radio][name=account]")) != 2:
                    failures.append(f"{width} {language}: the two accounts are not offered as radios")
    finally:
        link_two_accounts(live.app, linked=False)
    assert not failures, "\n".join(failures[:40])
