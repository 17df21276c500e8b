"""The street gazetteer (streets by USRN with a point, found by name) and points for addresses."""

import pytest

from app.extensions import db
from app.models import GazetteerAddress, Street
from app.services import gazetteer

pytestmark = pytest.mark.db


def test_streets_are_found_by_any_part_of_their_name_in_name_order(app_context):
    assert [street.name for street in gazetteer.find_streets("lane")] == ["Boundary Lane", "Mill Lane"]
    assert [street.name for street in gazetteer.find_streets("  HEOL   y ")] == ["Heol y Nant"]
    assert [street.name for street in gazetteer.find_streets("Ffordd y Parc,")] == ["Ffordd y Parc"]
    assert gazetteer.find_streets("la") == []  # too short to search
    assert gazetteer.find_streets("_%_") == [] and gazetteer.find_streets("%an%") == []  # no wildcards


def test_street_list_is_capped(app_context, tmp_path):
    extract = tmp_path / "many.csv"
    rows = [f"{30000000 + n},Long Road {n:03},Demoton,52.40,-3.00" for n in range(gazetteer.STREET_LIST_LIMIT + 5)]
    extract.write_text("usrn,name,town,latitude,longitude\n" + "\n".join(rows) + "\n")
    gazetteer.import_streets_csv(extract)
    found = gazetteer.find_streets("long road")
    assert len(found) == gazetteer.STREET_LIST_LIMIT and found[0].name == "Long Road 000"


def test_street_import_adds_updates_and_reports_bad_rows(app_context, tmp_path):
    extract = tmp_path / "streets.csv"
    extract.write_text(
        "usrn,name,town,latitude,longitude\n"
        "40000001,New Street,Demoton,52.401,-3.001\n"
        "20000001,High Street (renamed),Demoton,52.4,-3.002\n"
        "abc,Bad Street,Demoton,52.4,-3.0\n"
        "40000002,,Demoton,52.4,-3.0\n"
        "40000003,Far Street,Demoton,40.7,-74.0\n"
        "40000004,Word Street,Demoton,north,west\n"
    )
    result = gazetteer.import_streets_csv(extract)
    assert (result.added, result.updated) == (1, 1)
    assert [error.split(": ", 1)[1] for error in result.errors] == [
        "USRN 'abc' is not a number of up to 12 digits",
        "name or town is empty",
        "latitude 40.7 and longitude -74.0 are not in the UK",
        "latitude 'north' and longitude 'west' are not numbers",
    ]
    assert gazetteer.get_street(20000001).name_key == "high street renamed"
    assert db.session.get(Street, 40000001).latitude == 52.401


def test_street_import_needs_its_columns(app_context, tmp_path):
    extract = tmp_path / "streets.csv"
    extract.write_text("usrn,name\n1,A\n")
    assert gazetteer.import_streets_csv(extract).errors == ["streets.csv: missing columns: town, latitude, longitude"]


def test_address_points_are_optional_in_the_address_import_but_checked_when_given(app_context, tmp_path):
    extract = tmp_path / "addresses.csv"
    extract.write_text(
        "uprn,line_1,line_2,town,postcode,ward,latitude,longitude\n"
        "200000000001,1 New Road,,Demoton,DM1 9ZZ,Central,52.4,-3.0\n"
        "200000000002,2 New Road,,Demoton,DM1 9ZZ,Central,,\n"
        "200000000003,3 New Road,,Demoton,DM1 9ZZ,Central,0,0\n"
    )
    result = gazetteer.import_csv(extract)
    assert result.added == 2 and result.errors == ["addresses.csv line 4: latitude 0 and longitude 0 are not in the UK"]
    assert (
        db.session.get(GazetteerAddress, 200000000001).latitude,
        db.session.get(GazetteerAddress, 200000000001).longitude,
    ) == (52.4, -3.0)
    assert db.session.get(GazetteerAddress, 200000000002).latitude is None
    without_columns = tmp_path / "old.csv"
    without_columns.write_text(
        "uprn,line_1,line_2,town,postcode,ward\n200000000004,4 New Road,,Demoton,DM1 9ZZ,Central\n"
    )
    assert gazetteer.import_csv(without_columns).added == 1


def test_the_command_imports_streets(app, database, tmp_path):
    extract = tmp_path / "streets.csv"
    extract.write_text(
        "usrn,name,town,latitude,longitude\n50000001,Cli Street,Demoton,52.4,-3.0\nx,Bad,Demoton,52.4,-3.0\n"
    )
    result = app.test_cli_runner().invoke(args=["gazetteer", "import-streets", str(extract)])
    assert "1 added, 0 updated, 1 skipped" in result.output, result.output
    with app.app_context():
        assert gazetteer.get_street(50000001).name == "Cli Street"
