"""The outbox: messages are written with the change that causes them and sent later by a worker.

A message is rendered when it is queued, in the person's language, so what we sent is on record
even if the templates change later.
"""

from __future__ import annotations

import json
import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app import scheduler
from app.extensions import db
from app.models import MessageChannel, MessageStatus, OutboundMessage, utcnow
from app.services import letters

log = logging.getLogger("doorstep.messages")

MAX_BACKOFF = timedelta(hours=6)


class DeliveryError(Exception):
    """The provider did not take the message; it will be tried again."""


def render(template_name: str, language: str, context: dict) -> tuple[str, str]:
    """Subject and body of a message template, in the given language."""
    template = current_app.jinja_env.get_template(f"messages/{template_name}.txt")
    with force_locale(language):
        full_context = current_app.jinja_env.globals | {"config": current_app.config} | context
        rendered = template.new_context(full_context)
        subject = "".join(template.blocks["subject"](rendered)).strip()
        body = "".join(template.blocks["body"](rendered)).strip() + "\n"
    return subject, body


def queue(
    *,
    channel: MessageChannel,
    recipient: str,
    template: str,
    language: str,
    context: dict,
    user_id: int | None = None,
    case_id: int | None = None,
    now: datetime | None = None,
) -> OutboundMessage:
    """A message for the worker to send. A letter's recipient is its address's lines (checked by
    app/services/letters.py), one a line, the postcode last; its body is the same plain text."""
    if channel is MessageChannel.LETTER:
        recipient = letters.joined(letters.split(recipient))
    subject, body = render(template, language, context)
    return queue_rendered(
        channel=channel,
        recipient=recipient,
        template=template,
        language=language,
        subject=subject,
        body=body,
        user_id=user_id,
        case_id=case_id,
        now=now,
    )


def queue_rendered(
    *,
    channel: MessageChannel,
    recipient: str,
    template: str,
    language: str,
    subject: str,
    body: str,
    user_id: int | None = None,
    case_id: int | None = None,
    now: datetime | None = None,
) -> OutboundMessage:
    """A message already rendered (in two languages one after the other, say)."""
    message = OutboundMessage(
        user_id=user_id,
        case_id=case_id,
        channel=channel,
        recipient=recipient,
        language=language,
        template=template,
        subject=subject[:300],
        body=body,
        next_attempt_at=now or utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def queue_email(user, template: str, context: dict | None = None, *, to: str | None = None) -> OutboundMessage:
    """An email to a person in their language; `to` overrides the address (e.g. a new email to verify)."""
    return queue(
        channel=MessageChannel.EMAIL,
        recipient=to or user.email,
        template=template,
        language=user.language,
        context={"user": user} | (context or {}),
        user_id=user.id,
    )


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2**attempts), MAX_BACKOFF)


