"""A vehicle as a form answer: stored as JSON by the vehicle question, read back by services, shown
to people; the DVLA's details signed into the page and read back only when untouched."""

import json

import pytest
from flask import Flask
from flask_babel import Babel

from app.forms_engine.question_types import vehicle as vehicle_type
from app.services.vehicles import VehicleAnswer, VehicleDetails
from tests.unit.test_vehicle_details import ANSWERED, DVLA_BODY

DETAILS = VehicleDetails.from_dvla(DVLA_BODY, ANSWERED)


@pytest.fixture
def app_context():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "unit-test-secret-key"
    Babel(app)
    with app.test_request_context():
        yield app


def test_every_kind_of_answer_survives_json_and_back():
    kinds = [
        VehicleAnswer.from_dvla(DETAILS),
        VehicleAnswer("ER19NFD", "entered", entered={"make": "MORRIS", "colour": "GREEN", "fuel_type": "PETROL"}),
        VehicleAnswer("DM19LOW", "unchecked", problem="rate-limited"),
    ]
    for answer in kinds:
        assert VehicleAnswer.from_answer(json.loads(json.dumps(answer.to_answer()))) == answer


def test_the_answer_says_what_is_known_and_whether_it_needs_checking():
    looked_up = VehicleAnswer.from_dvla(DETAILS)
    assert (looked_up.make, looked_up.colour, looked_up.fuel_type, looked_up.needs_checking) == (
        "FORD",
        "RED",
        "PETROL",
        False,
    )
    typed = VehicleAnswer("ER19NFD", "entered", entered={"make": "MORRIS", "colour": "GREEN", "fuel_type": "DIESEL"})
    assert (typed.make, typed.fuel_type, typed.needs_checking, typed.plate) == ("MORRIS", "DIESEL", True, "ER19 NFD")
    unchecked = VehicleAnswer("DM19LOW", "unchecked")
    assert (unchecked.make, unchecked.needs_checking, unchecked.plate) == (None, True, "DM19 LOW")


@pytest.mark.parametrize("stored", [None, "AB12CDE", {}, {"vrm": "AB12CDE"}, {"vrm": "", "source": "dvla"}])
def test_something_that_is_not_a_vehicle_answer_is_refused(stored):
    with pytest.raises(ValueError):
        VehicleAnswer.from_answer(stored)


def test_the_vehicle_is_described_as_people_write_it(app_context):
    assert vehicle_type.describe(VehicleAnswer.from_dvla(DETAILS)) == "Ford, red, petrol"
    electric = VehicleAnswer(
        "DM21EVC", "entered", entered={"make": "LAND ROVER", "colour": "BLUE", "fuel_type": "ELECTRICITY"}
    )
    assert vehicle_type.describe(electric) == "Land Rover, blue, electric"
    assert vehicle_type.fuel_label("STEAM") == "Steam"  # a fuel type we have no words for is shown as it is


def test_signed_details_read_back_only_for_their_own_number_and_unchanged(app_context):
    every_field = VehicleDetails.from_dvla(
        {**DVLA_BODY, "motExpiryDate": "2027-05-01", "revenueWeight": 1640, "euroStatus": "EURO 6 AD"}, ANSWERED
    )
    token = vehicle_type.sign_details(every_field)
    assert len(token) < 1000  # the token reader refuses longer ones
    assert vehicle_type.read_signed_details(token, "AA19AAA") == every_field
    assert vehicle_type.read_signed_details(token, "DM19LOW") is None
    assert vehicle_type.read_signed_details(token[:-2] + "xx", "AA19AAA") is None
    assert vehicle_type.read_signed_details("", "AA19AAA") is None
