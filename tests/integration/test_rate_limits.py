import pytest

from app import create_app
from tests.pages import PageClient
from tests.settings import app_overrides, isolated_environ

pytestmark = pytest.mark.db


def test_sign_in_is_rate_limited_without_saying_whether_the_account_exists(app, tmp_path):
    limited = create_app(
        app_overrides(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"], AUTH_RATE_LIMIT="3 per minute"),
        environ=isolated_environ(tmp_path),
    )
    client = PageClient(limited.test_client())
    statuses = []
    for _ in range(5):
        token = client.get("/sign-in").csrf_token()
        page = client.post("/sign-in", {"csrf_token": token, "email": "x@example.com", "password": "wrong password"})
        statuses.append(page.status)
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    assert page.h1 == "Too many attempts"
