"""The admin pages for API keys: list, create (the secret shown once), revoke."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ApiKey, AuditEvent, Role
from app.services import api_keys
from tests.conftest import count
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.db

LIST = "/admin/api-keys"
NEW = "/admin/api-keys/new"


def send_new_key(client, data: dict, form_page=None):
    """Fill in the create form as a browser does: its CSRF token and its hidden attempt field."""
    form_page = form_page or client.get(NEW)
    return client.post(NEW, {"csrf_token": form_page.csrf_token(), "attempt": form_page.value_of("attempt"), **data})


@pytest.fixture
def admin(database):
    return make_user(role=Role.ADMIN, full_name="Ada Admin")


def test_an_admin_creates_a_key_and_sees_the_secret_once(client, admin):
    sign_in(client, admin)
    assert "There are no API keys yet." in client.get(LIST).text
    form_page = client.get(NEW)
    no_token = {"name": "No token", "scope": "enforcement", "attempt": form_page.value_of("attempt")}
    assert client.post(NEW, no_token, expect=400).h1 == "This form has expired"
    assert count(ApiKey) == 0
    shown = send_new_key(client, {"name": "  Handheld fleet, north ", "scope": "enforcement"}, form_page)
    assert shown.status == 200 and shown.h1 == "Copy your new API key"
    secret = shown.soup.find(id="api-key").get_text(strip=True)
    assert api_keys.KEY_PATTERN.fullmatch(secret)
    assert "Copy the key now. It will not be shown again" in shown.text
    assert f"Authorization: Bearer {secret}" in shown.text
    assert shown.response.headers["Cache-Control"] == "no-store"
    key = db.session.scalar(sa.select(ApiKey))
    assert (key.name, key.scope, key.created_by_id) == ("Handheld fleet, north", "enforcement", admin.id)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.api_key_id == key.id))
    assert (event.action, event.actor_id) == ("api_key.created", admin.id)

    listed = client.get(LIST)
    card = listed.soup.select_one(".govuk-summary-card")
    assert card.select_one(".govuk-summary-card__title").get_text(strip=True) == "Handheld fleet, north"
    card_text = card.get_text(" ", strip=True)
    for expected in (f"dsk_{key.prefix}", "Parking enforcement", "by Ada Admin", "Last used Never", "In use"):
        assert expected in card_text
    assert api_keys.authenticate("enforcement", secret).id == key.id
    db.session.commit()
    assert "Last used Never" not in client.get(LIST).text
    revoke_page = client.get(f"/admin/api-keys/{key.id}/revoke")
    assert secret not in listed.html and secret not in revoke_page.html

    # The browser's "resend" after a refresh cannot make a second key nobody has copied.
    again = send_new_key(client, {"name": "Handheld fleet, north", "scope": "enforcement"}, form_page)
    assert again.status == 302 and again.location == LIST
    assert "That form has been sent already" in client.get(LIST).text
    assert count(ApiKey) == 1

    # Each API says how its key is sent.
    shown = send_new_key(client, {"name": "FixMyStreet", "scope": "open311"})
    secret = shown.soup.find(id="api-key").get_text(strip=True)
    assert f"api_key={secret}" in shown.text and "Open311 street problem reports" in shown.text


def test_the_create_form_explains_each_mistake_and_keeps_what_was_typed(client, admin):
    sign_in(client, admin)
    empty = send_new_key(client, {})
    assert empty.error_summary == ["Enter a name for the key", "Select which API the key is for"]
    assert empty.title.startswith("Error: ")

    cases = [
        ({"name": "x" * 101, "scope": "enforcement"}, "Name must be 100 characters or fewer"),
        ({"name": "x" * 100_000, "scope": "open311"}, "Name must be 100 characters or fewer"),
        ({"name": "<script>alert(1)</script>", "scope": "enforcement"}, "Name must not include < or >"),
        ({"name": "Fleet\x00north", "scope": "enforcement"}, "Remove any special characters, like tabs or line breaks"),
        ({"name": "   ", "scope": "enforcement"}, "Enter a name for the key"),
    ]
    for data, message in cases:
        page = send_new_key(client, data)
        assert page.status == 200 and page.error_for("name") == message, (data["name"][:20], page.error_summary)
        assert "<script>alert(1)</script>" not in page.html
        if data["name"].strip() and "\x00" not in data["name"]:
            assert page.value_of("name") == data["name"], "what was typed is kept"
        assert page.soup.find("input", {"name": "scope", "value": data["scope"]}).has_attr("checked")
    forged = send_new_key(client, {"name": "Fleet", "scope": "admin"})
    assert forged.error_for("scope") == "Select which API the key is for"
    assert count(ApiKey) == 0


def test_odd_but_harmless_names_are_kept_exactly_and_shown_safely(client, admin):
    sign_in(client, admin)
    names = ["' OR 1=1 --", "{{7*7}}", "\u202eelif", "😀" * 25, "Fflyd y De, Ynys Môn & Gŵyr"]
    for name in names:
        shown = send_new_key(client, {"name": name, "scope": "enforcement"})
        assert shown.status == 200, shown.error_summary
    assert set(db.session.scalars(sa.select(ApiKey.name))) == set(names)
    titles = [title.get_text(strip=True) for title in client.get(LIST).soup.select(".govuk-summary-card__title")]
    assert sorted(titles) == sorted(names)


def test_revoking_asks_first_then_stops_the_key_and_twice_is_harmless(client, admin):
    created = api_keys.create("Handheld fleet, south", "enforcement", created_by=admin)
    db.session.commit()
    url = f"/admin/api-keys/{created.key.id}/revoke"
    sign_in(client, admin)
    confirm = client.get(url)
    assert confirm.h1 == "Are you sure you want to revoke this API key?"
    assert "Handheld fleet, south" in confirm.text and "will stop working at once" in confirm.text
    token = confirm.csrf_token()
    assert client.post(url, {}, expect=400).h1 == "This form has expired"
    db.session.expire_all()
    assert api_keys.authenticate("enforcement", created.secret) is not None
    done = client.post(url, {"csrf_token": token}, expect=302)
    assert done.location == LIST
    listed = client.get(LIST)
    assert "API key Handheld fleet, south revoked." in listed.text
    assert "Revoked" in listed.soup.select_one(".govuk-summary-card").get_text(" ", strip=True)
    assert not listed.soup.select(".govuk-summary-card__actions a"), "a revoked key has nothing to revoke"
    db.session.expire_all()  # the revoke happened in the request's own session
    assert api_keys.authenticate("enforcement", created.secret) is None

    twice = client.post(url, {"csrf_token": token}, expect=302)
    assert "API key Handheld fleet, south was already revoked." in client.get(twice.location).text
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.api_key_id == created.key.id, AuditEvent.actor_id == admin.id)
    ).all()
    assert sorted(actions) == ["api_key.created", "api_key.revoked"]
    after = client.get(url)
    assert after.h1 == "This API key has been revoked" and "by Ada Admin" in after.text
    assert not after.soup.select("main form")
    client.get("/admin/api-keys/999999/revoke", expect=404)
    client.post("/admin/api-keys/999999/revoke", {"csrf_token": token}, expect=404)


def test_only_admins_see_or_change_keys(client, database):
    created = api_keys.create("Handheld fleet, east", "enforcement", created_by=None)
    db.session.commit()
    revoke = f"/admin/api-keys/{created.key.id}/revoke"
    token = client.get("/sign-in").csrf_token()
    for url in (LIST, NEW, revoke):
        page = client.get(url, expect=302)
        assert page.location.startswith("/sign-in?next=")
    for url in (NEW, revoke):
        assert client.post(url, {"csrf_token": token, "name": "x", "scope": "enforcement"}, expect=302)
    for role in (Role.STAFF, Role.RESIDENT):
        sign_in(client, make_user(role=role))
        token = client.get("/account/").csrf_token()
        for url in (LIST, NEW, revoke):
            client.get(url, expect=403)
        for url in (NEW, revoke):
            client.post(url, {"csrf_token": token, "name": "x", "scope": "enforcement"}, expect=403)
        client.post("/sign-out", {"csrf_token": token})
    assert count(ApiKey) == 1
    assert api_keys.authenticate("enforcement", created.secret) is not None


def test_the_pages_in_welsh(client, admin):
    sign_in(client, admin)
    client.raw.set_cookie("doorstep_language", "cy")
    assert client.get(LIST).h1 == "Allweddi API"
    empty = send_new_key(client, {})
    assert empty.title.startswith("Gwall: ")
    assert empty.error_for("name") == "Rhowch enw i'r allwedd"
    shown = send_new_key(client, {"name": "Fflyd y gogledd", "scope": "enforcement"})
    assert shown.h1 == "Copïwch eich allwedd API newydd"
    assert "Gorfodi parcio" in shown.text
