"""Parts of the layout rendered once and kept: the skip link, the footer and the service navigation,
which are the same for every request in one language and one state (signed out, signed in, staff,
admin, and which item is the current page). Rendering them through the GOV.UK macros on every
request was a fifth of a page's time.

Each fragment's template is given only what its key holds (the language comes from the request);
anything per request is left as a placeholder and filled in after, like the sign-out form's CSRF
token. RENDER_CACHES=false renders every fragment afresh, which the tests compare byte for byte
(tests/integration/test_render_caches.py)."""

from __future__ import annotations

from functools import cache

import jinja2
from flask import current_app, render_template, request
from flask_babel import get_translations
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2.ext import _make_new_gettext, _make_new_ngettext, _make_new_npgettext, _make_new_pgettext
from markupsafe import Markup

from app import component_cache
from app.i18n import current_language

CSRF_PLACEHOLDER = "doorstep-csrf-token-placeholder"
EXTENSION_KEY = "doorstep_layout_fragments"
MAX_FRAGMENTS = 8192


class Template(jinja2.Template):
    """Jinja's template, with a quicker check before reusing an imported template's module.

    Every GOV.UK macro imports another template's macros each time it is called
    (`{% from ".../attributes.html" import govukAttributes %}` inside the macro). Jinja keeps the
    imported module, but before reusing it works out whether the importing template has globals the
    imported one lacks, by comparing the two sets of globals name by name: about thirty lookups
    for each import, hundreds of imports a page. Here every template's globals are the
    environment's (nobody passes a template its own), so when the importing template has exactly as
    many globals as the environment, it has none the module lacks and the kept module is the one
    Jinja would have used. A GOV.UK component's module is handed out with its macros cached
    (app/component_cache.py)."""

    def _get_default_module(self, ctx=None):
        if ctx is not None and len(ctx.globals_keys) == len(self.environment.globals) and component_cache.enabled():
            if self._module is None:
                self._module = self.make_module()
            if component_cache.is_component(self.name):
                return component_cache.cached_module(self)
            return self._module
        return super()._get_default_module(ctx)


def init_app(app) -> None:
    app.jinja_env.template_class = Template
    app.extensions[EXTENSION_KEY] = {}
    component_cache.init_app(app)
    app.add_template_global(layout_fragment)
    app.add_template_global(service_navigation)
    app.add_template_global(CSRF_PLACEHOLDER, "csrf_placeholder")

    @app.context_processor
    def translations_of_this_request():
        """The page's `_()` bound to this request's catalogue. Flask-Babel's own template functions
        look the request's language and catalogue up again for every string (five lookups through
        Flask's context each, dozens of strings a page); these are the same Jinja wrappers around the
        same catalogue's methods, so every string comes out the same."""
        if not app.config["RENDER_CACHES"]:
            return {}
        return _template_gettext(get_translations())


@cache
def _template_gettext(translations) -> dict:
    """Jinja's newstyle wrappers (escaping, then %-formatting with the keyword arguments), as
    Flask-Babel installs them, around one catalogue; one set per catalogue (one per language)."""
    return {
        "gettext": _make_new_gettext(translations.ugettext),
        "ngettext": _make_new_ngettext(translations.ungettext),
        "pgettext": _make_new_pgettext(translations.upgettext),
        "npgettext": _make_new_npgettext(translations.unpgettext),
    }


def layout_fragment(template: str, **state) -> Markup:
    """`template` rendered with `state` in the request's language: once per combination. `state`
    holds plain values (str, numbers, dates, tuples of them): everything the template shows."""
    key = (template, current_language(), tuple(sorted(state.items())))
    kept = current_app.extensions[EXTENSION_KEY]
    html = kept.get(key) if current_app.config["RENDER_CACHES"] else None
    if html is None:
        html = Markup(render_template(template, **state))  # noqa: S704 (a template's output, escaped by it)
        if len(kept) >= MAX_FRAGMENTS:  # rows of long lists come and go: the cache must not grow for ever
            kept.clear()
        kept[key] = html
    return html


def service_navigation() -> Markup:
    """The navigation for who is signed in and where they are; the sign-out form's token added."""
    signed_in = bool(current_user and current_user.is_authenticated)
    endpoint = request.endpoint or ""
    if signed_in:
        if endpoint == "account.requests":
            active = "requests"
        elif endpoint.startswith(("account.", "staff.", "admin.", "assisted.", "councillors.")):
            active = endpoint.split(".")[0]
        else:
            active = ""
    elif endpoint == "auth.sign_in":
        active = "sign_in"
    elif endpoint.startswith("auth.register"):
        active = "register"
    else:
        active = ""
    html = layout_fragment(
        "components/navigation.html",
        signed_in=signed_in,
        staff=signed_in and current_user.is_staff,
        admin=signed_in and current_user.role.value == "admin",
        volunteer=signed_in and current_user.role.value == "volunteer",
        councillor=signed_in and current_user.role.value == "councillor",
        active=active,
    )
    if signed_in:
        html = html.replace(CSRF_PLACEHOLDER, generate_csrf())  # Markup's replace escapes the token
    return html
