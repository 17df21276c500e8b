"""Ward councillors: the wards each councillor represents, and how and when they want the daily
digest of new and urgent street reports in those wards."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.accounts import User
from app.models.base import Base, string_enum, utcnow
from app.models.messages import MessageChannel


class CouncillorWard(Base):
    """One ward one councillor represents (a councillor may have several; a ward has several
    councillors). The ward is named as in the ward boundaries and the gazetteer."""

    __tablename__ = "councillor_wards"
    __table_args__ = (sa.UniqueConstraint("user_id", "ward", name="uq_councillor_ward"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ward: Mapped[str] = mapped_column(sa.String(100))
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CouncillorDigest(Base):
    """A councillor's choice for the digest: by email or text, on which days of the week
    (`weekdays`: a bit for each day, Monday 1 to Sunday 64; 0 means no digest)."""

    __tablename__ = "councillor_digests"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[MessageChannel] = mapped_column(string_enum(MessageChannel))
    weekdays: Mapped[int] = mapped_column(default=0)
    last_sent_at: Mapped[datetime | None]  # the digest covers reports made since then
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
