"""The models and the migrations describe the same schema."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

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


def descending_columns(connection, index_name: str) -> list[str]:
    """The columns the database's index holds in descending order (alembic's comparison does not
    look at the order of an index's columns)."""
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f'PRAGMA index_xinfo("{index_name}")').all()
        return [row[2] for row in rows if row[5] and row[3]]
    definition = connection.scalar(sa.text("SELECT pg_get_indexdef(to_regclass(:name))"), {"name": index_name})
    columns = definition.split(" USING btree (", 1)[1].rsplit(")", 1)[0]
    return [column.split()[0] for column in columns.split(", ") if column.endswith(" DESC")]


def test_indexes_hold_their_columns_in_the_models_order(app):
    """A copy of a table on SQLite (how alembic alters one) made the inbox's indexes again without
    their DESC, so the database sorted the whole inbox instead of reading the index in order."""
    expected = {}
    for table in Base.metadata.tables.values():
        for index in table.indexes:
            expected[index.name] = [
                expression.element.name
                for expression in index.expressions
                if isinstance(expression, UnaryExpression) and expression.modifier is operators.desc_op
            ]
    assert any(expected.values())
    with app.app_context(), db.engine.connect() as connection:
        found = {name: descending_columns(connection, name) for name in expected}
    assert found == expected
