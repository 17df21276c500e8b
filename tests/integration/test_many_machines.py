"""Doorstep on several machines: two web processes (gunicorn, one worker each) behind a stand-in load
balancer that sends each request to the next one, and two schedulers, against one PostgreSQL, one
Redis and one S3-compatible store. Nothing may work only because it happened on the same process.

Always PostgreSQL (that is what several machines share), so this runs in `make test` and not again
in CI's PostgreSQL pass. It fails, never skips, when PostgreSQL or redis-server cannot be had.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from io import BytesIO

import pytest
import sqlalchemy as sa
from PIL import Image

from app import create_app, forms_engine
from app.extensions import db
from app.models import (
    Booking,
    BookingStatus,
    Case,
    FormJourney,
    JobOutcome,
    MessageStatus,
    OutboundMessage,
    ScheduledJob,
    User,
)
from app.services import demo, messages, paid_forms
from tests.database import reset_schema
from tests.form_walk import example_page_data, example_route, walk
from tests.integration.test_form_engine import submit
from tests.local_stripe import LocalStripe
from tests.machines import SECRET_KEY, BalancedBrowser, Machines, Redis, postgresql_url
from tests.pages import PageClient
from tests.s3_server import LocalS3
from tests.settings import app_overrides, isolated_environ

pytestmark = pytest.mark.machines

GUESTS, PLACES = 50, 5
QUEUED_MESSAGES = 200
RESIDENT, STAFF = demo.DEMO_ACCOUNTS[0], demo.DEMO_ACCOUNTS[3]


def browser(servers, address):
    return PageClient(BalancedBrowser(servers, address))


def test_two_web_processes_and_two_schedulers_share_sign_ins_limits_files_messages_and_places(tmp_path):
    figures: dict[str, object] = {}
    clock = time.perf_counter()
    database_url = postgresql_url()
    redis = Redis(tmp_path)
    s3 = LocalS3()
    stripe = LocalStripe()
    machines = Machines(tmp_path, shared_settings(database_url, redis, s3, s3.new_bucket(), stripe))
    app = create_app(
        app_overrides(tmp_path, database_url, STRIPE_API_BASE=stripe.url), environ=isolated_environ(tmp_path)
    )
    try:
        web = [machines.web("web-a"), machines.web("web-b")]  # they load while the database is made
        reset_schema(app)
        with app.app_context():
            demo.load()
            db.session.commit()
        schedulers = [machines.scheduler("scheduler-a"), machines.scheduler("scheduler-b")]
        machines.wait_until_serving()
        servers = [process.url for process in web]
        names = {process.url: process.name for process in web}
        bucket = machines.environ["UPLOAD_S3_BUCKET"]
        phases = figures["seconds"] = {"start-up": round(time.perf_counter() - clock, 1)}

        def timed(name, function, *arguments):
            started = time.perf_counter()
            figures[name] = function(*arguments)
            phases[name] = round(time.perf_counter() - started, 1)

        timed("signed in on both", signed_in_on_one_is_signed_in_on_the_other, servers)
        timed("sign-in attempts (status, machine)", rate_limits_are_counted_across_both, servers, redis, web)
        timed("file", a_file_sent_through_one_is_served_by_the_other, app, servers, s3, bucket, names)
        timed("holds", fifty_guests_for_five_places, app, servers, names)
        timed("messages", each_message_is_sent_once, app, schedulers)
        # Stopped first (SIGTERM, as a deploy does): running jobs finish, so every record and log is final.
        exit_codes = machines.stop()
        timed("job runs", jobs_never_overlap_and_daily_ones_ran_once, app, schedulers)
        timed("web log lines", web_processes_log_json_with_an_access_line_per_request, web)
    finally:
        machines.stop()
        stripe.stop()
        s3.stop()
        redis.stop()
        with app.app_context():
            db.engine.dispose()
    assert exit_codes == dict.fromkeys(["web-a", "web-b", "scheduler-a", "scheduler-b"], 0), exit_codes
    figures["total seconds"] = round(time.perf_counter() - clock, 1)
    print("\nSeveral machines:", json.dumps(figures, indent=2, default=str))


def shared_settings(database_url, redis, s3, bucket, stripe) -> dict:
    """What every machine is given: production's shared parts, with the local Stripe and the file
    outbox (one folder per process, so what each sent can be counted) in place of Stripe and email."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "FLASK_APP": "wsgi",
        "DOORSTEP_ENV": "development",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": "https://services.demo-borough.example",
        "TRUSTED_PROXIES": "1",
        "RATELIMIT_STORAGE_URI": redis.url,
        "AUTH_RATE_LIMIT": "5 per hour",
        "STRIPE_API_BASE": stripe.url,
        "MESSAGE_DELIVERY": "file",
        "DEV_OUTBOX_PAGE": "false",
        "MACHINES": "4",
        "LOG_LEVEL": "INFO",
        **s3.settings(bucket),
    }


