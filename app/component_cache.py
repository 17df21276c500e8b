"""GOV.UK component macros answered from a cache of their output, keyed by their parameters.

A GOV.UK macro (`govukCheckboxes(params)`, `govukButton(params)` ...) is a pure function of its one
argument: it reads nothing from the request, the session or the time, only `params` and the other
GOV.UK macros it imports. Rendering one is most of a page's time (a question page's checkboxes alone
were a third of it), and most calls repeat: the same question, button or summary row in the same
language. So the imported component modules are wrapped: a call with one plain argument is looked
up by a copy of that argument made of hashable parts, and rendered only when it is new.

What makes a call uncacheable, so it is simply rendered:
- a `caller` (a `{% call %}` block) or any keyword argument;
- anything in `params` that is not a str, Markup, lazy translation, number, bool, None, dict, list
  or tuple (an undefined value, a form field, a function): its output could depend on more than
  what the key holds.

Str, Markup and lazy strings are kept apart in the key, because a macro escapes a str and not
Markup, and `is string` is false for a lazy string. Dicts keep their order (attributes are written
in it). The cache holds at most MAX_ENTRIES outputs per worker and is emptied when full; the outputs
are the HTML the worker has just sent, and one is only ever returned for exactly the same
parameters, so nothing passes from one person's page to another's.
"""

from __future__ import annotations

from flask import current_app, has_app_context
from flask_babel.speaklater import LazyString
from govuk_frontend_wtf.gov_form_base import GovFormBase
from markupsafe import Markup

EXTENSION_KEY = "doorstep_component_cache"
COMPONENT_TEMPLATES = "govuk_frontend_jinja/components/"
MAX_ENTRIES = 4096


class Uncacheable(Exception):
    pass


def hashable(value):
    """`value` as nested tuples, each part tagged with its kind; Uncacheable for anything else."""
    kind = type(value)
    if kind is str:
        return value
    if kind is dict:
        return ("dict", *((key, hashable(item)) for key, item in value.items()))
    if kind is list or kind is tuple:
        return (kind.__name__, *(hashable(item) for item in value))
    if kind is Markup:
        return ("markup", str(value))
    if value is None or kind is bool or kind is int or kind is float:
        return (kind.__name__, value)
    if kind is LazyString:
        return ("lazy", str(value))
    raise Uncacheable


def remembered(key, render):
    kept = current_app.extensions[EXTENSION_KEY]
    html = kept.get(key)
    if html is None:
        html = render()
        if len(kept) >= MAX_ENTRIES:
            kept.clear()
        kept[key] = html
    return html


class CachedMacro:
    def __init__(self, name: str, macro):
        self.name = name
        self.macro = macro

    def __call__(self, *args, **kwargs):
        if kwargs or len(args) != 1 or not enabled():
            return self.macro(*args, **kwargs)
        try:
            key = (self.name, hashable(args[0]))
        except Uncacheable:
            return self.macro(*args)
        return remembered(key, lambda: self.macro(*args))


class CachedComponentModule:
    """Stands in for an imported component template's module: its macros, each cached."""

    def __init__(self, template_name: str, module):
        for name, macro in vars(module).items():
            if not name.startswith("_") and callable(macro):
                setattr(self, name, CachedMacro(f"{template_name}:{name}", macro))


def is_component(template_name: str | None) -> bool:
    return bool(template_name) and template_name.startswith(COMPONENT_TEMPLATES)


def cached_module(template) -> CachedComponentModule:
    """The caching stand-in for `template`'s kept module, made once per template."""
    wrapper = getattr(template, "_doorstep_cached_module", None)
    if wrapper is None or wrapper[0] is not template._module:
        wrapper = (template._module, CachedComponentModule(template.name, template._module))
        template._doorstep_cached_module = wrapper
    return wrapper[1]


_render_form_field = GovFormBase.render


def render_form_field(widget, params):
    """govuk_frontend_wtf renders a form field through a template that only calls one component
    macro with `params`, by Flask's render_template, which runs every context processor again; a
    field seen before is answered from the cache instead."""
    if not enabled():
        return _render_form_field(widget, params)
    try:
        key = (widget.template, hashable(params))
    except Uncacheable:
        return _render_form_field(widget, params)
    return remembered(key, lambda: _render_form_field(widget, params))


def init_app(app) -> None:
    app.extensions[EXTENSION_KEY] = {}
    GovFormBase.render = render_form_field


def enabled() -> bool:
    return has_app_context() and current_app.config["RENDER_CACHES"]
