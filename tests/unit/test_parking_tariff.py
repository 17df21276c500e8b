"""Parking permit prices over a table of real cases: CO2 bands and their edges, a base charge plus
pence per g/km, the engine-size fallback, the diesel surcharge either side of September 2015,
electric vehicles, shorter permits, a household's second and third permits, provisional prices,
and which tariff is in force on the day a permit starts."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from flask import Flask
from flask_babel import Babel
from pydantic import ValidationError

from app.form_model import service_settings
from app.services.parking import tariff as tariffs
from app.services.vehicles import VehicleAnswer, VehicleDetails

SETTINGS = Path(__file__).parents[2] / "app" / "service_settings" / "parking-permits.yaml"
DEVTOOLS = Path(__file__).parents[2] / "devtools" / "dvla_vehicles.yaml"
LOOKED_UP = datetime(2026, 11, 23, tzinfo=UTC)
START = date(2026, 12, 1)


@pytest.fixture(scope="module")
def prices():
    data = yaml.safe_load(SETTINGS.read_text(encoding="utf-8"))
    return service_settings.file_model().model_validate(data).prices


@pytest.fixture(autouse=True)
def babel_context():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield


def demo_vehicle(vrm: str) -> VehicleAnswer:
    """A demo vehicle from the local DVLA stand-in's data, as the vehicle question stores it."""
    body = yaml.safe_load(DEVTOOLS.read_text(encoding="utf-8"))["vehicles"][vrm]["body"]
    return VehicleAnswer.from_dvla(VehicleDetails.from_dvla(body, LOOKED_UP))


def vehicle(**fields) -> VehicleAnswer:
    return VehicleAnswer.from_dvla(VehicleDetails(registration="AB12CDE", looked_up_at=LOOKED_UP, **fields))


def lines(quote) -> list[tuple[str, int]]:
    return [(line.name, line.total_pence) for line in quote.lines]


@pytest.mark.parametrize(
    ("vrm", "expected", "basis"),
    [
        ("DM19LOW", [("Band 1, up to 100 g/km, 12 months", 5500)], "co2-band"),
        ("DM17MED", [("Band 2, 101 to 140 g/km, 12 months", 8200)], "co2-band"),
        ("DM68HGH", [("Band 4, over 185 g/km, 12 months", 16600)], "co2-band"),
        ("DM20HYB", [("Band 1, up to 100 g/km, 12 months", 5500)], "co2-band"),  # a hybrid is not electric
        ("DM21EVC", [("Electric vehicle, 12 months", 2500)], "electric"),
        ("AA19EEE", [("Electric vehicle, 12 months", 2500)], "electric"),  # electric, whatever its CO2 figure says
        ("M472KTX", [("Band 2, engine 1,001 to 1,600 cc (no CO2 figure), 12 months", 8200)], "engine-size"),
        (
            "DM14DSL",
            [
                ("Band 2, 101 to 140 g/km, 12 months", 8200),
                ("Diesel first registered before September 2015, 12 months", 5000),
            ],
            "co2-band",
        ),
        (
            "DM15EDG",  # August 2015: the last month that pays the surcharge
            [
                ("Band 2, 101 to 140 g/km, 12 months", 8200),
                ("Diesel first registered before September 2015, 12 months", 5000),
            ],
            "co2-band",
        ),
        ("DM65EDG", [("Band 2, 101 to 140 g/km, 12 months", 8200)], "co2-band"),  # September 2015: no surcharge
        ("DM66DSL", [("Band 2, 101 to 140 g/km, 12 months", 8200)], "co2-band"),
    ],
)
def test_demo_vehicles_are_priced_by_the_demo_tariff(prices, vrm, expected, basis):
    quote = tariffs.quote(prices, demo_vehicle(vrm), 12, START, "en")
    assert lines(quote) == expected
    assert quote.total_pence == sum(pence for _name, pence in expected)
    assert (quote.basis, quote.provisional, quote.tariff_from) == (basis, False, date(2025, 4, 1))


@pytest.mark.parametrize(
    ("g_km", "band"),
    [
        (0, "Band 1"),
        (100, "Band 1"),
        (101, "Band 2"),
        (140, "Band 2"),
        (141, "Band 3"),
        (185, "Band 3"),
        (186, "Band 4"),
    ],
)
def test_band_edges(prices, g_km, band):
    quote = tariffs.quote(prices, vehicle(co2_emissions=g_km, fuel_type="PETROL"), 12, START, "en")
    assert quote.lines[0].name.startswith(band + ",")


@pytest.mark.parametrize(("cc", "pence"), [(999, 5500), (1000, 5500), (1001, 8200), (2500, 11700), (2501, 16600)])
def test_engine_size_is_used_only_without_a_co2_figure(prices, cc, pence):
    assert tariffs.quote(prices, vehicle(engine_capacity=cc, fuel_type="PETROL"), 12, START, "en").total_pence == pence
    with_co2 = vehicle(engine_capacity=cc, co2_emissions=95, fuel_type="PETROL")
    assert tariffs.quote(prices, with_co2, 12, START, "en").total_pence == 5500


