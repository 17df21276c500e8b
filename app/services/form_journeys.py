"""Form journeys in progress: answers kept on the server (never in the cookie), found by a random
token, and for signed-in people kept as a draft they can come back to."""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.form_model import journey
from app.form_model.schema import Definition
from app.models import Channel, FormJourney, User, utcnow
from app.services import uploads


def _lifetime(user_id: int | None) -> timedelta:
    config = current_app.config
    if user_id is None:
        return timedelta(hours=config["FORM_GUEST_HOURS"])
    return timedelta(days=config["FORM_DRAFT_DAYS"])


def find(token: str | None, form_id: str) -> FormJourney | None:
    if not token:
        return None
    found = db.session.scalar(sa.select(FormJourney).where(FormJourney.token == token, FormJourney.form_id == form_id))
    if found is None or found.expires_at <= utcnow():
        return None
    return found


def find_draft(user: User, form_id: str) -> FormJourney | None:
    return db.session.scalar(
        sa.select(FormJourney)
        .where(
            FormJourney.user_id == user.id,
            FormJourney.acting_user_id.is_(None),
            FormJourney.kiosk_id.is_(None),
            FormJourney.form_id == form_id,
            FormJourney.case_id.is_(None),
            FormJourney.expires_at > utcnow(),
        )
        .order_by(FormJourney.updated_at.desc())
        .limit(1)
    )


def drafts_for(user: User) -> list[FormJourney]:
    """Unfinished forms with at least one page answered by the person themselves."""
    journeys = db.session.scalars(
        sa.select(FormJourney)
        .where(
            FormJourney.user_id == user.id,
            FormJourney.acting_user_id.is_(None),
            FormJourney.kiosk_id.is_(None),
            FormJourney.case_id.is_(None),
            FormJourney.expires_at > utcnow(),
        )
        .order_by(FormJourney.updated_at.desc())
    )
    return [found for found in journeys if found.updated_at > found.created_at]


def start(
    definition: Definition,
    *,
    user: User | None,
    acting_user: User | None,
    channel: Channel,
    assisted_session_id: int | None = None,
    kiosk_id: int | None = None,
) -> FormJourney:
    """A new journey. For a signed-in person filling in their own form, answers the account already
    holds are filled in, and pages made only of those are not asked ("tell us once"). A volunteer
    helping someone (assisted_session_id) fills it in as that person, and sees none of what their
    account holds."""
    answers, answered = {}, []
    if user is not None and acting_user is None:
        answers, answered = account_answers(definition, user)
    now = utcnow()
    owner_id = user.id if user is not None else None
    found = FormJourney(
        token=secrets.token_urlsafe(32),
        form_id=definition.id,
        form_version=definition.version,
        user_id=owner_id,
        acting_user_id=acting_user.id if acting_user is not None else None,
        channel=channel,
        assisted_session_id=assisted_session_id,
        kiosk_id=kiosk_id,
        answers=answers,
        answered_pages=answered,
        created_at=now,
        updated_at=now,
        expires_at=now + _lifetime(owner_id if acting_user is None and kiosk_id is None else None),
    )
    db.session.add(found)
    db.session.flush()
    return found


def account_answers(definition: Definition, user: User) -> tuple[dict, list[str]]:
    held = {"full_name": user.full_name, "email": user.email, "phone": user.phone, "address": _address_of(user)}
    answers = {}
    for question in definition.questions():
        value = held.get(question.account_field) if question.account_field else None
        if value and not (question.in_area_only and not value.get("uprn")):
            answers[question.id] = value
    answered = [
        page.id
        for page in definition.pages
        if page.questions and all(q.account_field and q.id in answers for q in page.questions)
    ]
    return answers, answered


def _address_of(user: User) -> dict | None:
    if not user.address_line_1:
        return None
    return {
        "uprn": user.uprn,
        "line_1": user.address_line_1,
        "line_2": user.address_line_2,
        "town": user.address_town,
        "postcode": user.address_postcode,
        "ward": user.address_ward,
    }


def save_page(found: FormJourney, page_id: str, page_answers: dict) -> None:
    uploads.delete_replaced(found.answers, page_answers)
    # New objects, not mutation: the JSON columns only notice assignment.
    found.answers = {**found.answers, **page_answers}
    if page_id not in found.answered_pages:
        found.answered_pages = [*found.answered_pages, page_id]
    now = utcnow()
    found.updated_at = now
    kept_as_draft = found.acting_user_id is None and found.kiosk_id is None
    found.expires_at = now + _lifetime(found.user_id if kept_as_draft else None)


def upgrade(found: FormJourney, definition: Definition) -> None:
    """The form changed while this person was filling it in: keep the answers to questions that still
    exist, so they only answer what is new, then check everything before sending."""
    question_ids = {question.id for question in definition.questions()}
    page_ids = {page.id for page in definition.pages}
    found.answers = {key: value for key, value in found.answers.items() if key in question_ids}
    found.answered_pages = [page_id for page_id in found.answered_pages if page_id in page_ids]
    found.form_version = definition.version


def next_step(definition: Definition, found: FormJourney) -> str:
    return journey.next_step(definition, found.answers, found.answered_pages)


def delete_expired() -> int:
    """Unfinished journeys past their time, with any files sent on them."""
    expired = sa.and_(FormJourney.expires_at <= utcnow(), FormJourney.case_id.is_(None))
    for answers in db.session.scalars(sa.select(FormJourney.answers).where(expired)):
        uploads.delete_all_in(answers)
    result = db.session.execute(sa.delete(FormJourney).where(expired))
    return result.rowcount or 0


def discard(found: FormJourney) -> None:
    """An unsent journey the person no longer needs (they followed an existing report instead, say),
    with any files sent on it."""
    uploads.delete_all_in(found.answers)
    db.session.delete(found)
    db.session.flush()
