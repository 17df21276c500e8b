"""Business permit rules without a database: the business tariff's price for each length of permit,
which tariff is in force on the first day, refusals of what the tariff does not sell, the settings
file's checks, and which addresses may have business permits. The limit per premises and the
refusals on the site are in tests/integration/test_business_parking_permits.py."""

from datetime import date
from pathlib import Path

import pytest
import yaml
from flask import Flask
from flask_babel import Babel
from pydantic import ValidationError

from app.form_model import service_settings
from app.models import ParkingEligibility
from app.services.parking import business
from app.services.parking.settings import ParkingSettings
from app.services.parking.tariff import NoTariff
from app.services.parking.zones import AddressStanding

SETTINGS = Path(__file__).parents[2] / "app" / "service_settings" / "parking-business.yaml"
PARKING = Path(__file__).parents[2] / "app" / "service_settings" / "parking-permits.yaml"


def tariffs(*rows) -> business.BusinessPermitPrices:
    return business.BusinessPermitPrices.model_validate(
        {
            "price_rule": "business_parking_permit",
            "tariffs": [
                {
                    "effective_from": day,
                    "name": {"en": "Business permit", "cy": "Trwydded busnes"},
                    "pence": pence,
                    "duration_percent": {12: 100, 6: 55, 3: 30},
                }
                for day, pence in rows
            ],
        }
    )


@pytest.fixture(autouse=True)
def babel_context():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield


def test_the_shipped_settings_file_is_valid_and_prices_in_whole_pence():
    data = yaml.safe_load(SETTINGS.read_text(encoding="utf-8"))
    prices = service_settings.file_model().model_validate(data).prices
    assert isinstance(prices, business.BusinessPermitPrices)
    quote = business.quote(prices, 12, date(2026, 12, 1), "en")
    assert [(line.name, line.total_pence) for line in quote.lines] == [("Business permit, 12 months", 45000)]
    parking = yaml.safe_load(PARKING.read_text(encoding="utf-8"))["parking"]
    assert ParkingSettings.model_validate(parking).business_permits_per_premises == 2


@pytest.mark.parametrize(
    ("months", "language", "line"),
    [
        (12, "en", ("Business permit, 12 months", 45000)),
        (6, "en", ("Business permit, 6 months", 24750)),
        (3, "en", ("Business permit, 3 months", 13500)),
        (12, "cy", ("Trwydded busnes, 12 months", 45000)),  # the tariff's own Welsh name
    ],
)
def test_shorter_permits_cost_their_share_of_the_yearly_price(months, language, line):
    quote = business.quote(tariffs(("2025-04-01", 45000)), months, date(2026, 12, 1), language)
    assert [(item.name, item.total_pence) for item in quote.lines] == [line]
    assert quote.total_pence == line[1] and not quote.provisional and quote.basis == "business"


def test_a_share_is_rounded_to_the_nearest_penny():
    quote = business.quote(tariffs(("2025-04-01", 33333)), 6, date(2026, 12, 1), "en")
    assert quote.total_pence == 18333  # 33333 x 55% = 18333.15


def test_the_tariff_in_force_on_the_first_day_prices_the_permit():
    prices = tariffs(("2025-04-01", 45000), ("2027-04-01", 48000))
    assert business.quote(prices, 12, date(2027, 3, 31), "en").total_pence == 45000
    assert business.quote(prices, 12, date(2027, 4, 1), "en").total_pence == 48000
    assert business.quote(prices, 12, date(2027, 4, 1), "en").tariff_from == date(2027, 4, 1)


def test_no_tariff_yet_and_a_length_not_sold_are_refused():
    prices = tariffs(("2025-04-01", 45000))
    with pytest.raises(NoTariff):
        business.quote(prices, 12, date(2025, 3, 31), "en")
    with pytest.raises(ValueError, match="does not sell 1-month"):
        business.quote(prices, 1, date(2026, 12, 1), "en")


def test_the_settings_refuse_two_tariffs_on_one_day_fractions_of_pence_and_negative_prices():
    with pytest.raises(ValidationError, match="same day"):
        tariffs(("2025-04-01", 45000), ("2025-04-01", 46000))
    for pence in (450.5, -1):
        with pytest.raises(ValidationError):
            tariffs(("2025-04-01", pence))


@pytest.mark.parametrize(
    ("eligibility", "allowed"),
    [(ParkingEligibility.ELIGIBLE, True), (ParkingEligibility.CAR_FREE, False), (ParkingEligibility.EXCLUDED, False)],
)
def test_only_eligible_addresses_in_a_zone_may_have_business_permits(eligibility, allowed):
    zone = ParkingSettings.model_validate(yaml.safe_load(PARKING.read_text(encoding="utf-8"))["parking"]).zones[0]
    assert AddressStanding(1, zone, eligibility).business_permits is allowed
    assert AddressStanding(1, None, None).business_permits is False


class _Premises:
    def __init__(self, organisation_id, uprn=100000000022):
        self.organisation_id, self.uprn = organisation_id, uprn


class _Organisation:
    id = 7


@pytest.mark.parametrize(
    ("live", "eligibility", "in_zone", "expected"),
    [
        (0, ParkingEligibility.ELIGIBLE, True, None),
        (1, ParkingEligibility.ELIGIBLE, True, None),
        (2, ParkingEligibility.ELIGIBLE, True, "premises-limit"),  # the limit is 2 per premises
        (0, ParkingEligibility.CAR_FREE, True, "not-eligible"),
        (0, ParkingEligibility.EXCLUDED, True, "not-eligible"),
        (0, None, False, "no-zone"),
    ],
)
def test_premises_refusals_in_order(monkeypatch, live, eligibility, in_zone, expected):
    rules = ParkingSettings.model_validate(yaml.safe_load(PARKING.read_text(encoding="utf-8"))["parking"])
    zone = rules.zones[0] if in_zone else None
    monkeypatch.setattr(business, "settings", lambda: rules)
    monkeypatch.setattr(business, "standing_of", lambda uprn: AddressStanding(uprn, zone, eligibility))
    monkeypatch.setattr(business, "live_permits_at", lambda organisation_id, uprn: live)
    assert business.premises_refusal(_Organisation(), _Premises(7)) == expected


def test_premises_of_another_organisation_or_none_are_not_the_organisations():
    assert business.premises_refusal(_Organisation(), _Premises(8)) == "not-premises"
    assert business.premises_refusal(_Organisation(), None) == "not-premises"
    assert business.premises_refusal(_Organisation(), _Premises(7, uprn=None)) == "not-premises"