def signed_in_on_one_is_signed_in_on_the_other(servers):
    resident = browser(servers, "203.0.113.10")
    page = resident.submit("/sign-in", {"email": RESIDENT.email, "password": RESIDENT.password})  # A, then B
    assert page.status == 302, page.error_summary
    for _ in servers:  # the account page from each machine in turn
        account = resident.get("/account/")
        assert account.h1 == "Your account" and RESIDENT.full_name in account.text
    assert set(resident.raw.served_by) == set(servers)
    stranger = browser(servers, "203.0.113.11")
    assert stranger.get("/account/", expect=302).location.startswith("/sign-in")
    token = account.soup.find("input", {"name": "csrf_token"})["value"]  # the sign-out button's
    resident.post("/sign-out", {"csrf_token": token}, expect=302)
    assert resident.get("/account/", expect=302).location.startswith("/sign-in")  # out on both
    return "signed in through one machine, account pages from both, signed out on both"


def rate_limits_are_counted_across_both(servers, redis, web):
    attacker = browser(servers, "198.51.100.7")
    token = attacker.get("/sign-in").csrf_token()
    attempts = []
    for _ in range(7):
        page = attacker.post("/sign-in", {"csrf_token": token, "email": "nobody@example.com", "password": "wrong"})
        attempts.append((page.status, attacker.raw.served_by[-1]))
    assert [status for status, _server in attempts] == [200] * 5 + [429] * 2, attempts
    # Neither machine saw more than three of the five allowed: only shared counts stop the sixth.
    allowed = Counter(server for status, server in attempts if status == 200)
    assert max(allowed.values()) <= 3 and len(allowed) == 2
    assert redis.client.keys("LIMITS*"), "the counts are kept in Redis"
    names = {process.url: process.name for process in web}
    return [(status, names[server]) for status, server in attempts]


def a_file_sent_through_one_is_served_by_the_other(app, servers, s3, bucket, names):
    person = browser(servers, "203.0.113.20")
    with app.app_context():
        definition = forms_engine.get("alternative-formats")
        walk(person, definition)
    submit(person, definition)
    uploaded_on = next(
        server
        for (server, (method, _page)) in zip(person.raw.served_by, person.raw.requests, strict=True)
        if method == "POST" and _page.endswith("/letter-copy")
    )
    other = next(server for server in servers if server != uploaded_on)
    with app.app_context():
        case = db.session.scalars(
            sa.select(Case).where(Case.service_id == "alternative-formats").order_by(Case.id.desc())
        ).first()
        key = case.answers["letter_copy"]["file"]
    staff = browser([other], "203.0.113.21")
    staff.submit("/sign-in", {"email": STAFF.email, "password": STAFF.password}, expect=302)
    case_page = staff.get(f"/staff/cases/{case.reference}")
    link = case_page.soup.find("a", href=f"/staff/cases/{case.reference}/files/letter_copy")
    assert link is not None and link.get_text(strip=True).startswith("Download example.jpg")
    download = staff.raw.get(link["href"])
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    content = download.get_data()
    assert content == s3.client.get_object(Bucket=bucket, Key=f"uploads/{key}")["Body"].read()
    assert Image.open(BytesIO(content)).size == (40, 30)
    return {"uploaded through": names[uploaded_on], "downloaded from": names[other], "bytes": len(content)}


def fifty_guests_for_five_places(app, servers, names):
    """The first guest fills in the form page by page as a person would; the other 49 send the same
    answers (without the optional photo) straight to each page, which is all the server sees anyway.
    Then all 50 press "Accept and pay" at the same moment, half of them on each machine."""
    with app.app_context():
        definition = forms_engine.get("bulky-waste")
        first = browser(servers, "203.0.113.100")
        walk(first, definition)
        steps = example_route(definition)
        answers = {}
        for step in steps:
            answers[step.id] = {
                name: values
                for name, values in example_page_data(step).items()
                if not (values and isinstance(values[0], tuple))  # the optional photo
            }
        journey = db.session.scalars(sa.select(FormJourney).order_by(FormJourney.id.desc())).first()
        question = paid_forms.collection_question(definition)
        day = journey.answers[question.id]
        for step in steps:
            if question.id in answers[step.id]:
                answers[step.id][question.id] = [day]

    def fill_in(number):
        if number == 0:
            return first, first.get("/services/bulky-waste/check-answers").csrf_token()
        guest = browser(servers[number % 2 :] + servers[: number % 2], f"203.0.113.{100 + number}")
        begun = guest.get("/services/bulky-waste/begin", expect=302)
        token = guest.get(begun.location).csrf_token()
        for step in steps:
            guest.post(f"/services/bulky-waste/{step.id}", {"csrf_token": token, **answers[step.id]}, expect=302)
        return guest, token

    clock = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        ready = list(pool.map(fill_in, range(GUESTS)))
    filled_in = time.perf_counter() - clock
    together = threading.Barrier(GUESTS)
    outcomes = []

    def send(guest, token):
        together.wait()
        page = guest.post("/services/bulky-waste/check-answers", {"csrf_token": token})
        outcomes.append((page.status, page.location or "", guest.raw.served_by[-1]))

    threads = [threading.Thread(target=send, args=pair) for pair in ready]
    clock = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    sent = time.perf_counter() - clock
    to_pay = [outcome for outcome in outcomes if outcome[0] == 303]
    day_full = [outcome for outcome in outcomes if outcome[0] == 302 and "/collection-day" in outcome[1]]
    assert len(outcomes) == GUESTS and len(to_pay) == PLACES and len(day_full) == GUESTS - PLACES, Counter(
        (status, location.split("?")[0]) for status, location, _server in outcomes
    )
    with app.app_context():
        held = db.session.scalars(sa.select(Booking).where(Booking.status == BookingStatus.HELD)).all()
        assert len(held) == PLACES and len({booking.slot_id for booking in held}) == 1
    return {
        "guests": GUESTS,
        "places": PLACES,
        "held": len(to_pay),
        "told the day is full": len(day_full),
        "sent to each machine": dict(Counter(names[server] for _status, _location, server in outcomes)),
        "seconds to fill in 50 forms": round(filled_in, 1),
        "seconds for the 50 sends": round(sent, 2),
    }


