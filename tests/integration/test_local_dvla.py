"""The local DVLA stand-in itself: its data, its protocol, its test controls, and never in production."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import requests

from app.services.vehicles import VehicleDetails, parse_registration
from app.services.vehicles.registration import first_issued
from devtools import local_dvla as stand_in
from tests.local_dvla import ADMIN_KEY, API_KEY

ROOT = Path(__file__).resolve().parents[2]
VEHICLES = stand_in.load_vehicles()


def enquire(server, body, key=API_KEY, **kwargs):
    return requests.post(
        f"{server.url}{stand_in.ENQUIRY_PATH}", headers={"x-api-key": key}, timeout=10, **{"json": body, **kwargs}
    )


def test_the_stand_in_refuses_to_start_in_production():
    result = subprocess.run(
        [sys.executable, "-m", "devtools.local_dvla", "--port", "0"],
        env={**os.environ, "DOORSTEP_ENV": "production"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "never production" in result.stderr


def test_the_stand_in_holds_every_published_dvla_test_registration_number_with_its_status():
    published = {
        "AA19AAA": 200, "AA19EEE": 200, "AA19PPP": 200, "L2WPS": 200, "AA19SRN": 200, "AA19DSL": 200,
        "AA19MOT": 200, "AA19AMP": 200, "ER19BAD": 400, "ER19NFD": 404, "ER19THR": 429, "ER19ERR": 500,
        "ER19MNT": 503,
    }  # fmt: skip
    assert {key: VEHICLES[key].status for key in published} == published


@pytest.mark.parametrize("registration", sorted(VEHICLES))
def test_every_vehicle_in_the_data_is_a_valid_registration_number_and_reads(registration):
    vehicle = VEHICLES[registration]
    assert parse_registration(registration).vrm == registration
    assert vehicle.purpose
    body = stand_in.resolve_dates(vehicle.body, date.today())
    if vehicle.status != 200:
        assert body["errors"][0]["title"]
        return
    details = VehicleDetails.from_dvla(body, datetime.now(UTC))
    assert details.registration == registration
    month = details.month_of_first_registration
    mark = parse_registration(registration)
    if mark.format == "current" and registration.startswith("DM"):
        # Doorstep's demo vehicles: the age identifier matches when the vehicle was first registered
        # (the DVLA's AA19PPP does not: first registered in 2016)
        age = int(registration[2:4])
        assert first_issued(age) <= month < first_issued((age + 50) % 100 if age < 50 else age - 49)


def test_relative_dates_are_worked_out_on_the_day():
    today = date(2026, 1, 31)
    body = {"a": "today", "b": "today+1m", "c": "today-7m", "d": ["today+45d"], "e": "today+1y", "f": "2019-05-20"}
    assert stand_in.resolve_dates(body, today) == {
        "a": "2026-01-31",
        "b": "2026-02-28",
        "c": "2025-06-30",
        "d": ["2026-03-17"],
        "e": "2027-01-31",
        "f": "2019-05-20",
    }


@pytest.mark.parametrize(
    "body",
    [{}, {"registrationNumber": "aa19aaa"}, {"registrationNumber": "AA19 AAA"}, {"registrationNumber": 12}, []],
)
def test_a_malformed_request_gets_the_dvla_bad_request_answer(local_dvla, body):
    response = enquire(local_dvla, body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["title"] == "Bad Request"


def test_a_body_that_is_not_json_gets_the_dvla_bad_request_answer(local_dvla):
    response = enquire(local_dvla, None, data=b"registrationNumber=AA19AAA")
    assert response.status_code == 400


@pytest.mark.parametrize("key", ["wrong", "", None])
def test_a_wrong_or_missing_key_is_forbidden_as_on_the_dvla_gateway(local_dvla, key):
    headers = {} if key is None else {"x-api-key": key}
    response = requests.post(
        f"{local_dvla.url}{stand_in.ENQUIRY_PATH}",
        json={"registrationNumber": "AA19AAA"},
        headers=headers,
        timeout=10,
    )
    assert (response.status_code, response.json()) == (403, {"message": "Forbidden"})


@pytest.mark.parametrize("authorization", [None, f"Bearer {API_KEY}", "Bearer wrong", ADMIN_KEY])
def test_the_test_controls_need_the_admin_key(local_dvla, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    for method, path in (("POST", "outage"), ("DELETE", "outage"), ("POST", "slowness"), ("GET", "requests")):
        response = requests.request(
            method, f"{local_dvla.url}/_config/{path}", json={"status": 503, "seconds": 60}, headers=headers, timeout=10
        )
        assert response.status_code == 403
    assert enquire(local_dvla, {"registrationNumber": "AA19AAA"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "settings"),
    [
        ("outage", {"status": 404, "seconds": 10}),
        ("outage", {"status": 503, "seconds": 0}),
        ("outage", {"status": 503, "seconds": 3601}),
        ("outage", {"status": 503}),
        ("outage", ["status", 503]),
        ("slowness", {"delay": 0, "seconds": 10}),
        ("slowness", {"delay": 61, "seconds": 10}),
        ("slowness", {"delay": "slow", "seconds": 10}),
    ],
)
def test_test_controls_refuse_settings_that_make_no_sense(local_dvla, path, settings):
    response = requests.post(
        f"{local_dvla.url}/_config/{path}",
        json=settings,
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        timeout=10,
    )
    assert response.status_code == 400
    assert enquire(local_dvla, {"registrationNumber": "AA19AAA"}).status_code == 200
