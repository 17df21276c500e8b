"""A street report sent on to the county council, on the staff case page in Chromium: waiting, sent
with the county's reference, failed with the reason and "Try sending it again" (pressed with the
keyboard), and the email route, each passing axe at both widths in English and Welsh."""

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from app.extensions import db
from app.models import CountyForward, ForwardState, StreetReport, utcnow
from tests.browser.harness import WIDTHS
from tests.browser.test_accessibility import LANGUAGES, set_language, sign_in

pytestmark = pytest.mark.browser


def forward_of(live, category: str) -> tuple[str, int]:
    """The demo's report of this category (flask demo load sends one roads, one pavements)."""
    with live.app.app_context():
        report = db.session.scalar(sa.select(StreetReport).where(StreetReport.category == category))
        forward = db.session.scalar(sa.select(CountyForward).where(CountyForward.street_report_id == report.id))
        return report.case.reference, forward.id


def set_forward(live, forward_id: int, **values) -> None:
    with live.app.app_context():
        forward = db.session.get(CountyForward, forward_id)
        for name, value in values.items():
            setattr(forward, name, value)
        db.session.commit()


def test_the_county_forward_on_the_case_page_in_every_state(live, browsers, recorder):
    roads, roads_forward = forward_of(live, "roads")
    pavements, _pavements_forward = forward_of(live, "pavements")
    failures = []

    def check(driver, width, label):
        for violation in recorder.check(driver, width=width, label=label):
            failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")

    states = [
        (
            "waiting",
            {"state": ForwardState.QUEUED, "attempts": 1, "last_error": "HTTP 503", "next_attempt_at": utcnow()},
        ),
        (
            "sent",
            {
                "state": ForwardState.SENT,
                "county_reference": "NS-100001",
                "sent_at": utcnow(),
                "last_error": None,
                "county_status": "open",
                "county_checked_at": utcnow(),
            },
        ),
        (
            "failed",
            {"state": ForwardState.FAILED, "county_reference": None, "county_status": None, "last_error": "HTTP 403"},
        ),
    ]
    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Staff")
        for language in LANGUAGES:
            set_language(driver, live, language)
            driver.get(f"{live.url}/staff/cases/{pavements}")
            assert "streetcare@northshire.example" in driver.find_element(By.ID, "main-content").text
            check(driver, width, f"{language} county forward by email")
            for name, values in states:
                set_forward(live, roads_forward, **values)
                driver.get(f"{live.url}/staff/cases/{roads}")
                check(driver, width, f"{language} county forward {name}")
            button = driver.find_element(By.XPATH, "//form[contains(@action, 'county-forward/retry')]//button")
            button.send_keys(Keys.ENTER)
            WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".govuk-notification-banner"))
            check(driver, width, f"{language} county forward tried again")
            with live.app.app_context():
                assert db.session.get(CountyForward, roads_forward).state is ForwardState.QUEUED
    assert not failures, "\n".join(failures[:40])
