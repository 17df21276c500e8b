"""A client walks the GeoReport v2 specification's examples (wiki.open311.org/GeoReport_v2), in
JSON and in XML: the list of services, one service's definition, posting a request, the token
it gives, one request, and the list of requests with the example's filters."""

from datetime import datetime

import pytest

from app.extensions import db
from app.models import Role
from app.services import api_keys
from tests.factories import make_user
from tests.open311_client import Open311Client

pytestmark = pytest.mark.db
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


@pytest.fixture
def key(app_context):
    made = api_keys.create("FixMyStreet", api_keys.OPEN311, created_by=make_user(role=Role.ADMIN))
    db.session.commit()
    return made


@pytest.mark.parametrize("format", ["json", "xml"])
def test_a_client_walks_the_specifications_examples(client, key, format):
    open311 = Open311Client(client.raw, format, api_key=key.secret)

    # GET services: every category we take, with the standard's fields.
    services = open311.services()
    assert [service["service_code"] for service in services] == ["fly-tipping", "graffiti", "litter", "dog-fouling"]
    assert all(set(service) == SERVICE_FIELDS for service in services)
    assert services[0]["service_name"] == "Fly-tipping"
    assert str(services[0]["metadata"]).lower() == "true" and services[0]["type"] == "realtime"

    # GET services/<code>: the attributes, from the form's questions, in the form's order.
    definition = open311.definition("fly-tipping")
    assert definition["service_code"] == "fly-tipping"
    attributes = {attribute["code"]: attribute for attribute in definition["attributes"]}
    assert list(attributes) == ["land", "amount", "kind", "hazardous", "witnessed", "what_seen", "would_be_witness"]
    assert all(set(attribute) >= ATTRIBUTE_FIELDS for attribute in attributes.values())
    assert [str(attribute["order"]) for attribute in attributes.values()] == [str(n) for n in range(1, 8)]
    assert attributes["kind"]["datatype"] == "multivaluelist"
    assert attributes["land"]["datatype"] == "singlevaluelist"
    assert attributes["what_seen"]["datatype"] == "text"
    assert str(attributes["land"]["required"]).lower() == "true"
    assert str(attributes["what_seen"]["required"]).lower() == "false"  # asked only after "yes, I saw it"
    assert "witnessed is yes" in attributes["what_seen"]["description"]
    assert {"key": "road", "name": "On a road, pavement or verge"} in attributes["land"]["values"]
    assert [value["key"] for value in attributes["hazardous"]["values"]] == ["yes", "no"]

    # POST requests: the spec's example fields, with our attributes.
    posted = open311.post(
        service_code="fly-tipping",
        lat="52.40010",
        long="-3.00150",
        address_string="By the bus stop on High Street",
        email="smit222@sfgov.edu",
        device_id="tt222111",
        account_id="123456",
        first_name="john",
        last_name="smith",
        phone="01632 960 001",
        description="A large sinkhole is destroying the street",
        media_url="http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
        **{
            "attribute[land]": "road",
            "attribute[amount]": "van",
            "attribute[kind][]": ["furniture", "building"],
            "attribute[hazardous]": "no",
            "attribute[witnessed]": "no",
        },
    )
    assert len(posted) == 1
    request_id = posted[0]["service_request_id"]
    assert str(request_id).isdigit() and posted[0]["token"]

    # GET tokens/<token>: the request the token stands for.
    assert str(open311.token(posted[0]["token"])["service_request_id"]) == str(request_id)

    # GET requests/<id>: the request as the public sees it.
    found = open311.request(request_id)
    assert set(found) == REQUEST_FIELDS
    assert found["status"] == "open"
    assert found["service_code"] == "fly-tipping" and found["service_name"] == "Fly-tipping"
    assert found["description"] == "A large sinkhole is destroying the street"
    assert found["agency_responsible"] == "Demo Borough Council"
    assert found["address"] == "Near High Street, Demoton"
    assert float(found["lat"]) == pytest.approx(52.4001) and float(found["long"]) == pytest.approx(-3.0015)
    requested = datetime.fromisoformat(found["requested_datetime"])
    assert requested.utcoffset() is not None
    assert datetime.fromisoformat(found["expected_datetime"]) > requested
    assert "john" not in str(found) and "smit222" not in str(found)  # never the reporter

    # GET requests: the spec's example query (a window and a status).
    listed = open311.requests(start_date="2010-05-24T00:00:00Z", end_date="2099-06-24T00:00:00Z", status="open")
    assert [str(item["service_request_id"]) for item in listed] == [str(request_id)]
    assert open311.requests(status="closed") == []
