"""The vehicle question type: a registration number checked, looked up with the DVLA (the local
stand-in), confirmed, typed in when the DVLA does not know it, and kept provisionally when the DVLA
cannot be asked. Never a server error.

On its own SQLite database, because it starts an app with a test definition that uses the type."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app, forms_engine
from app.extensions import db
from app.models import Case, FormJourney
from app.services import tokens, vehicles
from tests.database import reset_schema
from tests.form_walk import walk
from tests.integration.test_form_engine import submit
from tests.local_dvla import close_vehicle_client
from tests.pages import PageClient
from tests.settings import app_overrides, isolated_environ

FORMS = Path(__file__).parents[1] / "data" / "vehicle-forms"
FORM = "tell-us-about-a-vehicle"
PAGE = f"/services/{FORM}/vehicle"


@pytest.fixture(scope="module")
def vehicle_app(tmp_path_factory, local_stripe, local_dvla):
    tmp_path = tmp_path_factory.mktemp("vehicle")
    app = create_app(
        app_overrides(
            tmp_path,
            f"sqlite:///{tmp_path / 'vehicle.sqlite'}",
            FORM_DEFINITIONS_DIR=str(FORMS),
            STRIPE_API_BASE=local_stripe.url,
            DVLA_API_BASE=local_dvla.url,
        ),
        environ=isolated_environ(tmp_path),
    )
    reset_schema(app)
    yield app
    close_vehicle_client(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def browser(vehicle_app):
    return PageClient(vehicle_app.test_client())


def stored_answer(app) -> dict:
    with app.app_context():
        journey = db.session.scalars(sa.select(FormJourney).order_by(FormJourney.id.desc())).first()
        return journey.answers["vehicle"]


def send_page(browser, data: dict, expect=None):
    page = browser.get(PAGE)
    return browser.post(PAGE, {"csrf_token": page.csrf_token(), **data}, expect=expect)


def find(browser, vrm: str):
    return send_page(browser, {"vehicle-vrm": vrm, "vehicle-find": "1"}, expect=200)


def confirm(browser, shown, answer="yes", **extra):
    data = {
        "csrf_token": shown.csrf_token(),
        "vehicle-vrm": shown.value_of("vehicle-vrm"),
        "vehicle-details": shown.soup.find("input", {"name": "vehicle-details"})["value"],
        "vehicle-looked-up": shown.soup.find("input", {"name": "vehicle-looked-up"})["value"],
        "vehicle-correct": answer,
        **extra,
    }
    return browser.post(PAGE, data)


def test_the_example_answers_walk_the_form_and_the_case_keeps_the_dvla_details(vehicle_app, browser):
    with vehicle_app.app_context():
        definition = forms_engine.get(FORM)
    walk(browser, definition)
    check, _sent = submit(browser, definition)
    assert "DM19 LOW: Toyota, silver, petrol" in check.text
    with vehicle_app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.service_id == FORM))
        answer = vehicles.VehicleAnswer.from_answer(case.answers["vehicle"])
    assert (answer.vrm, answer.source, answer.needs_checking) == ("DM19LOW", "dvla", False)
    assert answer.details.co2_emissions == 95 and answer.details.make == "TOYOTA"


def test_find_shows_the_dvlas_details_to_confirm_and_yes_stores_them(vehicle_app, browser):
    shown = find(browser, " dm19-low ")
    assert shown.error_summary == []
    assert shown.value_of("vehicle-vrm") == "DM19 LOW" or shown.value_of("vehicle-vrm") == "dm19-low"
    rows = [row.get_text(" ", strip=True) for row in shown.soup.select(".govuk-summary-list__row")]
    assert rows == ["Registration number DM19 LOW", "Make Toyota", "Colour Silver", "Fuel type Petrol"]
    assert shown.soup.find("input", {"name": "vehicle-correct", "value": "yes"}) is not None
    done = confirm(browser, shown)
    assert done.status == 302 and done.location.endswith(f"/services/{FORM}/details")
    answer = stored_answer(vehicle_app)
    assert answer["source"] == "dvla" and answer["details"]["co2_emissions"] == 95


def test_continue_with_a_new_number_shows_its_details_before_storing_anything(vehicle_app, browser):
    shown = find(browser, "DM19LOW")
    again = confirm(browser, shown, **{"vehicle-vrm": "DM21 EVC"})
    assert again.status == 200  # shown to confirm, not stored on the strength of the old "yes"
    assert "Electric" in again.text and "Toyota" not in again.text
    done = confirm(browser, again)
    assert done.status == 302
    assert stored_answer(vehicle_app)["details"]["fuel_type"] == "ELECTRICITY"


def test_continue_without_saying_whether_it_is_the_vehicle_asks(browser):
    shown = find(browser, "DM19LOW")
    asked = confirm(browser, shown, answer="")
    assert asked.status == 200
    assert asked.error_for("vehicle-correct") == "Select yes if this is the vehicle"
    assert asked.error_summary == ["Select yes if this is the vehicle"]
    assert asked.soup.select_one(".govuk-error-summary a")["href"] == "#vehicle-correct"


def test_no_it_is_not_the_vehicle_offers_to_type_the_details_in(browser):
    shown = find(browser, "DM19LOW")
    refused = confirm(browser, shown, answer="no")
    assert refused.status == 200
    assert "find the vehicle again" in refused.error_for("vehicle-correct")
    assert refused.soup.find("button", {"name": "vehicle-manual"}) is not None


def test_details_changed_in_the_page_are_not_believed(vehicle_app, browser):
    """A made-up signature (or none) is ignored: what is stored is what the DVLA says."""
    forged = tokens.make("not-the-apps-key", "vehicle-details", {"registration": "DM19LOW", "co2_emissions": 0})
    page = browser.get(PAGE)
    sent = browser.post(
        PAGE,
        {
            "csrf_token": page.csrf_token(),
            "vehicle-vrm": "DM19LOW",
            "vehicle-details": forged,
            "vehicle-looked-up": "DM19LOW",
            "vehicle-correct": "yes",
        },
    )
    assert sent.status == 302
    assert stored_answer(vehicle_app)["details"]["co2_emissions"] == 95


def test_details_signed_for_another_number_are_not_used(vehicle_app, browser):
    shown = find(browser, "DM68HGH")
    token = shown.soup.find("input", {"name": "vehicle-details"})["value"]
    page = browser.get(PAGE)
    sent = browser.post(
        PAGE,
        {"csrf_token": page.csrf_token(), "vehicle-vrm": "DM19LOW", "vehicle-details": token, "vehicle-correct": "yes"},
    )
    assert sent.status == 200 and "Toyota" in sent.text  # DM19 LOW's own details, to confirm


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the registration number"),
        ("AB12 CDI", "The last 3 letters of a registration number like AB12 CDE cannot be I or Q"),
        ("<script>", "A registration number must only include letters and numbers, like AB12 CDE"),
        ("AB12 CDEFGH", "A registration number must be 7 characters or fewer, like AB12 CDE"),
        ("X" * 100_000, "A registration number must be 7 characters or fewer, like AB12 CDE"),
    ],
)
def test_a_number_that_is_not_a_registration_number_gets_its_own_error(vehicle_app, browser, typed, message):
    for button in ({}, {"vehicle-find": "1"}):
        shown = send_page(browser, {"vehicle-vrm": typed, **button}, expect=200)
        assert shown.error_for("vehicle-vrm") == message
        assert shown.soup.select_one(".govuk-error-summary a")["href"] == "#vehicle-vrm"
        assert "<script>" not in shown.html.split("<main", 1)[1] or "&lt;script&gt;" in shown.html


def test_errors_are_in_welsh_for_welsh_pages(browser):
    browser.raw.set_cookie("doorstep_language", "cy")
    shown = send_page(browser, {"vehicle-vrm": ""}, expect=200)
    assert shown.soup.html["lang"] == "cy"
    assert shown.error_for("vehicle-vrm") == "Rhowch y rhif cofrestru"
    found = find(browser, "DM21EVC")
    assert "Trydan" in found.text and "Ai dyma'r cerbyd?" in found.text


def test_a_vehicle_the_dvla_does_not_know_can_be_typed_in_for_staff_to_check(vehicle_app, browser):
    shown = send_page(browser, {"vehicle-vrm": "ER19 NFD"}, expect=200)
    assert shown.error_for("vehicle-vrm").startswith("We cannot find a vehicle with the registration number ER19 NFD")
    page = browser.post(
        PAGE, {"csrf_token": shown.csrf_token(), "vehicle-vrm": "ER19 NFD", "vehicle-manual": "1"}, expect=200
    )
    assert page.error_summary == []  # switching to typing it in is not a mistake
    assert page.soup.find("input", {"name": "vehicle-mode"})["value"] == "manual"
    empty = browser.post(
        PAGE, {"csrf_token": page.csrf_token(), "vehicle-mode": "manual", "vehicle-vrm": "ER19 NFD"}, expect=200
    )
    assert empty.error_summary == [
        "Enter the make of the vehicle, like Ford",
        "Enter the colour of the vehicle",
        "Select the fuel type",
    ]
    hostile = browser.post(
        PAGE,
        {
            "csrf_token": page.csrf_token(),
            "vehicle-mode": "manual",
            "vehicle-vrm": "ER19 NFD",
            "vehicle-make": "M" * 51,
            "vehicle-colour": "Red\x00",
            "vehicle-fuel_type": "NUCLEAR",
        },
        expect=200,
    )
    assert hostile.error_summary == [
        "The make must be 50 characters or fewer",
        "Remove any special characters, like tabs",
        "Select the fuel type",
    ]
    assert hostile.value_of("vehicle-make") == "M" * 51  # nothing typed is lost
    done = browser.post(
        PAGE,
        {
            "csrf_token": page.csrf_token(),
            "vehicle-mode": "manual",
            "vehicle-vrm": "ER19 NFD",
            "vehicle-make": "Morris",
            "vehicle-colour": "green",
            "vehicle-fuel_type": "PETROL",
        },
        expect=302,
    )
    assert done.location.endswith("/details")
    answer = vehicles.VehicleAnswer.from_answer(stored_answer(vehicle_app))
    assert (answer.source, answer.make, answer.colour, answer.needs_checking) == ("entered", "MORRIS", "GREEN", True)
    back = browser.get(PAGE)  # the typed details are shown again to change
    assert back.value_of("vehicle-make") == "MORRIS"
    browser.post(f"/services/{FORM}/details", {"csrf_token": back.csrf_token()}, expect=302)
    check = browser.get(f"/services/{FORM}/check-answers")
    assert "ER19 NFD: Morris, green, petrol (entered by you: we will check it)" in check.text


@pytest.mark.parametrize(("status", "problem"), [(503, "unavailable"), (429, "rate-limited"), (500, "unavailable")])
def test_when_the_dvla_cannot_be_asked_the_person_goes_on_with_the_number(
    vehicle_app, browser, dvla_outage, status, problem
):
    dvla_outage.outage(status, seconds=60)
    told = send_page(browser, {"vehicle-vrm": "DM19LOW"}, expect=200)
    assert told.error_summary == []
    assert "We cannot get vehicle details from the DVLA at the moment" in told.text
    assert told.soup.find("input", {"name": "vehicle-unchecked"})["value"] == "DM19LOW"
    went_on = browser.post(
        PAGE, {"csrf_token": told.csrf_token(), "vehicle-vrm": "DM19 LOW", "vehicle-unchecked": "DM19LOW"}, expect=302
    )
    assert went_on.location.endswith("/details")
    answer = vehicles.VehicleAnswer.from_answer(stored_answer(vehicle_app))
    assert (answer.source, answer.problem, answer.details) == ("unchecked", problem, None)
    shown = browser.get(f"/services/{FORM}/vehicle")
    browser.post(f"/services/{FORM}/details", {"csrf_token": shown.csrf_token()}, expect=302)
    check = browser.get(f"/services/{FORM}/check-answers")
    assert "DM19 LOW (not checked with the DVLA yet: we will check it)" in check.text


def test_continue_after_an_outage_ends_uses_the_dvlas_details(vehicle_app, browser, dvla_outage):
    dvla_outage.outage(503, seconds=60)
    told = send_page(browser, {"vehicle-vrm": "DM19LOW"}, expect=200)
    dvla_outage.back_to_normal()
    shown = browser.post(
        PAGE, {"csrf_token": told.csrf_token(), "vehicle-vrm": "DM19LOW", "vehicle-unchecked": "DM19LOW"}, expect=200
    )
    assert "Toyota" in shown.text  # the DVLA answered this time: confirm its details


def test_a_lookup_the_dvla_refuses_as_rate_limited_is_never_a_server_error(browser):
    told = send_page(browser, {"vehicle-vrm": "ER19THR", "vehicle-find": "1"}, expect=200)
    assert "We cannot get vehicle details from the DVLA at the moment" in told.text
    for vrm in ("ER19ERR", "ER19MNT"):
        assert send_page(browser, {"vehicle-vrm": vrm}, expect=200).error_summary == []
