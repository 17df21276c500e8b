"""Runs the registered jobs when they are due, each under its lock, and records how each run went.

`flask scheduler run` calls serve(): every second it reads the jobs' last runs, and starts each due
job in a thread of its own (one at a time per job), so a long job never holds up the others. Any
number of machines may run it: a job whose lock another machine holds is left to that machine.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import JobOutcome, ScheduledJob, utcnow
from app.scheduler import locks
from app.scheduler.registry import JOBS, Job, Registry

log = logging.getLogger("doorstep.scheduler")

RAN, BUSY, NOT_DUE = "ran", "busy", "not-due"
QUIET_BELOW = timedelta(minutes=1)


def configure_logging(level: str) -> None:
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.setLevel(level)


def machine() -> str:
    return current_app.config["MACHINE_NAME"]


def _holder() -> str:
    return f"{machine()} (process {os.getpid()})"


def ensure_records(jobs: list[Job]) -> None:
    """A row for each job, so its lock and its runs have somewhere to live."""
    known = set(db.session.scalars(sa.select(ScheduledJob.name)))
    for found in jobs:
        if found.name in known:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(ScheduledJob(name=found.name))
        except IntegrityError:
            pass  # another scheduler made it at the same moment
    db.session.commit()


def records() -> dict[str, ScheduledJob]:
    return {record.name: record for record in db.session.scalars(sa.select(ScheduledJob))}


def due_jobs(registry: Registry | None = None, now: datetime | None = None) -> list[Job]:
    now = now or utcnow()
    found = records()
    due = [job for job in (registry or JOBS).all() if job.is_due(found.get(job.name), now)]
    db.session.rollback()  # a read only: end the transaction rather than hold it while jobs run
    return due


@dataclass
class Run:
    status: str  # RAN, BUSY or NOT_DUE
    outcome: JobOutcome | None = None
    counts: dict | None = None
    error: str | None = None


def run_job(job: Job, *, force: bool = False, function: Callable[[], dict | None] | None = None) -> Run:
    """Run one job now if no other process is running it and it is due (or `force`, for a person
    running it by hand). Its outcome is recorded whatever happens; its changes are committed if it
    succeeds and rolled back if it fails."""
    ensure_records([job])
    lock = locks.for_job(job.name, _holder(), job.timeout)
    if not lock.acquire():
        return Run(BUSY)
    try:
        return _run_locked(job, force, function or job.function)
    finally:
        lock.release()


def _run_locked(job: Job, force: bool, function) -> Run:
    record = db.session.get(ScheduledJob, job.name, populate_existing=True)
    started = utcnow()
    if not force and not job.is_due(record, started):
        db.session.rollback()
        return Run(NOT_DUE)  # another machine ran it between our look and our lock
    record.last_started_at = started
    record.last_outcome = JobOutcome.RUNNING
    record.last_machine = machine()
    db.session.commit()
    log.debug("job started", extra={"job": job.name, "machine": machine(), "pid": os.getpid()})
    clock = time.perf_counter()
    try:
        counts = function()
        db.session.commit()
    except Exception as error:  # noqa: BLE001  (any failure is recorded and the scheduler goes on)
        db.session.rollback()
        log.exception("job failed", extra={"job": job.name, "machine": machine()})
        run = Run(RAN, JobOutcome.FAILED, error=f"{type(error).__name__}: {error}"[:500])
    else:
        run = Run(RAN, JobOutcome.OK, counts=dict(counts) if counts else None)
    _record_outcome(job, started, run)
    # A job that runs every few seconds and found nothing to do is only worth a line when debugging.
    idle = job.every is not None and job.every < QUIET_BELOW and run.outcome is JobOutcome.OK
    idle = idle and not any((run.counts or {}).values())
    log.log(
        logging.DEBUG if idle else logging.INFO,
        "job finished",
        extra={
            "job": job.name,
            "outcome": run.outcome.value,
            "machine": machine(),
            "pid": os.getpid(),
            "started": started.isoformat(),
            "finished": utcnow().isoformat(),
            "duration_ms": round((time.perf_counter() - clock) * 1000, 1),
            "counts": run.counts,
        },
    )
    return run


def _record_outcome(job: Job, started: datetime, run: Run) -> None:
    record = db.session.get(ScheduledJob, job.name, populate_existing=True)
    record.last_finished_at = utcnow()
    record.last_outcome = run.outcome
    record.last_counts = run.counts
    record.last_error = run.error
    if run.outcome is JobOutcome.OK:
        record.last_ok_started_at = started
        record.failures_in_a_row = 0
    else:
        record.failures_in_a_row = (record.failures_in_a_row or 0) + 1
    db.session.commit()


def run_in_thread(app, job: Job) -> None:
    with app.app_context():
        try:
            run_job(job)
        except Exception:  # noqa: BLE001  (the database was unreachable, say: the next tick tries again)
            db.session.rollback()
            log.exception("job could not be started", extra={"job": job.name})


def serve(app, *, stop: threading.Event, tick: float = 1.0, once: bool = False, registry: Registry | None = None):
    """Start each due job in its own thread until `stop` is set (or, with `once`, after one round),
    then wait for the jobs still running to finish."""
    running: dict[str, threading.Thread] = {}
    registry = registry or JOBS
    with app.app_context():
        ensure_records(registry.all())
    while not stop.is_set():
        try:
            with app.app_context():
                due = due_jobs(registry)
        except sa.exc.SQLAlchemyError:
            log.exception("could not read the scheduled jobs; trying again")
            due = []
        for job in due:
            thread = running.get(job.name)
            if thread is not None and thread.is_alive():
                continue
            thread = threading.Thread(target=run_in_thread, args=(app, job), name=f"job-{job.name}")
            running[job.name] = thread
            thread.start()
        if once:
            break
        stop.wait(tick)
    for thread in running.values():
        thread.join()


@dataclass
class JobStatus:
    job: Job
    record: ScheduledJob | None
    next_run: datetime
    due: bool


def statuses(registry: Registry | None = None, now: datetime | None = None) -> list[JobStatus]:
    """Every registered job with its last run, for the admin page."""
    now = now or utcnow()
    found = records()
    return [
        JobStatus(
            job, found.get(job.name), job.next_run(found.get(job.name), now), job.is_due(found.get(job.name), now)
        )
        for job in (registry or JOBS).all()
    ]
