"""The paperless bills page in Chromium, in both states (paper bills, and paperless after switching
with the keyboard and JavaScript off) and the account page after each switch: axe at both widths,
in English and Welsh."""

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By

from app.extensions import db
from app.models import User
from app.services import demo
from app.services.council_tax import demo_extract, links
from tests.browser.harness import WIDTHS
from tests.browser.test_accessibility import LANGUAGES, set_language, sign_in
from tests.browser.test_without_javascript import press

pytestmark = pytest.mark.browser

ACCOUNT = "/services/council-tax/accounts/" + demo_extract.DEMO_RESIDENT_REFERENCE
PAPERLESS = ACCOUNT + "/paperless"


def test_the_paperless_page_in_both_states_passes_axe(live, browsers, recorder):
    with live.app.test_request_context():
        resident = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
        links.link_demo_account(resident, demo_extract.DEMO_RESIDENT_REFERENCE)
        db.session.commit()
    failures = []
    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Resident")
        for language in LANGUAGES:
            set_language(driver, live, language)
            for state, wanted in (("paper bills", "yes"), ("paperless bills", "no")):
                driver.get(live.url + PAPERLESS)
                if not driver.find_elements(By.CSS_SELECTOR, f"main form input[name=paperless][value={wanted}]"):
                    failures.append(f"{width} {language} {state}: not the button to switch")
                label = f"{language} paperless page, {state}"
                violations = recorder.check(driver, width=width, label=label)
                failures += [f"{width} {label}: {v['id']} {v['help']} {v['nodes']}" for v in violations]
                press(driver, "main form button")
                label = f"{language} account page after switching from {state}"
                if not driver.current_url.endswith(ACCOUNT):
                    failures.append(f"{width} {label}: not back on the account page")
                violations = recorder.check(driver, width=width, label=label)
                failures += [f"{width} {label}: {v['id']} {v['help']} {v['nodes']}" for v in violations]
    assert not failures, "\n".join(failures)
