"""A test client that returns parsed pages and checks what every HTML page must have."""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup


@dataclass
class Page:
    response: object

    def __post_init__(self):
        self.status = self.response.status_code
        self.location = self.response.headers.get("Location")
        self.html = self.response.get_data(as_text=True)
        self.soup = BeautifulSoup(self.html, "html.parser")

    @property
    def title(self) -> str:
        return self.soup.title.get_text(strip=True) if self.soup.title else ""

    @property
    def h1(self) -> str:
        return self.soup.find("h1").get_text(" ", strip=True)

    @property
    def text(self) -> str:
        return self.soup.get_text(" ", strip=True)

    @property
    def error_summary(self) -> list[str]:
        summary = self.soup.select_one(".govuk-error-summary")
        return [a.get_text(strip=True) for a in summary.select("a")] if summary else []

    def error_for(self, field_id: str) -> str | None:
        element = self.soup.find(id=f"{field_id}-error")
        if element is None:
            return None
        return element.get_text(" ", strip=True).removeprefix("Error:").removeprefix("Gwall:").strip()

    def value_of(self, field_id: str) -> str | None:
        element = self.soup.find(id=field_id)
        return None if element is None else element.get("value")

    def csrf_token(self, form_index: int = 0) -> str:
        forms = self.soup.select("main form[method=post]") or self.soup.select("form[method=post]")
        return forms[form_index].find("input", {"name": "csrf_token"})["value"]

    def check_basics(self) -> None:
        """What every HTML page needs: a title, one h1, a lang, and CSRF tokens in POST forms."""
        assert self.title, "page has no <title>"
        assert len(self.soup.find_all("h1")) == 1, f"expected one h1, found {len(self.soup.find_all('h1'))}"
        assert self.soup.html.get("lang") in {"en", "cy"}
        for form in self.soup.find_all("form"):
            method = (form.get("method") or "get").lower()
            assert method in {"get", "post"}
            if method == "post":
                assert form.find("input", {"name": "csrf_token"}), "POST form without a CSRF token"
        if self.soup.select(".govuk-error-summary"):
            assert self.title.startswith(("Error:", "Gwall:")), "page with errors must say so in its title"


class PageClient:
    def __init__(self, client):
        self.raw = client

    def _page(self, response, expect) -> Page:
        page = Page(response)
        if expect is not None:
            assert page.status == expect, f"expected {expect}, got {page.status} ({page.location})"
        if response.mimetype == "text/html" and page.status != 302:
            page.check_basics()
        return page

    def get(self, url: str, expect: int | None = 200, **kwargs) -> Page:
        return self._page(self.raw.get(url, **kwargs), expect)

    def post(self, url: str, data: dict | None = None, expect: int | None = None, **kwargs) -> Page:
        return self._page(self.raw.post(url, data=data or {}, **kwargs), expect)

    def submit(
        self,
        url: str,
        data: dict | None = None,
        expect: int | None = None,
        form_index: int = 0,
        from_url: str | None = None,
    ) -> Page:
        """Load the page with the form, then post it with the page's CSRF token, as a browser does."""
        token = self.get(from_url or url).csrf_token(form_index)
        return self.post(url, {"csrf_token": token, **(data or {})}, expect=expect)

    def follow(self, page: Page, expect: int | None = 200) -> Page:
        assert page.status in (301, 302, 303), f"expected a redirect, got {page.status}"
        return self.get(page.location, expect=expect)
