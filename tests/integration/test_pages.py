import pytest

from app.models import Role
from tests.factories import make_user, sign_in
from tests.pages import PageClient

pytestmark = pytest.mark.db

PUBLIC_PAGES = [
    "/",
    "/sign-in",
    "/create-account",
    "/forgotten-password",
    "/accessibility",
    "/privacy",
    "/cookies",
    "/contact",
    "/services/bulky-waste",
    "/signed-out",
    "/check-your-email/verify",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_in_both_languages(client, url):
    english = client.get(url)
    assert english.title.endswith(" - Council services - Demo Borough Council")
    client.raw.set_cookie("doorstep_language", "cy")
    welsh = client.get(url)
    assert welsh.soup.html["lang"] == "cy"
    assert welsh.title.endswith(" - Gwasanaethau'r cyngor - Cyngor Bwrdeistref Demo")
    assert welsh.h1 != english.h1 or url == "/"


def test_page_titles_are_unique(app, client):
    titles = {client.get(url).title for url in PUBLIC_PAGES}
    assert len(titles) == len(PUBLIC_PAGES)


def test_language_link_keeps_the_person_on_the_same_page(client):
    page = client.get("/contact")
    link = page.soup.select_one(".doorstep-header__language")
    assert link.get_text(strip=True) == "Cymraeg"
    assert link["lang"] == "cy"
    switched = client.get(link["href"], expect=302)
    assert switched.location == "/contact"
    assert client.get("/contact").h1 == "Cysylltu â ni"


def test_error_pages_use_the_site_style(client):
    page = client.get("/no-such-page", expect=404)
    assert page.h1 == "Page not found"
    assert page.title == "Page not found - Council services - Demo Borough Council"
    client.get("/services/not-a-service", expect=404)
    client.post("/", expect=405)


def test_server_errors_get_the_500_page_and_roll_back(make_app):
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import User

    broken = make_app()

    @broken.get("/boom")
    def boom():
        db.session.add(User(full_name="never saved", email="boom@example.com"))
        db.session.flush()
        raise RuntimeError("boom")

    page = PageClient(broken.test_client()).get("/boom", expect=500)
    assert page.h1 == "Sorry, there is a problem with the service"
    with broken.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "boom@example.com")) is None


def test_staff_navigation_only_for_staff(client):
    sign_in(client, make_user(role=Role.RESIDENT))
    assert "Staff" not in [a.get_text(strip=True) for a in client.get("/").soup.select(".govuk-service-navigation a")]


def test_healthz(client):
    response = client.raw.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok", "migrations": "ok", "ok": True}


def test_static_files_are_fingerprinted_compressed_and_cached_for_a_year(app, client):
    page = client.get("/")
    stylesheet = page.soup.find("link", rel="stylesheet")["href"]
    response = client.raw.get(stylesheet, headers={"Accept-Encoding": "br, gzip"})
    response.close()
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "immutable" in response.headers["Cache-Control"]
    assert (
        "max-age=315360000" in response.headers["Cache-Control"]
        or "max-age=31536000" in response.headers["Cache-Control"]
    )


def test_html_is_compressed(client):
    response = client.raw.get("/accessibility", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


def test_a_message_in_a_banner_is_shown_as_words_not_markup(client):
    page = client.follow(client.get("/account/", expect=302))
    heading = page.soup.select_one(".govuk-notification-banner__content .govuk-notification-banner__heading")
    assert heading.get_text(strip=True) == "Sign in to continue"
    assert "<p" not in page.text


@pytest.mark.parametrize("language", ["en", "cy"])
def test_accessibility_statement_lists_no_service_as_offline_that_is_online(client, language):
    """The statement's known problems once said every service was 'not online yet'; each is online now."""
    from app.pages.catalogue import SERVICES

    client.raw.set_cookie("doorstep_language", language)
    statement = client.get("/accessibility").soup.select_one("main").get_text(" ", strip=True)
    offline = ["not online yet", "ar-lein eto"]
    for slug in [service.slug for service in SERVICES]:
        start = client.get(f"/services/{slug}").soup.select_one("main").get_text(" ", strip=True)
        if "online yet" not in start and "ar-lein eto" not in start:
            assert not any(phrase in statement for phrase in offline), slug
