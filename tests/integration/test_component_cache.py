"""The GOV.UK component cache (app/component_cache.py): what it keys on, what it will not keep, and
that a form with errors comes out the same with it as without it."""

import jinja2
import pytest
from flask import render_template_string
from flask_babel import lazy_gettext
from markupsafe import Markup

from app import component_cache
from app.component_cache import Uncacheable, hashable
from tests.pages import PageClient

BUTTON = '{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}'


def test_a_key_tells_apart_what_a_macro_would_treat_differently(app):
    with app.test_request_context():
        keys = {
            hashable("<b>"),
            hashable(Markup("<b>")),
            hashable(lazy_gettext("Continue")),
            hashable("Continue"),
            hashable(1),
            hashable(True),
            hashable(1.0),
            hashable(None),
            hashable([1]),
            hashable((1,)),
            hashable({"a": 1, "b": 2}),
            hashable({"b": 2, "a": 1}),  # attributes are written in the dict's order
        }
        assert len(keys) == 12


@pytest.mark.parametrize("value", [jinja2.Undefined(), object(), {1, 2}, b"bytes", [lambda: 1]])
def test_anything_that_is_not_plain_data_is_not_kept(value):
    with pytest.raises(Uncacheable):
        hashable({"text": "x", "extra": value})


def test_the_same_call_is_rendered_once_and_a_different_one_afresh(app, monkeypatch):
    rendered = []
    with app.test_request_context():
        template = app.jinja_env.from_string(BUTTON + "{{ govukButton({'text': text}) }}")

        def render(params, caller=None):
            rendered.append(params)
            return Markup("x")

        macro = component_cache.CachedMacro("test:button", render)
        kept = app.extensions[component_cache.EXTENSION_KEY]
        kept.clear()
        assert macro({"text": "Pay"}) == macro({"text": "Pay"}) == Markup("x")
        macro({"text": "Pay now"})
        macro({"text": "Pay"}, caller=lambda: "")  # a call block is always rendered
        assert len(rendered) == 3
        first = template.render(text="Continue")
        assert template.render(text="Continue") == first
        assert "Continue" in first and "Pay" in template.render(text="Pay")
        monkeypatch.setattr(component_cache, "MAX_ENTRIES", len(kept))
        macro({"text": "one more"})
        assert len(kept) == 1  # full: emptied, then the new one kept


def test_an_error_message_is_never_served_from_a_call_without_one(app):
    with app.test_request_context():
        page = BUTTON + (
            '{% from "govuk_frontend_jinja/components/input/macro.html" import govukInput %}'
            "{{ govukInput({'id': 'n', 'name': 'n', 'label': {'text': 'Name'}, 'errorMessage': error}) }}"
        )
        plain = render_template_string(page, error=None)
        with_error = render_template_string(page, error={"text": "Enter your name"})
        assert "Enter your name" in with_error and "Enter your name" not in plain
        assert render_template_string(page, error=None) == plain


def test_a_question_sent_empty_shows_the_same_errors_with_and_without_the_caches(app, database):
    client = PageClient(app.test_client())
    shown = []
    try:
        for caches in (True, False, True):
            app.config["RENDER_CACHES"] = caches
            response = client.submit("/services/missed-bin/bin-type", {}, expect=200)
            main = response.soup.select_one("main")
            for token in main.select("input[name=csrf_token]"):
                token["value"] = "…"  # signed afresh for each request
            shown.append(main.decode())
    finally:
        app.config["RENDER_CACHES"] = True
    assert "govuk-error-message" in shown[0]
    assert shown[0] == shown[1] == shown[2]
