"""Every form definition, walked in Chromium with its generated answers: each page empty, then sent
empty (the error state), then answered; check your answers; confirmation. axe and the keyboard
checks on every state, at both widths, in English and Welsh, as a guest and signed in."""

from functools import partial
from urllib.parse import urlsplit

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from app import forms_engine
from app.form_model.schema import Audience
from app.forms_engine import DEFAULT_FOLDER
from tests.browser.harness import WIDTHS
from tests.browser.test_accessibility import LANGUAGES, check_error_state, check_skip_link, set_language, sign_in
from tests.form_walk import example_page_data, example_route
from tests.local_stripe import DECLINED_CARDS, GOOD_CARD

pytestmark = pytest.mark.browser

ROLES = ["signed out", "Resident"]


def fill_page(driver, data: dict[str, list], tmp_path) -> None:
    for name, values in data.items():
        elements = driver.find_elements(By.NAME, name)
        assert elements, f"no field called {name}"
        first = elements[0]
        if first.get_attribute("type") == "hidden":
            continue
        if first.get_attribute("type") == "file":
            stream, filename = values[0]
            chosen = tmp_path / filename
            chosen.write_bytes(stream.getvalue())
            first.send_keys(str(chosen))
        elif first.tag_name == "select":
            Select(first).select_by_value(values[0])
        elif first.get_attribute("type") == "radio" and values == [None]:
            driver.execute_script("arguments[0].click()", first)  # the first choice offered
        elif first.get_attribute("type") in ("radio", "checkbox"):
            for element in elements:
                wanted = element.get_attribute("value") in values
                if wanted != element.is_selected():
                    driver.execute_script("arguments[0].click()", element)
        else:
            for element, value in zip(elements, values, strict=False):
                element.clear()
                element.send_keys(value)


def empty_fields(driver) -> None:
    """Clear what the page filled in (answers the account holds, or given before) to see the error state."""
    driver.execute_script(
        "document.querySelectorAll('main form input, main form textarea').forEach(function (el) {"
        "  if (el.type === 'radio' || el.type === 'checkbox') { el.checked = false; }"
        "  else if (el.type !== 'hidden') { el.value = ''; } });"
        "document.querySelectorAll('main form select').forEach(function (el) { el.selectedIndex = 0; });"
    )


def path(driver) -> str:
    # A redirect keeps the #main-content fragment the skip-link check added, so compare paths.
    return urlsplit(driver.current_url).path


def press_continue(driver, *, last: bool = False) -> None:
    old_page = driver.find_element(By.TAG_NAME, "html").id
    # The button with no name: not "Save and come back later", not "Find address". On check your
    # answers the send button is the last (`last`): "Follow this report instead" may come before it.
    buttons = driver.find_elements(By.CSS_SELECTOR, "main form button[type=submit]:not([name])")
    (buttons[-1] if last else buttons[0]).click()
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.find_element(By.TAG_NAME, "html").id != old_page
    )


def click_and_wait(driver, element) -> None:
    old_page = driver.find_element(By.TAG_NAME, "html").id
    element.click()
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.find_element(By.TAG_NAME, "html").id != old_page
    )


def answer_address(driver, question, check, label, failures) -> None:
    # check(driver, label=...) runs axe on the page as it is now.
    """Every state of an address question: the list found by postcode, then (where it is allowed)
    typing the address in, sent empty and then filled in."""
    name = question.id
    postcode = driver.find_element(By.ID, f"{name}-postcode")
    postcode.clear()
    postcode.send_keys("DM1 1AB")
    click_and_wait(driver, driver.find_element(By.NAME, f"{name}-find"))
    check(driver, label=f"{label} addresses found")
    Select(driver.find_element(By.ID, f"{name}-uprn")).select_by_index(1)
    if question.in_area_only or question.type in ("parking_address", "parking_visitor_address"):
        press_continue(driver)
        return
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "main a[href*='address=manual']"))
    check(driver, label=f"{label} typing the address")
    empty_fields(driver)
    press_continue(driver)
    failures.extend(f"{label} address sent empty: {p}" for p in check_error_state(driver))
    check(driver, label=f"{label} address sent empty")
    for part, value in (("line_1", "1 Example Street"), ("town", "Exampleton"), ("postcode", "DM1 1AB")):
        driver.find_element(By.ID, f"{name}-{part}").send_keys(value)
    press_continue(driver)


