"""Rate limits are set on the views that need them (sign-in, registration, password reset), with
`@limiter.limit`, and each such view checks its own limits as it is called."""

from flask import Flask
from flask_limiter import Limiter


def check_before_every_request_only_when_needed(app: Flask, limiter: Limiter) -> None:
    """Flask-Limiter also checks every request before its view, for the limits that apply to many
    views: the council-wide and default limits (RATELIMIT_APPLICATION, RATELIMIT_DEFAULT) and limits
    on a whole blueprint. Doorstep sets none, so that check never found a limit, and it cost about a
    fifteenth of a page's time. It is taken off while there is nothing it could find; a council that
    configures such limits keeps it. Called once every blueprint is registered."""
    manager = limiter.limit_manager
    if (
        manager.application_limits
        or manager.default_limits
        or app.config.get("RATELIMIT_IN_MEMORY_FALLBACK")
        or any(manager.blueprint_limits(app, name) for name in app.blueprints)
    ):
        return
    app.before_request_funcs[None].remove(limiter._check_request_limit)
