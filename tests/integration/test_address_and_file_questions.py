"""The address and file upload question types: every state a person can reach, and what is kept."""

from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from app import forms_engine
from app.extensions import db
from app.models import AuditEvent, Case, FormJourney, Role, utcnow
from app.services import form_journeys, gazetteer
from tests.factories import make_user, sign_in
from tests.form_walk import example_page_data, example_route, walk
from tests.integration.test_form_engine import submit
from tests.pages import PageClient

pytestmark = pytest.mark.db


def definition_of(app, form_id):
    with app.app_context():
        return forms_engine.get(form_id)


def answer_until(client, definition, page_id):
    """The example answers on every page before `page_id`; returns that page."""
    client.get(f"/services/{definition.id}/begin", expect=302)
    for step in example_route(definition):
        url = f"/services/{definition.id}/{step.id}"
        shown = client.get(url)
        if step.id == page_id:
            return shown
        client.post(url, {"csrf_token": shown.csrf_token(), **example_page_data(step)}, expect=302)
    raise AssertionError(f"{page_id} is not on the example route")


def journey_answers():
    return db.session.scalars(sa.select(FormJourney).order_by(FormJourney.id.desc())).first().answers


# Address ---------------------------------------------------------------------------------------


def test_find_by_postcode_then_choose_keeps_the_gazetteer_address_and_its_ward(app, database, client):
    definition = definition_of(app, "missed-bin")
    page = answer_until(client, definition, "where")
    url = "/services/missed-bin/where"
    assert page.soup.find(id="bin_address-postcode") is not None
    assert "Enter the address manually" not in page.text  # only addresses in our area will do

    found = client.post(
        url, {"csrf_token": page.csrf_token(), "bin_address-postcode": "dm1 1ab", "bin_address-find": "1"}
    )
    assert found.status == 200 and not found.error_summary
    options = found.soup.select("#bin_address-uprn option")
    expected = gazetteer.find_by_postcode("DM1 1AB")
    assert len(options) == len(expected) + 1 and options[0].get_text(strip=True) == f"{len(expected)} addresses found"

    chosen = expected[1]
    client.post(
        url,
        {"csrf_token": page.csrf_token(), "bin_address-postcode": "DM1 1AB", "bin_address-uprn": str(chosen.uprn)},
        expect=302,
    )
    answer = journey_answers()["bin_address"]
    assert answer == {
        "uprn": chosen.uprn,
        "line_1": chosen.line_1,
        "line_2": chosen.line_2 or None,
        "town": chosen.town,
        "postcode": chosen.postcode,
        "ward": chosen.ward,
    }
    again = client.get(url)  # coming back shows the choice
    assert again.soup.select_one("#bin_address-uprn option[selected]")["value"] == str(chosen.uprn)

    for step in example_route(definition)[[s.id for s in example_route(definition)].index("where") + 1 :]:
        shown = client.get(f"/services/missed-bin/{step.id}")
        client.post(f"/services/missed-bin/{step.id}", {"csrf_token": shown.csrf_token(), **example_page_data(step)})
    check, _ = submit(client, definition)
    assert chosen.single_line.split(",")[0] in check.text
    case = db.session.scalars(sa.select(Case).order_by(Case.id.desc())).first()
    assert case.ward == chosen.ward


@pytest.mark.parametrize(
    ("posted", "part", "message"),
    [
        ({"bin_address-postcode": ""}, "postcode", "Enter your postcode"),
        ({"bin_address-postcode": "not a postcode"}, "postcode", "Enter a full UK postcode, like DM1 1AB"),
        ({"bin_address-postcode": "ZZ9 9ZZ"}, "postcode", "We cannot find that postcode in our area"),
        ({"bin_address-postcode": "DM1 1AB"}, "uprn", "Select your address from the list"),
        # An address that exists, but not at the postcode searched for: a forged choice.
        ({"bin_address-postcode": "DM1 1AB", "bin_address-uprn": "999999999999"}, "uprn", "Select your address"),
        ({"bin_address-postcode": "DM1 1AB", "bin_address-uprn": "<b>1</b>"}, "uprn", "Select your address"),
        # In-area-only questions ignore a request to type the address in.
        ({"bin_address-mode": "manual", "bin_address-line_1": "1 Fake St"}, "postcode", "Enter your postcode"),
    ],
)
def test_address_lookup_errors_are_specific_and_keep_the_postcode(app, database, client, posted, part, message):
    definition = definition_of(app, "missed-bin")
    page = answer_until(client, definition, "where")
    sent = client.post("/services/missed-bin/where", {"csrf_token": page.csrf_token(), **posted}, expect=200)
    assert sent.error_for(f"bin_address-{part}").startswith(message)
    assert sent.soup.select_one(".govuk-error-summary a")["href"] == f"#bin_address-{part}"
    if posted.get("bin_address-postcode"):
        assert sent.value_of("bin_address-postcode") == posted["bin_address-postcode"]


