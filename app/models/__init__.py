"""Every model module is imported here so metadata is complete for Alembic and the tests."""

from app.models.accounts import (
    AlternativeFormat,
    AuthSession,
    ContactMethod,
    Organisation,
    OrganisationAddress,
    OrganisationMembership,
    OrganisationRole,
    Role,
    User,
)
from app.models.api_keys import ApiKey
from app.models.base import Base, utcnow
from app.models.bookings import ACTIVE_STATUSES, Booking, BookingStatus, CollectionSlot
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
from app.models.gazetteer import GazetteerAddress, Street
from app.models.messages import MessageChannel, MessageStatus, OutboundMessage
from app.models.parking import EnforcementCheck, ParkingAddress, ParkingEligibility, ParkingPermit, PermitStatus
from app.models.payments import Payment, PaymentRefund, PaymentStatus, StripeEvent
from app.models.places import Place, PlaceKind, PlaceVolunteer
from app.models.scheduler import JobOutcome, ScheduledJob

__all__ = [
    "EnforcementCheck",
    "ParkingAddress",
    "ParkingEligibility",
    "ParkingPermit",
    "PermitStatus",
    "ACTIVE_STATUSES",
    "Booking",
    "BookingStatus",
    "CollectionSlot",
    "AlternativeFormat",
    "ApiKey",
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
    "Street",
    "JobOutcome",
    "MessageChannel",
    "MessageStatus",
    "Organisation",
    "OrganisationAddress",
    "OrganisationMembership",
    "OrganisationRole",
    "OutboundMessage",
    "Payment",
    "Place",
    "PlaceKind",
    "PlaceVolunteer",
    "PaymentRefund",
    "PaymentStatus",
    "StripeEvent",
    "Role",
    "ScheduledJob",
    "User",
    "utcnow",
]
