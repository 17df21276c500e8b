"""Engine settings that make SQLite behave like the PostgreSQL we run in production."""

import sqlalchemy as sa


def configure_engine(engine: sa.engine.Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so SAVEPOINT
        # and rollback work as documented; and enforce foreign keys as PostgreSQL does.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        # Write-ahead logging: a commit appends to the log instead of rewriting the database through
        # a rollback journal with several fsyncs, and readers never wait for a writer. NORMAL
        # synchronisation is safe with WAL (a power cut can lose the last commits, never corrupt).
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection):
        # IMMEDIATE takes the write lock at the start: two requests that both read and then write
        # (a page view that writes an audit record, say) queue behind each other instead of one
        # failing at once with "database is locked". Production's PostgreSQL has row locks instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
