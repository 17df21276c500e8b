"""Registering an API: its own URL prefix, no CSRF (callers prove who they are with a key, not a
cookie), and every answer under the prefix in the API's own format, errors included, never an HTML
page. Error messages here are for the developers of the calling system, so they are in English;
the `error` codes are the part a caller relies on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from app.extensions import csrf

ErrorResponse = Callable[[int, str, str], Response]  # (status, error code, message) -> the API's error

EXTENSION_KEY = "doorstep_apis"

ERRORS = {
    400: ("bad_request", "The request could not be understood. Check the parameters you sent."),
    401: ("unauthorized", "Send a valid API key with the request."),
    403: ("forbidden", "This API key may not do that."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not accept that method. See the Allow header."),
    413: ("request_too_large", "The request is too large."),
    415: ("unsupported_media_type", "The request body is not in a format this API accepts."),
    429: ("too_many_requests", "Too many requests. Wait and try again (see the Retry-After header)."),
    500: ("server_error", "Something went wrong on our side. Try again later."),
}
REDIRECT = ("moved", "This is at the address in the Location header.")


def json_error(status: int, error: str, message: str) -> Response:
    """The default shape of an API error: `{"error": "not_found", "message": "..."}`."""
    response = jsonify(error=error, message=message)
    response.status_code = status
    return response


@dataclass(frozen=True)
class RegisteredApi:
    prefix: str  # like /api/enforcement/v1
    blueprint: str
    error_response: ErrorResponse


def register_api_blueprint(
    app: Flask, blueprint: Blueprint, *, url_prefix: str | None = None, error_response: ErrorResponse = json_error
) -> None:
    """Register an API's blueprint: exempt from CSRF, and every error under its prefix (404 for an
    address that does not exist, 405, 413, 429, 500...) answered by `error_response`."""
    prefix = (url_prefix or blueprint.url_prefix or "").rstrip("/")
    if not prefix.startswith("/") or prefix.count("/") < 2:
        raise ValueError(f"an API needs its own versioned URL prefix, like /api/enforcement/v1: {prefix!r}")
    if any(api.prefix == prefix for api in registered_apis(app)):
        raise ValueError(f"two APIs at {prefix}")
    csrf.exempt(blueprint)
    app.register_blueprint(blueprint, url_prefix=prefix)
    if EXTENSION_KEY not in app.extensions:
        app.extensions[EXTENSION_KEY] = []
        app.after_request(_never_html)
    apis = app.extensions[EXTENSION_KEY]
    apis.append(RegisteredApi(prefix, blueprint.name, error_response))
    apis.sort(key=lambda api: len(api.prefix), reverse=True)  # the most specific prefix wins


def registered_apis(app: Flask | None = None) -> list[RegisteredApi]:
    return list((app or current_app).extensions.get(EXTENSION_KEY, ()))


def api_for_path(path: str, app: Flask | None = None) -> RegisteredApi | None:
    """The API whose prefix this path is under, if any."""
    for api in registered_apis(app):
        if path == api.prefix or path.startswith(api.prefix + "/"):
            return api
    return None


def _error_text(status: int) -> tuple[str, str]:
    if status in ERRORS:
        return ERRORS[status]
    if 300 <= status < 400:
        return REDIRECT
    return ERRORS[500] if status >= 500 else ERRORS[400]


def error_response(status: int, headers=()) -> Response | None:
    """For app/errors.py: the API's own error for this request, or None when it is not an API call.
    Headers the error carries (Allow on a 405, Retry-After on a 429) are kept."""
    api = api_for_path(request.path)
    if api is None:
        return None
    response = api.error_response(status, *_error_text(status))
    for name, value in headers:
        if name.lower() not in {"content-type", "content-length"}:
            response.headers.setdefault(name, value)
    return response


def http_error_response(error: HTTPException) -> Response | None:
    return error_response(error.code or 500, error.get_headers())


def _never_html(response: Response) -> Response:
    """The last guard: whatever produced an HTML answer under an API's prefix (Werkzeug's redirect
    to add a trailing slash, say), the caller gets the API's own error shape with the same status."""
    if response.mimetype != "text/html":
        return response
    replacement = error_response(response.status_code, response.headers.items())
    return response if replacement is None else replacement
