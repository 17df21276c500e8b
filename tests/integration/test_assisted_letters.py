"""Confirmations by post for people helped by a volunteer: chosen when their consent is recorded,
to the address on their account or one given for someone without an account, queued as a letter."""

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AssistedSession, Case, MessageChannel, OutboundMessage, PlaceKind, Role
from app.services import messages, places
from tests.conftest import count
from tests.factories import make_user, sign_in
from tests.form_walk import send, walk
from tests.integration.test_assisted import START
from tests.integration.test_form_engine import forms_engine_definition

pytestmark = pytest.mark.db


@pytest.fixture
def people(database):
    admin = make_user(role=Role.ADMIN)
    place = places.create(name="Northgate Library", name_cy=None, kind=PlaceKind.LIBRARY, ward=None, created_by=admin)
    volunteer = make_user(role=Role.VOLUNTEER, full_name="Val Volunteer", email="val@example.com")
    places.add_volunteer(place, "val@example.com", added_by=admin)
    resident = make_user(
        full_name="Rita Rowe",
        email="rita@example.com",
        address_line_1="12 Acacia Avenue",
        address_town="Demoton",
        address_postcode="DM1 1AB",
    )
    db.session.commit()
    return place, volunteer, resident


def test_a_person_who_chose_post_gets_their_confirmation_as_a_letter_to_their_accounts_address(
    app, client, people, local_stripe, tmp_path
):
    place, volunteer, resident = people
    sign_in(client, volunteer)
    client.submit(START, {"name": "rita", "postcode": "dm11ab", "email": ""})
    client.submit("/help/choose", {"person": str(resident.id)})
    consent = client.get("/help/consent")
    assert "By post, to the address on their account" in consent.text
    assert "12 Acacia Avenue" not in consent.text and consent.soup.find("input", {"name": "address_line_1"}) is None
    recorded = client.submit(
        "/help/consent", {"given": "in_person", "services": ["missed-bin"], "lasts": "visit", "confirmations": "post"}
    )
    assert recorded.location == START, recorded.error_summary
    helping = db.session.scalar(sa.select(AssistedSession))
    assert helping.confirm_by_post and helping.postal_address is None

    definition = forms_engine_definition(app, "missed-bin")
    walk(client, definition)
    send(client, definition, local_stripe)
    case = db.session.scalar(sa.select(Case))
    assert case.contact_address == "Rita Rowe\n12 Acacia Avenue\nDemoton\nDM1 1AB"
    letter = db.session.scalar(sa.select(OutboundMessage))
    assert (letter.channel, letter.recipient, letter.case_id) == (MessageChannel.LETTER, case.contact_address, case.id)
    assert case.reference in letter.body and letter.language == case.language
    assert count(OutboundMessage) == 1  # a letter instead of the email, not as well

    sent = messages.deliver_due(messages.FileBackend(tmp_path), max_attempts=3)
    assert sent["sent"] == 1
    written = json.loads(next(tmp_path.glob("*-letter.json")).read_text())
    assert written["address_lines"] == ["Rita Rowe", "12 Acacia Avenue", "Demoton", "DM1 1AB"]


def test_someone_without_an_account_gives_an_address_for_their_letters(app, client, people, local_stripe):
    place, volunteer, resident = people
    sign_in(client, volunteer)
    form = {"person_name": "Gwen Guest", "given": "telephone", "services": ["missed-bin"], "lasts": "visit"}
    missing = client.submit("/help/consent?who=guest", form | {"confirmations": "post"})
    assert missing.error_for("address_line_1") == "Enter the first line of their address, for their letters"
    assert missing.error_for("address_town") == "Enter their town or city, for their letters"
    assert missing.error_for("address_postcode") == "Enter their postcode, for their letters"
    hostile = client.submit(
        "/help/consent?who=guest",
        form
        | {
            "confirmations": "post",
            "address_line_1": "<script>",
            "address_town": "Demoton",
            "address_postcode": "nowhere",
        },
    )
    assert hostile.error_for("address_line_1") == "Their address must not include < or >"
    assert hostile.error_for("address_postcode") == "Enter a real postcode, like DM1 1AA"
    forged = client.submit("/help/consent?who=guest", form | {"confirmations": "pigeon"})
    assert forged.error_for("confirmations") == "Select how they want their confirmations"
    assert count(AssistedSession) == 0

    recorded = client.submit(
        "/help/consent?who=guest",
        form
        | {
            "confirmations": "post",
            "address_line_1": "3 Mill Lane",
            "address_line_2": "",
            "address_town": "Demoton",
            "address_postcode": "dm1 2ab",
        },
    )
    assert recorded.location == START, recorded.error_summary
    helping = db.session.scalar(sa.select(AssistedSession))
    assert helping.postal_address == "Gwen Guest\n3 Mill Lane\nDemoton\nDM1 2AB"
    staff = type(client)(app.test_client())
    sign_in(staff, make_user(role=Role.STAFF, email="sam@example.com"))
    audit = staff.get(f"/staff/assisted/{helping.id}")
    row = audit.soup.find("dt", string=lambda text: text and text.strip() == "Confirmations").find_next("dd")
    assert row.get_text(strip=True) == "By post"
    definition = forms_engine_definition(app, "missed-bin")
    walk(client, definition)
    send(client, definition, local_stripe)
    letter = db.session.scalar(sa.select(OutboundMessage))
    assert (letter.channel, letter.recipient) == (MessageChannel.LETTER, helping.postal_address)


def test_an_address_given_when_email_was_chosen_is_not_kept(client, people):
    place, volunteer, resident = people
    sign_in(client, volunteer)
    recorded = client.submit(
        "/help/consent?who=guest",
        {
            "person_name": "Gwen Guest",
            "given": "telephone",
            "services": ["missed-bin"],
            "lasts": "visit",
            "confirmations": "messages",
            "address_line_1": "3 Mill Lane",
            "address_town": "Demoton",
            "address_postcode": "DM1 2AB",
        },
    )
    assert recorded.location == START
    helping = db.session.scalar(sa.select(AssistedSession))
    assert (helping.confirm_by_post, helping.postal_address) == (False, None)


def test_a_person_whose_account_has_no_address_gives_one(client, people):
    place, volunteer, resident = people
    make_user(full_name="Nia Noaddress", email="nia@example.com")
    db.session.commit()
    sign_in(client, volunteer)
    client.submit(START, {"email": "nia@example.com"})
    nia = db.session.scalar(sa.select(type(resident)).where(type(resident).email == "nia@example.com"))
    client.submit("/help/choose", {"person": str(nia.id)})
    consent = client.get("/help/consent")
    assert consent.soup.find("input", {"name": "address_line_1"}) is not None
    assert "their account has no address" in consent.text
    recorded = client.submit(
        "/help/consent",
        {
            "given": "in_person",
            "services": ["missed-bin"],
            "lasts": "visit",
            "confirmations": "post",
            "address_line_1": "9 Quay Street",
            "address_town": "Demoton",
            "address_postcode": "DM1 3AB",
        },
    )
    assert recorded.location == START, recorded.error_summary
    helping = db.session.scalar(sa.select(AssistedSession))
    assert helping.postal_address == "Nia Noaddress\n9 Quay Street\nDemoton\nDM1 3AB"