def test_the_surcharge_and_shorter_permits_are_shares_of_the_yearly_price_to_the_penny(prices):
    diesel = vehicle(co2_emissions=150, fuel_type="DIESEL", month_of_first_registration=date(2015, 8, 1))
    six = tariffs.quote(prices, diesel, 6, START, "en")
    assert lines(six) == [
        ("Band 3, 141 to 185 g/km, 6 months", 6435),  # 55% of £117.00
        ("Diesel first registered before September 2015, 6 months", 2750),
    ]
    three = tariffs.quote(prices, diesel, 3, START, "en")
    assert [pence for _name, pence in lines(three)] == [3510, 1500]  # 30%


def test_a_households_second_and_third_permits_cost_more(prices):
    car = demo_vehicle("DM14DSL")  # £82.00 + £50.00 diesel surcharge
    second = tariffs.quote(prices, car, 12, START, "en", household_position=2)
    assert lines(second)[-1] == ("Second permit at this address: +50%", 6600)
    assert second.total_pence == 19800
    third = tariffs.quote(prices, car, 12, START, "en", household_position=3)
    assert lines(third)[-1] == ("Third permit at this address: +100%", 13200)
    fourth = tariffs.quote(prices, car, 12, START, "en", household_position=4)
    assert fourth.total_pence == third.total_pence  # the highest step the tariff has


def test_a_vehicle_not_checked_is_priced_provisionally_never_at_the_top_band(prices):
    for unknown in (
        VehicleAnswer("DM68HGH", "unchecked", problem="rate-limited"),
        VehicleAnswer("ER19NFD", "entered", entered={"make": "MORRIS", "colour": "RED", "fuel_type": "DIESEL"}),
        vehicle(fuel_type="PETROL"),  # the DVLA knows it but has neither a CO2 figure nor an engine size
    ):
        quote = tariffs.quote(prices, unknown, 12, START, "en")
        assert quote.provisional and quote.basis == "provisional"
        assert lines(quote) == [("Provisional price (Band 2) until we have checked your vehicle, 12 months", 8200)]


def test_the_tariff_in_force_on_the_start_day_prices_the_permit(prices):
    car = demo_vehicle("DM17MED")
    assert tariffs.quote(prices, car, 12, date(2027, 3, 31), "en").total_pence == 8200
    later = tariffs.quote(prices, car, 12, date(2027, 4, 1), "en")
    assert (later.total_pence, later.tariff_from) == (8600, date(2027, 4, 1))
    with pytest.raises(tariffs.NoTariff):
        tariffs.quote(prices, car, 12, date(2025, 3, 31), "en")
    with pytest.raises(ValueError, match="does not sell 1-month"):
        tariffs.quote(prices, car, 1, START, "en")


def test_a_base_charge_plus_pence_per_g_km(prices):
    """Kensington and Chelsea's structure: £21 plus 96p for each g/km; electric pays the base only."""
    first = prices.tariffs[0].model_dump()
    formula = dict(first, co2_bands=[], formula={"base_pence": 2100, "pence_per_g_km": 96}, electric_pence=2100)
    rule = tariffs.ParkingPermitPrices.model_validate({"price_rule": "parking_permit", "tariffs": [formula]})
    quote = tariffs.quote(rule, demo_vehicle("DM17MED"), 12, START, "en")
    assert lines(quote) == [("£21.00 plus £0.96 for each g/km of CO2 (139 g/km), 12 months", 2100 + 96 * 139)]
    assert tariffs.quote(rule, demo_vehicle("DM21EVC"), 12, START, "en").total_pence == 2100


def test_the_quote_is_in_welsh_for_welsh_readers(prices):
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parents[2] / "translations")
    Babel(app, locale_selector=lambda: "cy")
    with app.test_request_context():
        quote = tariffs.quote(prices, demo_vehicle("DM14DSL"), 6, START, "cy", household_position=2)
    names = [line.name for line in quote.lines]
    assert names[0] == "Band 2, 101 i 140 g/km, 6 mis"
    assert names[1] == "Diesel a gofrestrwyd gyntaf cyn Medi 2015, 6 mis"
    assert names[2] == "Ail drwydded yn y cyfeiriad hwn: +50%"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"provisional_band": 3}, "must not be the top band"),
        ({"formula": {"base_pence": 1, "pence_per_g_km": 1}}, "either co2_bands or a formula"),
        ({"co2_bands": [{"name": {"en": "A", "cy": "A"}, "up_to_g_km": 100, "pence": 1}]}, "only the last"),
        (
            {
                "co2_bands": [
                    {"name": {"en": "A", "cy": "A"}, "up_to_g_km": 140, "pence": 1},
                    {"name": {"en": "B", "cy": "B"}, "up_to_g_km": 100, "pence": 1},
                    {"name": {"en": "C", "cy": "C"}, "pence": 1},
                ]
            },
            "from the lowest to the highest",
        ),
    ],
)
def test_a_tariff_with_a_mistake_is_refused(prices, change, message):
    broken = dict(prices.tariffs[0].model_dump(), **change)
    with pytest.raises(ValidationError, match=message):
        tariffs.ParkingPermitPrices.model_validate({"price_rule": "parking_permit", "tariffs": [broken]})
