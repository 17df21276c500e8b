"""The channel-shift figures page in every state the crawl does not reach: filtered, empty (a
period with nothing in it) and with its errors (the last month before the first), as the demo
manager in Chromium at both widths in both languages, with axe on each. The crawl itself checks the
page with the demo year's data (the manager's and the admin's default view)."""

from datetime import date

import pytest
from selenium.webdriver.common.by import By

from app.services import channel_figures
from tests.browser.harness import WIDTHS
from tests.browser.test_accessibility import LANGUAGES, check_skip_link, set_language, sign_in

pytestmark = pytest.mark.browser


def months_ago(count: int) -> str:
    return channel_figures.add_months(date.today().replace(day=1), -count).isoformat()[:7]


def test_figures_page_states_pass_axe(live, browsers, recorder):
    failures = []
    states = {
        "with data": "",
        "filtered": f"?service=missed-bin&ward=Riverside&place=1&first={months_ago(6)}&last={months_ago(1)}",
        "empty": f"?first={months_ago(35)}&last={months_ago(34)}",
        "errors": f"?first={months_ago(1)}&last={months_ago(3)}",
    }
    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Manager")
        for language in LANGUAGES:
            set_language(driver, live, language)
            for state, query in states.items():
                driver.get(live.url + "/staff/figures" + query)
                label = f"{language} figures: {state}"
                for violation in recorder.check(driver, width=width, label=label):
                    failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")
                # An error summary takes the focus when the page opens (GOV.UK Frontend), so the first Tab
                # starts from there: the skip link is checked on the other states.
                if recorder.last_was_new() and state != "errors":
                    failures += [f"{width} {label}: {problem}" for problem in check_skip_link(driver)]
                charts = driver.find_elements(By.CSS_SELECTOR, "svg.doorstep-chart[role=img]")
                if state in ("with data", "filtered") and len(charts) < 4:
                    failures.append(f"{width} {label}: {len(charts)} charts")
                if state == "empty" and (charts or not driver.find_elements(By.CSS_SELECTOR, "main h2")):
                    failures.append(f"{width} {label}: the empty state shows charts or no heading")
                if state == "errors" and not driver.title.startswith(("Error:", "Gwall:")):
                    failures.append(f"{width} {label}: title does not say there is an error ({driver.title})")
    assert not failures, "\n".join(failures)
