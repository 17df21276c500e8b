from app.pages.content import SOURCES, _renderer


def test_every_content_page_has_a_welsh_version():
    for name, base in SOURCES.items():
        assert base.with_suffix(".md").exists(), name
        assert base.with_suffix(".cy.md").exists(), f"{name} has no Welsh version"


def test_markdown_cannot_inject_html():
    html = _renderer().render("Hello <script>alert(1)</script> [link](javascript:alert(1))")
    assert "<script>" not in html
    assert 'href="javascript' not in html