def type_number(driver, name: str, vrm: str) -> None:
    box = driver.find_element(By.ID, f"{name}-vrm")
    box.clear()
    box.send_keys(vrm)


def answer_vehicle(driver, question, check, label, failures) -> None:
    """Every state of a vehicle question a person can reach with the DVLA answering, ending with the
    demo vehicle DM19 LOW confirmed. `check(driver, label=...)` runs axe on the page as it is now."""
    name = question.id
    type_number(driver, name, "AB12 CDI")
    click_and_wait(driver, driver.find_element(By.NAME, f"{name}-find"))
    failures.extend(f"{label} not a registration number: {p}" for p in check_error_state(driver))
    check(driver, label=f"{label} not a registration number")
    type_number(driver, name, "ER19 NFD")
    click_and_wait(driver, driver.find_element(By.NAME, f"{name}-find"))
    failures.extend(f"{label} vehicle not known: {p}" for p in check_error_state(driver))
    check(driver, label=f"{label} vehicle not known")
    click_and_wait(driver, driver.find_element(By.NAME, f"{name}-manual"))
    check(driver, label=f"{label} typing the vehicle in")
    press_continue(driver)
    failures.extend(f"{label} typed vehicle sent empty: {p}" for p in check_error_state(driver))
    check(driver, label=f"{label} typed vehicle sent empty")
    driver.find_element(By.ID, f"{name}-make").send_keys("Morris")
    driver.find_element(By.ID, f"{name}-colour").send_keys("Green")
    Select(driver.find_element(By.ID, f"{name}-fuel_type")).select_by_value("PETROL")
    type_number(driver, name, "DM19 LOW")
    click_and_wait(driver, driver.find_element(By.NAME, f"{name}-lookup"))  # back to the DVLA
    check(driver, label=f"{label} the DVLA's details")
    press_continue(driver)
    failures.extend(f"{label} details not confirmed: {p}" for p in check_error_state(driver))
    check(driver, label=f"{label} details not confirmed")
    driver.execute_script("arguments[0].click()", driver.find_element(By.ID, f"{name}-correct"))
    press_continue(driver)


def answer_location(driver, question, check, label) -> None:
    """A location question: a postcode, "Find", the list of places found, then the nearest address
    and the words for the spot (its error states are walked in test_location_question.py)."""
    name = question.id
    search = driver.find_element(By.ID, f"{name}-search")
    search.clear()
    search.send_keys("DM1 1AB")
    click_and_wait(driver, driver.find_element(By.NAME, f"{name}-find"))
    check(driver, label=f"{label} places found")
    Select(driver.find_element(By.ID, f"{name}-place")).select_by_index(1)
    description = driver.find_element(By.ID, f"{name}-description")
    description.clear()
    description.send_keys("By the lamp post outside")
    press_continue(driver)


def act_for_the_demo_business(driver, live) -> None:
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Organisation
    from app.services import demo

    with live.app.app_context():
        organisation_id = db.session.scalar(
            sa.select(Organisation.id).where(Organisation.name == demo.DEMO_ORGANISATION)
        )
    driver.get(f"{live.url}/account/acting-for")
    chosen = driver.find_element(By.CSS_SELECTOR, f"input[name=acting_for][value='{organisation_id}']")
    driver.execute_script("arguments[0].click()", chosen)
    press_continue(driver)


def cancel_example_parking_permits(app) -> None:
    """The example answers buy a permit for the same vehicle each time: cancel it, so the next walk
    can buy it again (a vehicle has one permit at a time)."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import ParkingPermit, PermitStatus

    with app.app_context():
        db.session.execute(
            sa.update(ParkingPermit).where(ParkingPermit.vrm == "DM19LOW").values(status=PermitStatus.CANCELLED)
        )
        db.session.commit()


def pay_on_the_payment_page(driver, check, label, failures) -> None:
    """The stand-in for Stripe's payment page: as it opens, sent empty, with a declined card, then paid."""
    assert driver.current_url.startswith("http://127.0.0.1:") and "/pay/" in driver.current_url, driver.current_url
    check(driver, label=f"{label} payment page")
    press_continue(driver)
    failures.extend(f"{label} payment page sent empty: {p}" for p in check_error_state(driver))
    check(driver, label=f"{label} payment page sent empty")
    for card in (DECLINED_CARDS[0], GOOD_CARD):
        fields = {"card_number": card, "expiry": "04/35", "cvc": "123"}
        for name, value in fields.items():
            box = driver.find_element(By.ID, name)
            box.clear()
            box.send_keys(value)
        press_continue(driver)
        if card != GOOD_CARD:
            failures.extend(f"{label} card declined: {p}" for p in check_error_state(driver))
            check(driver, label=f"{label} payment page card declined")


