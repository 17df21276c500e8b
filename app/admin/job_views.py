"""How the admin page says what each scheduled job does and how its last run went."""

from __future__ import annotations

from flask_babel import format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import JobOutcome
from app.scheduler.registry import Job

OUTCOMES = {
    JobOutcome.RUNNING: (_l("Running"), "govuk-tag--blue"),
    JobOutcome.OK: (_l("Succeeded"), "govuk-tag--green"),
    JobOutcome.FAILED: (_l("Failed"), "govuk-tag--red"),
}
NOT_RUN = (_l("Not run yet"), "govuk-tag--grey")


def how_often(job: Job) -> str:
    if job.daily_at is not None:
        return _("Every day at %(time)s (UK time)", time=format_time(job.daily_at, "h:mmaaa", rebase=False))
    seconds = int(job.every.total_seconds())
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return _("Every hour") if hours == 1 else _("Every %(count)s hours", count=hours)
    if seconds % 60 == 0:
        minutes = seconds // 60
        return _("Every minute") if minutes == 1 else _("Every %(count)s minutes", count=minutes)
    return _("Every second") if seconds == 1 else _("Every %(count)s seconds", count=seconds)


def outcome(record) -> tuple[str, str]:
    if record is None or record.last_outcome is None:
        return str(NOT_RUN[0]), NOT_RUN[1]
    label, colour = OUTCOMES[record.last_outcome]
    return str(label), colour


def what_happened(job: Job, record) -> str:
    if record is None or record.last_outcome is None:
        return ""
    if record.last_outcome is JobOutcome.FAILED:
        return record.last_error or ""
    if record.last_outcome is JobOutcome.RUNNING or not record.last_counts:
        return ""
    if job.summary is not None:
        try:
            return str(job.summary) % record.last_counts
        except (KeyError, TypeError, ValueError):
            pass  # counts from an older version of the job: show them as they are
    return ", ".join(f"{key}: {value}" for key, value in sorted(record.last_counts.items()))
