"""The DVLA client against the local stand-in, over real HTTP: every documented answer, outages,
timeouts, a bad key, and the registration number kept out of the logs."""

import logging
import time
from datetime import date, timedelta

import pytest

from app.services import vehicles
from app.services.vehicles import (
    ApiKeyRejected,
    DvlaTimedOut,
    DvlaUnavailable,
    DvlaUnreachable,
    InvalidRegistration,
    LookupUnavailable,
    MotStatus,
    RateLimited,
    RegistrationRejected,
    TaxStatus,
    VehicleEnquiryClient,
    VehicleNotFound,
    VehicleNotKnown,
)
from tests.local_dvla import API_KEY
from tests.local_process import free_port

LOGGER = "app.services.vehicles.dvla"


@pytest.fixture
def dvla(local_dvla):
    client = VehicleEnquiryClient(local_dvla.url, API_KEY, timeout_seconds=5)
    yield client
    client.close()


def in_a_year() -> date:
    today = date.today()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


def test_a_dvla_test_vehicle_comes_back_with_its_documented_details(dvla):
    details = dvla.look_up("aa19 aaa")
    assert details.registration == "AA19AAA"
    assert (details.make, details.colour, details.fuel_type) == ("FORD", "RED", "PETROL")
    assert (details.co2_emissions, details.engine_capacity, details.euro_status) == (300, 2000, "EURO1")
    assert details.month_of_first_registration == date(2019, 3, 1)
    assert details.tax_status is TaxStatus.TAXED
    assert details.tax_due_date == in_a_year()  # the DVLA's "<1 YEAR FROM NOW>"
    assert details.mot_status is MotStatus.NO_DETAILS_HELD and details.mot_expiry_date is None
    assert abs(details.looked_up_at.timestamp() - time.time()) < 60


@pytest.mark.parametrize(
    ("registration", "check"),
    [
        ("AA19EEE", lambda d: d.fuel_type == "ELECTRICITY" and d.engine_capacity is None),
        ("AA19PPP", lambda d: d.revenue_weight == 44000 and d.co2_emissions == 0),
        ("L2WPS", lambda d: d.tax_status is TaxStatus.UNTAXED and d.tax_due_date < date.today()),
        ("AA19SRN", lambda d: d.tax_status is TaxStatus.SORN and d.tax_due_date is None),
        ("AA19DSL", lambda d: d.fuel_type == "DIESEL" and d.make == "SKODA"),
        ("AA19MOT", lambda d: d.mot_status is MotStatus.VALID and d.mot_expiry_date == in_a_year()),
        ("AA19AMP", lambda d: d.tax_status is TaxStatus.TAXED and d.mot_status is MotStatus.VALID),
    ],
)
def test_every_dvla_test_vehicle_that_answers_200_is_read(dvla, registration, check):
    details = dvla.look_up(registration)
    assert details.registration == registration
    assert check(details)


@pytest.mark.parametrize(
    ("registration", "error", "status", "family"),
    [
        ("ER19BAD", RegistrationRejected, 400, VehicleNotKnown),
        ("ER19NFD", VehicleNotFound, 404, VehicleNotKnown),
        ("AB12CDE", VehicleNotFound, 404, VehicleNotKnown),  # any vehicle the DVLA does not know
        ("ER19THR", RateLimited, 429, LookupUnavailable),
        ("ER19ERR", DvlaUnavailable, 500, LookupUnavailable),
        ("ER19MNT", DvlaUnavailable, 503, LookupUnavailable),
    ],
)
def test_every_documented_error_is_its_own_outcome(dvla, registration, error, status, family):
    with pytest.raises(error) as raised:
        dvla.look_up(registration)
    assert isinstance(raised.value, family)
    assert raised.value.status == status
    assert raised.value.dvla_title  # the DVLA's own words, for the logs


def test_the_dvla_error_body_is_kept_for_the_logs(dvla):
    with pytest.raises(DvlaUnavailable) as raised:
        dvla.look_up("ER19MNT")  # its status is a number, not a string, in the DVLA's example
    assert raised.value.dvla_title == "System currently down for maintenance"
    assert raised.value.dvla_detail.startswith("The service is currently down for maintenance")
    assert raised.value.dvla_code is None


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (429, RateLimited),
        (500, DvlaUnavailable),
        (502, DvlaUnavailable),
        (503, DvlaUnavailable),
        (504, DvlaUnavailable),
    ],
)
def test_an_outage_of_the_whole_service_fails_every_look_up_until_it_ends(dvla, dvla_outage, status, error):
    dvla_outage.outage(status, seconds=30)
    for registration in ("AA19AAA", "DM19LOW", "AB12CDE"):
        with pytest.raises(error) as raised:
            dvla.look_up(registration)
        assert raised.value.status == status
    dvla_outage.back_to_normal()
    assert dvla.look_up("AA19AAA").make == "FORD"


def test_an_outage_ends_by_itself(dvla, dvla_outage):
    # Long enough that a busy machine still asks inside the outage; then wait it out, never reset it.
    dvla_outage.outage(503, seconds=3)
    outage_ended_by = time.monotonic() + 3
    with pytest.raises(DvlaUnavailable):
        dvla.look_up("AA19AAA")
    time.sleep(max(0.0, outage_ended_by - time.monotonic()) + 0.1)
    assert dvla.look_up("AA19AAA").make == "FORD"


def test_a_slow_dvla_is_a_timeout(local_dvla, dvla_outage, caplog):
    impatient = VehicleEnquiryClient(local_dvla.url, API_KEY, timeout_seconds=0.2)
    dvla_outage.slowness(delay=1, seconds=30)
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger=LOGGER), pytest.raises(DvlaTimedOut) as raised:
        impatient.look_up("AA19AAA")
    assert time.monotonic() - started < 0.9
    assert isinstance(raised.value, LookupUnavailable) and raised.value.status is None
    assert caplog.records[-1].outcome == "timed-out"
    impatient.close()