def each_message_is_sent_once(app, schedulers):
    with app.test_request_context():
        resident = db.session.scalar(sa.select(User).where(User.email == RESIDENT.email))
        for _ in range(QUEUED_MESSAGES):
            messages.queue_email(resident, "password_changed")
        db.session.commit()
    clock = time.perf_counter()
    deadline = time.monotonic() + 45
    while True:
        with app.app_context():
            pending = db.session.scalar(
                sa.select(sa.func.count(OutboundMessage.id)).where(OutboundMessage.status == MessageStatus.PENDING)
            )
            db.session.rollback()
        if pending == 0:
            break
        assert time.monotonic() < deadline, f"{pending} messages still waiting"
        time.sleep(0.25)
    waited = time.perf_counter() - clock
    written = {
        process.name: [int(path.name.split("-")[0]) for path in process.outbox.glob("*.json")] for process in schedulers
    }
    every_file = Counter(message_id for ids in written.values() for message_id in ids)
    with app.app_context():
        sent = set(
            db.session.scalars(sa.select(OutboundMessage.id).where(OutboundMessage.status == MessageStatus.SENT))
        )
        total = db.session.scalar(sa.select(sa.func.count(OutboundMessage.id)))
    assert max(every_file.values()) == 1, [message_id for message_id, n in every_file.items() if n > 1]
    assert set(every_file) == sent and len(sent) == total >= QUEUED_MESSAGES
    return {
        "messages": total,
        "sent by each scheduler": {name: len(ids) for name, ids in written.items()},
        "seconds until all 200 were sent": round(waited, 1),
    }


def web_processes_log_json_with_an_access_line_per_request(web):
    """gunicorn.conf.py's structured log: every line gunicorn and the app write is JSON, and each
    request the app logged has gunicorn's access line with the same request id (and no path)."""
    counted = {}
    for process in web:
        lines = [json.loads(line) for line in process.log().splitlines() if line.strip()]
        access = {entry["request_id"]: entry for entry in lines if entry["name"] == "gunicorn.access"}
        requests_logged = [entry for entry in lines if entry["name"] == "doorstep.requests"]
        assert requests_logged and all(entry["request_id"] in access for entry in requests_logged)
        assert all("path" not in entry or entry["path"].startswith("/static/") for entry in access.values())
        assert {"method", "status", "bytes", "duration_ms", "worker"} <= set(next(iter(access.values())))
        counted[process.name] = len(access)
    return counted


def jobs_never_overlap_and_daily_ones_ran_once(app, schedulers):
    runs = []
    for process in schedulers:
        for line in process.log().splitlines():
            if line.startswith("{") and '"job finished"' in line:
                entry = json.loads(line)
                runs.append(
                    (
                        entry["job"],
                        datetime.fromisoformat(entry["started"]),
                        datetime.fromisoformat(entry["finished"]),
                        process.name,
                    )
                )
    by_job: dict[str, list] = {}
    for job, started, finished, name in sorted(runs, key=lambda run: run[1]):
        by_job.setdefault(job, []).append((started, finished, name))
    for job, intervals in by_job.items():
        for (_started, finished, _name), (next_started, _finished, _next) in zip(
            intervals, intervals[1:], strict=False
        ):
            assert next_started >= finished, f"{job} ran on two machines at once"
    assert len(by_job["bulky-waste-reminders"]) == 1 and len(by_job["purge-expired"]) == 1
    assert len(by_job["send-messages"]) >= 2
    with app.app_context():
        records = {record.name: record for record in db.session.scalars(sa.select(ScheduledJob))}
    assert {name: record.last_outcome for name, record in records.items()} == dict.fromkeys(records, JobOutcome.OK)
    assert {record.last_machine for record in records.values()} <= {"scheduler-a", "scheduler-b"}
    return {job: dict(Counter(name for _s, _f, name in intervals)) for job, intervals in sorted(by_job.items())}
