import pytest

from tests.pages import PageClient

pytestmark = pytest.mark.db


def test_sign_in_is_rate_limited_without_saying_whether_the_account_exists(make_app):
    limited = make_app(AUTH_RATE_LIMIT="3 per minute")
    client = PageClient(limited.test_client())
    statuses = []
    for _ in range(5):
        token = client.get("/sign-in").csrf_token()
        page = client.post("/sign-in", {"csrf_token": token, "email": "x@example.com", "password": "wrong password"})
        statuses.append(page.status)
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    assert page.h1 == "Too many attempts"


def _sign_in_statuses(client: PageClient, forwarded_for: list[str]) -> list[int]:
    statuses = []
    for address in forwarded_for:
        headers = {"X-Forwarded-For": address}
        token = client.get("/sign-in", headers=headers).csrf_token()
        page = client.post(
            "/sign-in",
            {"csrf_token": token, "email": f"{address}@example.com", "password": "wrong password"},
            headers=headers,
        )
        statuses.append(page.status)
    return statuses


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(make_app):
    limited = make_app(AUTH_RATE_LIMIT="2 per minute")
    statuses = _sign_in_statuses(PageClient(limited.test_client()), ["192.0.2.1", "192.0.2.2", "192.0.2.3"])
    assert statuses == [200, 200, 429]


def test_behind_a_trusted_proxy_each_person_has_their_own_limit(make_app):
    limited = make_app(AUTH_RATE_LIMIT="2 per minute", TRUSTED_PROXIES=1)
    client = PageClient(limited.test_client())
    assert _sign_in_statuses(client, ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) == [200, 200, 200]
    assert _sign_in_statuses(client, ["192.0.2.1", "192.0.2.1"]) == [200, 429]


def test_sign_in_works_and_is_still_limited_while_redis_cannot_be_reached(make_app):
    from app.extensions import limiter
    from tests.local_process import free_port

    nothing_listening = f"redis://127.0.0.1:{free_port()}/0"
    limited = make_app(AUTH_RATE_LIMIT="2 per minute", RATELIMIT_STORAGE_URI=nothing_listening)
    try:
        client = PageClient(limited.test_client())
        assert _sign_in_statuses(client, ["192.0.2.9"] * 3) == [200, 200, 429]
        assert limiter._storage_dead  # Redis was tried and found unreachable: these were counted in memory
    finally:
        # The extension is one object for every app in this process: let the next app's storage be tried.
        limiter._storage_dead = False


def test_limits_for_every_page_still_apply_when_a_council_sets_them(make_app):
    """The check before every request is only left out while no limit could need it."""
    from app.extensions import limiter

    plain = make_app()
    assert limiter._check_request_limit not in plain.before_request_funcs[None]
    try:
        limited = make_app(RATELIMIT_DEFAULT="2 per minute")
        assert limiter._check_request_limit in limited.before_request_funcs[None]
        client = limited.test_client()
        assert [client.get("/accessibility").status_code for _ in range(3)] == [200, 200, 429]
    finally:
        # The extension is one object for every app in this process: the next app has no default.
        limiter.limit_manager.set_default_limits([])