def test_an_address_can_be_typed_in_with_errors_next_to_each_box(app, database, client):
    definition = definition_of(app, "alternative-formats")
    answer_until(client, definition, "postal-address")
    url = "/services/alternative-formats/postal-address"
    manual = client.get(f"{url}?address=manual")
    assert manual.soup.find(id="postal_address-line_1") is not None
    token = manual.csrf_token()
    typed = {"postal_address-mode": "manual", "postal_address-line_2": "Flat <b>2</b>", "postal_address-town": ""}
    sent = client.post(f"{url}?address=manual", {"csrf_token": token, **typed}, expect=200)
    assert [link["href"] for link in sent.soup.select(".govuk-error-summary a")] == [
        "#postal_address-line_1",
        "#postal_address-town",
        "#postal_address-postcode",
    ]
    assert sent.error_for("postal_address-town") == "Enter town or city"
    assert sent.value_of("postal_address-line_2") == "Flat <b>2</b>"  # kept, and escaped in the page
    assert "<b>2</b>" not in sent.html

    good = {**typed, "postal_address-line_1": "12 Quay Street", "postal_address-town": "Cardiff"}
    bad_postcode = client.post(url, {"csrf_token": token, **good, "postal_address-postcode": "CF10"}, expect=200)
    assert bad_postcode.error_for("postal_address-postcode") == "Enter a full UK postcode, like DM1 1AB"
    client.post(url, {"csrf_token": token, **good, "postal_address-postcode": "cf101ep"}, expect=302)
    assert journey_answers()["postal_address"] == {
        "uprn": None,
        "line_1": "12 Quay Street",
        "line_2": "Flat <b>2</b>",
        "town": "Cardiff",
        "postcode": "CF10 1EP",
        "ward": None,
    }
    assert client.get(url).value_of("postal_address-line_1") == "12 Quay Street"  # back shows what was typed


def test_a_signed_in_persons_address_is_used_without_asking(app, database, client):
    home = gazetteer.find_by_postcode("DM1 1AB")[0]
    person = make_user()
    person.uprn, person.address_line_1, person.address_town = home.uprn, home.line_1, home.town
    person.address_postcode, person.address_ward = home.postcode, home.ward
    db.session.commit()
    sign_in(client, person)
    definition = definition_of(app, "missed-bin")
    seen, location = [], client.get("/services/missed-bin/begin", expect=302).location
    while not location.endswith("/check-answers"):
        page_id = location.rsplit("/", 1)[-1]
        seen.append(page_id)
        shown = client.get(location)
        data = example_page_data(definition.page(page_id))
        location = client.post(location, {"csrf_token": shown.csrf_token(), **data}, expect=302).location
    assert "where" not in seen and "bin-type" in seen
    submit(client, definition)
    case = db.session.scalars(sa.select(Case).order_by(Case.id.desc())).first()
    assert case.answers["bin_address"]["uprn"] == home.uprn and case.ward == home.ward


# Files -----------------------------------------------------------------------------------------

LETTER_PAGE = "/services/alternative-formats/letter-copy"


def photo_with_location(size=(60, 40)) -> bytes:
    """A JPEG as a phone makes it: GPS position, camera details and "rotate 90°" in its EXIF."""
    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 28.0, 40.0), 3: "W", 4: (3.0, 10.0, 5.0)})
    output = BytesIO()
    image.save(output, "JPEG", exif=exif)
    return output.getvalue()


def upload(client, page, content: bytes, name: str, expect=None):
    # Encoded here in memory: the test client's own encoder leaves a temporary file open for big bodies.
    body, length, boundary = stream_encode_multipart(
        {"csrf_token": page.csrf_token(), "letter_copy": FileStorage(BytesIO(content), name)}, use_tempfile=False
    )
    return client.post(
        LETTER_PAGE, body.getvalue(), expect=expect, content_type=f"multipart/form-data; boundary={boundary}"
    )


def stored_file(app, answer) -> Path:
    return Path(app.config["UPLOAD_FOLDER"]) / answer["file"][:2] / answer["file"]


