"""What a first visit to a page downloads, compressed as the browser would receive it."""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup

BUDGET_BYTES = 60 * 1024
ACCEPT = {"Accept-Encoding": "br, gzip"}


@dataclass
class PageWeight:
    url: str
    html: int
    assets: dict[str, int]

    @property
    def total(self) -> int:
        return self.html + sum(self.assets.values())


def measure(client, url: str) -> PageWeight:
    """Follows redirects, counting every response, as a browser would."""
    html_bytes = 0
    response = client.get(url, headers=ACCEPT)
    for _ in range(5):
        html_bytes += len(response.data)
        if response.status_code not in (301, 302, 303) or not response.location:
            break
        response.close()
        response = client.get(response.location, headers=ACCEPT)
    soup = BeautifulSoup(
        response.get_data(as_text=True) if not response.headers.get("Content-Encoding") else _decoded(response),
        "html.parser",
    )
    response.close()
    references = [tag.get("href") for tag in soup.find_all("link", rel="stylesheet")]
    references += [tag.get("src") for tag in soup.find_all(["script", "img"]) if tag.get("src")]
    assets = {}
    for reference in references:
        if reference and reference.startswith("/"):
            asset = client.get(reference, headers=ACCEPT)
            assets[reference] = len(asset.data)
            asset.close()
    return PageWeight(url, html_bytes, assets)


def _decoded(response) -> str:
    import gzip

    import brotli

    encoding = response.headers["Content-Encoding"]
    raw = response.data
    return (brotli.decompress(raw) if encoding == "br" else gzip.decompress(raw)).decode()
