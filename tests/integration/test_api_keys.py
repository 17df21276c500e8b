"""API keys: the service (create, revoke, authenticate, "last used") and the mechanism every API
uses (app/api), through a test-only API registered on a test app."""

import itertools
import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from app.api import api_key_required
from app.extensions import db
from app.models import ApiKey, AuditEvent, Role, User, utcnow
from app.services import api_keys, demo, passwords
from app.services.api_keys import Refusal
from tests.api_app import BEARER_PREFIX, GUARDED_PREFIX, PARAMETER_PREFIX, RequestLog, register_test_apis
from tests.conftest import count
from tests.settings import app_overrides, isolated_environ

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def api_app(app, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api")
    made = create_app(
        app_overrides(tmp, app.config["SQLALCHEMY_DATABASE_URI"], STRIPE_API_BASE=app.config["STRIPE_API_BASE"]),
        environ=isolated_environ(tmp),
    )
    register_test_apis(made)
    yield made
    with made.app_context():
        db.engine.dispose()


@pytest.fixture
def api(api_app, database):
    return api_app.test_client()


@pytest.fixture
def request_log():
    logger = logging.getLogger("doorstep.requests")
    handler, level = RequestLog(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def make_admin() -> User:
    """An administrator without a password: these tests never sign in, and hashing one is slow."""
    number = next(_admins)
    user = User(email=f"keys-admin{number}@example.com", full_name=f"Key Admin {number}", role=Role.ADMIN)
    db.session.add(user)
    db.session.commit()
    return user


_admins = itertools.count(1)


@pytest.fixture
def admin(database):
    return make_admin()


def new_key(admin, scope=api_keys.ENFORCEMENT, name="Handheld fleet, north") -> api_keys.NewKey:
    created = api_keys.create(name, scope, created_by=admin)
    db.session.commit()
    return created


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def assert_api_error(response, status: int, error: str | None = None):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json", response.mimetype
    assert b"<html" not in response.data.lower()
    if error is not None:
        assert response.json["error"] == error


# The service


def test_a_new_key_is_returned_once_and_only_its_hash_is_stored(admin):
    created = new_key(admin)
    assert api_keys.KEY_PATTERN.fullmatch(created.secret)
    assert created.secret.startswith(f"dsk_{created.key.prefix}_")
    random_part = created.secret.split("_", 2)[2]
    row = db.session.execute(sa.text("SELECT * FROM api_keys WHERE id = :id"), {"id": created.key.id}).one()
    stored = " ".join(str(value) for value in row)
    assert created.secret not in stored and random_part not in stored
    assert created.key.secret_hash == api_keys.hash_secret(created.secret) != created.secret
    assert created.secret not in repr(created.key)
    # A second key is a different secret with a different prefix.
    other = new_key(admin)
    assert other.secret != created.secret and other.key.prefix != created.key.prefix


def test_creating_a_key_is_audited_with_the_admin(admin):
    created = new_key(admin)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.api_key_id == created.key.id))
    assert (event.action, event.actor_id) == ("api_key.created", admin.id)
    assert created.key.created_by_id == admin.id and created.key.created_at is not None


def test_authenticate_gives_the_key_only_for_its_own_scope_while_not_revoked(admin):
    created = new_key(admin)
    assert api_keys.authenticate(api_keys.ENFORCEMENT, created.secret).id == created.key.id
    assert api_keys.authenticate(api_keys.OPEN311, created.secret) is None
    api_keys.revoke(created.key, revoked_by=admin)
    assert api_keys.authenticate(api_keys.ENFORCEMENT, created.secret) is None


@pytest.mark.parametrize(
    ("presented", "refusal"),
    [
        (None, Refusal.MISSING),
        ("", Refusal.MISSING),
        ("nonsense", Refusal.MALFORMED),
        ("dsk_ABCDEFGH_" + "a" * 43, Refusal.MALFORMED),  # prefixes are lower case
        ("dsk_12345678_" + "a" * 42, Refusal.MALFORMED),
        ("dsk_12345678_" + "a" * 43 + "\n", Refusal.MALFORMED),
        ("dsk_12345678_" + "a" * 100_000, Refusal.MALFORMED),
        ("dsk_12345678_" + "a" * 43, Refusal.UNKNOWN),
    ],
)
def test_authenticate_refuses_missing_malformed_and_unknown_keys(database, presented, refusal):
    result = api_keys.check(api_keys.ENFORCEMENT, presented)
    assert (result.key, result.refusal, result.refused_key_id) == (None, refusal, None)


