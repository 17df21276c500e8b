"""The render caches (app/layout_fragments.py: the skip link, service navigation and footer kept per
language and state, and the templates' gettext bound once per render; app/component_cache.py: GOV.UK
component macros and form fields kept by their parameters) change no byte of any page:
every page the app shows, signed out and as each demo role, in English and Welsh, is the same with
the caches on (filling them, then served from them) as with them off."""

import re

import pytest

from app import component_cache
from app.layout_fragments import CSRF_PLACEHOLDER, EXTENSION_KEY
from app.services import demo
from tests.pages import PageClient
from tests.routes import all_routes, is_page

pytestmark = pytest.mark.db

# What differs between any two requests: the CSP nonce, signed CSRF tokens (three dot-separated parts,
# so an unfilled placeholder would still differ) and the API key page's one-time attempt id.
PER_REQUEST = [
    (re.compile(r'nonce="[^"]+"'), 'nonce="…"'),
    (re.compile(r'value="[\w-]+\.[\w-]+\.[\w-]+"'), 'value="csrf…"'),
    (re.compile(r'(name="attempt" type="hidden" value=)"[\w-]+"'), r'\1"…"'),
]
WHO = [None, *demo.DEMO_ACCOUNTS]


def normalised(html: str) -> str:
    for pattern, replacement in PER_REQUEST:
        html = pattern.sub(replacement, html)
    return html


@pytest.fixture
def demo_data(app, database):
    # Loaded in an app context of its own: requests must not share one (Flask-WTF keeps the signed
    # CSRF token in `g`, which would then outlive a sign-in).
    with app.app_context():
        demo.load()
        database.session.commit()


@pytest.mark.parametrize("who", WHO, ids=lambda account: account.role.value if account else "signed-out")
def test_every_page_is_the_same_byte_for_byte_with_and_without_the_caches(app, demo_data, who):
    client = PageClient(app.test_client())
    if who is not None:
        client.submit("/sign-in", {"email": who.email, "password": who.password}, expect=302)
    pages = [route.url(app) for route in all_routes(app) if is_page(app, route)] + ["/no-such-page"]
    compared = 0
    try:
        for language in ("en", "cy"):
            client.raw.set_cookie("doorstep_language", language)
            for page in pages:
                # First a request whose page is not compared: it shows any message the last page
                # left for the next (a redirect to sign in leaves "Sign in to continue").
                app.config["RENDER_CACHES"] = False
                client.raw.get(page).close()
                app.extensions[EXTENSION_KEY].clear()
                app.extensions[component_cache.EXTENSION_KEY].clear()
                shown = []
                for caches in (True, False, True):  # fills the caches, without them, from them
                    app.config["RENDER_CACHES"] = caches
                    response = client.raw.get(page)
                    shown.append((response.status_code, response.get_data(as_text=True)))
                assert CSRF_PLACEHOLDER not in shown[0][1] + shown[2][1]
                assert shown[0][0] == shown[1][0] == shown[2][0], page
                if response.mimetype == "text/html":
                    assert normalised(shown[0][1]) == normalised(shown[1][1]) == normalised(shown[2][1]), page
                    compared += 1
    finally:
        app.config["RENDER_CACHES"] = True
    assert compared > 50
    assert app.extensions[EXTENSION_KEY]  # the caches were filled and used
    assert app.extensions[component_cache.EXTENSION_KEY]


def test_a_signed_in_person_gets_their_own_sign_out_token_from_the_kept_navigation(app, demo_data):
    tokens = []
    for account in demo.DEMO_ACCOUNTS[:2]:
        client = PageClient(app.test_client())
        client.submit("/sign-in", {"email": account.email, "password": account.password}, expect=302)
        navigation = client.get("/").soup.select_one(".govuk-service-navigation form")
        token = navigation.find("input", {"name": "csrf_token"})["value"]
        assert client.post("/sign-out", {"csrf_token": token}, expect=302)
        tokens.append(token)
    assert tokens[0] != tokens[1]


def test_the_kept_fragments_never_grow_past_their_limit(app, monkeypatch):
    """Inbox rows are kept by their values, so a long list would otherwise fill memory for ever."""
    from app import layout_fragments

    monkeypatch.setattr(layout_fragments, "MAX_FRAGMENTS", 3)
    kept = app.extensions[EXTENSION_KEY]
    kept.clear()
    with app.test_request_context("/"):
        first = layout_fragments.layout_fragment("components/skip_link.html", row=0)
        for row in range(1, 10):
            assert layout_fragments.layout_fragment("components/skip_link.html", row=row) == first
            assert len(kept) <= 3
