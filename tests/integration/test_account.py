import json
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AlternativeFormat, AuthSession, ContactMethod, OutboundMessage, User
from app.services import gazetteer
from tests.conftest import count
from tests.factories import PASSWORD, make_user, sign_in

pytestmark = pytest.mark.db


@pytest.fixture
def resident(client):
    user = make_user(email="me@example.com", full_name="Rhian Evans")
    sign_in(client, user)
    return user


@pytest.fixture
def demo_gazetteer(app, database):
    with app.app_context():
        gazetteer.import_csv(gazetteer_csv())
        db.session.commit()


def gazetteer_csv():
    from app.services.demo import DEMO_GAZETTEER

    return DEMO_GAZETTEER


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_overview_shows_details_with_change_links(client, resident):
    page = client.get("/account/")
    assert "Rhian Evans" in page.text
    assert "me@example.com" in page.text
    hidden = [
        span.get_text(strip=True) for span in page.soup.select(".govuk-summary-list__actions .govuk-visually-hidden")
    ]
    assert "name" in hidden and "address" in hidden


def test_change_name_keeps_markup_as_text(client, resident):
    client.submit("/account/name", {"full_name": "<script>alert(1)</script> Evans"})
    page = client.get("/account/")
    assert "<script>alert(1)</script>" not in page.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Evans" in page.html


def test_phone_is_validated_and_stored_in_international_form(client, resident):
    bad = client.submit("/account/phone", {"phone": "12345"})
    assert bad.error_for("phone") == "Enter a UK phone number, like 01632 960 001 or 07700 900 982"
    assert bad.value_of("phone") == "12345"
    client.submit("/account/phone", {"phone": "07911 123456"})
    assert reload(resident).phone == "+447911123456"


def test_the_numbers_the_phone_error_gives_as_examples_are_accepted(client, resident):
    for example, stored in (("07700 900 982", "+447700900982"), ("01632 960 001", "+441632960001")):
        page = client.submit("/account/phone", {"phone": example}, expect=302)
        assert page.location == "/account/" and reload(resident).phone == stored
    # Ofcom's drama ranges only: the numbers either side of them are still refused.
    refused = client.submit("/account/phone", {"phone": "07700 901 000"}, expect=200)
    assert refused.error_for("phone").startswith("Enter a UK phone number")


def test_address_by_postcode_from_the_gazetteer(client, resident, demo_gazetteer):
    page = client.submit("/account/address", {"postcode": "dm1 1ab"})
    assert page.location == "/account/address/select?postcode=DM1+1AB"
    select = client.get(page.location)
    options = select.soup.select("select#uprn option")
    assert options[0].get_text(strip=True) == "10 addresses found"
    chosen = options[2]["value"]
    client.submit(page.location, {"uprn": chosen})
    user = reload(resident)
    assert user.uprn == int(chosen)
    assert user.address_ward == "Central"
    assert user.address_postcode == "DM1 1AB"


def test_forged_address_choice_is_refused(client, resident, demo_gazetteer):
    page = client.submit("/account/address/select?postcode=DM1+1AB", {"uprn": "999999"})
    assert page.error_for("uprn") == "Select your address from the list"
    assert reload(resident).uprn is None


def test_unknown_postcode_offers_manual_entry(client, resident, demo_gazetteer):
    page = client.get("/account/address/select?postcode=ZZ9+9ZZ")
    assert page.h1 == "We could not find an address for that postcode"
    assert page.soup.find("a", href="/account/address/manual")


def test_manual_address(client, resident):
    bad = client.submit("/account/address/manual", {"line_1": "1 Oak Road", "town": "", "postcode": "nope"})
    assert bad.error_for("town") == "Enter town or city"
    assert bad.error_for("postcode") == "Enter a full UK postcode, like DM1 1AB"
    assert bad.value_of("line_1") == "1 Oak Road"
    client.submit("/account/address/manual", {"line_1": "1 Oak Road", "town": "Cardiff", "postcode": "cf101aa"})
    user = reload(resident)
    assert (user.address_line_1, user.address_postcode, user.uprn) == ("1 Oak Road", "CF10 1AA", None)