@pytest.mark.parametrize("form_id", sorted(path.stem for path in DEFAULT_FOLDER.glob("*.yaml")))
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_form_passes_axe_in_every_state(live, browsers, recorder, role, form_id, tmp_path):
    with live.app.app_context():
        definition = forms_engine.get(form_id)
        route = example_route(definition)
        examples = {step.id: example_page_data(step) for step in route}
    failures = []

    def check(driver, width, label, keyboard=False):
        for violation in recorder.check(driver, width=width, label=label):
            failures.append(f"{width} {label}: {violation['id']} {violation['help']} {violation['nodes']}")
        if keyboard and recorder.last_was_new():
            failures.extend(f"{width} {label}: {problem}" for problem in check_skip_link(driver))

    business_only = (
        Audience.ORGANISATIONS in definition.who_can_use and Audience.RESIDENTS not in definition.who_can_use
    )
    if business_only and role != "signed out":
        role = "Business admin"  # a business permit: the demo business's admin, acting for it
    for width in WIDTHS:
        driver = browsers(width)
        for language in LANGUAGES:
            sign_in(driver, live, role)
            set_language(driver, live, language)
            if business_only and role != "signed out":
                act_for_the_demo_business(driver, live)
            driver.get(f"{live.url}/services/{form_id}")
            check(driver, width, f"{role} {language} {form_id} start", keyboard=True)
            driver.get(f"{live.url}/services/{form_id}/begin")
            if role == "signed out" and not definition.allows_guests:
                # A form for residents only (a parking permit) asks a guest to sign in first.
                assert path(driver) == "/sign-in", driver.current_url
                check(driver, width, f"{role} {language} {form_id} sign in first")
                continue
            for step in route:
                label = f"{role} {language} {form_id}/{step.id}"
                if path(driver) != f"/services/{form_id}/{step.id}":
                    # Signed in, pages the account already answers are skipped (tell us once).
                    assert role != "signed out", f"{label}: expected this page, at {driver.current_url}"
                    continue
                check(driver, width, label, keyboard=True)
                if step.exit is not None:
                    break
                # A page that only shows its answer (a person's one council tax account) cannot be emptied.
                fields = "main form :is(input:not([type=hidden]), select, textarea)"
                asks = driver.find_elements(By.CSS_SELECTOR, fields)
                if asks and any(not question.optional for question in step.questions):
                    empty_fields(driver)
                    press_continue(driver)
                    failures.extend(f"{width} {label} sent empty: {p}" for p in check_error_state(driver))
                    check(driver, width, f"{label} sent empty")
                address_types = ("address", "parking_address", "parking_visitor_address")
                address = next((q for q in step.questions if q.type in address_types), None)
                if address is not None:
                    answer_address(driver, address, partial(check, width=width), label, failures)
                    continue
                vehicle_types = ("vehicle", "parking_vehicle", "business_vehicle")
                vehicle = next((q for q in step.questions if q.type in vehicle_types), None)
                if vehicle is not None:
                    answer_vehicle(driver, vehicle, partial(check, width=width), label, failures)
                    continue
                location = next((q for q in step.questions if q.type == "location"), None)
                if location is not None:
                    answer_location(driver, location, partial(check, width=width), label)
                    continue
                fill_page(driver, examples[step.id], tmp_path)
                press_continue(driver)
            assert path(driver) == f"/services/{form_id}/check-answers", driver.current_url
            check(driver, width, f"{role} {language} {form_id} check answers")
            press_continue(driver, last=True)
            if definition.payment is not None:
                pay_on_the_payment_page(driver, partial(check, width=width), f"{role} {language} {form_id}", failures)
            assert path(driver) == f"/services/{form_id}/confirmation", driver.current_url
            check(driver, width, f"{role} {language} {form_id} confirmation")
            cancel_example_parking_permits(live.app)
    assert not failures, "\n".join(failures[:40])
