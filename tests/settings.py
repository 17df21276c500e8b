"""Settings for test apps. TEST_DATABASE_URL points the database tests at PostgreSQL (CI does)."""

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url


def database_url_for(tmp_dir: Path, name: str = "test.sqlite") -> str:
    """SQLite in the test's own folder, or TEST_DATABASE_URL's PostgreSQL. Each pytest-xdist process
    gets a database of its own on that server (`test_gw0`, `test_gw1`), so the PostgreSQL run can be
    spread over processes as the SQLite run is."""
    given = os.environ.get("TEST_DATABASE_URL")
    if not given:
        return f"sqlite:///{tmp_dir / name}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not given.startswith("postgresql"):
        return given
    return ensure_postgresql_database(make_url(given), suffix=worker)


def ensure_postgresql_database(url: URL, *, suffix: str) -> str:
    """`url` with its database renamed `<name>_<suffix>`, created on that server if it is not there yet."""
    url = url.set(database=f"{url.database}_{suffix}")
    try:
        engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                exists = connection.scalar(
                    sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
                )
                if not exists:
                    connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
        finally:
            engine.dispose()
    except sa.exc.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is unreachable at {url.host}:{url.port}, and this test needs it "
            f"(set TEST_DATABASE_URL to a PostgreSQL server): {error.orig}",
            pytrace=False,
        )
    return url.render_as_string(hide_password=False)


def app_overrides(tmp_dir: Path, database_url: str, **extra) -> dict:
    return {
        "ENV_NAME": "test",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "INSTANCE_PATH": str(tmp_dir / "instance"),
        "MESSAGE_OUTBOX_DIR": str(tmp_dir / "outbox"),
        "PUBLIC_BASE_URL": "http://localhost",
        "AUTH_RATE_LIMIT": "1000 per minute",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
        **extra,
    }


def isolated_environ(tmp_dir: Path) -> dict:
    """A clean environment: the developer's own variables must not leak into tests."""
    return {"DOORSTEP_INSTANCE_PATH": str(tmp_dir / "instance"), "PATH": os.environ.get("PATH", "")}
