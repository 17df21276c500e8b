import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, string_enum, utcnow


class Role(enum.StrEnum):
    RESIDENT = "resident"
    VOLUNTEER = "volunteer"
    STAFF = "staff"
    MANAGER = "manager"  # staff who also see the council's channel-shift figures
    ADMIN = "admin"
    COUNCILLOR = "councillor"  # a ward councillor: reports in their wards, read only (app/councillors)


class ContactMethod(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"
    POST = "post"


class AlternativeFormat(enum.StrEnum):
    NONE = "none"
    LARGE_PRINT = "large_print"
    BRAILLE = "braille"
    AUDIO = "audio"
    EASY_READ = "easy_read"
    BSL = "bsl"
    OTHER_LANGUAGE = "other_language"


class OrganisationRole(enum.StrEnum):
    MEMBER = "member"
    ADMIN = "admin"


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(sa.String(320), unique=True)
    email_verified_at: Mapped[datetime | None]
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    role: Mapped[Role] = mapped_column(string_enum(Role), default=Role.RESIDENT)
    language: Mapped[str] = mapped_column(sa.String(8), default="en")

    uprn: Mapped[int | None] = mapped_column(sa.BigInteger)
    address_line_1: Mapped[str | None] = mapped_column(sa.String(200))
    address_line_2: Mapped[str | None] = mapped_column(sa.String(200))
    address_town: Mapped[str | None] = mapped_column(sa.String(100))
    address_postcode: Mapped[str | None] = mapped_column(sa.String(10))
    address_ward: Mapped[str | None] = mapped_column(sa.String(100))

    contact_method: Mapped[ContactMethod] = mapped_column(string_enum(ContactMethod), default=ContactMethod.EMAIL)
    alternative_format: Mapped[AlternativeFormat] = mapped_column(
        string_enum(AlternativeFormat), default=AlternativeFormat.NONE
    )
    large_print_point_size: Mapped[int | None]
    format_language: Mapped[str | None] = mapped_column(sa.String(100))

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    sessions: Mapped[list["AuthSession"]] = relationship(back_populates="user", cascade="all, delete-orphan")
    memberships: Mapped[list["OrganisationMembership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Set by the session loader: the sign-in this request belongs to. Flask-Login keeps this value
    # in the cookie, so the cookie names one revocable sign-in rather than the account.
    current_session_token = None

    def get_id(self) -> str | None:
        return self.current_session_token

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.MANAGER, Role.ADMIN)

    @property
    def has_address(self) -> bool:
        return bool(self.address_line_1 and self.address_postcode)


class AuthSession(Base):
    """One sign-in on one device. Only a hash of the token is stored."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship(back_populates="sessions")


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list["OrganisationMembership"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    addresses: Mapped[list["OrganisationAddress"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="OrganisationAddress.id"
    )


class OrganisationMembership(Base):
    __tablename__ = "organisation_memberships"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "user_id", name="uq_membership_org_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[OrganisationRole] = mapped_column(string_enum(OrganisationRole), default=OrganisationRole.MEMBER)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class OrganisationInvitation(Base):
    """An organisation admin's invitation to someone, by email, to join as an admin or a member. Only a
    hash of the link's token is kept; the link stops working when used, withdrawn or past its time."""

    __tablename__ = "organisation_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(320))
    role: Mapped[OrganisationRole] = mapped_column(string_enum(OrganisationRole))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None


class OrganisationAddress(Base):
    """A business's premises: where its permits, collections and reports belong. Usually a
    gazetteer address (with its UPRN and ward); typed in when the gazetteer does not have it."""

    __tablename__ = "organisation_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    label: Mapped[str | None] = mapped_column(sa.String(100))  # the firm's own name for it, e.g. "High Street shop"
    uprn: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    line_1: Mapped[str] = mapped_column(sa.String(200))
    line_2: Mapped[str | None] = mapped_column(sa.String(200))
    town: Mapped[str] = mapped_column(sa.String(100))
    postcode: Mapped[str] = mapped_column(sa.String(10))
    ward: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="addresses")
