"""Parking zones: the settings section, the zones import (idempotent, with a report of rejected
lines), and the start page that tells a person before they start whether their address can have
permits, and if not why and what they can do instead."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from app.extensions import db
from app.models import ParkingAddress, ParkingEligibility
from app.services import demo, parking
from app.services.parking.settings import ParkingSettings
from tests.conftest import count
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.db

START = "/services/parking-permits"
HEADER = "uprn,zone,eligibility,reason,source\n"


@pytest.fixture
def zones(app_context):
    """The demo zones imported afresh (the test app has them already: take them out first)."""
    db.session.execute(sa.delete(ParkingAddress))
    result = parking.import_zones(demo.DEMO_PARKING_ZONES)
    db.session.commit()
    return result


def write(tmp_path: Path, text: str, name="zones.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_demo_zones_import_once_and_a_second_run_changes_nothing(zones):
    assert (zones.added, zones.changed, zones.rejected) == (40, 0, [])
    again = parking.import_zones(demo.DEMO_PARKING_ZONES)
    assert (again.added, again.changed, again.unchanged, again.removed, again.rejected) == (0, 0, 40, 0, [])
    assert count(ParkingAddress) == 40
    assert count(ParkingAddress, ParkingAddress.eligibility == ParkingEligibility.CAR_FREE) == 3


def test_a_changed_line_changes_the_address_and_an_empty_zone_takes_it_out(zones, tmp_path):
    changed = write(tmp_path, HEADER + "100000000001,B,eligible,,\n100000000002,,,,\n100000000041,A,eligible,,\n")
    result = parking.import_zones(changed)
    assert (result.added, result.changed, result.removed, result.rejected) == (1, 1, 1, [])
    assert parking.standing_of(100000000001).zone.code == "B"
    assert parking.standing_of(100000000002).zone is None
    assert parking.standing_of(100000000041).resident_permits


def test_lines_with_problems_are_reported_by_number_and_the_rest_imported(app_context, tmp_path):
    db.session.execute(sa.delete(ParkingAddress))
    lines = [
        "100000000001,A,eligible,,",  # 2: fine
        "abc,A,eligible,,",  # 3
        "999999999999,A,eligible,,",  # 4: not in the gazetteer
        "100000000003,Z,eligible,,",  # 5
        "100000000004,A,maybe,,",  # 6
        "100000000005,A,car-free,,",  # 7: no reason
        "100000000006,A,eligible,private-road,",  # 8
        "100000000007,A,car-free,private-road,",  # 9: an excluded reason
        "100000000001,A,eligible,,",  # 10: twice
        "100000000008,A,eligible,,,extra",  # 11
        "100000000009,A,eligible,,DM\t1",  # 12
        "100000000010,A,eligible,," + "x" * 101,  # 13
        "100000000011,,eligible,,",  # 14
        "100000000012,a,CAR-FREE,car-free-planning,Planning DM/1",  # 15: fine (case does not matter)
    ]
    result = parking.import_zones(write(tmp_path, HEADER + "\n".join(lines) + "\n"))
    assert result.added == 2
    assert [line.split(":")[0] for line in result.rejected] == [f"line {n}" for n in range(3, 15)]
    assert "there is no address with UPRN 999999999999 in the gazetteer" in result.rejected[1]
    assert "there is no zone 'Z' in the settings (the zones are A, B)" in result.rejected[2]
    assert "UPRN 100000000001 is already on line 2" in result.rejected[7]
    assert parking.standing_of(100000000012).eligibility == ParkingEligibility.CAR_FREE


def test_a_file_without_the_columns_is_refused_whole(app_context, tmp_path):
    result = parking.import_zones(write(tmp_path, "uprn,zone\n100000000001,A\n"))
    assert result.added == 0 and result.rejected == [
        "line 1: the file has no eligibility, reason column (it needs uprn,zone,eligibility,reason)"
    ]


def test_the_command_reports_and_exits_1_when_lines_are_rejected(app, database, tmp_path):
    runner = app.test_cli_runner()
    with app.app_context():
        db.session.execute(sa.delete(ParkingAddress))
        good = runner.invoke(args=["parking", "import-zones", str(demo.DEMO_PARKING_ZONES)])
        assert good.exit_code == 0, good.output
        assert "40 added, 0 changed, 0 unchanged, 0 taken out of their zone, 0 rejected" in good.output
        bad = runner.invoke(args=["parking", "import-zones", str(write(tmp_path, HEADER + "1,A,eligible,,\n"))])
    assert bad.exit_code == 1
    assert "rejected: zones.csv line 2: there is no address with UPRN 1 in the gazetteer" in bad.output


def test_settings_refuse_two_zones_with_one_code():
    zone = {"code": "A", "name": {"en": "A", "cy": "A"}, "hours": {"en": "Always", "cy": "Bob amser"}}
    with pytest.raises(ValidationError, match="each zone needs a code of its own"):
        ParkingSettings.model_validate({"zones": [zone, zone]})
    with pytest.raises(ValidationError):
        ParkingSettings.model_validate({"zones": [dict(zone, code="a b")]})


# The start page


def check(client, uprn: int, language="en"):
    client.raw.set_cookie("doorstep_language", language)
    postcode = client.get(f"{START}?postcode=DM1+1AB")  # the list, as a person gets it
    assert postcode.soup.find("select", id="uprn") is not None
    return client.get(f"{START}?postcode=DM1+1AB&uprn={uprn}" if uprn <= 100000000010 else f"{START}?uprn={uprn}")


def test_the_start_page_lists_the_zones_and_asks_for_a_postcode(client, zones):
    page = client.get(START)
    assert page.h1 == "Parking permits"
    rows = [row.get_text(" ", strip=True) for row in page.soup.select("tbody tr")]
    assert rows == [
        "Zone A: Town centre Monday to Saturday, 8:30am to 6:30pm",
        "Zone B: Riverside Monday to Friday, 9am to 5pm",
    ]
    assert page.soup.find("input", id="postcode") is not None
    assert "You cannot do this online yet" not in page.text


def test_an_eligible_address_is_told_its_zone(client, zones):
    page = check(client, 100000000001)
    result = page.soup.find(id="parking-result")
    assert result["data-standing"] == "eligible"
    assert "This address is in zone A (Town centre)" in result.get_text(" ", strip=True)
    assert "You can get resident permits and visitor permits for this address." in result.get_text(" ", strip=True)


def test_a_car_free_home_is_told_why_and_what_to_do_instead_before_it_starts(client, zones):
    text = check(client, 100000000002).soup.find(id="parking-result").get_text(" ", strip=True)
    assert "This address cannot have resident parking permits." in text
    assert "part of its planning permission" in text
    assert "You can still buy visitor permits for people who come to see you." in text
    assert "Blue Badge" in text
    assert "(Planning permission DM/2019/0412)" in text


def test_car_free_homes_get_no_visitor_permits_when_the_setting_says_so(client, zones, monkeypatch):
    stricter = parking.settings().model_copy(update={"car_free_visitor_permits": False})
    monkeypatch.setattr(parking, "settings", lambda: stricter)
    text = check(client, 100000000002).soup.find(id="parking-result").get_text(" ", strip=True)
    assert "visitor permits" not in text and "planning permission" in text


def test_an_excluded_address_and_one_in_no_zone_are_told_in_plain_words(client, zones):
    excluded = client.get(f"{START}?postcode=DM2+4GH&uprn=100000000039").soup.find(id="parking-result")
    assert excluded["data-standing"] == "excluded"
    assert "private road" in excluded.get_text(" ", strip=True)
    assert "visitor permits" not in excluded.get_text(" ", strip=True)
    free = client.get(f"{START}?postcode=DM3+5JK&uprn=100000000041").soup.find(id="parking-result")
    assert free["data-standing"] == "no-zone"
    assert "This address is not in a controlled parking zone." in free.get_text(" ", strip=True)


def test_the_result_is_in_welsh_for_welsh_readers(client, zones):
    page = check(client, 100000000002, language="cy")
    text = page.soup.find(id="parking-result").get_text(" ", strip=True)
    assert page.soup.html["lang"] == "cy"
    assert "Canol y dref" in text and "ganiatâd cynllunio" in text


def test_a_signed_in_resident_sees_their_own_address_at_once(client, zones):
    user = make_user(uprn=100000000004, address_line_1="Flat A, 4 High Street", address_postcode="DM1 1AB")
    sign_in(client, user)
    page = client.get(START)
    assert page.soup.find(id="parking-result")["data-standing"] == "car-free"
    other = client.get(f"{START}?other=1")
    assert other.soup.find(id="parking-result") is None and other.soup.find("input", id="postcode") is not None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("postcode=", "Enter a postcode"),
        ("postcode=<b>x</b>", "Enter a full UK postcode, like DM1 1AB"),
        ("postcode=" + "D" * 5000, "Enter a full UK postcode, like DM1 1AB"),
        ("postcode=ZZ9+9ZZ", "We cannot find that postcode in our area. Check it and try again"),
        ("postcode=DM1+1AB&uprn=", "Select your address from the list"),
        ("postcode=DM1+1AB&uprn=100000000041", "Select your address from the list"),  # not at that postcode
        ("uprn=99999999999999999999", "Select your address from the list"),
        ("uprn=abc", "Select your address from the list"),
    ],
)
def test_a_mistake_gets_its_own_error_next_to_the_box(client, zones, query, message):
    page = client.get(f"{START}?{query}")
    assert page.error_summary == [message]
    assert page.title.startswith("Error:")
    assert "<b>x</b>" not in page.html
