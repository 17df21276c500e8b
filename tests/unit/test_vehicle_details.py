"""Vehicle details: read from the DVLA's answer, stored in form answers as JSON, read back."""

import json
import logging
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from app.services.vehicles import MotStatus, TaxStatus, VehicleDetails

ANSWERED = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)
DVLA_BODY = {  # the DVLA's published test vehicle AA19AAA, with its tax due date filled in
    "registrationNumber": "AA19AAA",
    "artEndDate": "2025-03-30",
    "co2Emissions": 300,
    "engineCapacity": 2000,
    "euroStatus": "EURO1",
    "markedForExport": False,
    "fuelType": "PETROL",
    "motStatus": "No details held by DVLA",
    "revenueWeight": 0,
    "colour": "RED",
    "make": "FORD",
    "typeApproval": "M1",
    "yearOfManufacture": 2019,
    "taxDueDate": "2027-11-23",
    "taxStatus": "Taxed",
    "dateOfLastV5CIssued": "2019-05-20",
    "wheelplan": "2 AXLE RIGID BODY",
    "monthOfFirstDvlaRegistration": "2019-03",
    "monthOfFirstRegistration": "2019-03",
    "realDrivingEmissions": "1",
}


def test_the_dvla_answer_becomes_typed_details():
    details = VehicleDetails.from_dvla(DVLA_BODY, ANSWERED)
    assert details == VehicleDetails(
        registration="AA19AAA",
        looked_up_at=ANSWERED,
        make="FORD",
        colour="RED",
        fuel_type="PETROL",
        co2_emissions=300,
        engine_capacity=2000,
        month_of_first_registration=date(2019, 3, 1),
        euro_status="EURO1",
        tax_status=TaxStatus.TAXED,
        tax_due_date=date(2027, 11, 23),
        mot_status=MotStatus.NO_DETAILS_HELD,
        mot_expiry_date=None,
        year_of_manufacture=2019,
        type_approval="M1",
        wheelplan="2 AXLE RIGID BODY",
        revenue_weight=0,
        marked_for_export=False,
    )


def test_details_survive_a_round_trip_through_json_as_stored_in_form_answers():
    details = VehicleDetails.from_dvla({**DVLA_BODY, "motStatus": "Valid", "motExpiryDate": "2027-01-31"}, ANSWERED)
    stored = json.loads(json.dumps(details.to_dict()))
    assert stored["month_of_first_registration"] == "2019-03"
    assert stored["tax_status"] == "Taxed" and stored["mot_expiry_date"] == "2027-01-31"
    assert stored["looked_up_at"] == "2026-11-23T10:30:00+00:00"
    assert VehicleDetails.from_dict(stored) == details


def test_missing_figures_stay_missing_through_the_round_trip():
    electric = VehicleDetails.from_dvla(
        {"registrationNumber": "DM21EVC", "fuelType": "ELECTRICITY", "co2Emissions": 0}, ANSWERED
    )
    assert electric.co2_emissions == 0 and electric.engine_capacity is None and electric.tax_status is None
    assert VehicleDetails.from_dict(json.loads(json.dumps(electric.to_dict()))) == electric


def test_stored_answers_from_another_release_still_read():
    stored = {"registration": "AB12CDE", "looked_up_at": "2026-11-23T10:30:00", "make": "FORD", "new_field": 1}
    details = VehicleDetails.from_dict(stored)
    assert details.make == "FORD" and details.colour is None
    assert details.looked_up_at == datetime(2026, 11, 23, 10, 30, tzinfo=UTC)


def test_the_time_of_the_look_up_is_kept_in_utc():
    in_summer_time = datetime(2026, 7, 1, 11, 0, tzinfo=timezone(timedelta(hours=1)))
    details = VehicleDetails.from_dvla(DVLA_BODY, in_summer_time)
    assert details.looked_up_at == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert details.looked_up_at.tzinfo == UTC


@pytest.mark.parametrize(
    ("field", "value", "attribute"),
    [
        ("co2Emissions", "a lot", "co2_emissions"),
        ("co2Emissions", -5, "co2_emissions"),
        ("co2Emissions", True, "co2_emissions"),
        ("engineCapacity", 1.5, "engine_capacity"),
        ("taxStatus", "Taxed until Tuesday", "tax_status"),
        ("motStatus", 7, "mot_status"),
        ("taxDueDate", "2027-02-30", "tax_due_date"),
        ("taxDueDate", ["2027-01-01"], "tax_due_date"),
        ("monthOfFirstRegistration", "2019-13", "month_of_first_registration"),
        ("monthOfFirstRegistration", "March 2019", "month_of_first_registration"),
        ("make", {"name": "FORD"}, "make"),
        ("make", "F" * 1000, "make"),
        ("markedForExport", "no", "marked_for_export"),
    ],
)
def test_a_value_of_the_wrong_type_is_treated_as_missing_and_logged(field, value, attribute, caplog):
    with caplog.at_level(logging.WARNING, logger="app.services.vehicles.details"):
        details = VehicleDetails.from_dvla({**DVLA_BODY, field: value}, ANSWERED)
    assert getattr(details, attribute) is None
    assert caplog.records[0].dvla_field == field
    assert "AA19AAA" not in caplog.text


def test_numbers_sent_as_text_are_read():
    details = VehicleDetails.from_dvla({**DVLA_BODY, "co2Emissions": "135", "engineCapacity": " 2494 "}, ANSWERED)
    assert (details.co2_emissions, details.engine_capacity) == (135, 2494)


@pytest.mark.parametrize("body", [{}, {"registrationNumber": ""}, {"registrationNumber": 12}, [], "AA19AAA"])
def test_an_answer_without_a_registration_number_is_refused(body):
    with pytest.raises(ValueError, match="no registration number"):
        VehicleDetails.from_dvla(body, ANSWERED)
