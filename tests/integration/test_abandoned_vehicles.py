"""Report an abandoned vehicle: the registration number looked up with the DVLA (the local
stand-in), the "probably not abandoned" notice for a taxed vehicle with a valid MOT (the person can
still go on), a vehicle with no plates described by make and colour, urgency for burnt out, leaking
or dangerous vehicles, and a report that still goes in when the DVLA is down."""

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import Case, StreetReport
from app.services import gazetteer, vehicles
from tests.integration.test_form_engine import submit

pytestmark = pytest.mark.db

FORM = "abandoned-vehicle"
NOT_ABANDONED = "The DVLA says this vehicle is taxed and has a valid MOT, so it is probably not abandoned."


def answer(client, page_id: str, data: dict, expect=302):
    url = f"/services/{FORM}/{page_id}"
    shown = client.get(url)
    return client.post(url, {"csrf_token": shown.csrf_token(), **data}, expect=expect)


def notice_text(page) -> str | None:
    notice = page.soup.find(id="vehicle-notice")
    return None if notice is None else " ".join(notice.get_text(" ").split())


def find_vehicle(client, vrm: str):
    return answer(client, "vehicle", {"vehicle-vrm": vrm, "vehicle-find": "1"}, expect=200)


def confirm_vehicle(client, shown, correct="yes"):
    data = {
        "csrf_token": shown.csrf_token(),
        "vehicle-vrm": shown.value_of("vehicle-vrm"),
        "vehicle-details": shown.soup.find("input", {"name": "vehicle-details"})["value"],
        "vehicle-looked-up": shown.soup.find("input", {"name": "vehicle-looked-up"})["value"],
        "vehicle-correct": correct,
    }
    return client.post(f"/services/{FORM}/vehicle", data)


def start_with_a_place(client):
    client.get(f"/services/{FORM}/begin", expect=302)
    address = gazetteer.any_address()
    answer(
        client,
        "where",
        {
            "location-search": address.postcode,
            "location-place": f"uprn-{address.uprn}",
            "location-description": "Bay 4",
        },
    )


def definition(app):
    with app.app_context():
        return forms_engine.get(FORM)


def finish(app, client, condition: list[str]):
    answer(client, "how-long", {"how_long": "over_a_month"})
    answer(client, "condition", {"condition": condition})
    answer(client, "photo", {})
    answer(client, "updates", {"updates_by": "email"})
    answer(client, "email", {"email": "someone@example.com"})
    answer(client, "name", {"full_name": ""})
    check, sent = submit(client, definition(app))
    assert sent.location.endswith(f"/services/{FORM}/confirmation")
    case = db.session.scalar(sa.select(Case).where(Case.service_id == FORM))
    return check, case


def test_a_taxed_vehicle_with_a_valid_mot_is_probably_not_abandoned_and_can_still_be_reported(app, client):
    start_with_a_place(client)
    answer(client, "plate", {"has_plate": "yes"})
    shown = find_vehicle(client, "DM13 TXD")
    assert "Renault" in shown.text
    notice = notice_text(shown)
    assert notice is not None and NOT_ABANDONED in notice
    assert "It is not against the law to leave a taxed vehicle parked" in notice
    onwards = confirm_vehicle(client, shown)
    assert onwards.status == 302 and onwards.location.endswith(f"/services/{FORM}/how-long")
    again = client.get(f"/services/{FORM}/vehicle")  # coming back shows it again
    assert NOT_ABANDONED in notice_text(again)
    check, case = finish(app, client, ["none"])
    assert "DM13 TXD: Renault, yellow, petrol" in check.text
    assert case.urgent is False
    stored = vehicles.VehicleAnswer.from_answer(case.answers["vehicle"])
    assert (stored.source, stored.details.tax_status) == ("dvla", vehicles.TaxStatus.TAXED)
    assert db.session.scalar(sa.select(StreetReport).where(StreetReport.case_id == case.id)).category == FORM


def test_the_notice_is_in_welsh_for_welsh_readers(app, client):
    client.get("/language/cy", expect=302)
    start_with_a_place(client)
    answer(client, "plate", {"has_plate": "yes"})
    shown = find_vehicle(client, "DM13TXD")
    text = notice_text(shown)
    assert "mae'n debyg nad yw wedi'i adael" in text and "probably" not in text


def test_an_untaxed_vehicle_gets_no_notice(app, client):
    start_with_a_place(client)
    answer(client, "plate", {"has_plate": "yes"})
    shown = find_vehicle(client, "DM09 ABN")
    assert "Vauxhall" in shown.text
    assert shown.soup.find(id="vehicle-notice") is None and "probably not abandoned" not in shown.text


@pytest.mark.parametrize(
    ("condition", "urgent"),
    [(["burnt_out"], True), (["leaking"], True), (["damaged", "dangerous"], True), (["damaged"], False)],
)
def test_a_vehicle_without_plates_is_described_and_urgent_when_burnt_out_leaking_or_dangerous(
    app, client, condition, urgent
):
    start_with_a_place(client)
    to_description = answer(client, "plate", {"has_plate": "no"})
    assert to_description.location.endswith(f"/services/{FORM}/description")
    answer(client, "description", {"make": "Ford", "colour": "Blue"})
    check, case = finish(app, client, condition)
    assert "Ford" in check.text and "Blue" in check.text
    assert "vehicle" not in case.answers
    assert case.urgent is urgent


def test_hostile_descriptions_are_refused_next_to_the_field_and_kept(app, client):
    start_with_a_place(client)
    answer(client, "plate", {"has_plate": "no"})
    refused = answer(client, "description", {"make": "x" * 5000, "colour": "<script>alert(1)</script>"}, expect=200)
    assert refused.error_for("make") is not None
    assert "<script>alert(1)</script>" not in refused.html
    assert refused.value_of("colour") == "<script>alert(1)</script>"
    missing_csrf = client.post(f"/services/{FORM}/description", {"make": "Ford", "colour": "Blue"})
    assert missing_csrf.status in (200, 400)
    assert missing_csrf.status != 302


def test_the_person_can_report_while_the_dvla_is_down_and_staff_see_it_is_unchecked(app, client, dvla_outage):
    dvla_outage.outage(503, seconds=60)
    start_with_a_place(client)
    answer(client, "plate", {"has_plate": "yes"})
    told = find_vehicle(client, "DM09 ABN")
    assert "We cannot get vehicle details from the DVLA at the moment" in told.text
    assert told.soup.find(id="vehicle-notice") is None
    onwards = client.post(
        f"/services/{FORM}/vehicle",
        {"csrf_token": told.csrf_token(), "vehicle-vrm": "DM09 ABN", "vehicle-unchecked": "DM09ABN"},
    )
    assert onwards.status == 302 and onwards.location.endswith(f"/services/{FORM}/how-long")
    check, case = finish(app, client, ["burnt_out"])
    assert "DM09 ABN (not checked with the DVLA yet: we will check it)" in check.text
    stored = vehicles.VehicleAnswer.from_answer(case.answers["vehicle"])
    assert (stored.source, stored.needs_checking) == ("unchecked", True)
    assert case.urgent is True
