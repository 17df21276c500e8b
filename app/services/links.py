"""Absolute links for messages, built from configuration rather than the request's Host header,
so a forged Host can never put an attacker's address into a password reset email."""

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    adapter = current_app.url_map.bind("localhost", script_name="/")
    path = adapter.build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path
