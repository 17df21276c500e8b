"""SQLite, the default for a small council and for development, runs with a write-ahead log: a
commit appends to the log (no rollback journal rewritten with several fsyncs), so an enforcement
check and its log row commit in a fraction of the time, and readers never wait for a writer."""

import sqlalchemy as sa

from app.database import configure_engine


def test_every_connection_uses_the_write_ahead_log_with_normal_sync_and_foreign_keys(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'doorstep.sqlite'}")
    configure_engine(engine)
    for _ in range(2):  # a second connection from the pool is set up the same way
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
