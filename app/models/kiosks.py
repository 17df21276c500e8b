"""Kiosks: shared devices at a place (a library) where anyone may use the council's services. An
admin enrols the device; it carries a signed cookie naming the kiosk and a secret whose hash is kept
here, so revoking the kiosk makes the cookie worthless."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.places import Place


class Kiosk(Base):
    __tablename__ = "kiosks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))  # e.g. "By the front desk"
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("places.id"), index=True)
    language: Mapped[str] = mapped_column(sa.String(8))  # its start page's language
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    enrolled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    place: Mapped[Place] = relationship()
