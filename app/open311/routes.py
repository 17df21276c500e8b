"""Open311 GeoReport v2 and FixMyStreet's servicerequestupdates, at /open311/v2/:

    GET  services.json|xml                    the street report categories
    GET  services/<code>.json|xml             a category's attributes
    POST requests.json|xml                    send a report (api_key needed)
    GET  requests.json|xml                    reports, with service_request_id, service_code,
                                              start_date, end_date and status
    GET  requests/<id>.json|xml               one report
    GET  tokens/<token>.json|xml              the report a token stands for
    GET  servicerequestupdates.json|xml       public updates between start_date and end_date

Every error, here or anywhere under the prefix, is the standard's list of {code, description}.
The work is in app/services/open311/; these views parse the call and render the answer.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, g, request, url_for

from app.api import api_key_required, key_parameter
from app.services import api_keys
from app.services.open311 import Open311Error, documents, intake, request_updates, service_list, service_requests

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FORMAT = "<any(json, xml):format>"
LARGEST_QUERY_VALUE = 20000


def _format_of_path() -> str:
    return "xml" if request.path.endswith(".xml") else "json"


def _answer(body: str, format: str, status: int = 200) -> Response:
    return Response(body, status=status, content_type=documents.content_type(format))


def open311_error(status: int, error: str, message: str) -> Response:
    """Any error under the prefix (404, 405, 413, 500...) in the standard's shape."""
    format = _format_of_path()
    return _answer(documents.render_error(status, message, format), format, status)


def open311_refusal(refusal) -> Response:
    return open311_error(403, "invalid_api_key", "api_key is missing or not valid for Open311")


@bp.errorhandler(Open311Error)
def refused(error: Open311Error) -> Response:
    return open311_error(error.status, "bad_request", error.description)


def _query() -> dict[str, str]:
    """The query string, each parameter once (the first), refused when absurdly long."""
    args = request.args.to_dict()
    if any(len(value) > LARGEST_QUERY_VALUE for value in args.values()):
        raise Open311Error(400, "A parameter is too long")
    return args


def _photo_url(report_id: int) -> str:
    return url_for("street_reports.photo", report_id=report_id, _external=True)


def _requests(found: list) -> list[dict]:
    return service_requests.as_requests(
        found,
        service_names=service_list.service_names(),
        agency=current_app.config["COUNCIL_NAME"],
        photo_url=_photo_url,
    )


@bp.get(f"/services.{FORMAT}")
def services(format):
    found = [service_list.as_service(service) for service in service_list.services()]
    return _answer(documents.render_list("service", found, format), format)


@bp.get(f"/services/<code>.{FORMAT}")
def service_definition(code, format):
    found = service_list.service(code)
    if found is None:
        raise Open311Error(404, "There is no service with that service_code (see services.json)")
    return _answer(documents.render_definition(service_list.as_definition(found), format), format)


@bp.post(f"/requests.{FORMAT}")
@api_key_required(api_keys.OPEN311, read_key=key_parameter("api_key"), on_refused=open311_refusal)
def post_request(format):
    form = request.form.to_dict(flat=False)
    code = (form.get("service_code") or [""])[0]
    received = intake.receive(code, form, api_key=g.api_key)
    answer = [
        {
            "service_request_id": received.report.id,
            "token": service_requests.token_for(received.report),
            "service_notice": "",
            "account_id": "",
        }
    ]
    return _answer(documents.render_list("request", answer, format), format)


@bp.get(f"/requests.{FORMAT}")
def list_requests(format):
    filters = service_requests.parse_filters(_query(), set(service_list.service_names()))
    found = service_requests.find(filters)
    return _answer(documents.render_list("request", _requests(found), format), format)


@bp.get(f"/requests/<request_id>.{FORMAT}")
def one_request(request_id, format):
    found = service_requests.get(int(request_id)) if re.fullmatch(r"[0-9]{1,10}", request_id) else None
    if found is None:
        raise Open311Error(404, "There is no service request with that service_request_id")
    return _answer(documents.render_list("request", _requests([found]), format), format)


@bp.get(f"/tokens/<token>.{FORMAT}")
def token(token, format):
    report_id = service_requests.report_for_token(token)
    if report_id is None or service_requests.get(report_id) is None:
        raise Open311Error(404, "There is no service request with that token, or the token has expired")
    answer = [{"service_request_id": report_id, "token": token}]
    return _answer(documents.render_list("request", answer, format), format)


@bp.get(f"/servicerequestupdates.{FORMAT}")
def updates(format):
    found = [request_updates.as_update(update) for update in request_updates.find(_query())]
    return _answer(documents.render_list("request_update", found, format), format)
