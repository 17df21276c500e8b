"""Sign-in sessions, roles, safe redirects and security headers."""

from __future__ import annotations

import secrets
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.models import Role
from config import map_tile_origin


def is_safe_next(target: str | None) -> bool:
    """Only paths on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or len(target) > 2000:
        return False
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(char) < 32 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def roles_required(*roles: Role):
    """Signed-in people with one of these roles; others get 403, signed-out people sign in first."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


staff_required = roles_required(Role.STAFF, Role.MANAGER, Role.ADMIN)
admin_required = roles_required(Role.ADMIN)
# The council's channel-shift figures: managers (staff who lead services) and admins.
figures_required = roles_required(Role.MANAGER, Role.ADMIN)


def _content_security_policy(nonce: str, payment_page: str, map_tiles: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src 'self' 'nonce-{nonce}'",
            f"img-src 'self' data: {map_tiles}".rstrip(),
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            # Sending a paid form redirects to the payment page, which Chrome checks against form-action.
            f"form-action 'self' {payment_page}",
            "frame-ancestors 'none'",
        ]
    )


def _signed_in() -> bool:
    """Whether this request is a signed-in person's, without reading their row again: the request's
    commit has run by now and expired it. Flask-Login keeps the person it loaded (only active ones,
    auth_sessions.load_user) or signed in during the request, and an anonymous user otherwise."""
    from app.models import User

    if "_login_user" not in g:  # nothing in this request asked who it was: ask now
        return bool(current_user and current_user.is_authenticated)
    return isinstance(g._login_user, User)


def init_app(app, login_manager):
    from app.services import auth_sessions

    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Sign in to continue")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the sign-in token itself is rotated and revocable

    @login_manager.user_loader
    def load_user(token: str):
        return auth_sessions.load_user(token, idle_minutes=current_app.config["SESSION_IDLE_MINUTES"])

    @app.before_request
    def make_nonce():
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.context_processor
    def nonce_context():
        return {"cspNonce": g.get("csp_nonce", "")}

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        # Geolocation for this site only: "Use my current location" on the location question.
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self), interest-cohort=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if response.mimetype == "text/html":
            headers["Content-Security-Policy"] = _content_security_policy(
                g.get("csp_nonce", "none"),
                current_app.config["PAYMENT_PAGE_ORIGIN"],
                map_tile_origin(current_app.config["MAP_TILE_URL"]),
            )
        if _signed_in():
            headers["Cache-Control"] = "no-store"
        if app.config["ENV_NAME"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
