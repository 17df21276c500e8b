import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuthSession, OutboundMessage, User, utcnow
from tests.conftest import count
from tests.factories import PASSWORD, make_user, sign_in

pytestmark = pytest.mark.db


def latest_message(recipient: str) -> OutboundMessage:
    return db.session.scalars(
        sa.select(OutboundMessage).where(OutboundMessage.recipient == recipient).order_by(OutboundMessage.id.desc())
    ).first()


def link_in(message: OutboundMessage) -> str:
    return re.search(r"http://localhost(/\S+)", message.body).group(1)


def test_register_verify_and_sign_in(client):
    page = client.submit(
        "/create-account", {"full_name": "Rhian Evans", "email": " Rhian@Example.com ", "password": PASSWORD}
    )
    assert page.location == "/check-your-email/verify"
    user = db.session.scalar(sa.select(User).where(User.email == "rhian@example.com"))
    assert user.email_verified_at is None

    message = latest_message("rhian@example.com")
    assert message.subject == "Confirm your email address"
    verified = client.follow(client.get(link_in(message), expect=302))
    assert "Your email address is confirmed" in verified.text
    db.session.refresh(user)
    assert user.email_verified_at is not None

    signed_in = client.follow(client.submit("/sign-in", {"email": "rhian@example.com", "password": PASSWORD}))
    assert signed_in.h1 == "Your account"
    assert count(AuthSession, AuthSession.user_id == user.id) == 1


def test_register_with_a_taken_email_looks_the_same_and_tells_the_owner(client):
    owner = make_user(email="taken@example.com")
    page = client.submit(
        "/create-account", {"full_name": "Someone", "email": "taken@example.com", "password": PASSWORD}
    )
    assert page.location == "/check-your-email/verify"
    assert count(User, User.email == "taken@example.com") == 1
    assert latest_message(owner.email).template == "account_exists"


def test_register_errors_are_specific_and_keep_what_was_typed(client):
    page = client.submit("/create-account", {"full_name": "", "email": "not-an-email", "password": "short"})
    assert page.status == 200
    assert page.title.startswith("Error: Create an account")
    assert page.error_for("full_name") == "Enter your full name"
    assert page.error_for("email") == "Enter an email address in the correct format, like name@example.com"
    assert page.error_for("password") == "Password must be at least 10 characters"
    assert page.value_of("email") == "not-an-email"
    assert page.soup.select_one(".govuk-error-summary a")["href"] == "#full_name"


def test_wrong_password_and_unknown_email_get_the_same_message(client):
    make_user(email="known@example.com")
    wrong = client.submit("/sign-in", {"email": "known@example.com", "password": "not the password"})
    unknown = client.submit("/sign-in", {"email": "nobody@example.com", "password": "not the password"})
    assert wrong.error_summary == unknown.error_summary == ["Enter a correct email address and password"]


def test_unverified_account_is_sent_a_new_link_instead_of_signing_in(client):
    user = make_user(verified=False)
    page = client.submit("/sign-in", {"email": user.email, "password": PASSWORD})
    assert page.location == "/check-your-email/verify"
    assert latest_message(user.email).template == "verify_email"
    client.get("/account/", expect=302)


@pytest.mark.parametrize(
    ("next_page", "expected"),
    [
        ("/account/phone", "/account/phone"),
        ("//evil.example/", "/account/"),
        ("https://evil.example/", "/account/"),
        ("/\\evil.example", "/account/"),
        ("javascript:alert(1)", "/account/"),
    ],
)
def test_sign_in_only_redirects_within_the_site(client, next_page, expected):
    user = make_user()
    token = client.get("/sign-in").csrf_token()
    page = client.post(
        "/sign-in", {"csrf_token": token, "email": user.email, "password": PASSWORD}, query_string={"next": next_page}
    )
    assert page.location == expected


def test_sign_in_starts_a_fresh_session(client):
    user = make_user()
    with client.raw.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, user)
    with client.raw.session_transaction() as session:
        assert "planted" not in session


def test_sign_out_ends_the_sign_in_so_a_copied_cookie_stops_working(app, client):
    user = make_user()
    sign_in(client, user)
    stolen = client.raw.get_cookie("doorstep_session").value
    page = client.submit("/sign-out", from_url="/account/")
    assert page.location == "/signed-out"
    assert count(AuthSession, AuthSession.user_id == user.id) == 0

    replay = app.test_client()
    replay.set_cookie("doorstep_session", stolen)
    assert replay.get("/account/").status_code == 302


def test_sign_out_of_all_devices(app, client):
    user = make_user()
    other_device = type(client)(app.test_client())
    sign_in(client, user)
    sign_in(other_device, user)
    other_device.get("/account/")
    assert count(AuthSession, AuthSession.user_id == user.id) == 2

    client.submit("/account/sign-out-everywhere", from_url="/account/")
    assert count(AuthSession, AuthSession.user_id == user.id) == 0
    other_device.get("/account/", expect=302)


def test_idle_sessions_expire(app, client):
    user = make_user()
    sign_in(client, user)
    client.get("/account/")
    idle = app.config["SESSION_IDLE_MINUTES"]
    db.session.execute(sa.update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=idle + 1)))
    db.session.commit()
    page = client.get("/account/", expect=302)
    assert page.location.startswith("/sign-in")


def test_password_reset_works_once_and_signs_out_everywhere(client):
    user = make_user(email="reset@example.com")
    sign_in(client, user)
    client.submit("/sign-out", from_url="/account/")
    sign_in(client, user)

    page = client.submit("/forgotten-password", {"email": "reset@example.com"})
    assert page.location == "/check-your-email/reset"
    link = link_in(latest_message("reset@example.com"))
    done = client.submit(link, {"password": "a brand new password"})
    assert done.location == "/sign-in"
    assert count(AuthSession, AuthSession.user_id == user.id) == 0
    client.get(link, expect=400)  # used once
    assert sign_in(client, user, "a brand new password").location == "/account/"


def test_forgotten_password_for_unknown_email_sends_nothing_and_looks_the_same(client):
    before = count(OutboundMessage)
    page = client.submit("/forgotten-password", {"email": "ghost@example.com"})
    assert page.location == "/check-your-email/reset"
    assert count(OutboundMessage) == before


def test_forged_and_tampered_links_are_refused(client):
    client.get("/verify-email/not-a-real-token", expect=400)
    client.get("/reset-password/not-a-real-token", expect=400)
    client.get("/verify-email/" + "x" * 5000, expect=400)


def test_post_without_csrf_token_gets_the_form_expired_page(client):
    page = client.post("/sign-in", {"email": "a@example.com", "password": "whatever"}, expect=400)
    assert page.h1 == "This form has expired"
