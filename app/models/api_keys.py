"""Keys that other systems (enforcement handhelds, Open311 clients) use to call Doorstep's APIs.

Only a hash of each secret is kept: see app/services/api_keys.py for why SHA-256 is the right hash
for a random secret, and for the rules (scopes, revoking, when "last used" is written).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.accounts import User
from app.models.base import Base, utcnow


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))  # what it is for, e.g. "Handheld fleet, north"
    scope: Mapped[str] = mapped_column(sa.String(40))  # which API, from the registry of scopes
    # Not secret: part of the key as the caller sends it, shown to admins to tell keys apart, and how
    # a presented key finds its row.
    prefix: Mapped[str] = mapped_column(sa.String(8), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of the whole key, hex
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]  # written at most about once a minute per key
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __repr__(self) -> str:  # never the hash, and there is no secret to show
        return f"<ApiKey {self.id} {self.scope} {self.prefix}>"
