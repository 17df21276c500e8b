"""A test-only API registered on a test app (never on the real one): what the enforcement and
Open311 APIs will do with app.api, so the mechanism is tested before they exist."""

import json
import logging
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, g, jsonify, request
from pythonjsonlogger.json import JsonFormatter

from app.api import api_key_required, bearer_token, key_parameter, protect_blueprint, register_api_blueprint
from app.extensions import db
from app.models import User
from app.services import api_keys

BEARER_PREFIX = "/api/test/v1"
PARAMETER_PREFIX = "/open311-test/v2"
GUARDED_PREFIX = "/api/guarded/v1"


def open311_style_error(status: int, error: str, message: str) -> Response:
    """Errors as Open311 gives them: a list of {code, description}, in XML when .xml was asked for."""
    if request.path.endswith(".xml"):
        body = (
            '<?xml version="1.0" encoding="utf-8"?><errors><error>'
            f"<code>{status}</code><description>{escape(message)}</description></error></errors>"
        )
        return Response(body, status=status, mimetype="text/xml")
    response = jsonify([{"code": status, "description": message}])
    response.status_code = status
    return response


def open311_style_refusal(refusal) -> Response:
    return open311_style_error(403, "invalid_api_key", f"api_key is {refusal.value}")


def make_blueprints() -> list[tuple[Blueprint, dict]]:
    bearer = Blueprint("test_bearer_api", __name__, url_prefix=BEARER_PREFIX)

    @bearer.get("/whoami")
    @api_key_required(api_keys.ENFORCEMENT, read_key=bearer_token)
    def whoami():
        return {"key_id": g.api_key.id, "scope": g.api_key.scope}

    @bearer.post("/records")
    @api_key_required(api_keys.ENFORCEMENT)
    def add_record():
        db.session.add(User(full_name="made by the API", email=f"api-{g.api_key.id}@example.com"))
        return {"made": True}, 201

    @bearer.get("/not-yours")
    @api_key_required(api_keys.ENFORCEMENT)
    def not_found_with_a_good_key():
        abort(404)

    @bearer.get("/boom")
    @api_key_required(api_keys.ENFORCEMENT)
    def boom():
        db.session.add(User(full_name="never saved", email="api-boom@example.com"))
        db.session.flush()
        raise RuntimeError("boom")

    @bearer.get("/folder/")
    def folder():
        return {"folder": True}

    @bearer.get("/public")
    def public():
        return {"public": True}

    parameter = Blueprint("test_parameter_api", __name__, url_prefix=PARAMETER_PREFIX)

    @parameter.route("/requests.<any(json, xml):format>", methods=["POST"])
    @api_key_required(api_keys.OPEN311, read_key=key_parameter("api_key"), on_refused=open311_style_refusal)
    def post_request(format):
        return {"accepted": True, "key_id": g.api_key.id}

    guarded = Blueprint("test_guarded_api", __name__, url_prefix=GUARDED_PREFIX)
    protect_blueprint(guarded, api_keys.ENFORCEMENT)

    @guarded.get("/status")
    def status():
        return {"key_id": g.api_key.id}

    return [(bearer, {}), (parameter, {"error_response": open311_style_error}), (guarded, {})]


def register_test_apis(app) -> None:
    for blueprint, options in make_blueprints():
        register_api_blueprint(app, blueprint, **options)


class RequestLog(logging.Handler):
    """The request log lines, as the JSON the log shipper would see."""

    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        self.raw: list[str] = []

    def emit(self, record):
        self.raw.append(self.format(record))

    @property
    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.raw]

    def last(self) -> dict:
        return self.lines[-1]
