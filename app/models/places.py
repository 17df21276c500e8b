"""Places where the council helps people in person (a library, a community centre), and the
volunteers who help there, so every assisted request can say where help was given."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.accounts import User
from app.models.base import Base, string_enum, utcnow


class PlaceKind(enum.StrEnum):
    LIBRARY = "library"
    COMMUNITY_CENTRE = "community_centre"
    COUNCIL_OFFICE = "council_office"
    OTHER = "other"


class Place(Base):
    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_cy: Mapped[str | None] = mapped_column(sa.String(100))  # the Welsh name, where it has one
    kind: Mapped[PlaceKind] = mapped_column(string_enum(PlaceKind))
    ward: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]  # no longer in use: kept, because requests name it

    volunteers: Mapped[list["PlaceVolunteer"]] = relationship(
        back_populates="place", cascade="all, delete-orphan", order_by="PlaceVolunteer.id"
    )

    def display_name(self, language: str) -> str:
        return self.name_cy if language == "cy" and self.name_cy else self.name


class PlaceVolunteer(Base):
    """A volunteer who helps people at a place. A volunteer may help at more than one."""

    __tablename__ = "place_volunteers"
    __table_args__ = (sa.UniqueConstraint("place_id", "user_id", name="uq_place_volunteer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("places.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    place: Mapped[Place] = relationship(back_populates="volunteers")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
