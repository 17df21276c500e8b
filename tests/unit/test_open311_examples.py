"""The examples in Open311's error messages pass the checks those messages belong to, and the
XML and JSON shapes hold what they are given (markup escaped, never built by hand)."""

import json
from xml.etree import ElementTree

import pytest

from app.services.open311 import Open311Error, documents, locations, service_requests


def test_the_date_and_time_example_is_read_and_bad_ones_are_refused():
    assert "2026-11-24T09:30:00Z" in service_requests.W3C_HINT
    moment = service_requests.parse_moment("2026-11-24T09:30:00Z", "start_date")
    assert moment.isoformat() == "2026-11-24T09:30:00+00:00"
    summer = service_requests.parse_moment("2026-07-01T09:30:00 01:00", "start_date")  # "+" sent unencoded
    assert service_requests.w3c(summer) == "2026-07-01T09:30:00+01:00"
    assert service_requests.parse_moment("2026-07-01", "end_date").utcoffset().total_seconds() == 3600
    for bad in ["yesterday", "2026-13-01", "<b>2026</b>", "9" * 41, ""]:
        with pytest.raises(Open311Error, match="must be a W3C date and time"):
            service_requests.parse_moment(bad, "start_date")


def test_the_coordinate_example_is_read_and_bad_ones_are_refused():
    assert locations._coordinate("52.4", "lat", 90) == 52.4
    for bad in ["abc", "1e3", "nan", "inf", "52,4", "0x10", "1" * 30]:
        with pytest.raises(Open311Error, match="must be a decimal number"):
            locations._coordinate(bad, "lat", 90)
    with pytest.raises(Open311Error, match="between -90 and 90"):
        locations._coordinate("-91", "lat", 90)


def test_documents_escape_markup_and_keep_lists():
    items = [{"description": "<script>&</script>", "values": [{"key": "a", "name": "A"}], "ok": True, "none": None}]
    xml = documents.render_list("request", items, "xml")
    root = ElementTree.fromstring(xml)  # noqa: S314  (our own output, in a test)
    assert root.tag == "service_requests" and root[0].tag == "request"
    assert root.find("request/description").text == "<script>&</script>" and "<script>" not in xml
    assert [value.find("key").text for value in root.findall("request/values/value")] == ["a"]
    assert root.find("request/ok").text == "true" and root.find("request/none").text is None
    assert json.loads(documents.render_list("request", items, "json")) == items
    error = ElementTree.fromstring(documents.render_error(404, "Not <here>", "xml"))  # noqa: S314
    assert (error.tag, error.find("error/code").text, error.find("error/description").text) == (
        "errors",
        "404",
        "Not <here>",
    )
