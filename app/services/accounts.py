"""Customer accounts: registration, email verification, sign-in, passwords and personal details."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import phonenumbers
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    AlternativeFormat,
    Case,
    ContactMethod,
    FormJourney,
    GazetteerAddress,
    MessageStatus,
    OrganisationMembership,
    OutboundMessage,
    User,
    utcnow,
)
from app.services import auth_sessions, messages, passwords, tokens, uploads
from app.services.council_tax import links as council_tax_links
from app.services.errors import ServiceError
from app.services.links import external_url

VERIFY = "verify-email"
CHANGE_EMAIL = "change-email"
RESET = "reset-password"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _password_fingerprint(user: User) -> str:
    # Changes whenever the password does, so a reset link works once.
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def register(*, full_name: str, email: str, password: str, language: str) -> User | None:
    """Create an unverified account and email a link. If the email is taken, email its owner
    instead, so the page shown is the same and nobody learns who has an account."""
    email = normalise_email(email)
    existing = find_by_email(email)
    if existing is not None:
        messages.queue_email(existing, "account_exists", {"sign_in_url": external_url("auth.sign_in")})
        return None
    user = User(
        full_name=full_name.strip(),
        email=email,
        password_hash=passwords.hash_password(password),
        language=language,
    )
    db.session.add(user)
    db.session.flush()
    send_verification(user)
    return user


def send_verification(user: User) -> None:
    token = tokens.make(_secret(), VERIFY, {"uid": user.id, "email": user.email})
    messages.queue_email(user, "verify_email", {"link": external_url("auth.verify_email", token=token)})


def _max_age_verify() -> int:
    return current_app.config["EMAIL_VERIFY_MAX_AGE_HOURS"] * 3600


def verify_email(token: str, *, now: datetime | None = None) -> User:
    payload = tokens.read(_secret(), VERIFY, token, _max_age_verify())
    user = db.session.get(User, payload.get("uid")) if isinstance(payload.get("uid"), int) else None
    if user is None or not user.is_active or user.email != payload.get("email"):
        raise tokens.TokenInvalid
    if user.email_verified_at is None:
        user.email_verified_at = now or utcnow()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_by_email(email)
    stored = user.password_hash if user is not None and user.is_active else None
    if not passwords.verify_password(stored, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def request_password_reset(email: str) -> None:
    user = find_by_email(email)
    if user is None or not user.is_active:
        return
    token = tokens.make(_secret(), RESET, {"uid": user.id, "fp": _password_fingerprint(user)})
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE_MINUTES"]
    messages.queue_email(
        user, "reset_password", {"link": external_url("auth.reset_password", token=token), "minutes": minutes}
    )


def user_for_reset_token(token: str) -> User:
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE_MINUTES"] * 60
    payload = tokens.read(_secret(), RESET, token, max_age)
    user = db.session.get(User, payload.get("uid")) if isinstance(payload.get("uid"), int) else None
    if user is None or not user.is_active or payload.get("fp") != _password_fingerprint(user):
        raise tokens.TokenInvalid
    return user


def reset_password(token: str, new_password: str, *, now: datetime | None = None) -> User:
    user = user_for_reset_token(token)
    user.password_hash = passwords.hash_password(new_password)
    # Following the link proves the person controls the inbox.
    if user.email_verified_at is None:
        user.email_verified_at = now or utcnow()
    auth_sessions.end_all(user)
    messages.queue_email(user, "password_changed")
    return user


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    if not passwords.verify_password(user.password_hash, current_password):
        raise ServiceError(_l("Your current password is not correct"), field="current_password")
    user.password_hash = passwords.hash_password(new_password)
    auth_sessions.end_all(user, except_token=user.current_session_token)
    messages.queue_email(user, "password_changed")


def request_email_change(user: User, *, new_email: str, password: str) -> None:
    new_email = normalise_email(new_email)
    if not passwords.verify_password(user.password_hash, password):
        raise ServiceError(_l("Your password is not correct"), field="password")
    if new_email == user.email:
        raise ServiceError(_l("Enter an email address that is different from your current one"), field="email")
    token = tokens.make(_secret(), CHANGE_EMAIL, {"uid": user.id, "new": new_email})
    messages.queue_email(
        user, "confirm_new_email", {"link": external_url("account.confirm_email", token=token)}, to=new_email
    )


def confirm_email_change(user: User, token: str, *, now: datetime | None = None) -> None:
    payload = tokens.read(_secret(), CHANGE_EMAIL, token, _max_age_verify())
    new_email = payload.get("new")
    if payload.get("uid") != user.id or not isinstance(new_email, str):
        raise tokens.TokenInvalid
    if user.email == new_email:
        return
    if find_by_email(new_email) is not None:
        raise ServiceError(_l("Another account already uses that email address"))
    old_email = user.email
    user.email = new_email
    user.email_verified_at = now or utcnow()
    messages.queue_email(user, "email_changed", {"new_email": new_email}, to=old_email)


def update_name(user: User, full_name: str) -> None:
    user.full_name = full_name.strip()


# Ofcom keeps these ranges for drama and examples, so they will never be anyone's number; the
# phonenumbers library calls them invalid because they are not in service. They are the examples we
# (and the GOV.UK Design System) give, and an example must pass the check that quotes it.
OFCOM_DRAMA_RANGES = ((7700900000, 7700900999), (1632960000, 1632960999))


def _is_ofcom_drama_number(number: phonenumbers.PhoneNumber) -> bool:
    national = number.national_number
    return number.country_code == 44 and any(low <= national <= high for low, high in OFCOM_DRAMA_RANGES)


def parse_uk_phone(raw: str) -> str:
    """E.164 form of a UK phone number, or ServiceError."""
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException as error:
        raise ServiceError(_l("Enter a UK phone number, like 01632 960 001 or 07700 900 982"), field="phone") from error
    valid = phonenumbers.is_valid_number(number) or _is_ofcom_drama_number(number)
    if not valid or number.country_code != 44:
        raise ServiceError(_l("Enter a UK phone number, like 01632 960 001 or 07700 900 982"), field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    if not e164:
        return ""
    return phonenumbers.format_number(phonenumbers.parse(e164, "GB"), phonenumbers.PhoneNumberFormat.NATIONAL)


def update_phone(user: User, raw_phone: str) -> None:
    user.phone = parse_uk_phone(raw_phone) if raw_phone.strip() else None


def set_address_from_gazetteer(user: User, address: GazetteerAddress) -> None:
    user.uprn = address.uprn
    user.address_line_1 = address.line_1
    user.address_line_2 = address.line_2
    user.address_town = address.town
    user.address_postcode = address.postcode
    user.address_ward = address.ward


def set_manual_address(user: User, *, line_1: str, line_2: str, town: str, postcode: str) -> None:
    from app.services.gazetteer import format_postcode

    user.uprn = None
    user.address_line_1 = line_1.strip()
    user.address_line_2 = line_2.strip() or None
    user.address_town = town.strip()
    user.address_postcode = format_postcode(postcode)
    user.address_ward = None


def update_contact_method(user: User, method: ContactMethod) -> None:
    if method is ContactMethod.SMS and not user.phone:
        raise ServiceError(_l("Add a mobile phone number to your account before choosing text message"), "method")
    if method is ContactMethod.POST and not user.has_address:
        raise ServiceError(_l("Add your address to your account before choosing post"), "method")
    user.contact_method = method


def update_alternative_format(
    user: User, fmt: AlternativeFormat, *, point_size: int | None, language: str | None
) -> None:
    user.alternative_format = fmt
    user.large_print_point_size = point_size if fmt is AlternativeFormat.LARGE_PRINT else None
    user.format_language = (language or "").strip() or None if fmt is AlternativeFormat.OTHER_LANGUAGE else None


def set_language(user: User, language: str) -> None:
    user.language = language


@dataclass
class DeletionOutcome:
    kept: list[str]


def delete_account(user: User, *, password: str, now: datetime | None = None) -> DeletionOutcome:
    """Remove personal data; keep only the anonymised records the council must keep."""
    if not passwords.verify_password(user.password_hash, password):
        raise ServiceError(_l("Your password is not correct"), field="password")
    now = now or utcnow()
    auth_sessions.end_all(user)
    council_tax_links.unlink_everything(user)
    db.session.execute(sa.delete(OrganisationMembership).where(OrganisationMembership.user_id == user.id))
    mine = sa.and_(FormJourney.user_id == user.id, FormJourney.case_id.is_(None))
    for answers in db.session.scalars(sa.select(FormJourney.answers).where(mine)):
        uploads.delete_all_in(answers)
    db.session.execute(sa.delete(FormJourney).where(mine))
    db.session.execute(
        sa.delete(OutboundMessage).where(
            OutboundMessage.user_id == user.id, OutboundMessage.status == MessageStatus.PENDING
        )
    )
    db.session.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.user_id == user.id)
        .values(recipient="[removed]", body="[removed]", user_id=None)
    )
    user.email = None
    user.email_verified_at = None
    user.password_hash = None
    user.full_name = "[deleted]"
    user.phone = None
    user.uprn = None
    user.address_line_1 = user.address_line_2 = user.address_town = user.address_postcode = None
    user.address_ward = None
    user.large_print_point_size = None
    user.format_language = None
    user.alternative_format = AlternativeFormat.NONE
    user.contact_method = ContactMethod.EMAIL
    user.deleted_at = now
    return DeletionOutcome(kept=["sent_message_log", "requests"])


def export_data(user: User) -> dict:
    """Everything held about the account, for "download my data" (UK GDPR right of access)."""

    def iso(value):
        return value.isoformat() if value else None

    sent = db.session.scalars(
        sa.select(OutboundMessage).where(OutboundMessage.user_id == user.id).order_by(OutboundMessage.id)
    )
    return {
        "account": {
            "id": user.id,
            "full_name": user.full_name,
            "email": user.email,
            "email_verified_at": iso(user.email_verified_at),
            "phone": user.phone,
            "role": user.role.value,
            "language": user.language,
            "created_at": iso(user.created_at),
        },
        "address": {
            "uprn": user.uprn,
            "line_1": user.address_line_1,
            "line_2": user.address_line_2,
            "town": user.address_town,
            "postcode": user.address_postcode,
            "ward": user.address_ward,
        },
        "preferences": {
            "contact_method": user.contact_method.value,
            "alternative_format": user.alternative_format.value,
            "large_print_point_size": user.large_print_point_size,
            "format_language": user.format_language,
        },
        "organisations": [
            {"name": membership.organisation.name, "role": membership.role.value} for membership in user.memberships
        ],
        "active_sign_ins": auth_sessions.count_active(user),
        "messages": [
            {
                "channel": message.channel.value,
                "to": message.recipient,
                "subject": message.subject,
                "body": message.body,
                "status": message.status.value,
                "created_at": iso(message.created_at),
                "sent_at": iso(message.sent_at),
            }
            for message in sent
        ],
        "requests": [
            {
                "reference": case.reference,
                "service": case.service_id,
                "status": case.status.value,
                "answers": case.answers,
                "sent_at": iso(case.created_at),
                "answer_due": iso(case.due_date),
            }
            for case in db.session.scalars(sa.select(Case).where(Case.user_id == user.id).order_by(Case.id))
        ],
        "unfinished_forms": [
            {"service": journey.form_id, "answers": journey.answers, "kept_until": iso(journey.expires_at)}
            for journey in db.session.scalars(
                sa.select(FormJourney).where(FormJourney.user_id == user.id, FormJourney.case_id.is_(None))
            )
        ],
    }


# The formats a person can ask for everything in, as they read them.
FORMAT_CHOICES = [
    (AlternativeFormat.NONE.value, _l("Standard print")),
    (AlternativeFormat.LARGE_PRINT.value, _l("Large print")),
    (AlternativeFormat.BRAILLE.value, _l("Braille")),
    (AlternativeFormat.AUDIO.value, _l("Audio")),
    (AlternativeFormat.EASY_READ.value, _l("Easy read")),
    (AlternativeFormat.BSL.value, _l("British Sign Language (BSL) video")),
    (AlternativeFormat.OTHER_LANGUAGE.value, _l("Another language")),
]
