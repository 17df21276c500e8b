"""A small Open311 GeoReport v2 client for the tests: calls /open311/v2/ in JSON or XML through the
Flask test client and gives back the same Python shape for both (a list of dicts, or the service
definition's dict), checking on every call what any Open311 client relies on: the content type,
a body that parses, and errors as a list of {code, description} whose code is the HTTP status."""

from __future__ import annotations

import json
from xml.etree import ElementTree

PREFIX = "/open311/v2"
LISTS = {"attributes", "values"}
CONTENT_TYPES = {"json": "application/json", "xml": "text/xml"}


def _element(element: ElementTree.Element):
    if element.tag in LISTS:
        return [_element(child) for child in element]
    if len(element):
        return {child.tag: _element(child) for child in element}
    return element.text or ""


def parse(body: bytes, format: str):
    if format == "json":
        return json.loads(body)
    root = ElementTree.fromstring(body)  # noqa: S314  (our own answer, in a test)
    if root.tag == "service_definition":
        return _element(root)
    return [_element(child) for child in root]


class Open311Error(AssertionError):
    def __init__(self, status: int, errors: list[dict]):
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors

    @property
    def description(self) -> str:
        return self.errors[0]["description"]


class Open311Client:
    def __init__(self, raw_client, format: str = "json", api_key: str | None = None):
        self.raw = raw_client
        self.format = format
        self.api_key = api_key

    def _check(self, response, expect: int):
        assert response.mimetype == CONTENT_TYPES[self.format], (response.status_code, response.data[:300])
        assert response.headers.get("Content-Type", "").startswith(CONTENT_TYPES[self.format])
        body = parse(response.data, self.format)
        if response.status_code >= 400:
            assert isinstance(body, list) and len(body) == 1, body
            assert str(body[0]["code"]) == str(response.status_code), body
            assert body[0]["description"], body
            if expect != response.status_code:
                raise Open311Error(response.status_code, body)
        assert response.status_code == expect, (response.status_code, body)
        return body

    def url(self, path: str) -> str:
        return f"{PREFIX}/{path}.{self.format}"

    def get(self, path: str, expect: int = 200, **params):
        return self._check(self.raw.get(self.url(path), query_string=params), expect)

    def error(self, path: str, status: int, method: str = "get", /, **params) -> str:
        """Call, expecting the standard's error with this status; its description. (Positional
        arguments only, so a parameter may be called status.)"""
        if method == "get":
            response = self.raw.get(self.url(path), query_string=params)
        else:
            response = self.raw.post(self.url(path), data=params)
        return self._check(response, status)[0]["description"]

    def services(self) -> list[dict]:
        return self.get("services")

    def definition(self, code: str) -> dict:
        return self.get(f"services/{code}")

    def post(self, expect: int = 200, **fields) -> list[dict]:
        data = dict(fields)
        if self.api_key is not None:
            data.setdefault("api_key", self.api_key)
        return self._check(self.raw.post(self.url("requests"), data=data), expect)

    def requests(self, **filters) -> list[dict]:
        return self.get("requests", **filters)

    def request(self, request_id) -> dict:
        found = self.get(f"requests/{request_id}")
        assert len(found) == 1
        return found[0]

    def token(self, token: str) -> dict:
        found = self.get(f"tokens/{token}")
        assert len(found) == 1
        return found[0]

    def updates(self, **window) -> list[dict]:
        return self.get("servicerequestupdates", **window)
