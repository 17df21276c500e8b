"""The jobs the scheduler runs: a name, when (every so often, or daily at a London time), a function.

A service adds its own job next to its code with one decorator; see docs/scheduler.md.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
NAME = re.compile(r"^[a-z][a-z0-9-]{1,78}[a-z0-9]$")
# A daily job that failed is tried again after this long, not straight away on every tick.
RETRY_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable[[], dict[str, int] | None]
    title: object  # a lazy_gettext string: what the job does, as admins read it
    every: timedelta | None = None
    daily_at: time | None = None  # London time
    # How to say what a run reported, with %(key)s for each count the function returns.
    summary: object | None = None
    # On SQLite the lock is a lease this long, in case a scheduler stops without releasing it.
    timeout: timedelta = timedelta(hours=1)

    def __post_init__(self):
        if not NAME.fullmatch(self.name):
            raise ValueError(f"job name {self.name!r}: use lower-case letters, digits and hyphens")
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"job {self.name}: give either every= or daily_at=")
        if self.every is not None and self.every < timedelta(seconds=1):
            raise ValueError(f"job {self.name}: every= must be at least a second")

    def last_daily_moment(self, now: datetime) -> datetime:
        """The latest time of day this job was meant to run, at or before now (UTC)."""
        london = now.astimezone(LONDON)
        moment = _at(london.date(), self.daily_at)
        if moment > now:
            moment = _at(london.date() - timedelta(days=1), self.daily_at)
        return moment

    def is_due(self, record, now: datetime) -> bool:
        """Whether the job should run now, given its last run (a ScheduledJob row, or None)."""
        started = record.last_started_at if record is not None else None
        if self.every is not None:
            return started is None or started + self.every <= now
        last_ok = record.last_ok_started_at if record is not None else None
        if last_ok is not None and last_ok >= self.last_daily_moment(now):
            return False
        return started is None or started + RETRY_AFTER <= now

    def next_run(self, record, now: datetime) -> datetime:
        """When the job is next due (now, if it is due already)."""
        if self.is_due(record, now):
            return now
        if self.every is not None:
            return record.last_started_at + self.every
        moment = self.last_daily_moment(now)
        last_ok = record.last_ok_started_at
        if last_ok is not None and last_ok >= moment:
            return _at(moment.astimezone(LONDON).date() + timedelta(days=1), self.daily_at)
        return record.last_started_at + RETRY_AFTER


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=LONDON).astimezone(UTC)


@dataclass
class Registry:
    jobs: dict[str, Job] = field(default_factory=dict)

    def add(self, job_: Job) -> Job:
        existing = self.jobs.get(job_.name)
        if existing is not None and existing.function is not job_.function:
            raise ValueError(f"two scheduled jobs are called {job_.name!r}")
        self.jobs[job_.name] = job_
        return job_

    def all(self) -> list[Job]:
        return sorted(self.jobs.values(), key=lambda found: found.name)

    def get(self, name: str) -> Job | None:
        return self.jobs.get(name)


JOBS = Registry()


def register(
    name: str,
    function: Callable[[], dict[str, int] | None],
    *,
    title,
    every: timedelta | None = None,
    daily_at: str | time | None = None,
    summary=None,
    timeout: timedelta = timedelta(hours=1),
    registry: Registry | None = None,
) -> Job:
    """Add a job to the scheduler. `daily_at` is a London time like "03:00"."""
    if isinstance(daily_at, str):
        daily_at = time.fromisoformat(daily_at)
    found = Job(
        name=name, function=function, title=title, every=every, daily_at=daily_at, summary=summary, timeout=timeout
    )
    return (registry or JOBS).add(found)


def job(name: str, **options):
    """Decorator form of register(): the function runs when the job is due and may return counts."""

    def decorator(function):
        register(name, function, **options)
        return function

    return decorator


def load_jobs(package: str = "app.services") -> Registry:
    """Import every module of the services package, so each job registers itself where it is written."""
    imported = importlib.import_module(package)
    for module in pkgutil.iter_modules(imported.__path__):
        importlib.import_module(f"{package}.{module.name}")
    return JOBS
