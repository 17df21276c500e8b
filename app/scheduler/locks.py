"""One lock per job, so two machines never run the same job at once.

PostgreSQL: a session-level advisory lock (pg_try_advisory_lock) on a connection of its own, held for
as long as the job runs. If the machine dies, PostgreSQL ends the connection and the lock with it.
Behind PgBouncer the scheduler needs a direct connection or session pooling: transaction pooling
would hand the lock's connection to someone else.

SQLite (one machine only): a lease on the job's row in scheduled_jobs, claimed with one conditional
UPDATE and released when the job ends; a scheduler that dies leaves it until the job's timeout passes.
"""

from __future__ import annotations

import zlib
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import ScheduledJob, utcnow

# The first half of every advisory lock key Doorstep takes ("DOOR"), so ours never meet another
# application's locks in the same database; the second half is the job's name, hashed.
LOCK_NAMESPACE = 0x444F4F52


def _signed_32(value: int) -> int:
    return value - (1 << 32) if value >= 1 << 31 else value


def advisory_key(name: str) -> tuple[int, int]:
    return LOCK_NAMESPACE, _signed_32(zlib.crc32(name.encode()))


class AdvisoryLock:
    def __init__(self, name: str):
        self.key = advisory_key(name)
        self.connection = None

    def acquire(self) -> bool:
        # AUTOCOMMIT: the connection holds the lock without holding a transaction open for hours.
        connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            held = connection.scalar(sa.select(sa.func.pg_try_advisory_lock(*self.key)))
        except Exception:
            connection.close()
            raise
        if not held:
            connection.close()
            return False
        self.connection = connection
        return True

    def release(self) -> None:
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            released = connection.scalar(sa.select(sa.func.pg_advisory_unlock(*self.key)))
        except sa.exc.DBAPIError:
            released = False
        if not released:
            # Never hand a connection that may still hold the lock back to the pool: closing it for
            # good ends the database session, and the lock with it.
            connection.invalidate()
        connection.close()


class LeaseLock:
    def __init__(self, name: str, holder: str, timeout: timedelta):
        self.name, self.holder, self.timeout = name, holder, timeout

    def acquire(self) -> bool:
        now = utcnow()
        claimed = db.session.execute(
            sa.update(ScheduledJob)
            .where(
                ScheduledJob.name == self.name,
                sa.or_(ScheduledJob.locked_until.is_(None), ScheduledJob.locked_until <= now),
            )
            .values(locked_by=self.holder, locked_until=now + self.timeout)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        return claimed == 1

    def release(self) -> None:
        db.session.rollback()
        db.session.execute(
            sa.update(ScheduledJob)
            .where(ScheduledJob.name == self.name, ScheduledJob.locked_by == self.holder)
            .values(locked_by=None, locked_until=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def for_job(name: str, holder: str, timeout: timedelta):
    if db.engine.dialect.name == "postgresql":
        return AdvisoryLock(name)
    return LeaseLock(name, holder, timeout)
