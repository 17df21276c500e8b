"""A volunteer helping a person (assisted digital): one row for each time a volunteer helps someone,
with the consent the person gave before the volunteer acted for them."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.accounts import User
from app.models.base import Base, string_enum, utcnow
from app.models.places import Place


class ConsentGiven(enum.StrEnum):
    IN_PERSON = "in_person"
    TELEPHONE = "telephone"


class ConsentLasts(enum.StrEnum):
    VISIT = "visit"  # until the volunteer stops helping (and at most a few hours)
    TODAY = "today"  # until midnight, London time


class AssistedSession(Base):
    """One time a volunteer helped one person at one place. The person may have no account: then
    only the name they gave is kept, so the volunteer and staff can see whom the help was for."""

    __tablename__ = "assisted_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    person_name: Mapped[str | None] = mapped_column(sa.String(200))  # for someone without an account
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("places.id", ondelete="SET NULL"), index=True)
    consent_given: Mapped[ConsentGiven] = mapped_column(string_enum(ConsentGiven))
    consent_services: Mapped[list] = mapped_column(sa.JSON)  # the form ids the person agreed to
    consent_lasts: Mapped[ConsentLasts] = mapped_column(string_enum(ConsentLasts))
    consent_expires_at: Mapped[datetime]
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    ended_at: Mapped[datetime | None]
    # The person chose confirmations by post: to the address on their account, or (no account, or
    # none on it) this one given at the start, one line a line, the postcode last.
    confirm_by_post: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    postal_address: Mapped[str | None] = mapped_column(sa.String(320))

    volunteer: Mapped[User | None] = relationship(foreign_keys=[volunteer_id])
    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
    place: Mapped[Place | None] = relationship()

    def is_live(self, now: datetime) -> bool:
        return self.ended_at is None and now < self.consent_expires_at
