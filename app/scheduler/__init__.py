"""Scheduled work: one registry of jobs, run by `flask scheduler run` on any number of machines, each
job under a lock so two machines never run it at once. Add a job beside the code it runs:

    from app import scheduler

    @scheduler.job("permit-renewal-reminders", daily_at="08:00", title=_l("Remind people to renew permits"),
                   summary=_l("%(queued)s reminders queued"))
    def remind_renewals() -> dict[str, int]:
        ...  # flush, do not commit: the scheduler commits when the job succeeds
        return {"queued": count}

See docs/scheduler.md.
"""

from app.scheduler.registry import JOBS, Job, Registry, job, load_jobs, register

__all__ = ["JOBS", "Job", "Registry", "job", "load_jobs", "register"]
