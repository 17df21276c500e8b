"""Long-form pages (privacy, cookies, accessibility statement) written in Markdown, one file per
language, so the content team can edit them without touching templates."""

from functools import lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

ROOT = Path(__file__).resolve().parents[2]
SOURCES = {
    "accessibility": ROOT / "accessibility" / "statement",
    "privacy": ROOT / "app" / "content" / "privacy",
    "cookies": ROOT / "app" / "content" / "cookies",
}
CLASSES = {
    "h1": "govuk-heading-l",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "table": "govuk-table",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
}


def _renderer() -> MarkdownIt:
    # html=False: Markdown cannot smuggle raw HTML (or script) into the page.
    md = MarkdownIt("commonmark", {"html": False}).enable("table")

    def add_class(renderer, tokens, idx, options, env):
        token = tokens[idx]
        if token.tag in CLASSES:
            token.attrSet("class", CLASSES[token.tag])
        return renderer.renderToken(tokens, idx, options, env)

    for rule in (
        "heading_open",
        "paragraph_open",
        "bullet_list_open",
        "ordered_list_open",
        "link_open",
        "table_open",
        "tr_open",
        "th_open",
        "td_open",
    ):
        md.add_render_rule(rule, add_class)
    return md


@lru_cache(maxsize=32)
def _source(name: str, language: str) -> str:
    base = SOURCES[name]
    path = base.with_suffix(f".{language}.md") if language != "en" else base.with_suffix(".md")
    return path.read_text(encoding="utf-8")


def render(name: str, language: str, values: dict[str, str]) -> tuple[str, Markup]:
    """The page's first heading (for the title) and its HTML body, with {placeholders} filled in."""
    text = _source(name, language)
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    first_line = text.strip().splitlines()[0]
    title = first_line.lstrip("# ").strip() if first_line.startswith("# ") else name
    return title, Markup(_renderer().render(text))  # noqa: S704 - raw HTML is disabled in the renderer


@lru_cache(maxsize=1)
def _shared_renderer() -> MarkdownIt:
    return _renderer()


def markdown_html(text: str) -> Markup:
    """Markdown written by the web team (in form definitions) as HTML; raw HTML in it is shown as text."""
    return Markup(_shared_renderer().render(text or ""))  # noqa: S704 - raw HTML is disabled in the renderer
