"""The scheduler: jobs run under their lock, their outcome is recorded, and admins can see it."""

import json
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import JobOutcome, MessageStatus, OutboundMessage, Role, ScheduledJob, User
from app.scheduler import locks, runner
from app.scheduler.registry import JOBS, Registry, register
from app.services import messages
from tests.factories import make_user, record_job_runs, sign_in

pytestmark = pytest.mark.db


def registry_with(name, function, **schedule):
    registry = Registry()
    register(name, function, title="A test job", summary="%(done)s done", registry=registry, **schedule)
    return registry


def test_a_job_that_succeeds_commits_its_work_and_records_how_it_went(app, database):
    def make_a_person():
        db.session.add(User(email="made-by-a-job@example.com", full_name="Made by a job", password_hash="x"))
        return {"done": 1}

    job = registry_with("make-a-person", make_a_person, every=timedelta(minutes=1)).get("make-a-person")
    with app.app_context():
        run = runner.run_job(job)
    assert (run.status, run.outcome, run.counts) == (runner.RAN, JobOutcome.OK, {"done": 1})
    assert db.session.scalar(sa.select(User).where(User.email == "made-by-a-job@example.com")) is not None
    record = db.session.get(ScheduledJob, "make-a-person")
    assert record.last_outcome is JobOutcome.OK and record.last_counts == {"done": 1}
    assert record.last_machine == app.config["MACHINE_NAME"]
    assert record.last_started_at <= record.last_finished_at and record.last_ok_started_at == record.last_started_at
    with app.app_context():
        assert runner.run_job(job).status == runner.NOT_DUE  # a minute has not passed


def test_a_job_that_fails_leaves_no_half_done_work_and_says_why(app, database):
    def fail_half_way():
        db.session.add(User(email="half-done@example.com", full_name="Half done", password_hash="x"))
        db.session.flush()
        raise RuntimeError("the revenues system did not answer")

    job = registry_with("fail-half-way", fail_half_way, daily_at="03:00").get("fail-half-way")
    with app.app_context():
        assert runner.run_job(job).outcome is JobOutcome.FAILED
        assert runner.run_job(job, force=True).outcome is JobOutcome.FAILED
    assert db.session.scalar(sa.select(User).where(User.email == "half-done@example.com")) is None
    record = db.session.get(ScheduledJob, "fail-half-way")
    assert record.last_outcome is JobOutcome.FAILED and record.failures_in_a_row == 2
    assert record.last_error == "RuntimeError: the revenues system did not answer"
    assert record.last_ok_started_at is None
    with app.app_context():
        assert runner.run_job(job).status == runner.NOT_DUE  # tried again after a pause, not at once


def test_a_job_another_machine_is_running_is_left_alone(app, database):
    calls = []
    job = registry_with("held-elsewhere", lambda: calls.append(1), every=timedelta(seconds=1)).get("held-elsewhere")
    with app.app_context():
        runner.ensure_records([job])
        elsewhere = locks.for_job(job.name, "another machine (process 1)", job.timeout)
        assert elsewhere.acquire()
        try:
            assert runner.run_job(job).status == runner.BUSY
        finally:
            elsewhere.release()
        assert calls == []
        assert runner.run_job(job).status == runner.RAN and calls == [1]


def test_two_schedulers_at_the_same_moment_run_a_job_once(app):
    """Real threads with their own connections and committed transactions, as two machines would be."""
    started = threading.Barrier(2)
    running, overlaps, runs = [0], [], []

    def slow_job():
        running[0] += 1
        overlaps.append(running[0])
        time.sleep(0.3)
        running[0] -= 1
        runs.append(1)

    registry = registry_with("run-once-at-a-time", slow_job, every=timedelta(hours=1))
    job = registry.get(job_name := "run-once-at-a-time")
    results = []

    def scheduler():
        with app.app_context():
            started.wait()
            results.append(runner.run_job(job).status)

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert runs == [1] and overlaps == [1]
        assert sorted(results) in (["busy", "ran"], ["not-due", "ran"])
    finally:
        with app.app_context():
            db.session.execute(sa.delete(ScheduledJob).where(ScheduledJob.name == job_name))
            db.session.commit()


