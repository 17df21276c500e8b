"""Every model module is imported here so metadata is complete for Alembic and the tests."""

from app.models.accounts import (
    AlternativeFormat,
    AuthSession,
    ContactMethod,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    Role,
    User,
)
from app.models.base import Base, utcnow
from app.models.cases import (
    AuditEvent,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Channel,
    FormDefinitionSnapshot,
    FormJourney,
    SatisfactionRating,
    SatisfactionResponse,
)
from app.models.gazetteer import GazetteerAddress
from app.models.messages import MessageChannel, MessageStatus, OutboundMessage

__all__ = [
    "AlternativeFormat",
    "AuditEvent",
    "AuthSession",
    "Base",
    "Case",
    "CaseEvent",
    "CaseEventKind",
    "CaseStatus",
    "Channel",
    "FormDefinitionSnapshot",
    "FormJourney",
    "SatisfactionRating",
    "SatisfactionResponse",
    "ContactMethod",
    "GazetteerAddress",
    "MessageChannel",
    "MessageStatus",
    "Organisation",
    "OrganisationMembership",
    "OrganisationRole",
    "OutboundMessage",
    "Role",
    "User",
    "utcnow",
]
