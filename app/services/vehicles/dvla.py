"""A client for the DVLA Vehicle Enquiry Service (VES) API, built against its documented contract.

    POST {DVLA_API_BASE}/vehicle-enquiry/v1/vehicles
    x-api-key: <the council's key>
    {"registrationNumber": "AB12CDE"}

Every way a look-up can fail is an exception a service can act on, in three families:

- VehicleNotKnown (404 VehicleNotFound, 400 RegistrationRejected): the person's to fix; check the
  registration number, or enter the vehicle's details by hand for staff to check.
- LookupUnavailable (429 RateLimited; 500, 502, 503, 504 DvlaUnavailable; DvlaTimedOut;
  DvlaUnreachable; UnexpectedDvlaResponse): not the person's fault; go on provisionally and check
  again later.
- ApiKeyRejected (401, 403): the council's configuration; logged at CRITICAL so it is seen. To the
  person it is a lookup that is unavailable, so it is also a LookupUnavailable.

The registration number is personal data (the ICO's view, and why the DVLA takes it in the body of
a POST): it is never written to the logs here.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import datetime

import requests
from flask import current_app

from app.models import utcnow
from app.services.vehicles import registration as registrations
from app.services.vehicles.details import VehicleDetails

log = logging.getLogger(__name__)
ENQUIRY_PATH = "/vehicle-enquiry/v1/vehicles"


class VehicleLookupError(Exception):
    """A look-up that gave no vehicle details. `status` is the DVLA's HTTP status (None when there
    was no answer); `dvla_code`, `dvla_title` and `dvla_detail` are from its error body."""

    outcome = "error"
    log_level = logging.WARNING

    def __init__(self, summary: str, status: int | None = None, error: dict | None = None):
        super().__init__(summary)
        error = error or {}
        self.status = status
        self.dvla_code = _text(error.get("code"))
        self.dvla_title = _text(error.get("title") or error.get("message"))
        self.dvla_detail = _text(error.get("detail"))


class VehicleNotKnown(VehicleLookupError):
    """The DVLA has no vehicle for this registration number: the person checks it or enters the
    vehicle's details by hand."""

    log_level = logging.INFO


class VehicleNotFound(VehicleNotKnown):
    outcome = "not-found"


class RegistrationRejected(VehicleNotKnown):
    """The DVLA says the registration number is not in a valid format (400)."""

    outcome = "rejected"


class LookupUnavailable(VehicleLookupError):
    """The DVLA could not answer now: go on provisionally and check again later."""

    outcome = "unavailable"


class RateLimited(LookupUnavailable):
    """Too many requests (429). `retry_after` is the seconds the DVLA asked us to wait, if it said."""

    outcome = "rate-limited"

    def __init__(self, summary, status=None, error=None, retry_after: int | None = None):
        super().__init__(summary, status, error)
        self.retry_after = retry_after


class DvlaUnavailable(LookupUnavailable):
    """The DVLA's service failed or is down for maintenance (500, 502, 503, 504)."""


class DvlaTimedOut(LookupUnavailable):
    outcome = "timed-out"


class DvlaUnreachable(LookupUnavailable):
    outcome = "unreachable"


class UnexpectedDvlaResponse(LookupUnavailable):
    """An answer the documented contract does not have (another status, a body that is not JSON)."""

    outcome = "unexpected"
    log_level = logging.ERROR


class ApiKeyRejected(LookupUnavailable):
    """The DVLA refused the council's API key (401 or 403): DVLA_API_KEY is wrong, expired or
    revoked. The council must fix its configuration; the person can go on provisionally."""

    outcome = "api-key-rejected"
    log_level = logging.CRITICAL


SERVER_FAILURES = {500, 502, 503, 504}


