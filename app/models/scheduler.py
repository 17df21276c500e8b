import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, string_enum


class JobOutcome(enum.StrEnum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"


class ScheduledJob(Base):
    """A scheduled job's last run, whichever machine ran it (see app/scheduler). One row per job."""

    __tablename__ = "scheduled_jobs"

    name: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_outcome: Mapped[JobOutcome | None] = mapped_column(string_enum(JobOutcome))
    # What the job reported, as counts ({"sent": 3, ...}); shown with the job's own words for them.
    last_counts: Mapped[dict | None] = mapped_column(sa.JSON)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    last_machine: Mapped[str | None] = mapped_column(sa.String(200))
    # When the last run that succeeded started: a daily job is due again once a day's time passes it.
    last_ok_started_at: Mapped[datetime | None]
    failures_in_a_row: Mapped[int] = mapped_column(default=0)
    # The lock on SQLite, held while the job runs (PostgreSQL takes an advisory lock instead).
    locked_by: Mapped[str | None] = mapped_column(sa.String(200))
    locked_until: Mapped[datetime | None]
