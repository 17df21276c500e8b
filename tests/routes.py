"""Every route the app has, found from the URL map, with example values for its arguments.

A new route with an argument this module cannot fill fails the tests that use it, so nobody
can add a page that the security and accessibility checks silently skip.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.routing import Rule

# Routes that are not HTML pages a person reads.
NOT_PAGES = {
    "pages.healthz",
    "account.download_data",
    "pages.switch_language",
    "staff.collections_csv",
    "staff.figures_csv",
    "street_reports.photo",  # an image
}

EXAMPLE_ARGUMENTS = {
    "question_id": lambda: "letter_copy",
    "slug": lambda: "bulky-waste",
    "token": lambda: "example-token",
    "reason": lambda: "verify",
    "code": lambda: "cy",
    "user_id": lambda: 1,
    "message_id": lambda: 1,
    "form_id": lambda: "missed-bin",
    "page_id": lambda: "bin-type",
    "reference": lambda: "ACDE-FGHJ",
    "key_id": lambda: 1,
    "place_id": lambda: 1,
    "kiosk_id": lambda: 1,  # a kiosk (the demo data enrols one at the demo library)
    "session_id": lambda: 1,  # a volunteer's session helping someone (the demo data has one)
    "organisation_id": lambda: 1,
    "membership_id": lambda: 1,
    "invitation_id": lambda: 1,
    "address_id": lambda: 1,  # an organisation's premises (the demo business's yard)
    "vrm": lambda: "AB12CDE",  # a vehicle registration number (the enforcement API)
    "report_id": lambda: 1,  # a street report's public number
    "format": lambda: "json",  # an API's response format (Open311's requests.json or .xml)
    "request_id": lambda: 1,  # an Open311 service request (a street report's public number)
    "uprn": lambda: 100000000001,  # a gazetteer address: the demo resident's (staff's visitor parking)
    "favourite_id": lambda: 1,  # a favourite visitor vehicle
    "account_ref": lambda: "60000001",  # a council tax account (the demo resident's, linked in the demo data)
    "link_id": lambda: 1,  # a person's link to a council tax account
    "section": lambda: "income",  # a part of a council tax payment arrangement's statement
}


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    methods: frozenset[str]
    arguments: tuple[str, ...]

    def url(self, app, **values) -> str:
        filled = {name: values.get(name, EXAMPLE_ARGUMENTS[name]()) for name in self.arguments}
        # Anything else becomes the query string (a schedule's round and day, say).
        filled |= {name: value for name, value in values.items() if name not in self.arguments}
        with app.test_request_context():
            from flask import url_for

            return url_for(self.endpoint, **filled)


def all_routes(app) -> list[Route]:
    routes = []
    for rule in app.url_map.iter_rules():
        rule: Rule
        if rule.endpoint == "static":
            continue
        missing = [name for name in rule.arguments if name not in EXAMPLE_ARGUMENTS]
        assert not missing, f"tests/routes.py needs an example value for {missing} in {rule.rule}"
        routes.append(Route(rule.endpoint, rule.rule, frozenset(rule.methods), tuple(sorted(rule.arguments))))
    return sorted(routes, key=lambda route: route.rule)


def is_api(app, route: Route) -> bool:
    """Under an API's prefix (registered with app.api.register_api_blueprint): answers machines, in
    JSON or XML, never a page."""
    from app.api.blueprints import api_for_path

    return api_for_path(route.rule, app) is not None


def is_page(app, route: Route) -> bool:
    """An HTML page a person reads, for the accessibility and page-weight checks."""
    return "GET" in route.methods and route.endpoint not in NOT_PAGES and not is_api(app, route)


def view_roles(app, endpoint: str):
    return getattr(app.view_functions[endpoint], "required_roles", None)
