"""/healthz, which load balancers call every few seconds: the release's migration heads are read once
when the app starts, and each call costs one small query."""

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from app.extensions import db
from app.services import health

pytestmark = pytest.mark.db


@pytest.fixture
def queries(app, database):
    statements = []

    def record(conn, cursor, statement, *args):
        if "SAVEPOINT" not in statement:  # the test's own transaction around each request
            statements.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
    yield statements
    with app.app_context():
        sa.event.remove(db.engine, "before_cursor_execute", record)


def test_healthz_reads_no_migration_scripts_and_asks_the_database_once(app, client, queries, monkeypatch):
    def no_scripts(*args, **kwargs):
        raise AssertionError("/healthz read the migration scripts")

    monkeypatch.setattr(ScriptDirectory, "from_config", no_scripts)
    for _ in range(3):
        queries.clear()
        response = client.raw.get("/healthz")
        assert response.status_code == 200
        assert response.json == {"database": "ok", "migrations": "ok", "ok": True}
        assert len(queries) == 1, queries
        assert "alembic_version" in queries[0]


def test_the_heads_learnt_at_start_are_this_releases_newest_migrations(app):
    assert app.extensions["migration_heads"] == health.migration_heads()
    newest = sorted(path.name for path in (health.MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))[-1]
    assert app.extensions["migration_heads"] == {newest.split("_")[0]}


def test_healthz_says_503_when_the_database_is_behind(client):
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    response = client.raw.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"database": "ok", "migrations": "behind", "ok": False}


def test_healthz_says_503_when_the_database_was_never_migrated(client):
    db.session.execute(sa.text("DROP TABLE alembic_version"))
    response = client.raw.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"database": "ok", "migrations": "unknown", "ok": False}


def test_healthz_says_503_when_the_database_cannot_be_reached(make_app, tmp_path):
    unreachable = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite'}")
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"database": "unreachable", "migrations": "unknown", "ok": False}
