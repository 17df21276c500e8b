import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import Role
from tests.factories import make_user, sign_in
from tests.pages import PageClient
from tests.routes import all_routes, is_api, view_roles

pytestmark = pytest.mark.db


# Stripe's webhook carries no CSRF token: a signature made with the webhook secret protects it instead.
SIGNED_NOT_CSRF = {"payments.stripe_webhook"}


def test_every_post_route_refuses_a_request_without_a_csrf_token(app, client):
    sign_in(client, make_user(role=Role.ADMIN))
    post_routes = [route for route in all_routes(app) if "POST" in route.methods]
    assert len(post_routes) >= 15
    for route in post_routes:
        if is_api(app, route):
            # Other systems prove who they are with an API key, not a cookie, so APIs take no CSRF
            # token; without a key they are refused in the API's own format (test_api_keys.py).
            page = client.post(route.url(app), {"anything": "x"})
            assert page.response.mimetype != "text/html" and page.status < 500, route.rule
            continue
        if route.endpoint in SIGNED_NOT_CSRF:
            page = client.post(route.url(app), {"anything": "x"})
            assert page.status == 400, f"{route.rule} accepted a POST without a signature"
            continue
        page = client.post(route.url(app), {"anything": "x"})
        assert page.status == 400, f"{route.rule} accepted a POST without a CSRF token"
        assert page.h1 == "This form has expired"


def test_every_staff_and_admin_route_refuses_a_resident(app, client):
    sign_in(client, make_user(role=Role.RESIDENT))
    protected = [route for route in all_routes(app) if view_roles(app, route.endpoint)]
    assert {route.endpoint for route in protected} >= {"staff.dashboard", "staff.resident", "admin.users"}
    token = client.get("/account/").csrf_token()
    for route in protected:
        if "GET" in route.methods:
            assert client.get(route.url(app), expect=None).status == 403, route.rule
        if "POST" in route.methods:
            assert client.post(route.url(app), {"csrf_token": token}).status == 403, f"POST {route.rule}"


def test_admin_routes_refuse_staff(app, client):
    sign_in(client, make_user(role=Role.STAFF))
    token = client.get("/account/").csrf_token()
    for route in all_routes(app):
        roles = view_roles(app, route.endpoint)
        if roles == (Role.ADMIN,):
            if "GET" in route.methods:
                assert client.get(route.url(app), expect=None).status == 403, route.rule
            if "POST" in route.methods:
                assert client.post(route.url(app), {"csrf_token": token}).status == 403, f"POST {route.rule}"


def test_every_staff_route_is_protected(app):
    """A new route under /staff or /admin without a role check fails here."""
    for route in all_routes(app):
        if route.rule.startswith(("/staff", "/admin")):
            assert view_roles(app, route.endpoint), f"{route.rule} has no role check"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example", "http:/x"])
def test_language_switch_never_redirects_off_site(client, target):
    page = client.get("/language/cy", query_string={"next": target}, expect=302)
    assert page.location == "/"


def test_security_headers(client):
    response = client.raw.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # No camera or microphone; location only for this site's own pages ("Use my current location").
    policy = dict(part.split("=") for part in response.headers["Permissions-Policy"].split(", "))
    assert policy["camera"] == policy["microphone"] == "()" and policy["geolocation"] == "(self)"
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie or cookie == ""


def test_no_inline_script_on_any_page(client):
    page = client.get("/")
    for script in page.soup.find_all("script"):
        assert script.get("src"), "inline script would need 'unsafe-inline'"


hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=string.printable, max_size=5000),
    st.sampled_from(
        ["<script>alert(1)</script>", "\x00", "' OR 1=1 --", "%00", "\u202e", "😀" * 50, "a" * 100_000, "{{7*7}}"]
    ),
)
ACCOUNT_FORMS = {
    "/create-account": ["full_name", "email", "password"],
    "/sign-in": ["email", "password"],
    "/forgotten-password": ["email"],
    "/account/name": ["full_name"],
    "/account/phone": ["phone"],
    "/account/email": ["email", "password"],
    "/account/password": ["current_password", "new_password"],
    "/account/address": ["postcode"],
    "/account/address/manual": ["line_1", "line_2", "town", "postcode"],
    "/account/contact-preferences": ["method"],
    "/account/format": ["alternative_format", "point_size", "format_language"],
    "/account/delete": ["password"],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=st.sampled_from(sorted(ACCOUNT_FORMS)), values=st.lists(hostile_text, min_size=4, max_size=4))
def test_hostile_values_get_a_page_never_a_500(app, database, url, values):
    client = PageClient(app.test_client())
    if url.startswith("/account"):
        sign_in(client, make_user())
    token = client.get(url).csrf_token()
    data = dict(zip(ACCOUNT_FORMS[url], values, strict=False))
    response = client.raw.post(url, data={"csrf_token": token, **data})
    assert response.status_code in {200, 302, 413}, response.status_code
    if response.status_code == 200:
        html = response.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