@dataclass
class FileBackend:
    """Development and tests: each message becomes a JSON file in a folder."""

    directory: Path

    def send(self, message: OutboundMessage) -> str:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"{message.id:08d}-{message.channel.value}.json"
            path.write_text(
                json.dumps(
                    {
                        "id": message.id,
                        "channel": message.channel.value,
                        "to": message.recipient,
                        **(
                            {"address_lines": letters.split(message.recipient)}
                            if message.channel is MessageChannel.LETTER
                            else {}
                        ),
                        "language": message.language,
                        "subject": message.subject,
                        "body": message.body,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        except OSError as error:
            raise DeliveryError(f"could not write message file: {error.strerror}") from error
        return path.name


@dataclass
class SmtpBackend:
    host: str
    port: int
    username: str
    password: str
    starttls: bool
    sender: str

    def send(self, message: OutboundMessage) -> str:
        if message.channel is not MessageChannel.EMAIL:
            raise DeliveryError("SMTP delivery only sends email")  # letters need Notify (or files)
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.recipient
        email["Subject"] = message.subject
        email["Content-Language"] = message.language
        email.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=20) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"SMTP: {type(error).__name__}") from error
        return f"smtp-{message.id}"


@dataclass
class NotifyBackend:
    """GOV.UK Notify, with one generic template per channel taking ((subject)) and ((body)); a
    letter's address goes in address_line_1.. with the postcode last."""

    api_key: str
    email_template_id: str
    sms_template_id: str
    letter_template_id: str = ""

    def send(self, message: OutboundMessage) -> str:
        from notifications_python_client.errors import HTTPError
        from notifications_python_client.notifications import NotificationsAPIClient

        client = NotificationsAPIClient(self.api_key)
        try:
            if message.channel is MessageChannel.EMAIL:
                response = client.send_email_notification(
                    email_address=message.recipient,
                    template_id=self.email_template_id,
                    personalisation={"subject": message.subject, "body": message.body},
                    reference=str(message.id),
                )
            elif message.channel is MessageChannel.LETTER:
                if not self.letter_template_id:
                    raise DeliveryError("Notify: no letter template id (NOTIFY_LETTER_TEMPLATE_ID)")
                response = client.send_letter_notification(
                    template_id=self.letter_template_id,
                    personalisation=letters.notify_personalisation(message.recipient, message.subject, message.body),
                    reference=str(message.id),
                )
            else:
                response = client.send_sms_notification(
                    phone_number=message.recipient,
                    template_id=self.sms_template_id,
                    personalisation={"body": message.body},
                    reference=str(message.id),
                )
        except (HTTPError, OSError) as error:
            raise DeliveryError(f"Notify: {type(error).__name__}") from error
        return str(response.get("id", ""))


def backend_from_config(config) -> FileBackend | SmtpBackend | NotifyBackend:
    kind = config["MESSAGE_DELIVERY"]
    if kind == "file":
        return FileBackend(Path(config["MESSAGE_OUTBOX_DIR"]))
    if kind == "smtp":
        return SmtpBackend(
            host=config["SMTP_HOST"],
            port=config["SMTP_PORT"],
            username=config["SMTP_USERNAME"],
            password=config["SMTP_PASSWORD"],
            starttls=config["SMTP_STARTTLS"],
            sender=config["MESSAGE_FROM"],
        )
    if kind == "notify":
        return NotifyBackend(
            api_key=config["NOTIFY_API_KEY"],
            email_template_id=config["NOTIFY_EMAIL_TEMPLATE_ID"],
            sms_template_id=config["NOTIFY_SMS_TEMPLATE_ID"],
            letter_template_id=config.get("NOTIFY_LETTER_TEMPLATE_ID", ""),
        )
    raise ValueError(f"Unknown MESSAGE_DELIVERY {kind!r}")


def claim_next_due(now: datetime) -> OutboundMessage | None:
    """Lock one due message; other workers skip it (FOR UPDATE SKIP LOCKED on PostgreSQL)."""
    query = (
        sa.select(OutboundMessage)
        .where(OutboundMessage.status == MessageStatus.PENDING, OutboundMessage.next_attempt_at <= now)
        .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return db.session.scalar(query)


def attempt_delivery(message: OutboundMessage, backend, *, max_attempts: int, now: datetime) -> bool:
    """Try once; on failure schedule the next try with backoff, or mark failed after the last."""
    message.attempts += 1
    try:
        reference = backend.send(message)
    except DeliveryError as error:
        message.last_error = str(error)[:500]
        if message.attempts >= max_attempts:
            message.status = MessageStatus.FAILED
            log.error("message %s failed after %s attempts", message.id, message.attempts)
        else:
            message.next_attempt_at = now + backoff(message.attempts)
            log.warning("message %s not delivered, retry at %s", message.id, message.next_attempt_at.isoformat())
        return False
    message.status = MessageStatus.SENT
    message.sent_at = now
    message.provider_reference = reference
    message.last_error = None
    return True


def deliver_due(backend, *, max_attempts: int, limit: int = 100, now_func=utcnow) -> dict[str, int]:
    """Send due messages one at a time, committing each so a crash never resends a sent one."""
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    for _ in range(limit):
        now = now_func()
        message = claim_next_due(now)
        if message is None:
            db.session.rollback()
            break
        delivered = attempt_delivery(message, backend, max_attempts=max_attempts, now=now)
        if delivered:
            counts["sent"] += 1
        elif message.status is MessageStatus.FAILED:
            counts["failed"] += 1
        else:
            counts["retrying"] += 1
        db.session.commit()
    return counts


def recent(limit: int = 50) -> list[OutboundMessage]:
    return list(db.session.scalars(sa.select(OutboundMessage).order_by(OutboundMessage.id.desc()).limit(limit)))


SEND_BATCH = 100
SEND_SECONDS = 30  # one run stops starting new batches after this long, so the scheduler stays lively


@scheduler.job(
    "send-messages",
    every=timedelta(seconds=5),
    title=_l("Send emails and text messages"),
    summary=_l("%(sent)s sent, %(retrying)s to try again, %(failed)s failed"),
)
def send_due_messages() -> dict[str, int]:
    """Every due message, in batches, until none is left (or the run has taken long enough). Each
    message is claimed and committed on its own, so `flask messages send --loop` workers can help."""
    backend = backend_from_config(current_app.config)
    max_attempts = current_app.config["MESSAGE_MAX_ATTEMPTS"]
    totals = {"sent": 0, "retrying": 0, "failed": 0}
    started = time.monotonic()
    while True:
        counts = deliver_due(backend, max_attempts=max_attempts, limit=SEND_BATCH)
        totals = {key: totals[key] + counts[key] for key in totals}
        if sum(counts.values()) < SEND_BATCH or time.monotonic() - started > SEND_SECONDS:
            return totals
