import json
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import MessageStatus, OutboundMessage, utcnow
from app.services import messages
from tests.factories import make_user

pytestmark = pytest.mark.db


class FlakyBackend:
    def __init__(self, failures: int):
        self.failures = failures
        self.sent = []

    def send(self, message):
        if self.failures:
            self.failures -= 1
            raise messages.DeliveryError("provider unavailable")
        self.sent.append(message.id)
        return f"ref-{message.id}"


def queue_one(app, language="en"):
    user = make_user(language=language)
    with app.test_request_context():
        message = messages.queue_email(user, "password_changed")
        db.session.commit()
        return message.id


def test_messages_are_rendered_in_the_persons_language(app, database):
    message_id = queue_one(app, language="cy")
    message = db.session.get(OutboundMessage, message_id)
    assert message.language == "cy"
    assert message.subject == "Mae eich cyfrinair wedi cael ei newid"


def test_a_failed_delivery_is_retried_with_backoff_and_never_lost(app, database):
    message_id = queue_one(app)
    backend = FlakyBackend(failures=2)
    clock = [utcnow()]
    with app.app_context():
        assert messages.deliver_due(backend, max_attempts=5, now_func=lambda: clock[0]) == {
            "sent": 0,
            "retrying": 1,
            "failed": 0,
        }
        # Not due again until the backoff has passed.
        assert messages.deliver_due(backend, max_attempts=5, now_func=lambda: clock[0])["retrying"] == 0
        clock[0] += timedelta(minutes=2)
        messages.deliver_due(backend, max_attempts=5, now_func=lambda: clock[0])
        clock[0] += timedelta(minutes=4)
        assert messages.deliver_due(backend, max_attempts=5, now_func=lambda: clock[0])["sent"] == 1
    message = db.session.get(OutboundMessage, message_id)
    db.session.refresh(message)
    assert (message.status, message.attempts, message.provider_reference) == (
        MessageStatus.SENT,
        3,
        f"ref-{message_id}",
    )
    assert backend.sent == [message_id]


def test_after_the_last_attempt_a_message_is_marked_failed_not_deleted(app, database):
    message_id = queue_one(app)
    with app.app_context():
        messages.deliver_due(FlakyBackend(failures=10), max_attempts=1)
    message = db.session.get(OutboundMessage, message_id)
    db.session.refresh(message)
    assert message.status is MessageStatus.FAILED
    assert message.last_error == "provider unavailable"


def test_file_backend_writes_the_message(app, database, tmp_path):
    message_id = queue_one(app)
    with app.app_context():
        counts = messages.deliver_due(messages.FileBackend(tmp_path), max_attempts=3)
    assert counts["sent"] == 1
    written = json.loads((tmp_path / f"{message_id:08d}-email.json").read_text())
    assert written["subject"] == "Your password has been changed"


def test_backoff_grows_and_is_capped():
    assert messages.backoff(1) == timedelta(minutes=2)
    assert messages.backoff(3) == timedelta(minutes=8)
    assert messages.backoff(30) == timedelta(hours=6)


def test_dev_outbox_page_lists_messages(app, client):
    queue_one(app)
    page = client.get("/dev/outbox")
    link = page.soup.select_one("main li a")
    assert link.get_text(strip=True) == "Your password has been changed"
    assert client.get(link["href"]).h1 == "Your password has been changed"