def test_the_right_prefix_with_the_wrong_secret_is_unknown_and_not_attributed_to_the_key(admin):
    created = new_key(admin)
    forged = created.secret[:-1] + ("A" if created.secret[-1] != "A" else "B")
    result = api_keys.check(api_keys.ENFORCEMENT, forged)
    assert (result.key, result.refusal, result.refused_key_id) == (None, Refusal.UNKNOWN, None)


def test_revoked_and_wrong_scope_refusals_name_the_key_for_the_log(admin):
    created = new_key(admin)
    assert api_keys.check(api_keys.OPEN311, created.secret).refused_key_id == created.key.id
    api_keys.revoke(created.key, revoked_by=admin)
    result = api_keys.check(api_keys.ENFORCEMENT, created.secret)
    assert (result.refusal, result.refused_key_id) == (Refusal.REVOKED, created.key.id)


def test_last_used_is_written_at_most_once_a_minute(admin):
    created = new_key(admin)
    assert created.key.last_used_at is None
    updates = []

    def count_updates(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE API_KEYS"):
            updates.append(statement)

    start = utcnow()
    connection = db.session.connection()
    sa.event.listen(connection, "before_cursor_execute", count_updates)
    try:
        first = api_keys.check(api_keys.ENFORCEMENT, created.secret, now=start)
        for seconds in (1, 10, 59):
            later = api_keys.check(api_keys.ENFORCEMENT, created.secret, now=start + timedelta(seconds=seconds))
            assert later.key is not None and not later.recorded_use
        after_a_minute = api_keys.check(api_keys.ENFORCEMENT, created.secret, now=start + timedelta(seconds=61))
    finally:
        sa.event.remove(connection, "before_cursor_execute", count_updates)
    assert first.recorded_use and after_a_minute.recorded_use
    assert len(updates) == 2
    db.session.expire_all()
    assert db.session.get(ApiKey, created.key.id).last_used_at == start + timedelta(seconds=61)


def test_last_used_is_not_written_again_when_another_process_has_just_written_it(admin):
    created = new_key(admin)
    now = utcnow()
    stale_copy_in_this_process = now - timedelta(minutes=5)
    created.key.last_used_at = stale_copy_in_this_process
    db.session.flush()
    # Another web process records a use a moment ago; this session's copy still says 5 minutes.
    db.session.execute(
        sa.update(ApiKey.__table__)
        .where(ApiKey.__table__.c.id == created.key.id)
        .values(last_used_at=now - timedelta(seconds=5))
    )
    assert created.key.last_used_at == stale_copy_in_this_process
    assert not api_keys.check(api_keys.ENFORCEMENT, created.secret, now=now).recorded_use


def test_revoking_twice_is_harmless(admin):
    created = new_key(admin)
    other_admin = make_admin()
    assert api_keys.revoke(created.key, revoked_by=admin) is True
    revoked_at = created.key.revoked_at
    assert api_keys.revoke(created.key, revoked_by=other_admin) is False
    assert (created.key.revoked_at, created.key.revoked_by_id) == (revoked_at, admin.id)
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.api_key_id == created.key.id).order_by(AuditEvent.id)
    ).all()
    assert actions == ["api_key.created", "api_key.revoked"]


def test_keys_are_listed_in_use_first_then_newest(admin):
    first, second, third = (new_key(admin, name=name).key for name in ("first", "second", "third"))
    api_keys.revoke(third, revoked_by=admin)
    listed = [key.id for key in api_keys.list_keys().items if key.id in {first.id, second.id, third.id}]
    assert listed == [second.id, first.id, third.id]