def test_text_message_needs_a_phone_number(client, resident):
    page = client.submit("/account/contact-preferences", {"method": "sms"})
    assert page.error_for("method") == "Add a mobile phone number to your account before choosing text message"
    client.submit("/account/phone", {"phone": "07911 123456"})
    client.submit("/account/contact-preferences", {"method": "sms"})
    assert reload(resident).contact_method is ContactMethod.SMS


def test_large_print_needs_a_point_size(client, resident):
    page = client.submit("/account/format", {"alternative_format": "large_print", "point_size": ""})
    assert page.error_for("point_size") == "Enter the print size you need, like 18"
    page = client.submit("/account/format", {"alternative_format": "large_print", "point_size": "٣"})
    assert page.error_for("point_size") == "Print size must be a whole number, like 18"
    client.submit("/account/format", {"alternative_format": "large_print", "point_size": "18"})
    user = reload(resident)
    assert (user.alternative_format, user.large_print_point_size) == (AlternativeFormat.LARGE_PRINT, 18)


def test_email_change_is_confirmed_from_the_new_address(client, resident):
    wrong = client.submit("/account/email", {"email": "new@example.com", "password": "not my password"})
    assert wrong.error_for("password") == "Your password is not correct"
    client.submit("/account/email", {"email": "new@example.com", "password": PASSWORD})
    assert reload(resident).email == "me@example.com"
    message = db.session.scalars(sa.select(OutboundMessage).where(OutboundMessage.recipient == "new@example.com")).one()
    link = re.search(r"http://localhost(/\S+)", message.body).group(1)
    client.follow(client.get(link, expect=302))
    assert reload(resident).email == "new@example.com"
    notice = db.session.scalars(sa.select(OutboundMessage).where(OutboundMessage.recipient == "me@example.com")).all()
    assert [m.template for m in notice] == ["email_changed"]


def test_change_password_signs_out_other_devices(app, client, resident):
    other = type(client)(app.test_client())
    sign_in(other, resident)
    page = client.submit("/account/password", {"current_password": PASSWORD, "new_password": "another long password"})
    assert page.location == "/account/"
    other.get("/account/", expect=302)
    client.get("/account/")
    assert count(AuthSession, AuthSession.user_id == resident.id) == 1


def test_download_my_data(client, resident):
    response = client.raw.get("/account/your-data/download")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.data)
    assert data["account"]["email"] == "me@example.com"
    assert data["account"]["full_name"] == "Rhian Evans"
    assert data["preferences"]["alternative_format"] == "none"


def test_delete_account_removes_personal_data_and_signs_out(client, resident):
    refused = client.submit("/account/delete", {"password": "wrong password"})
    assert refused.error_for("password") == "Your password is not correct"
    page = client.submit("/account/delete", {"password": PASSWORD})
    assert page.location == "/account/deleted"
    user = reload(resident)
    assert (user.email, user.full_name, user.password_hash, user.deleted_at is not None) == (
        None,
        "[deleted]",
        None,
        True,
    )
    assert count(AuthSession, AuthSession.user_id == resident.id) == 0
    pending = count(OutboundMessage, OutboundMessage.recipient == "me@example.com")
    assert pending == 0
    client.get("/account/", expect=302)


def test_requests_page_has_an_empty_state(client, resident):
    page = client.get("/account/requests")
    assert "You have not made any requests yet." in page.text


def test_language_switch_is_kept_on_the_account(client, resident):
    page = client.get("/language/cy?next=/account/phone", expect=302)
    assert page.location == "/account/phone"
    assert reload(resident).language == "cy"
    welsh = client.get("/account/phone")
    assert welsh.soup.html["lang"] == "cy"


def test_the_account_page_shows_the_email_address_itself_not_markup(client, resident):
    page = client.get("/account/")
    shown = page.soup.find("dd", class_="doorstep-break-anywhere")
    assert shown.get_text(strip=True) == resident.email and "<span" not in page.text