def test_the_scheduler_runs_what_is_due_and_only_that(app, database):
    calls = []
    registry = registry_with("count-calls", lambda: calls.append(1) or {"done": len(calls)}, every=timedelta(hours=1))
    stop = threading.Event()
    runner.serve(app, stop=stop, once=True, registry=registry)
    runner.serve(app, stop=stop, once=True, registry=registry)
    assert calls == [1]
    assert db.session.get(ScheduledJob, "count-calls").last_counts == {"done": 1}


def test_the_message_job_sends_what_is_queued(app, database):
    user = make_user()
    with app.test_request_context():
        message_id = messages.queue_email(user, "password_changed").id
        db.session.commit()
        run = runner.run_job(JOBS.get("send-messages"), force=True)
    assert run.outcome is JobOutcome.OK and run.counts["sent"] >= 1
    assert db.session.get(OutboundMessage, message_id).status is MessageStatus.SENT
    outbox = Path(app.config["MESSAGE_OUTBOX_DIR"])
    assert json.loads((outbox / f"{message_id:08d}-email.json").read_text(encoding="utf-8"))["to"] == user.email


def test_the_old_commands_take_the_same_lock_and_are_recorded(app, database):
    result = app.test_cli_runner().invoke(args=["sessions", "purge"])
    assert result.exit_code == 0 and "expired sign-ins removed" in result.output
    record = db.session.get(ScheduledJob, "purge-expired")
    assert record.last_outcome is JobOutcome.OK and set(record.last_counts) == {"sign_ins", "forms"}
    with app.app_context():
        elsewhere = locks.for_job("bulky-waste-reminders", "another machine (process 1)", timedelta(hours=1))
        runner.ensure_records([JOBS.get("bulky-waste-reminders")])
        assert elsewhere.acquire()
        try:
            busy = app.test_cli_runner().invoke(args=["bookings", "remind"])
        finally:
            elsewhere.release()
    assert busy.exit_code == 1 and "Another machine is running this job now" in busy.output


def test_admins_see_each_jobs_last_run_and_outcome(app, database, client):
    record_job_runs()
    sign_in(client, make_user(role=Role.ADMIN))
    page = client.get("/admin/scheduled-jobs")
    cards = {
        card.select_one(".govuk-summary-card__title").get_text(strip=True): card
        for card in page.soup.select(".govuk-summary-card")
    }
    assert set(cards) >= {
        "Send emails and text messages",
        "Settle card payments whose confirmation from Stripe never came",
    }
    sending = cards["Send emails and text messages"].get_text(" ", strip=True)
    assert "Every 5 seconds" in sending and "Succeeded" in sending and "web-2" in sending
    assert "4 sent, 1 to try again, 0 failed" in sending
    failing = cards["Settle card payments whose confirmation from Stripe never came"]
    assert "Failed" in failing.get_text() and "Every 5 minutes" in failing.get_text()
    assert "APIConnectionError: <b>Stripe</b> did not answer" in failing.get_text()  # shown as text, not markup
    assert failing.find("b") is None and "<span" not in failing.get_text()
    assert "Failed runs in a row 3" in failing.get_text(" ", strip=True)
    purging = next(card for title, card in cards.items() if title.startswith("Delete expired sign-ins"))
    purging = purging.get_text(" ", strip=True)
    assert "Running" in purging and "Finished Not yet" in purging and "Every day at 3:00AM (UK time)" in purging
    reminders = cards["Remind people whose bulky waste is collected tomorrow"].get_text(" ", strip=True)
    assert "Not run yet" in reminders and "Every day at 10:00AM (UK time)" in reminders and "Due now" in reminders

    client.get("/language/cy?next=/admin/scheduled-jobs", expect=302)
    welsh = client.get("/admin/scheduled-jobs")
    assert welsh.h1 == "Tasgau wedi'u hamserlennu"
    assert "4 wedi'u hanfon, 1 i roi cynnig arall arnynt, 0 wedi methu" in welsh.text and "Bob 5 eiliad" in welsh.text


def test_only_admins_see_the_scheduled_jobs(app, database, client):
    assert client.get("/admin/scheduled-jobs", expect=302).location.startswith("/sign-in")
    sign_in(client, make_user(role=Role.STAFF))
    client.get("/admin/scheduled-jobs", expect=403)