def test_the_scope_registry(database):
    assert [scope.id for scope in api_keys.scopes()][:2] == ["enforcement", "open311"]
    assert (
        api_keys.register_scope(
            "enforcement",
            label=api_keys.get_scope("enforcement").label,
            usage=api_keys.get_scope("enforcement").usage,
            example=api_keys.get_scope("enforcement").example,
        )
        == "enforcement"
    )
    with pytest.raises(ValueError, match="already registered"):
        api_keys.register_scope("enforcement", label="Something else", usage="x", example="{key}")
    with pytest.raises(ValueError, match="lower-case"):
        api_keys.register_scope("Not A Scope", label="x", usage="x", example="{key}")
    with pytest.raises(ValueError, match="where the key goes"):
        api_keys.register_scope("no_example", label="x", usage="x", example="Bearer")
    with pytest.raises(LookupError):
        api_keys.get_scope("council_tax_export")
    with pytest.raises(LookupError):
        api_key_required("council_tax_export")
    assert api_keys.scope_label("gone_since") == "gone_since"


def test_a_key_needs_a_name_and_a_registered_scope(admin):
    with pytest.raises(ValueError):
        api_keys.create("   ", api_keys.ENFORCEMENT, created_by=admin)
    with pytest.raises(ValueError):
        api_keys.create("x" * 101, api_keys.ENFORCEMENT, created_by=admin)
    with pytest.raises(LookupError):
        api_keys.create("Export", "council_tax_export", created_by=admin)


def test_demo_keys_load_once_and_work(admin):
    for demo_key in demo.DEMO_API_KEYS:
        first = api_keys.create_demo_key(demo_key.name, demo_key.scope, demo_key.secret, created_by=admin)
        again = api_keys.create_demo_key(demo_key.name, demo_key.scope, demo_key.secret, created_by=admin)
        assert first.id == again.id
        assert api_keys.authenticate(demo_key.scope, demo_key.secret).id == first.id
    assert {key.scope for key in demo.DEMO_API_KEYS} == {scope.id for scope in api_keys.scopes()}
    with pytest.raises(ValueError):
        api_keys.create_demo_key("Sneaky", api_keys.ENFORCEMENT, "dsk_12345678_" + "a" * 43, created_by=admin)


def test_demo_load_prints_the_demo_keys_and_is_refused_in_production(app, database, monkeypatch):
    monkeypatch.setattr(passwords, "hash_password", lambda password: "not-a-hash")  # slow, and not tested here
    runner = app.test_cli_runner()
    with app.app_context():
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        for demo_key in demo.DEMO_API_KEYS:
            assert demo_key.secret in result.output
        app.config["ENV_NAME"] = "production"
        try:
            refused = runner.invoke(args=["demo", "load"])
        finally:
            app.config["ENV_NAME"] = "test"
    assert refused.exit_code != 0 and "never loaded in production" in refused.output


# The mechanism every API uses: app/api


def test_a_good_bearer_key_reaches_the_view_and_is_in_the_log_line(api, admin, request_log):
    created = new_key(admin)
    response = api.get(f"{BEARER_PREFIX}/whoami", headers=bearer(created.secret))
    assert response.status_code == 200
    assert response.json == {"key_id": created.key.id, "scope": "enforcement"}
    assert "no-store" in response.headers["Cache-Control"]
    line = request_log.last()
    assert line["api_key_id"] == created.key.id and line["api_scope"] == "enforcement"
    assert line["route"] == f"{BEARER_PREFIX}/whoami" and line["status"] == 200
    assert "api_refused" not in line
    assert all(created.secret not in raw and created.secret.split("_", 2)[2] not in raw for raw in request_log.raw)
    db.session.expire_all()
    assert db.session.get(ApiKey, created.key.id).last_used_at is not None


@pytest.mark.parametrize(
    ("headers", "error", "reason"),
    [
        ({}, "missing_api_key", "missing"),
        ({"Authorization": "Bearer"}, "missing_api_key", "missing"),
        ({"Authorization": "Bearer not-a-key"}, "invalid_api_key", "malformed"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "invalid_api_key", "malformed"),
        ({"Authorization": "Bearer " + "x" * 20_000}, "invalid_api_key", "malformed"),
        ({"Authorization": "Bearer <script>alert(1)</script>"}, "invalid_api_key", "malformed"),
        ({"Authorization": "Bearer dsk_00000000_" + "a" * 43}, "invalid_api_key", "unknown"),
    ],
)
def test_missing_malformed_and_unknown_keys_get_401_json(api, request_log, headers, error, reason):
    response = api.get(f"{BEARER_PREFIX}/whoami", headers=headers)
    assert_api_error(response, 401, error)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="api"')
    assert ("invalid_token" in response.headers["WWW-Authenticate"]) == (error == "invalid_api_key")
    line = request_log.last()
    assert (line["api_refused"], line["api_scope"], line["status"]) == (reason, "enforcement", 401)
    assert "api_key_id" not in line
    assert "script" not in request_log.raw[-1]