def test_a_photo_is_stored_outside_the_web_root_without_its_location(app, database, client):
    page = answer_until(client, definition_of(app, "alternative-formats"), "letter-copy")
    assert page.soup.select_one("main form")["enctype"] == "multipart/form-data"
    original = photo_with_location()
    assert Image.open(BytesIO(original)).getexif().get_ifd(0x8825)  # the test photo does carry a location

    upload(client, page, original, "../../My letter <1>.jpeg", expect=302)
    answer = journey_answers()["letter_copy"]
    assert answer["name"] == "My letter 1.jpg" and answer["type"] == "jpg"
    path = stored_file(app, answer)
    assert not path.is_relative_to(Path(app.root_path) / "static")
    with Image.open(path) as kept:
        assert dict(kept.getexif()) == {} and not kept.getexif().get_ifd(0x8825)
        assert kept.size == (40, 60)
    assert b"PhoneMaker" not in path.read_bytes()  # turned the right way up before the orientation was dropped
    assert answer["size"] == path.stat().st_size

    again = client.get(LETTER_PAGE)
    assert "You sent My letter 1.jpg" in again.text
    client.post(LETTER_PAGE, {"csrf_token": again.csrf_token()}, expect=302)  # nothing new chosen: kept
    assert journey_answers()["letter_copy"] == answer

    png = BytesIO()
    Image.new("RGBA", (5, 5), (0, 0, 0, 0)).save(png, "PNG")
    upload(client, again, png.getvalue(), "scan.png", expect=302)
    replaced = journey_answers()["letter_copy"]
    assert replaced["name"] == "scan.png" and stored_file(app, replaced).is_file()
    assert not path.exists()  # the file it replaced is gone


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.jpg", "The copy of the letter is empty"),
        (b"MZ\x90\x00 pretending to be a photo", "photo.jpg", "The copy of the letter must be a JPG, PNG or PDF"),
        (b"<svg onload=alert(1)>", "drawing.svg", "The copy of the letter must be a JPG, PNG or PDF"),
        (b"\xff\xd8\xff\xe0 broken jpeg", "broken.jpg", "The copy of the letter could not be opened"),
        (b"%PDF-1.4" + b"0" * (10 * 1024 * 1024), "huge.pdf", "The copy of the letter must be smaller than 10MB"),
    ],
)
def test_a_file_that_is_empty_too_big_or_not_what_it_claims_is_refused(app, database, client, content, name, message):
    page = answer_until(client, definition_of(app, "alternative-formats"), "letter-copy")
    sent = upload(client, page, content, name, expect=200)
    assert sent.error_for("letter_copy").startswith(message)
    assert sent.soup.select_one(".govuk-error-summary a")["href"] == "#letter_copy"
    assert "letter_copy" not in journey_answers()


def test_a_decompression_bomb_is_refused_without_decoding_it(app, database, client):
    bomb = BytesIO()
    Image.new("1", (12000, 12000)).save(bomb, "PNG")  # tiny file, 144 million pixels
    page = answer_until(client, definition_of(app, "alternative-formats"), "letter-copy")
    sent = upload(client, page, bomb.getvalue(), "bomb.png", expect=200)
    assert sent.error_for("letter_copy").startswith("The copy of the letter could not be opened")


def test_staff_download_the_file_and_the_download_is_audited(app, database, client):
    definition = definition_of(app, "alternative-formats")
    walk(client, definition)
    submit(client, definition)
    case = db.session.scalars(sa.select(Case).order_by(Case.id.desc())).first()
    url = f"/staff/cases/{case.reference}/files/letter_copy"
    resident = PageClient(app.test_client())
    sign_in(resident, make_user())
    assert resident.raw.get(url).status_code == 403

    staff = make_user(role=Role.STAFF)
    sign_in(client, staff)
    case_page = client.get(f"/staff/cases/{case.reference}")
    assert case_page.soup.find("a", href=url).get_text(strip=True).startswith("Download example.jpg")
    response = client.raw.get(url)
    downloaded = response.get_data()
    response.close()
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert Image.open(BytesIO(downloaded)).size == (40, 30)
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.case_id == case.id)).all()
    assert "case.file_downloaded" in actions
    assert client.raw.get(f"/staff/cases/{case.reference}/files/format").status_code == 404


def test_files_of_unfinished_forms_are_deleted_when_the_form_expires(app, database, client):
    page = answer_until(client, definition_of(app, "alternative-formats"), "letter-copy")
    upload(client, page, photo_with_location(), "letter.jpg", expect=302)
    journey = db.session.scalars(sa.select(FormJourney).order_by(FormJourney.id.desc())).first()
    path = stored_file(app, journey.answers["letter_copy"])
    assert path.is_file()
    journey.expires_at = utcnow()
    db.session.commit()
    with app.test_request_context():
        form_journeys.delete_expired()
        assert path.is_file()  # until the change is committed: a rolled-back purge keeps the file
        db.session.commit()
    assert not path.exists()


def test_a_request_bigger_than_any_question_allows_gets_the_too_large_page(app, database, client):
    page = answer_until(client, definition_of(app, "alternative-formats"), "letter-copy")
    sent = upload(client, page, b"%PDF-" + b"0" * app.config["MAX_CONTENT_LENGTH"], "enormous.pdf", expect=413)
    assert sent.h1 == "What you sent is too large"
    assert "letter_copy" not in journey_answers()
