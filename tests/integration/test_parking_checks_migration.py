"""Migration 0040: permits already waiting for checks when it runs get a due day (7 days after they
were made), others none; and it goes down again."""

from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.settings import app_overrides, isolated_environ

pytestmark = pytest.mark.db


@pytest.fixture
def fresh_app(tmp_path):
    """An app on an empty SQLite file of its own (whatever database the other tests use), so the
    migrations can be run up and down on it."""
    made = create_app(
        app_overrides(tmp_path, f"sqlite:///{tmp_path / 'migration.sqlite'}"), environ=isolated_environ(tmp_path)
    )
    yield made
    with made.app_context():
        db.engine.dispose()


def _permit(connection, reference: str, status: str, created_at: datetime) -> None:
    connection.execute(
        sa.text(
            "INSERT INTO parking_permits (reference, permit_type, status, uprn, zone, vrm, vehicle, starts_at,"
            " ends_at, months, price_pence, quote, created_at, updated_at) VALUES (:reference, 'resident',"
            " :status, 100000000001, 'A', 'ER19NFD', '{}', :created_at, :created_at, 12, 8200, '{}', :created_at,"
            " :created_at)"
        ),
        {"reference": reference, "status": status, "created_at": created_at},
    )


def test_permits_already_waiting_get_a_due_day_and_the_migration_goes_down(fresh_app):
    with fresh_app.app_context():
        upgrade(revision="0038")
        with db.engine.begin() as connection:
            _permit(connection, "WAIT-0001", "awaiting-checks", datetime(2026, 11, 20, 23, 30))
            _permit(connection, "LIVE-0001", "active", datetime(2026, 11, 20, 9, 0))
        upgrade(revision="0040")
        with db.engine.connect() as connection:
            due = dict(connection.execute(sa.text("SELECT reference, checks_due_on FROM parking_permits")).all())
        assert due == {"WAIT-0001": "2026-11-27", "LIVE-0001": None}
        downgrade(revision="0038")
        with db.engine.connect() as connection:
            columns = {column["name"] for column in sa.inspect(connection).get_columns("parking_permits")}
        assert "checks_due_on" not in columns
