"""The enforcement feed: the permits in a zone changed since a moment, a page at a time by keyset,
with the same key checks and JSON errors as the registration number check."""

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import ParkingPermit, PermitStatus, Role
from app.services import api_keys
from tests.factories import make_user

pytestmark = pytest.mark.db
URL = "/api/enforcement/v1/permits"
BASE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def key(app_context):
    made = api_keys.create("Handheld fleet", api_keys.ENFORCEMENT, created_by=make_user(role=Role.ADMIN))
    db.session.commit()
    return made.secret


@pytest.fixture
def permits(app_context):
    """Seven permits in zone A changed a minute apart (the 4th cancelled, the 6th a visitor session,
    the 7th changed at the same moment as the 6th) and one in zone B."""
    made = []
    for number in range(8):
        changed = BASE + timedelta(minutes=min(number, 5))
        made.append(
            ParkingPermit(
                reference=f"FEED-{number}",
                permit_type="visitor" if number == 5 else "resident",
                status=PermitStatus.CANCELLED if number == 3 else PermitStatus.ACTIVE,
                uprn=100000000001,
                zone="B" if number == 7 else "A",
                vrm=f"DM19LO{'ABCDEFGH'[number]}",
                vehicle={},
                starts_at=BASE,
                ends_at=BASE + timedelta(days=365),
                months=12,
                price_pence=1,
                quote={},
                updated_at=changed,
            )
        )
    db.session.add_all(made)
    db.session.commit()
    return made


def get(client, secret, **params):
    return client.raw.get(URL, query_string=params, headers={"Authorization": f"Bearer {secret}"})


def test_pages_follow_one_another_without_gaps_or_repeats(client, key, permits):
    seen, page = [], get(client, key, zone="A", limit=3).get_json()
    pages = 1
    while True:
        seen += [found["reference"] for found in page["permits"]]
        if page["next"] is None:
            break
        page = client.raw.get(page["next"], headers={"Authorization": f"Bearer {key}"}).get_json()
        pages += 1
    assert seen == [f"FEED-{number}" for number in range(7)] and pages == 3
    first = get(client, key, zone="A", limit=3).get_json()["permits"][0]
    assert first == {
        "reference": "FEED-0",
        "type": "resident",
        "vrm": "DM19LOA",
        "status": "active",
        "valid_from": "2026-12-01T09:00:00Z",
        "valid_to": "2027-12-01T09:00:00Z",
        "changed_at": "2026-12-01T09:00:00Z",
    }
    statuses = {
        found["reference"]: (found["type"], found["status"])
        for found in get(client, key, zone="A").get_json()["permits"]
    }
    assert statuses["FEED-3"] == ("resident", "cancelled") and statuses["FEED-5"] == ("visitor", "active")


def test_changed_since_leaves_out_older_changes_and_a_changed_permit_comes_again(client, key, permits):
    answer = get(client, key, zone="A", changed_since="2026-12-01T09:04:00Z").get_json()
    assert [found["reference"] for found in answer["permits"]] == ["FEED-4", "FEED-5", "FEED-6"]
    assert answer["changed_since"] == "2026-12-01T09:04:00Z" and answer["next"] is None
    first_page = get(client, key, zone="A", limit=2).get_json()
    permits[0].vrm = "DM17MED"
    permits[0].updated_at = BASE + timedelta(hours=1)
    db.session.commit()
    rest = get(client, key, zone="A", after=first_page["next_cursor"], limit=10).get_json()
    assert [found["reference"] for found in rest["permits"]][-1] == "FEED-0"
    assert rest["permits"][-1]["vrm"] == "DM17MED"


def test_bad_questions_and_keys_get_json_errors(client, key, permits):
    for params, code in (
        ({}, "unknown_zone"),
        ({"zone": "Z"}, "unknown_zone"),
        ({"zone": "A", "changed_since": "yesterday"}, "invalid_changed_since"),
        ({"zone": "A", "changed_since": "9" * 500}, "invalid_changed_since"),
        ({"zone": "A", "limit": "0"}, "invalid_limit"),
        ({"zone": "A", "limit": "1001"}, "invalid_limit"),
        ({"zone": "A", "limit": "-5"}, "invalid_limit"),
        ({"zone": "A", "limit": "9" * 100}, "invalid_limit"),
        ({"zone": "A", "after": "not-a-cursor"}, "invalid_after"),
        ({"zone": "A", "after": "x" * 5000}, "invalid_after"),
        ({"zone": "A", "after": "MjAyNi0xMi0wMXxub3QtYW4taWQ"}, "invalid_after"),
    ):
        answer = get(client, key, **params)
        assert answer.status_code == 400 and answer.mimetype == "application/json", params
        assert answer.get_json()["error"] == code, (params, answer.get_json())
    missing = client.raw.get(URL, query_string={"zone": "A"})
    wrong = get(client, "dsk_wrong_wrong-wrong-wrong", zone="A")
    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert missing.mimetype == wrong.mimetype == "application/json"
