"""Checking the API key a calling system sends, for one view (`api_key_required`) or a whole
blueprint (`protect_blueprint`).

A good key is put in `g.api_key` for the view, and its id and scope go in the request's log line,
so the logs answer "which system called what, when". A refused call's log line says why it was
refused (missing, malformed, unknown, revoked, wrong_scope), with the key's id when the key itself
was genuine; the key is never logged.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, Request, Response, g, make_response, request
from flask.typing import ResponseReturnValue

from app import request_logging
from app.api.blueprints import json_error
from app.extensions import db
from app.services import api_keys
from app.services.api_keys import Refusal

KeyReader = Callable[[Request], str | None]  # the key the request carries; None when it has none
RefusalResponse = Callable[[Refusal], ResponseReturnValue]  # the API's own answer to a refused key


def bearer_token(req: Request) -> str | None:
    """The key in `Authorization: Bearer <key>` (RFC 6750)."""
    header = req.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return header  # another scheme (Basic, say): refused as malformed
    return token.strip()


bearer_token.www_authenticate = "Bearer"


def key_parameter(name: str = "api_key") -> KeyReader:
    """A reader for a key sent as a form field or query parameter (Open311's `api_key`). Prefer the
    request body: addresses with query strings end up in proxies' and browsers' logs."""

    def read(req: Request) -> str | None:
        return req.form.get(name) or req.args.get(name)

    read.__name__ = f"key_parameter_{name}"
    return read


def json_refusal(refusal: Refusal) -> Response:
    """401 with `{"error": "missing_api_key" | "invalid_api_key", "message": ...}`. A caller is not told
    whether a key was unknown, revoked or for another API; the log line says which."""
    if refusal is Refusal.MISSING:
        return json_error(401, "missing_api_key", "Send your API key with the request.")
    return json_error(
        401,
        "invalid_api_key",
        "This API key is not valid for this API. It may be mistyped, revoked or for another API.",
    )


def _refuse(scope: str, result: api_keys.Authentication, read_key: KeyReader, on_refused: RefusalResponse):
    request_logging.add_fields(api_scope=scope, api_refused=result.refusal.value, api_key_id=result.refused_key_id)
    response = make_response(on_refused(result.refusal))
    scheme = getattr(read_key, "www_authenticate", None)
    if scheme and response.status_code == 401 and "WWW-Authenticate" not in response.headers:
        error = "" if result.refusal is Refusal.MISSING else ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = f'{scheme} realm="api"{error}'
    return response


def check_caller(scope: str, read_key: KeyReader, on_refused: RefusalResponse) -> Response | None:
    """None when the request carries a good key for `scope` (now in `g.api_key`); otherwise the
    API's refusal, to be returned as the response."""
    result = api_keys.check(scope, read_key(request))
    if result.key is None:
        return _refuse(scope, result, read_key, on_refused)
    request_logging.add_fields(api_key_id=result.key.id, api_scope=scope)
    if result.recorded_use:
        # "Last used" goes in its own short transaction, before the view runs: an answer that is an
        # error (which rolls the request back) is still a use, and the row is not locked meanwhile.
        db.session.commit()
    g.api_key = result.key
    return None


def _private(response: Response) -> Response:
    # An answer to one key must never be served from a shared cache to another caller.
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def api_key_required(
    scope: str, *, read_key: KeyReader = bearer_token, on_refused: RefusalResponse = json_refusal
) -> Callable:
    """Decorate an API view: only callers with a key for `scope` reach it (the key in `g.api_key`).
    Everyone else gets `on_refused(refusal)` (by default 401 JSON), never a page."""
    api_keys.get_scope(scope)  # an unregistered scope fails when the module loads, not on a call

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            refused = check_caller(scope, read_key, on_refused)
            if refused is not None:
                return refused
            return _private(make_response(view(*args, **kwargs)))

        wrapped.api_scope = scope
        return wrapped

    return decorator


def protect_blueprint(
    blueprint: Blueprint, scope: str, *, read_key: KeyReader = bearer_token, on_refused: RefusalResponse = json_refusal
) -> None:
    """Every view of `blueprint` needs a key for `scope`, as if each had `api_key_required`."""
    api_keys.get_scope(scope)

    @blueprint.before_request
    def require_api_key():
        return check_caller(scope, read_key, on_refused)

    @blueprint.after_request
    def private(response):
        return _private(response) if g.get("api_key") is not None else response

    blueprint.api_scope = scope
