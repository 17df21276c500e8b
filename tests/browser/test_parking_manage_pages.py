"""Managing a resident permit, in Chromium: adding a courtesy vehicle (the form, its mistakes, the
check page, the permit page with it, ending it early) and moving home (the postcode box, the
addresses and moving day, their mistakes, and the outcome for the same zone, another zone and an
address without permits); axe at both widths, in English and Welsh; and both journeys with
JavaScript off."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from app.extensions import db
from app.models import ParkingPermit, PermitStatus, User, utcnow
from app.services import demo
from tests.browser.harness import WIDTHS, start_chrome
from tests.browser.test_accessibility import LANGUAGES, check_error_state, set_language, sign_in
from tests.browser.test_without_javascript import press

pytestmark = pytest.mark.browser

START = "/services/parking-permits"
REFERENCE = "PRMT-MANAGE"


@pytest.fixture
def permit(live):
    """A resident permit of the demo resident's, valid now, for a car the other tests do not use."""
    from app.services.parking import permits
    from app.services.vehicles import VehicleAnswer, VehicleDetails

    with live.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
        car = VehicleDetails(registration="DM13TXD", looked_up_at=utcnow(), make="FORD", co2_emissions=120)
        today = date.today()
        db.session.add(
            ParkingPermit(
                reference=REFERENCE,
                user_id=user.id,
                uprn=100000000001,
                zone="A",
                vrm="DM13TXD",
                vehicle=VehicleAnswer.from_dvla(car).to_answer(),
                starts_at=permits.london_midnight(today),
                ends_at=permits.london_midnight(permits.add_months(today, 12)),
                months=12,
                price_pence=8200,
                quote={"lines": [{"name": "Band 2, 101 to 140 g/km, 12 months", "pence": 8200}], "lines_cy": []},
            )
        )
        db.session.commit()
    yield REFERENCE
    with live.app.app_context():
        db.session.execute(sa.delete(ParkingPermit).where(ParkingPermit.reference == REFERENCE))
        db.session.commit()


def fill(driver, values: dict) -> None:
    for field, value in values.items():
        box = driver.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)


def fill_day(driver, day: date) -> None:
    fill(driver, {"moves_on": str(day.day), "moves_on-month": str(day.month), "moves_on-year": str(day.year)})


def test_the_courtesy_vehicle_and_moving_pages_pass_axe_in_every_state(live, browsers, recorder, permit):
    failures = []
    page = f"{live.url}{START}/permits/{permit}"
    today = date.today()

    def check(driver, width, language, state, *, mistake=False):
        label = f"{width} {language} {state}"
        if mistake:
            failures.extend(f"{label}: {problem}" for problem in check_error_state(driver))
        for violation in recorder.check(driver, width=width, label=label):
            failures.append(f"{label}: {violation['id']} {violation['help']} {violation['nodes']}")

    for width in WIDTHS:
        driver = browsers(width)
        sign_in(driver, live, "Resident")
        for language in LANGUAGES:
            set_language(driver, live, language)
            driver.get(f"{page}/courtesy-vehicle")
            check(driver, width, language, "courtesy vehicle form")
            fill(driver, {"vrm": "NOT A CAR", "days": "99"})
            press(driver, "main form button")
            check(driver, width, language, "courtesy vehicle mistakes", mistake=True)
            fill(driver, {"vrm": "DM14 DSL", "days": "3"})
            press(driver, "main form button")
            assert driver.find_elements(By.ID, "courtesy-check"), driver.page_source[:500]
            check(driver, width, language, "courtesy vehicle check")
            press(driver, "main form button")
            assert driver.find_elements(By.ID, "courtesy-vehicle")
            check(driver, width, language, "permit with a courtesy vehicle")
            driver.get(f"{page}/courtesy-vehicle/end")
            check(driver, width, language, "end the courtesy vehicle")
            press(driver, "main form button")
            assert not driver.find_elements(By.ID, "courtesy-vehicle")

            driver.get(f"{page}/move")
            check(driver, width, language, "move: postcode")
            driver.get(f"{page}/move?postcode=ZZ9+9ZZ")
            check(driver, width, language, "move: postcode not ours", mistake=True)
            driver.get(f"{page}/move?postcode=DM2+3EF")
            check(driver, width, language, "move: addresses")
            press(driver, "main form button")
            check(driver, width, language, "move: nothing chosen", mistake=True)
            for state, postcode, uprn in (
                ("same zone", "DM1+1AB", "100000000003"),
                ("another zone", "DM2+3EF", "100000000021"),
                ("no permits there", "DM3+5JK", "100000000041"),
            ):
                driver.get(f"{page}/move?postcode={postcode}")
                Select(driver.find_element(By.ID, "uprn")).select_by_value(uprn)
                fill_day(driver, today + timedelta(days=7))
                press(driver, "main form button")
                outcome = driver.find_element(By.ID, "move-outcome").get_attribute("data-outcome")
                assert outcome == {"same zone": "same-zone", "another zone": "new-zone"}.get(state, "leaves")
                check(driver, width, language, f"move outcome: {state}")
    assert not failures, "\n".join(failures[:40])


def test_a_courtesy_vehicle_and_a_move_work_without_javascript(live, permit):
    driver = start_chrome("mobile", javascript=False)
    resident = demo.DEMO_ACCOUNTS[0]
    page = f"{live.url}{START}/permits/{permit}"
    try:
        driver.get(live.url + "/sign-in")
        driver.find_element(By.ID, "email").send_keys(resident.email)
        driver.find_element(By.ID, "password").send_keys(resident.password)
        press(driver, "main form button[type=submit]")
        driver.get(page)
        press(driver, "#add-courtesy")
        fill(driver, {"vrm": "DM14 DSL", "days": "2"})
        press(driver, "main form button")
        press(driver, "main form button")
        assert "DM14 DSL" in driver.find_element(By.ID, "courtesy-vehicle").text
        press(driver, "#end-courtesy")
        press(driver, "main form button")

        press(driver, "#move-permit")
        driver.find_element(By.ID, "postcode").send_keys("DM1 1AB")
        press(driver, "main form button")
        Select(driver.find_element(By.ID, "uprn")).select_by_value("100000000003")
        fill_day(driver, date.today() + timedelta(days=3))
        press(driver, "main form button")
        assert driver.find_element(By.ID, "move-outcome").get_attribute("data-outcome") == "same-zone"
        press(driver, "main form button")
        assert "3 High Street" in driver.find_element(By.ID, "permit-move").text
    finally:
        driver.quit()
        with live.app.app_context():
            db.session.execute(
                sa.update(ParkingPermit)
                .where(ParkingPermit.reference == REFERENCE)
                .values(status=PermitStatus.CANCELLED)
            )
            db.session.commit()
