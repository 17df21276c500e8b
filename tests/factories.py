"""Records for tests, made through the services where that is how the app makes them."""

import itertools
from datetime import timedelta

from app.extensions import db
from app.models import JobOutcome, Role, ScheduledJob, User, utcnow
from app.services import passwords

_numbers = itertools.count(1)
PASSWORD = "correct horse battery"


def make_user(*, role: Role = Role.RESIDENT, verified: bool = True, language: str = "en", **fields) -> User:
    number = next(_numbers)
    user = User(
        email=fields.pop("email", f"person{number}@example.com"),
        full_name=fields.pop("full_name", f"Test Person {number}"),
        password_hash=passwords.hash_password(fields.pop("password", PASSWORD)),
        role=role,
        language=language,
        email_verified_at=utcnow() if verified else None,
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


def sign_in(client, user: User, password: str = PASSWORD):
    page = client.submit("/sign-in", {"email": user.email, "password": password})
    assert page.status == 302, page.error_summary
    return page


def record_job_runs() -> None:
    """Scheduled jobs' last runs in each state the admin page shows: succeeded, failed three times in a
    row, still running; the others have not run yet."""
    now = utcnow()
    db.session.add_all(
        [
            ScheduledJob(
                name="send-messages",
                last_started_at=now - timedelta(seconds=3),
                last_finished_at=now - timedelta(seconds=2),
                last_outcome=JobOutcome.OK,
                last_counts={"sent": 4, "retrying": 1, "failed": 0},
                last_machine="web-2",
                last_ok_started_at=now - timedelta(seconds=3),
            ),
            ScheduledJob(
                name="reconcile-payments",
                last_started_at=now - timedelta(minutes=1),
                last_finished_at=now - timedelta(minutes=1),
                last_outcome=JobOutcome.FAILED,
                last_error="APIConnectionError: <b>Stripe</b> did not answer",
                last_machine="web-1",
                failures_in_a_row=3,
            ),
            ScheduledJob(
                name="purge-expired",
                last_started_at=now - timedelta(seconds=30),
                last_finished_at=now - timedelta(days=1),
                last_outcome=JobOutcome.RUNNING,
                last_machine="web-1",
                last_ok_started_at=now - timedelta(days=1),
            ),
        ]
    )
    db.session.commit()


def make_inbox_cases(count: int, *, assigned_to_id: int | None = None) -> None:
    """`count` cases straight into the table, for the staff inbox's pages: urgent and not, many due on
    the same day (so the id breaks ties), in three wards, every other one assigned, a quarter closed."""
    import sqlalchemy as sa

    from app import forms_engine
    from app.models import Case, CaseStatus
    from app.services import cases

    statuses = [CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING, CaseStatus.CLOSED]
    wards = ["Central", "Riverside", None]
    for definition in forms_engine.definitions().values():
        cases.snapshot(definition)
    today = cases.london_today()
    rows = []
    for i in range(count):
        service = "missed-bin" if i % 3 else "alternative-formats"
        rows.append(
            {
                "reference": f"TEST-{i:04d}",
                "service_id": service,
                "definition_version": forms_engine.get(service).version,
                "team": "test",
                "answers": {},
                "channel": "online",
                "language": "en",
                "status": statuses[i % 4],
                "urgent": i % 5 == 0,
                "ward": wards[i % 3],
                "assigned_to_id": assigned_to_id if i % 2 else None,
                "due_date": today + timedelta(days=(i * 7) % 11 - 5),
            }
        )
    db.session.execute(sa.insert(Case), rows)
