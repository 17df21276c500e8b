"""The parking_permit price rule on a journey's answers: the household's live permits at the address
make a new one its second or third; cancelled and finished permits do not count."""

from datetime import date, timedelta

import pytest

from app import form_model
from app.extensions import db
from app.models import ParkingPermit, PermitStatus, utcnow
from app.services.errors import ServiceError
from app.services.parking import permits
from app.services.parking.price_rule import quote_for
from app.services.vehicles import VehicleAnswer, VehicleDetails

pytestmark = pytest.mark.db
UPRN = 100000000001
STARTS = date(2026, 12, 1)


def answers(changes=None) -> dict:
    car = VehicleDetails(registration="DM17MED", looked_up_at=utcnow(), co2_emissions=139, fuel_type="PETROL")
    return {
        "address": {"uprn": UPRN, "line_1": "1 High Street", "postcode": "DM1 1AB"},
        "vehicle": VehicleAnswer.from_dvla(car).to_answer(),
        "start-day": STARTS.isoformat(),
        "duration": "months-12",
        **(changes or {}),
    }


def permit(number: int, *, status=PermitStatus.ACTIVE, ends: date = date(2027, 6, 1)) -> ParkingPermit:
    made = ParkingPermit(
        reference=f"TEST-{number}",
        status=status,
        uprn=UPRN,
        zone="A",
        vrm=f"AB{number:02d}CDE",
        vehicle={},
        starts_at=permits.london_midnight(date(2026, 6, 1)),
        ends_at=permits.london_midnight(ends),
        months=12,
        price_pence=8200,
        quote={},
    )
    db.session.add(made)
    db.session.flush()
    return made


def test_the_households_live_permits_make_the_next_one_cost_more(app_context):
    prices = form_model.settings_for("parking-permits").prices
    assert quote_for(prices, answers(), "en").total_pence == 8200
    permit(1)
    permit(2, status=PermitStatus.CANCELLED)
    permit(3, ends=STARTS)  # ends at the start of the new one's first day: not at the same time
    second = quote_for(prices, answers(), "en")
    assert [line.name for line in second.lines][-1] == "Second permit at this address: +50%"
    assert second.total_pence == 12300
    permit(4, status=PermitStatus.AWAITING_CHECKS)
    assert quote_for(prices, answers(), "en").total_pence == 16400


@pytest.mark.parametrize(
    "broken",
    [{"vehicle": None}, {"start-day": "not a date"}, {"duration": "forever"}, {"start-day": "2020-01-01"}],
)
def test_answers_the_quote_cannot_use_are_a_service_error_not_a_crash(app_context, broken):
    with pytest.raises(ServiceError):
        quote_for(form_model.settings_for("parking-permits").prices, answers(broken), "en")


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 12, 1), 12, date(2027, 12, 1)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
    ],
)
def test_a_permit_ends_the_same_day_of_the_month_or_the_last_of_a_shorter_month(start, months, end):
    assert permits.add_months(start, months) == end


def test_a_permit_day_starts_at_midnight_in_london():
    assert permits.london_midnight(date(2027, 7, 1)).isoformat() == "2027-06-30T23:00:00+00:00"
    assert permits.london_midnight(date(2027, 1, 1)).isoformat() == "2027-01-01T00:00:00+00:00"
    assert permits.london_midnight(date(2027, 1, 1)) - permits.london_midnight(date(2026, 12, 31)) == timedelta(days=1)