def test_a_dvla_that_is_slow_but_within_the_timeout_still_answers(dvla, dvla_outage):
    dvla_outage.slowness(delay=0.2, seconds=30)
    assert dvla.look_up("AA19AAA").make == "FORD"


def test_nothing_listening_is_unreachable():
    nowhere = VehicleEnquiryClient(f"http://127.0.0.1:{free_port()}", API_KEY, timeout_seconds=2)
    with pytest.raises(DvlaUnreachable) as raised:
        nowhere.look_up("AA19AAA")
    assert isinstance(raised.value, LookupUnavailable)
    nowhere.close()


@pytest.mark.parametrize("key", ["wrong-key", ""])
def test_a_bad_api_key_is_the_councils_problem_and_is_logged_loudly(local_dvla, key, caplog):
    refused = VehicleEnquiryClient(local_dvla.url, key, timeout_seconds=5)
    with caplog.at_level(logging.INFO, logger=LOGGER), pytest.raises(ApiKeyRejected) as raised:
        refused.look_up("AA19AAA")
    assert raised.value.status == 403 and raised.value.dvla_title == "Forbidden"
    assert isinstance(raised.value, LookupUnavailable)  # the person can go on provisionally
    record = caplog.records[-1]
    assert record.levelno == logging.CRITICAL
    assert "DVLA_API_KEY" in record.getMessage()
    refused.close()


def test_the_registration_number_never_reaches_the_logs(dvla, caplog):
    with caplog.at_level(logging.DEBUG):
        dvla.look_up("DM19LOW")
        for registration in ("ER19NFD", "ER19ERR"):
            with pytest.raises(vehicles.VehicleLookupError):
                dvla.look_up(registration)
    assert len([r for r in caplog.records if r.name == LOGGER]) == 3
    for record in caplog.records:
        logged = " ".join(str(value) for value in vars(record).values()) + record.getMessage()
        assert "DM19LOW" not in logged and "ER19" not in logged
    outcomes = [record.outcome for record in caplog.records if record.name == LOGGER]
    assert outcomes == ["found", "not-found", "unavailable"]


def test_the_request_is_the_documented_one(dvla, local_dvla):
    dvla.look_up(" dm17-med ")
    sent = local_dvla.received()[-1]
    assert sent["registrationNumber"] == "DM17MED"  # upper case, no spaces or separators
    assert sent["contentType"] == "application/json"
    assert len(sent["correlationId"]) == 36


def test_text_that_is_not_a_registration_number_is_refused_before_any_request(dvla, local_dvla):
    before = len(local_dvla.received())
    for text in ("", "<b>AB12CDE</b>", "AB12 CDEFGH", "IB12 CDE"):
        with pytest.raises(InvalidRegistration):
            dvla.look_up(text)
    assert len(local_dvla.received()) == before


def test_the_demo_vehicles_cover_what_the_services_need(dvla):
    seen = {
        registration: dvla.look_up(registration)
        for registration in (
            "DM19LOW",
            "DM17MED",
            "DM14DSL",
            "DM15EDG",
            "DM65EDG",
            "DM66DSL",
            "DM21EVC",
            "DM20HYB",
            "M472KTX",
            "DM68HGH",
            "DM09ABN",
            "DM13TXD",
            "KDZ4821",
        )
    }
    petrol = [v.co2_emissions for v in seen.values() if v.fuel_type == "PETROL" and v.co2_emissions]
    assert min(petrol) == seen["DM19LOW"].co2_emissions <= 100  # the lowest band of the usual tariffs
    assert max(v.co2_emissions or 0 for v in seen.values()) == seen["DM68HGH"].co2_emissions
    september_2015 = date(2015, 9, 1)
    assert seen["DM14DSL"].fuel_type == "DIESEL" and seen["DM14DSL"].month_of_first_registration < september_2015
    assert seen["DM15EDG"].month_of_first_registration == date(2015, 8, 1)
    assert seen["DM65EDG"].month_of_first_registration == september_2015
    assert seen["DM66DSL"].fuel_type == "DIESEL" and seen["DM66DSL"].month_of_first_registration > september_2015
    assert (seen["DM21EVC"].fuel_type, seen["DM21EVC"].co2_emissions) == ("ELECTRICITY", 0)
    assert seen["M472KTX"].co2_emissions is None and seen["M472KTX"].engine_capacity == 1396
    abandoned = seen["DM09ABN"]
    assert abandoned.tax_status is TaxStatus.UNTAXED and abandoned.mot_status is MotStatus.NOT_VALID
    assert abandoned.tax_due_date < date.today() - timedelta(days=150)
    kept = seen["DM13TXD"]
    assert kept.tax_status is TaxStatus.TAXED and kept.tax_due_date > date.today()
    assert kept.mot_status is MotStatus.VALID and kept.mot_expiry_date > date.today()


def test_one_client_serves_several_threads_at_once(dvla):
    from concurrent.futures import ThreadPoolExecutor

    registrations = ["AA19AAA", "DM19LOW", "DM21EVC", "M472KTX"] * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        makes = list(pool.map(lambda registration: dvla.look_up(registration).make, registrations))
    assert makes == ["FORD", "TOYOTA", "NISSAN", "ROVER"] * 4


def test_the_app_asks_the_dvla_it_is_configured_for(app):
    with app.app_context():
        assert vehicles.client() is vehicles.client()  # one client (and its connections) per app
        assert vehicles.look_up("AA19AAA").make == "FORD"
        assert app.config["DVLA_API_BASE"].startswith("http://127.0.0.1:")
