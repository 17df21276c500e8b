"""The two formats GeoReport v2 answers in: JSON (lists of objects) and XML (a root element with
one element per item, as the standard's examples and FixMyStreet's parser expect). XML is built
with the standard library's ElementTree, which escapes every value.

    root              item
    services          service              services.xml
    service_definition (the one object)    services/<code>.xml
    service_requests  request              requests.xml, requests/<id>.xml, tokens/<token>.xml
    service_request_updates request_update servicerequestupdates.xml
    errors            error                any error
"""

from __future__ import annotations

import json
from xml.etree import ElementTree

# A list inside an item is written as this element with one child element per entry.
LIST_ITEMS = {"attributes": "attribute", "values": "value"}
ROOTS = {
    "service": "services",
    "request": "service_requests",
    "request_update": "service_request_updates",
    "error": "errors",
}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _add(parent: ElementTree.Element, name: str, value) -> None:
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _add(element, key, inner)
    elif isinstance(value, list):
        child = LIST_ITEMS.get(name, "item")
        for entry in value:
            _add(element, child, entry)
    else:
        element.text = _text(value)


def _xml(root: ElementTree.Element) -> str:
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True)


def render_list(item: str, items: list[dict], format: str) -> str:
    """A list of items (services, requests, request updates, errors) as JSON or XML."""
    if format == "json":
        return json.dumps(items, ensure_ascii=False)
    root = ElementTree.Element(ROOTS[item])
    for entry in items:
        _add(root, item, entry)
    return _xml(root)


def render_definition(definition: dict, format: str) -> str:
    """A service definition: one object, not a list."""
    if format == "json":
        return json.dumps(definition, ensure_ascii=False)
    root = ElementTree.Element("service_definition")
    for key, value in definition.items():
        _add(root, key, value)
    return _xml(root)


def render_error(status: int, description: str, format: str) -> str:
    return render_list("error", [{"code": status, "description": description}], format)


def content_type(format: str) -> str:
    return "application/json" if format == "json" else "text/xml; charset=utf-8"
