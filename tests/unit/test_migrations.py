"""The models and the migrations describe the same schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from app.models import Base

pytestmark = pytest.mark.db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], f"create a migration: {differences}"


def test_database_is_at_the_newest_migration(app):
    from app.services import health

    with app.app_context():
        assert health.check(health.migration_heads()) == {"database": "ok", "migrations": "ok", "ok": True}
