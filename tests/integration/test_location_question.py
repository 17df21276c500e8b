"""The location question: where a street problem is, found by postcode or street name without a map,
in every state a person can reach; the ward the place gives, and places in a neighbour's area."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import Case, FormJourney
from app.services import gazetteer
from tests.pages import PageClient

pytestmark = pytest.mark.db

DEFINITIONS = Path(__file__).parent / "data" / "location"
URL = "/services/report-a-spill/where"


@pytest.fixture
def spill(make_app, database):
    app = make_app(FORM_DEFINITIONS_DIR=str(DEFINITIONS))
    client = PageClient(app.test_client())
    client.get("/services/report-a-spill/begin", expect=302)
    return app, client


def post(client, data: dict, expect=200, language=None):
    page = client.get(URL)
    return client.post(URL, {"csrf_token": page.csrf_token(), **data}, expect=expect)


def stored_answer():
    return db.session.scalars(sa.select(FormJourney).order_by(FormJourney.id.desc())).first().answers["spot"]


def test_the_page_asks_for_a_postcode_or_street_first(spill):
    _app, client = spill
    page = client.get(URL)
    assert page.h1 == "Where is the spill?"
    assert page.soup.find(id="spot-search") is not None
    assert page.soup.find(id="spot-place") is None
    # The description is asked after the list; before it, only for a point (map or device), hidden
    # and disabled until a script shows it.
    description = page.soup.find(id="spot-description")
    assert description.has_attr("disabled") and description.find_parent(attrs={"data-point-only": True})["hidden"] == ""
    empty = post(client, {"spot-search": ""})
    assert empty.error_summary == ["Enter a postcode or street name"]
    assert empty.soup.select_one(".govuk-error-summary a")["href"] == "#spot-search"


def test_postcode_lists_its_addresses_and_choosing_one_keeps_the_gazetteer_ward_and_point(spill):
    _app, client = spill
    found = post(client, {"spot-search": "dm2 3ef", "spot-find": "1"})
    assert not found.error_summary
    options = found.soup.select("#spot-place option")
    addresses = gazetteer.find_by_postcode("DM2 3EF")
    assert options[0].get_text(strip=True) == f"{len(addresses)} addresses found"
    assert [option["value"] for option in options[1:]] == [f"uprn-{address.uprn}" for address in addresses]
    assert found.soup.find(id="spot-description") is not None

    chosen = addresses[2]
    without_words = post(client, {"spot-search": "DM2 3EF", "spot-place": f"uprn-{chosen.uprn}"})
    assert without_words.error_summary == ["Describe exactly where the problem is"]
    assert without_words.soup.select_one("#spot-place option[selected]")["value"] == f"uprn-{chosen.uprn}"

    post(
        client,
        {"spot-search": "DM2 3EF", "spot-place": f"uprn-{chosen.uprn}", "spot-description": "By the gate"},
        expect=302,
    )
    assert stored_answer() == {
        "uprn": chosen.uprn,
        "usrn": None,
        "place": chosen.single_line,
        "latitude": chosen.latitude,
        "longitude": chosen.longitude,
        "ward": "Riverside",
        "description": "By the gate",
        "search": "DM2 3EF",
    }
    again = client.get(URL)  # coming back shows the list, the choice and the words
    assert again.soup.select_one("#spot-place option[selected]")["value"] == f"uprn-{chosen.uprn}"
    assert again.soup.find(id="spot-description").get_text() == "By the gate"


def test_a_street_found_by_part_of_its_name_is_placed_in_a_ward_by_the_boundaries(spill):
    _app, client = spill
    found = post(client, {"spot-search": "  market sq ", "spot-find": "1"})
    options = found.soup.select("#spot-place option")
    assert [option.get_text(strip=True) for option in options] == ["1 street found", "Market Square, Demoton"]
    street = gazetteer.find_streets("market")[0]
    post(
        client,
        {"spot-search": "market sq", "spot-place": f"usrn-{street.usrn}", "spot-description": "Near the bus stop"},
        expect=302,
    )
    answer = stored_answer()
    assert answer["usrn"] == street.usrn and answer["uprn"] is None
    assert answer["ward"] == "Central"  # from the ward boundaries: the street has no ward of its own
    assert (answer["latitude"], answer["longitude"]) == (street.latitude, street.longitude)


def test_a_street_in_a_neighbours_area_is_refused_with_whose_area_it_is(spill):
    _app, client = spill
    street = gazetteer.find_streets("boundary lane")[0]
    refused = post(
        client,
        {"spot-search": "Boundary Lane", "spot-place": f"usrn-{street.usrn}", "spot-description": "By the bridge"},
    )
    message = "Boundary Lane, Westvale is in Westvale District Council's area, not ours. Report the problem to them"
    assert refused.error_summary == [message]
    link = refused.soup.select_one(".govuk-inset-text a")
    assert link["href"] == "https://www.westvale.example/report-a-problem"
    assert link.get_text(strip=True) == "Report it on Westvale District Council's website"
    assert refused.soup.find(id="spot-description").get_text() == "By the bridge"  # nothing typed is lost
    assert db.session.scalars(sa.select(FormJourney)).first() is None  # nothing saved: the page is shown again


def test_a_postcode_we_do_not_hold_names_the_neighbour_that_covers_it(spill):
    _app, client = spill
    theirs = post(client, {"spot-search": "dm9 4zz", "spot-find": "1"})
    assert theirs.error_summary == [
        "DM9 4ZZ is in Westvale District Council's area, not ours. Report the problem to them"
    ]
    assert theirs.soup.select_one(".govuk-inset-text a")["href"] == "https://www.westvale.example/report-a-problem"
    unknown = post(client, {"spot-search": "SW1A 1AA", "spot-find": "1"})
    assert unknown.error_summary == [
        "We cannot find that postcode in our area. Check it, or search for the street name"
    ]
    assert unknown.soup.select_one(".govuk-inset-text") is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("DM1", "Enter a full postcode, like DM1 1AB, or a street name"),
        ("DM1 1", "Enter a full postcode, like DM1 1AB, or a street name"),
        ("ok", "Enter at least 3 letters of the street name"),
        (
            "Nowhere Crescent",
            "We cannot find a street with that name in our area. Check the spelling, or use a postcode",
        ),
        (
            "<script>alert(1)</script>",
            "We cannot find a street with that name in our area. Check the spelling, or use a postcode",
        ),
        ("%%%", "Enter at least 3 letters of the street name"),
        ("x" * 101, "Postcode or street name must be 100 characters or fewer"),
        ("Mill\x00Lane", "Remove any special characters, like tabs"),
    ],
)
def test_searches_that_find_nothing_say_what_to_do(spill, typed, message):
    _app, client = spill
    page = post(client, {"spot-search": typed, "spot-find": "1"})
    assert page.error_summary == [message]
    assert "<script>alert" not in page.html


def test_a_place_that_was_not_in_the_list_is_refused(spill):
    _app, client = spill
    other = gazetteer.find_by_postcode("DM3 5JK")[0]
    forged = post(client, {"spot-search": "DM1 1AB", "spot-place": f"uprn-{other.uprn}", "spot-description": "Here"})
    assert forged.error_summary == ["Select the nearest address or the street from the list"]
    for value in ("usrn-999999999", "uprn-", "nonsense", "uprn-1e9"):
        page = post(client, {"spot-search": "DM1 1AB", "spot-place": value, "spot-description": "Here"})
        assert page.error_summary == ["Select the nearest address or the street from the list"]


def test_the_description_is_checked_and_kept_safely(spill):
    _app, client = spill
    address = gazetteer.find_by_postcode("DM1 1AB")[0]
    base = {"spot-search": "DM1 1AB", "spot-place": f"uprn-{address.uprn}"}
    long_words = post(client, base | {"spot-description": "x" * 501})
    assert long_words.error_summary == ["Description of where it is must be 500 characters or fewer"]
    assert long_words.soup.find(id="spot-description").get_text() == "x" * 501
    control = post(client, base | {"spot-description": "by\x07the gate"})
    assert control.error_summary == ["Remove any special characters, like tabs"]
    post(client, base | {"spot-description": "<b>by</b> the gate\r\nnear the bins"}, expect=302)
    assert stored_answer()["description"] == "<b>by</b> the gate\r\nnear the bins"


def test_both_mistakes_at_once_are_shown_together(spill):
    _app, client = spill
    page = post(client, {"spot-search": "DM1 1AB", "spot-place": "", "spot-description": ""})
    assert page.error_summary == [
        "Select the nearest address or the street from the list",
        "Describe exactly where the problem is",
    ]
    assert [a["href"] for a in page.soup.select(".govuk-error-summary a")] == ["#spot-place", "#spot-description"]


def test_in_welsh(spill):
    _app, client = spill
    client.get("/language/cy", expect=302)
    page = post(client, {"spot-search": "dm9 4zz", "spot-find": "1"})
    assert page.soup.html["lang"] == "cy"
    assert "Cyngor Dosbarth Westvale" in page.error_summary[0]
    assert "Westvale District Council" not in page.text


def test_the_case_gets_the_ward_and_staff_read_the_place_and_the_words(spill):
    app, client = spill
    address = gazetteer.find_by_postcode("DM3 6LN")[0]
    post(
        client,
        {"spot-search": "DM3 6LN", "spot-place": f"uprn-{address.uprn}", "spot-description": "On the verge"},
        expect=302,
    )
    email = client.get("/services/report-a-spill/email")
    client.post(
        "/services/report-a-spill/email",
        {"csrf_token": email.csrf_token(), "email": "spill@example.com"},
        expect=302,
    )
    check = client.get("/services/report-a-spill/check-answers")
    assert f"{address.single_line}: On the verge" in check.text
    client.post("/services/report-a-spill/check-answers", {"csrf_token": check.csrf_token()}, expect=302)
    case = db.session.scalar(sa.select(Case).where(Case.service_id == "report-a-spill"))
    assert case.ward == "Northfield"
    with app.app_context():
        assert forms_engine.get("report-a-spill").question("spot").type == "location"
