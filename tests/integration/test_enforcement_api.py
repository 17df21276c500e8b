"""The enforcement API: a handheld asks whether a vehicle may park in a zone at a moment, with its
key; every check is logged; wrong or missing keys and bad questions get JSON, never a page."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import EnforcementCheck, ParkingPermit, PermitStatus, Role, utcnow
from app.services import api_keys
from app.services.parking import enforcement, permits
from tests.conftest import count
from tests.factories import make_user

pytestmark = pytest.mark.db
URL = "/api/enforcement/v1/vrm/{vrm}"
NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def key(app_context):
    made = api_keys.create("Handheld fleet", api_keys.ENFORCEMENT, created_by=make_user(role=Role.ADMIN))
    db.session.commit()
    return made


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def permit(app_context):
    made = ParkingPermit(
        reference="ENF-1",
        uprn=100000000001,
        zone="A",
        vrm="DM19LOW",
        vehicle={},
        starts_at=datetime(2026, 12, 1, tzinfo=UTC),
        ends_at=datetime(2027, 12, 1, tzinfo=UTC),
        months=12,
        price_pence=5500,
        quote={},
        updated_at=utcnow(),
    )
    db.session.add(made)
    db.session.commit()
    return made


def ask(client, key, vrm="DM19 LOW", **params):
    params.setdefault("zone", "A")
    params.setdefault("at", "2026-12-10T12:00:00Z")
    return client.raw.get(URL.format(vrm=vrm), query_string=params, headers=bearer(key.secret))


def test_a_vehicle_with_a_permit_in_the_zone_is_valid_and_another_is_not(client, key, permit):
    answer = ask(client, key)
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.get_json() == {
        "vrm": "DM19LOW",
        "zone": "A",
        "at": "2026-12-10T12:00:00Z",
        "valid": True,
        "permits": [
            {
                "type": "resident",
                "reference": "ENF-1",
                "valid_from": "2026-12-01T00:00:00Z",
                "valid_to": "2027-12-01T00:00:00Z",
            }
        ],
    }
    assert ask(client, key, vrm="DM17MED").get_json()["valid"] is False
    assert ask(client, key, zone="B").get_json()["valid"] is False
    assert ask(client, key, at="2026-11-30T23:59:59Z").get_json()["valid"] is False


def test_the_grace_period_and_a_cancelled_permit(client, key, permit):
    assert ask(client, key, at="2027-12-01T00:04:59Z").get_json()["valid"] is True  # 5 minutes' grace
    assert ask(client, key, at="2027-12-01T00:05:00Z").get_json()["valid"] is False
    permit.status = PermitStatus.CANCELLED
    db.session.commit()
    assert ask(client, key).get_json()["valid"] is False


def test_a_moment_without_an_offset_is_london_time_and_no_moment_is_now(client, key, permit):
    assert ask(client, key, at="2026-12-01T00:00:00").get_json()["at"] == "2026-12-01T00:00:00Z"  # GMT in December
    assert ask(client, key, at="2027-07-01T00:30:00").get_json()["at"] == "2027-06-30T23:30:00Z"  # BST
    now = client.raw.get(URL.format(vrm="DM19LOW"), query_string={"zone": "A"}, headers=bearer(key.secret))
    assert abs(datetime.fromisoformat(now.get_json()["at"].replace("Z", "+00:00")) - utcnow()) < timedelta(minutes=1)


def test_every_check_is_logged_with_its_key_and_answer(client, key, permit):
    ask(client, key)
    ask(client, key, vrm="DM17MED")
    logged = db.session.scalars(sa.select(EnforcementCheck).order_by(EnforcementCheck.id)).all()
    assert [(c.api_key_id, c.vrm, c.zone, c.valid) for c in logged] == [
        (key.key.id, "DM19LOW", "A", True),
        (key.key.id, "DM17MED", "A", False),
    ]


def test_old_checks_are_deleted_after_the_log_days(app_context):
    db.session.add_all(
        [
            EnforcementCheck(checked_at=utcnow() - timedelta(days=91), vrm="AB12CDE", zone="A", at=NOW, valid=False),
            EnforcementCheck(checked_at=utcnow() - timedelta(days=89), vrm="AB12CDE", zone="A", at=NOW, valid=False),
        ]
    )
    db.session.flush()
    assert enforcement.purge_old_checks() == {"deleted": 1}
    assert count(EnforcementCheck) == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer dsk_00000000_wrong"}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}],
)
def test_a_missing_or_wrong_key_gets_401_json(client, key, headers):
    answer = client.raw.get(URL.format(vrm="DM19LOW"), query_string={"zone": "A"}, headers=headers)
    assert answer.status_code == 401 and answer.mimetype == "application/json"
    assert answer.get_json()["error"] in {"missing_api_key", "invalid_api_key"}
    assert count(EnforcementCheck) == 0


def test_a_key_for_another_api_or_revoked_is_refused(client, app_context):
    admin = make_user(role=Role.ADMIN)
    other = api_keys.create("Open311", api_keys.OPEN311, created_by=admin)
    db.session.commit()
    assert ask(client, other).status_code == 401


@pytest.mark.parametrize(
    ("vrm", "params", "error"),
    [
        ("<script>", {}, "invalid_vrm"),
        ("X" * 5000, {}, "invalid_vrm"),
        ("DM19LOW", {"zone": "Z"}, "unknown_zone"),
        ("DM19LOW", {"zone": ""}, "unknown_zone"),
        ("DM19LOW", {"at": "yesterday"}, "invalid_at"),
        ("DM19LOW", {"at": "9" * 500}, "invalid_at"),
    ],
)
def test_a_bad_question_gets_400_json(client, key, vrm, params, error):
    answer = ask(client, key, vrm=vrm, **params)
    assert answer.status_code == 400 and answer.get_json()["error"] == error
    assert "<script>" not in answer.get_data(as_text=True)


def test_a_permit_bought_through_the_site_is_found_at_once(client, key, app_context):
    today = datetime.now(UTC).date()
    db.session.add(
        ParkingPermit(
            reference="ENF-2",
            uprn=100000000001,
            zone="A",
            vrm="DM21EVC",
            vehicle={},
            starts_at=permits.london_midnight(today),
            ends_at=permits.london_midnight(permits.add_months(today, 3)),
            months=3,
            price_pence=750,
            quote={},
            updated_at=utcnow(),
        )
    )
    db.session.commit()
    now = client.raw.get(URL.format(vrm="dm21evc"), query_string={"zone": "a"}, headers=bearer(key.secret))
    assert now.get_json()["valid"] is True