class VehicleEnquiryClient:
    """One client per app. Each thread that uses it gets its own connections to the DVLA, kept open
    between look-ups (a requests Session is not promised to be safe across threads)."""

    def __init__(self, base_url: str, api_key: str, timeout_seconds: float):
        self.url = base_url.rstrip("/") + ENQUIRY_PATH
        self.api_key = api_key
        self.timeout_seconds = timeout_seconds
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def look_up(self, registration_number: str) -> VehicleDetails:
        """The DVLA's details of the vehicle. Raises InvalidRegistration (before any request) when
        the text is not a UK registration number, or a VehicleLookupError."""
        vrm = registrations.parse(registration_number).vrm
        correlation_id = str(uuid.uuid4())
        started = time.perf_counter()
        try:
            response = self.session.post(
                self.url,
                json={"registrationNumber": vrm},
                headers={"x-api-key": self.api_key, "X-Correlation-Id": correlation_id, "Accept": "application/json"},
                timeout=self.timeout_seconds,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            self._log(DvlaTimedOut.outcome, None, started, correlation_id, DvlaTimedOut.log_level)
            raise DvlaTimedOut(f"the DVLA did not answer within {self.timeout_seconds} seconds") from error
        except requests.RequestException as error:
            self._log(DvlaUnreachable.outcome, None, started, correlation_id, DvlaUnreachable.log_level)
            raise DvlaUnreachable(f"could not reach the DVLA: {type(error).__name__}") from error
        try:
            details = self._read(response, utcnow())
        except VehicleLookupError as failure:
            self._log(failure.outcome, response.status_code, started, correlation_id, failure.log_level, failure)
            raise
        self._log("found", response.status_code, started, correlation_id, logging.INFO)
        return details

    def close(self) -> None:
        """Close every thread's connections (when the app stops, and in tests)."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    def _read(self, response: requests.Response, answered_at: datetime) -> VehicleDetails:
        status = response.status_code
        body = _json(response)
        error = _first_error(body)
        if status == 200:
            if not isinstance(body, dict):
                raise UnexpectedDvlaResponse("the DVLA answered 200 without a JSON object", status)
            try:
                return VehicleDetails.from_dvla(body, answered_at)
            except ValueError as failure:
                raise UnexpectedDvlaResponse(str(failure), status) from failure
        if status == 404:
            raise VehicleNotFound("the DVLA has no vehicle with this registration number", status, error)
        if status == 400:
            raise RegistrationRejected("the DVLA says the registration number is not valid", status, error)
        if status in (401, 403):
            raise ApiKeyRejected(
                "the DVLA refused the API key: check DVLA_API_KEY (wrong, expired or revoked)", status, error
            )
        if status == 429:
            raise RateLimited(
                "the DVLA says we made too many requests", status, error, retry_after=_retry_after(response)
            )
        if status in SERVER_FAILURES:
            raise DvlaUnavailable(f"the DVLA's service is unavailable ({status})", status, error)
        raise UnexpectedDvlaResponse(f"the DVLA answered with status {status}", status, error)

    def _log(self, outcome, status, started, correlation_id, level, failure: VehicleLookupError | None = None):
        extra = {
            "outcome": outcome,
            "dvla_status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "correlation_id": correlation_id,
        }
        if failure is not None:
            extra.update(dvla_code=failure.dvla_code, dvla_title=failure.dvla_title, dvla_detail=failure.dvla_detail)
        message = "DVLA vehicle enquiry"
        if isinstance(failure, ApiKeyRejected):
            message += ": the DVLA refused DVLA_API_KEY; no vehicle can be looked up until it is fixed"
        log.log(level, message, extra=extra)


def client() -> VehicleEnquiryClient:
    """The app's client, made once from its settings."""
    extensions = current_app.extensions
    if "dvla_client" not in extensions:
        config = current_app.config
        extensions["dvla_client"] = VehicleEnquiryClient(
            config["DVLA_API_BASE"], config["DVLA_API_KEY"], config["DVLA_TIMEOUT_SECONDS"]
        )
    return extensions["dvla_client"]


def look_up(registration_number: str) -> VehicleDetails:
    """The DVLA's details of a vehicle, through the app's client. See VehicleEnquiryClient.look_up."""
    return client().look_up(registration_number)


def _json(response: requests.Response):
    if len(response.content) > 100_000:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _first_error(body) -> dict:
    """The first entry of the documented {"errors": [...]} body, or the API gateway's {"message"}."""
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return errors[0]
        if isinstance(body.get("message"), str):
            return {"message": body["message"]}
    return {}


def _retry_after(response: requests.Response) -> int | None:
    value = response.headers.get("Retry-After", "").strip()
    return int(value) if value.isdigit() and len(value) < 7 else None


def _text(value) -> str | None:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)[:200]
    return None
