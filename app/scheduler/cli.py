"""`flask scheduler run` and `flask scheduler list`."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from app.scheduler import runner
from app.scheduler.registry import JOBS


@click.group("scheduler", help="Scheduled jobs: message sending, payment checks, reminders, clean-ups.")
def scheduler_cli():
    pass


@scheduler_cli.command("run")
@click.option("--once", is_flag=True, help="Run the jobs that are due now, then stop.")
@click.option("--tick", default=1.0, show_default=True, help="Seconds between looks for due jobs.")
@with_appcontext
def scheduler_run(once: bool, tick: float):
    """Run every scheduled job when it is due, until stopped (SIGTERM or Ctrl+C lets running jobs finish)."""
    app = current_app._get_current_object()
    runner.configure_logging(app.config["LOG_LEVEL"])
    stop = threading.Event()

    def request_stop(signum, frame):
        stop.set()

    if not once:
        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        click.echo(f"Scheduler on {app.config['MACHINE_NAME']}: {len(JOBS.all())} jobs. Stop with Ctrl+C.")
    runner.serve(app, stop=stop, tick=tick, once=once)


@scheduler_cli.command("list")
@with_appcontext
def scheduler_list():
    """Every job, when it runs, and how its last run went."""
    for status in runner.statuses():
        record = status.record
        if record is None or record.last_started_at is None:
            last = "never run"
        else:
            outcome = record.last_outcome.value if record.last_outcome else "?"
            last = f"{outcome} at {record.last_started_at:%Y-%m-%d %H:%M:%S} UTC on {record.last_machine}"
            if record.last_error:
                last += f": {record.last_error}"
        every = status.job.every
        when = f"every {every.total_seconds():g} seconds" if every else f"daily at {status.job.daily_at:%H:%M} London"
        click.echo(f"{status.job.name:<24} {when:<24} {last}")


def run_by_hand(name: str, function=None) -> dict:
    """One job now, for its own command: under the same lock as the scheduler, and recorded."""
    run = runner.run_job(JOBS.get(name), force=True, function=function)
    if run.status == runner.BUSY:
        raise click.ClickException("Another machine is running this job now. Try again when it has finished.")
    if run.error:
        raise click.ClickException(f"The job failed: {run.error}")
    return run.counts or {}
