"""Kiosk mode: an admin enrols a device; on it nothing is remembered for the next person."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Case, Channel, FormJourney, Kiosk, PlaceKind, Role
from app.services import places
from tests.factories import make_user, sign_in
from tests.form_walk import send, walk
from tests.integration.test_address_and_file_questions import (
    answer_until,
    definition_of,
    photo_with_location,
    stored_file,
    upload,
)
from tests.integration.test_form_engine import forms_engine_definition

pytestmark = pytest.mark.db

KIOSKS = "/admin/kiosks"


@pytest.fixture
def admin(database):
    return make_user(role=Role.ADMIN, full_name="Ada Admin", email="ada@example.com")


@pytest.fixture
def place(admin):
    found = places.create(
        name="Northgate Library", name_cy="Llyfrgell Northgate", kind=PlaceKind.LIBRARY, ward=None, created_by=admin
    )
    db.session.commit()
    return found


def enrol(client, admin, place, language="en", name="By the front desk"):
    sign_in(client, admin)
    enrolled = client.submit(KIOSKS, {"name": name, "place": str(place.id), "language": language})
    assert enrolled.location == "/", enrolled.error_summary
    return enrolled


def sign_out(client):
    client.post("/sign-out", {"csrf_token": client.get("/").csrf_token()})


def test_an_admin_enrols_this_device_and_is_signed_out(client, admin, place):
    sign_in(client, admin)
    assert "No device has been enrolled as a kiosk yet." in client.get(KIOSKS).text
    enrolled = client.submit(KIOSKS, {"name": "By the front desk", "place": str(place.id), "language": "en"})
    cookie = next(
        value for value in enrolled.response.headers.getlist("Set-Cookie") if value.startswith("doorstep_kiosk=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = client.follow(enrolled)
    assert "This device is now a kiosk at Northgate Library." in home.text
    banner = home.soup.select_one(".doorstep-kiosk-banner")
    assert banner.find("button", string="Finish and clear")
    assert client.get("/account/", expect=302).location.startswith("/sign-in")  # the admin was signed out
    kiosk = db.session.scalar(sa.select(Kiosk))
    assert (kiosk.name, kiosk.place_id, kiosk.language, kiosk.enrolled_by_id) == (
        "By the front desk",
        place.id,
        "en",
        admin.id,
    )
    assert (
        db.session.scalar(
            sa.select(AuditEvent.action).where(AuditEvent.place_id == place.id, AuditEvent.action.like("kiosk%"))
        )
        == "kiosk.enrolled"
    )


def test_the_enrol_form_explains_each_mistake(client, admin, place):
    sign_in(client, admin)
    empty = client.submit(KIOSKS, {})
    assert empty.error_for("name") == "Enter a name for this kiosk"
    assert empty.error_for("place") == "Select the place where this kiosk is"
    assert empty.error_for("language") == "Select the language of its start page"
    hostile = client.submit(KIOSKS, {"name": "<script>x</script>", "place": "999999", "language": "klingon"})
    assert hostile.error_for("name") == "Name must not include < or >"
    assert hostile.error_for("place") == "Select the place where this kiosk is"
    assert hostile.error_for("language") == "Select the language of its start page"
    assert db.session.scalar(sa.select(sa.func.count(Kiosk.id))) == 0
    client.get("/admin/kiosks/999999/revoke", expect=404)
    resident = make_user()
    sign_out(client)
    sign_in(client, resident)
    client.get(KIOSKS, expect=403)


def test_the_start_page_is_in_the_kiosks_language_until_someone_chooses(client, admin, place):
    enrol(client, admin, place, language="cy")
    home = client.get("/")
    assert home.soup.html["lang"] == "cy"
    assert "Gorffen a chlirio" in home.text
    client.get("/language/en", expect=302)
    assert client.get("/").soup.html["lang"] == "en"
    finished = client.post("/kiosk/finish", {"csrf_token": client.get("/").csrf_token()}, expect=302)
    assert any(value.startswith("doorstep_language=;") for value in finished.response.headers.getlist("Set-Cookie"))
    client.raw.delete_cookie("doorstep_language")
    assert client.get("/").soup.html["lang"] == "cy"


def test_the_next_person_reaches_nothing_of_the_last(app, client, admin, place, local_stripe):
    enrol(client, admin, place)
    person = make_user(full_name="Pat Person", email="pat@example.com")
    sign_in(client, person)
    assert client.get("/").response.headers["Cache-Control"] == "no-store"  # the back button asks again
    # A request sent, recorded with the kiosk's place, its confirmation offered to print.
    definition = forms_engine_definition(app, "missed-bin")
    walked = walk(client, definition)
    assert not any(page.soup.find("button", {"value": "save"}) for page in walked)  # no drafts on a kiosk
    send(client, definition, local_stripe)
    case = db.session.scalar(sa.select(Case))
    assert (case.user_id, case.channel, case.place_id) == (person.id, Channel.ONLINE, place.id)
    confirmation = client.get("/services/missed-bin/confirmation")
    assert confirmation.soup.find("button", attrs={"data-print-page": True})
    # A form left half done, with a file sent on it.
    page = answer_until(client, definition_of(app, "alternative-formats"), "letter-copy")
    upload(client, page, photo_with_location(), "letter.jpg", expect=302)
    journey = db.session.scalar(sa.select(FormJourney).where(FormJourney.case_id.is_(None)))
    path = stored_file(app, journey.answers["letter_copy"])
    assert path.is_file()

    finished = client.post("/kiosk/finish", {"csrf_token": client.get("/").csrf_token()}, expect=302)
    assert finished.location == "/"
    assert finished.response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert "Everything has been cleared. The next person can start." in client.follow(finished).text

    # The next person.
    assert client.get("/account/", expect=302).location.startswith("/sign-in")
    assert client.get("/account/requests", expect=302).location.startswith("/sign-in")
    assert client.get("/services/missed-bin/confirmation", expect=302).location == "/services/missed-bin"
    assert (
        client.get("/services/alternative-formats/check-answers", expect=302).location
        == "/services/alternative-formats"
    )
    letter_page = client.get("/services/alternative-formats/letter-copy", expect=None)
    assert "letter.jpg" not in letter_page.text
    assert db.session.scalar(sa.select(sa.func.count(FormJourney.id)).where(FormJourney.case_id.is_(None))) == 0
    assert not path.exists()
    assert case.reference not in client.get("/").text


def test_the_server_clears_an_idle_kiosk_session_without_javascript(app, client, admin, place):
    enrol(client, admin, place)
    person = make_user()
    sign_in(client, person)
    assert client.get("/account/").status == 200
    with client.raw.session_transaction() as session:
        session["kiosk_seen"] -= app.config["KIOSK_IDLE_MINUTES"] * 60 + 1
    cleared = client.get("/account/", expect=302)
    assert cleared.location == "/"
    assert "Nothing happened for a while, so everything was cleared for the next person." in client.follow(cleared).text
    assert client.get("/account/", expect=302).location.startswith("/sign-in")


def test_the_warning_and_still_here_on_a_kiosk(client, admin, place):
    enrol(client, admin, place)
    home = client.get("/")
    warning = home.soup.select_one("[data-module=doorstep-timeout-warning]")
    assert int(warning["data-idle-seconds"]) > int(warning["data-warning-seconds"]) > 0
    assert warning.find("dialog").find("h2").get_text() == "Are you still there?"
    client.post("/kiosk/still-here", {"csrf_token": home.csrf_token()}, expect=204)
    client.post("/kiosk/still-here", {}, expect=400)  # no CSRF token
    client.post("/kiosk/finish", {}, expect=400)


def test_personal_fields_have_autocomplete_off_on_a_kiosk(client, admin, place):
    plain = client.get("/sign-in")
    assert plain.soup.find("input", id="email")["autocomplete"] == "email"
    enrol(client, admin, place)
    page = client.get("/sign-in")
    fields = page.soup.select("main input:not([type=hidden])")
    assert fields and all(field.get("autocomplete") == "off" for field in fields)


def test_a_revoked_or_forged_kiosk_cookie_makes_an_ordinary_browser(app, client, admin, place):
    enrol(client, admin, place)
    kiosk = db.session.scalar(sa.select(Kiosk))
    other = app.test_client()
    from tests.pages import PageClient

    admin_client = PageClient(other)
    sign_in(admin_client, admin)
    assert admin_client.get(f"/admin/kiosks/{kiosk.id}/revoke").h1 == "Revoke By the front desk?"
    revoked = admin_client.submit(f"/admin/kiosks/{kiosk.id}/revoke")
    assert revoked.location == KIOSKS
    assert "By the front desk is no longer a kiosk." in admin_client.follow(revoked).text
    admin_client.get(f"/admin/kiosks/{kiosk.id}/revoke", expect=404)
    page = client.get("/")
    assert page.soup.select_one(".doorstep-kiosk-banner") is None
    assert any(value.startswith("doorstep_kiosk=;") for value in page.response.headers.getlist("Set-Cookie"))
    client.post("/kiosk/finish", {"csrf_token": client.get("/sign-in").csrf_token()}, expect=404)

    client.raw.set_cookie("doorstep_kiosk", "forged-value")
    assert client.get("/").soup.select_one(".doorstep-kiosk-banner") is None
