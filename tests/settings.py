"""Settings for test apps. TEST_DATABASE_URL points the database tests at PostgreSQL (CI does)."""

import os
from pathlib import Path


def database_url_for(tmp_dir: Path, name: str = "test.sqlite") -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / name}"


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