def test_revoked_and_wrong_scope_keys_get_401_json_and_the_log_names_the_key(api, admin, request_log):
    open311_key = new_key(admin, scope=api_keys.OPEN311)
    assert_api_error(api.get(f"{BEARER_PREFIX}/whoami", headers=bearer(open311_key.secret)), 401, "invalid_api_key")
    assert (request_log.last()["api_refused"], request_log.last()["api_key_id"]) == ("wrong_scope", open311_key.key.id)

    revoked = new_key(admin)
    api_keys.revoke(revoked.key, revoked_by=admin)
    db.session.commit()
    response = api.get(f"{BEARER_PREFIX}/whoami", headers=bearer(revoked.secret))
    assert_api_error(response, 401, "invalid_api_key")
    assert (
        response.json["message"]
        == api.get(f"{BEARER_PREFIX}/whoami", headers=bearer(open311_key.secret)).json["message"]
    ), "callers are not told which of the reasons it was"
    assert (request_log.lines[-2]["api_refused"], request_log.lines[-2]["api_key_id"]) == ("revoked", revoked.key.id)


def test_a_refused_call_changes_nothing(api, admin):
    before = count(User)
    assert_api_error(api.post(f"{BEARER_PREFIX}/records", headers=bearer("dsk_00000000_" + "a" * 43)), 401)
    created = new_key(admin)
    assert api.post(f"{BEARER_PREFIX}/records", headers=bearer(created.secret)).status_code == 201
    assert count(User) == before + 1


def test_a_key_sent_as_a_parameter_and_the_apis_own_refusal(api, admin, request_log):
    created = new_key(admin, scope=api_keys.OPEN311)
    response = api.post(f"{PARAMETER_PREFIX}/requests.json", data={"api_key": created.secret, "description": "x"})
    assert response.status_code == 200 and response.json["key_id"] == created.key.id
    assert request_log.last()["api_key_id"] == created.key.id
    in_query = api.post(f"{PARAMETER_PREFIX}/requests.json?api_key={created.secret}")
    assert in_query.status_code == 200
    # The API's own error shape, never the default one, and never a page.
    refused = api.post(f"{PARAMETER_PREFIX}/requests.json", data={"api_key": "wrong"})
    assert refused.status_code == 403 and refused.json == [{"code": 403, "description": "api_key is malformed"}]
    assert "WWW-Authenticate" not in refused.headers
    enforcement_key = new_key(admin)
    wrong_api = api.post(f"{PARAMETER_PREFIX}/requests.xml", data={"api_key": enforcement_key.secret})
    assert wrong_api.status_code == 403 and wrong_api.mimetype == "text/xml"
    assert b"<description>api_key is wrong_scope</description>" in wrong_api.data


def test_a_whole_blueprint_can_require_a_key(api, admin):
    assert_api_error(api.get(f"{GUARDED_PREFIX}/status"), 401, "missing_api_key")
    created = new_key(admin)
    response = api.get(f"{GUARDED_PREFIX}/status", headers=bearer(created.secret))
    assert response.status_code == 200 and response.json == {"key_id": created.key.id}
    assert "no-store" in response.headers["Cache-Control"]
    # An address under the prefix that does not exist is a JSON 404, key or no key.
    assert_api_error(api.get(f"{GUARDED_PREFIX}/nothing-here"), 404, "not_found")


def test_api_posts_need_no_csrf_token_even_with_a_signed_in_session(api, admin):
    created = new_key(admin)
    api.get("/sign-in")  # a session cookie, as a browser would have
    response = api.post(f"{BEARER_PREFIX}/records", headers=bearer(created.secret), data={"x": "1"})
    assert response.status_code == 201


