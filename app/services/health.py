from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.extensions import db

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def migration_heads() -> set[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return set(ScriptDirectory.from_config(config).get_heads())


def check() -> dict:
    """Whether the database answers and its schema is at the newest migration."""
    result = {"database": "unreachable", "migrations": "unknown"}
    try:
        connection = db.session.connection()
        connection.execute(sa.text("SELECT 1"))
        result["database"] = "ok"
        current = set(MigrationContext.configure(connection).get_current_heads())
    except sa.exc.SQLAlchemyError:
        return result | {"ok": False}
    heads = migration_heads()
    result["migrations"] = "ok" if current == heads else "behind"
    result["ok"] = result["database"] == "ok" and result["migrations"] == "ok"
    return result
