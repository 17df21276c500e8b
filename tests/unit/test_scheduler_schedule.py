"""When a scheduled job is due: every so often, or once a day at a London time (summer time too)."""

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from app.scheduler.registry import RETRY_AFTER, Job, Registry, register


def record(started=None, ok_started=None):
    return SimpleNamespace(last_started_at=started, last_ok_started_at=ok_started)


def nothing():
    return None


EVERY_FIVE_MINUTES = Job("check-something", nothing, "Check", every=timedelta(minutes=5))
DAILY_AT_THREE = Job("clean-up", nothing, "Clean", daily_at=time(3, 0))
NOON = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def test_a_job_that_runs_every_few_minutes_is_due_when_that_long_has_passed_since_it_started():
    assert EVERY_FIVE_MINUTES.is_due(None, NOON)  # never run
    assert not EVERY_FIVE_MINUTES.is_due(record(NOON - timedelta(minutes=4)), NOON)
    assert EVERY_FIVE_MINUTES.is_due(record(NOON - timedelta(minutes=5)), NOON)
    assert EVERY_FIVE_MINUTES.next_run(record(NOON - timedelta(minutes=4)), NOON) == NOON + timedelta(minutes=1)


def test_a_daily_job_runs_once_after_its_time_and_catches_up_when_the_scheduler_was_stopped():
    done_today = record(NOON.replace(hour=3, minute=0, second=1), NOON.replace(hour=3, minute=0, second=1))
    assert not DAILY_AT_THREE.is_due(done_today, NOON)
    assert DAILY_AT_THREE.next_run(done_today, NOON) == datetime(2026, 1, 16, 3, 0, tzinfo=UTC)
    done_yesterday = record(NOON - timedelta(days=1), NOON - timedelta(days=1))
    assert DAILY_AT_THREE.is_due(done_yesterday, NOON)  # nobody ran it at 3am: it runs now
    before_three = datetime(2026, 1, 15, 2, 0, tzinfo=UTC)
    assert not DAILY_AT_THREE.is_due(done_yesterday, before_three)
    assert DAILY_AT_THREE.next_run(done_yesterday, before_three) == datetime(2026, 1, 15, 3, 0, tzinfo=UTC)
    assert DAILY_AT_THREE.is_due(None, before_three)  # a new installation runs it once straight away


def test_a_daily_job_that_failed_is_tried_again_after_a_pause_not_on_every_tick():
    failed_just_now = record(NOON - timedelta(minutes=1), NOON - timedelta(days=1))
    assert not DAILY_AT_THREE.is_due(failed_just_now, NOON)
    assert DAILY_AT_THREE.next_run(failed_just_now, NOON) == NOON - timedelta(minutes=1) + RETRY_AFTER
    assert DAILY_AT_THREE.is_due(failed_just_now, NOON - timedelta(minutes=1) + RETRY_AFTER)


def test_a_daily_time_is_london_time_in_summer():
    # 3am in London in July is 2am UTC.
    summer_night = datetime(2026, 7, 1, 2, 30, tzinfo=UTC)
    assert DAILY_AT_THREE.last_daily_moment(summer_night) == datetime(2026, 7, 1, 2, 0, tzinfo=UTC)
    assert DAILY_AT_THREE.last_daily_moment(NOON) == datetime(2026, 1, 15, 3, 0, tzinfo=UTC)
    # The night the clocks go forward (29 March 2026) still has a 3am.
    assert DAILY_AT_THREE.last_daily_moment(datetime(2026, 3, 29, 5, 0, tzinfo=UTC)) == datetime(
        2026, 3, 29, 2, 0, tzinfo=UTC
    )


def test_a_job_needs_a_plain_name_and_exactly_one_kind_of_schedule():
    with pytest.raises(ValueError, match="lower-case"):
        Job("Send Messages", nothing, "x", every=timedelta(seconds=5))
    with pytest.raises(ValueError, match="either every= or daily_at="):
        Job("both-kinds", nothing, "x", every=timedelta(seconds=5), daily_at=time(3))
    with pytest.raises(ValueError, match="either every= or daily_at="):
        Job("no-schedule", nothing, "x")
    with pytest.raises(ValueError, match="at least a second"):
        Job("too-often", nothing, "x", every=timedelta(milliseconds=10))


def test_two_jobs_cannot_share_a_name_and_daily_times_can_be_written_as_text():
    registry = Registry()
    found = register("permit-renewals", nothing, title="Renewals", daily_at="08:30", registry=registry)
    assert found.daily_at == time(8, 30) and registry.get("permit-renewals") is found
    with pytest.raises(ValueError, match="two scheduled jobs are called"):
        register("permit-renewals", lambda: None, title="Other", every=timedelta(minutes=1), registry=registry)


def test_todays_jobs_are_registered_by_the_services_that_own_them(app):
    from app.scheduler import JOBS

    jobs = {job.name: job for job in JOBS.all()}
    assert jobs["send-messages"].every == timedelta(seconds=5)
    assert jobs["reconcile-payments"].every == timedelta(minutes=5)
    assert jobs["bulky-waste-reminders"].daily_at == time(10, 0)
    assert jobs["purge-expired"].daily_at == time(3, 0)
    assert jobs["send-messages"].function.__module__ == "app.services.messages"