def test_errors_under_an_api_prefix_are_json_never_pages(api, admin, request_log):
    created = new_key(admin)
    assert_api_error(api.get(f"{BEARER_PREFIX}/no-such-thing"), 404, "not_found")
    assert_api_error(api.get(f"{BEARER_PREFIX}/not-yours", headers=bearer(created.secret)), 404, "not_found")
    not_allowed = api.delete(f"{BEARER_PREFIX}/whoami", headers=bearer(created.secret))
    assert_api_error(not_allowed, 405, "method_not_allowed")
    assert "GET" in not_allowed.headers["Allow"]
    assert_api_error(api.post(f"{BEARER_PREFIX}/public"), 405, "method_not_allowed")
    too_big = api.post(
        f"{PARAMETER_PREFIX}/requests.json",
        data=b"api_key=" + b"x" * api.application.config["MAX_CONTENT_LENGTH"],
        content_type="application/x-www-form-urlencoded",
    )
    assert too_big.status_code == 413 and too_big.json == [{"code": 413, "description": "The request is too large."}]
    moved = api.get(f"{BEARER_PREFIX}/folder")
    assert moved.status_code == 308 and moved.headers["Location"].endswith(f"{BEARER_PREFIX}/folder/")
    assert moved.mimetype == "application/json" and moved.json["error"] == "moved"
    # The standard's own shape for an API that has one.
    xml = api.get(f"{PARAMETER_PREFIX}/services.xml")
    assert xml.status_code == 404 and xml.mimetype == "text/xml" and b"<errors>" in xml.data


def test_a_crash_in_an_api_view_is_a_json_500_and_rolls_back(api, admin, request_log):
    created = new_key(admin)
    response = api.get(f"{BEARER_PREFIX}/boom", headers=bearer(created.secret))
    assert_api_error(response, 500, "server_error")
    assert "boom" not in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "api-boom@example.com")) is None
    assert request_log.last()["api_key_id"] == created.key.id and request_log.last()["status"] == 500
    # "Last used" was committed before the view ran, so the failed call still counts as a use.
    db.session.expire_all()
    assert db.session.get(ApiKey, created.key.id).last_used_at is not None


def test_pages_outside_the_api_prefixes_are_still_pages(api):
    for path in ("/no-such-page", "/api/test/v10/whoami", "/api/test"):
        response = api.get(path)
        assert response.status_code == 404 and response.mimetype == "text/html", path


def test_every_api_route_answers_without_a_page_whatever_it_is_sent(api_app, api):
    """Every route under an API prefix, the real APIs' included when they exist, called with no key
    and with a bad one by every method it takes: an answer in the API's format, never HTML or a 500."""
    from tests.routes import all_routes, is_api

    routes = [route for route in all_routes(api_app) if is_api(api_app, route)]
    assert {route.endpoint.split(".")[0] for route in routes} >= {
        "test_bearer_api",
        "test_parameter_api",
        "test_guarded_api",
    }
    for route in routes:
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            url = route.url(api_app)
            for headers, data in (({}, {}), (bearer("dsk_00000000_" + "a" * 43), {"api_key": "<b>bad</b>"})):
                response = api.open(url, method=method, headers=headers, data=data)
                assert response.mimetype != "text/html", f"{method} {url} answered HTML"
                assert response.status_code < 500, f"{method} {url}: {response.status_code}"


def test_an_api_needs_its_own_versioned_prefix_and_one_api_per_prefix():
    from flask import Blueprint, Flask

    from app.api import register_api_blueprint

    bare = Flask(__name__)
    with pytest.raises(ValueError, match="versioned URL prefix"):
        register_api_blueprint(bare, Blueprint("no_prefix_api", __name__))
    with pytest.raises(ValueError, match="versioned URL prefix"):
        register_api_blueprint(bare, Blueprint("unversioned_api", __name__, url_prefix="/api"))
    register_api_blueprint(bare, Blueprint("first_api", __name__, url_prefix="/api/first/v1"))
    with pytest.raises(ValueError, match="two APIs"):
        register_api_blueprint(bare, Blueprint("second_api", __name__, url_prefix="/api/first/v1/"))
