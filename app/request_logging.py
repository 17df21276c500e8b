"""One structured log line per request, without personal data: the route pattern, never the path
(paths can hold tokens) and never query strings, form values or addresses."""

import logging
import secrets
import sys
import time

from flask import g, request
from pythonjsonlogger.json import JsonFormatter

log = logging.getLogger("doorstep.requests")


def add_fields(**fields) -> None:
    """More fields for this request's log line, like the API key that called (`api_key_id`). Ids and
    codes only: never personal data, never a secret. None values are left out."""
    g.setdefault("log_fields", {}).update({name: value for name, value in fields.items() if value is not None})


def init_app(app):
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.setLevel(app.config["LOG_LEVEL"])

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or secrets.token_hex(8)

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        log.info(
            "request",
            extra={
                **g.get("log_fields", {}),
                "request_id": g.get("request_id"),
                "method": request.method,
                "route": request.url_rule.rule if request.url_rule else None,
                "endpoint": request.endpoint,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            },
        )
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response
