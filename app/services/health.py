"""What /healthz answers: whether the database answers and its schema is at the release's newest
migration. Load balancers ask every few seconds, so the release's migration heads are read once,
when the app starts, and each check costs one small query."""

from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from app.extensions import db

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
VERSION_TABLE = sa.table("alembic_version", sa.column("version_num"))


@cache
def migration_heads() -> frozenset[str]:
    """The newest migrations in this release's scripts (they change only with a new release)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def check(expected_heads: frozenset[str]) -> dict:
    """One query: the database's migration versions, compared with the heads the app started with."""
    try:
        current = set(db.session.scalars(sa.select(VERSION_TABLE.c.version_num)))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"database": _reachable(), "migrations": "unknown", "ok": False}
    migrations = "ok" if current == expected_heads else "behind"
    return {"database": "ok", "migrations": migrations, "ok": migrations == "ok"}


def _reachable() -> str:
    """Only when reading the versions failed: was it the database, or a database never migrated?"""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return "unreachable"
    return "ok"
