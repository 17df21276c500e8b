"""Vehicles, shared by every service that asks about one (parking permits, abandoned vehicles).

    from app.services import vehicles

    registration = vehicles.parse_registration("ab12 cde")   # InvalidRegistration if not a UK mark
    details = vehicles.look_up(registration.vrm)              # VehicleDetails, or a VehicleLookupError

Nothing here knows about permits or street reports: it checks registration numbers and asks the
DVLA. See docs/vehicles.md.
"""

from app.services.vehicles.answers import VehicleAnswer
from app.services.vehicles.details import MotStatus, TaxStatus, VehicleDetails
from app.services.vehicles.dvla import (
    ApiKeyRejected,
    DvlaTimedOut,
    DvlaUnavailable,
    DvlaUnreachable,
    LookupUnavailable,
    RateLimited,
    RegistrationRejected,
    UnexpectedDvlaResponse,
    VehicleEnquiryClient,
    VehicleLookupError,
    VehicleNotFound,
    VehicleNotKnown,
    client,
    look_up,
)
from app.services.vehicles.registration import (
    InvalidRegistration,
    Registration,
    display,
    is_valid,
    normalise,
)
from app.services.vehicles.registration import parse as parse_registration

__all__ = [
    "ApiKeyRejected",
    "DvlaTimedOut",
    "DvlaUnavailable",
    "DvlaUnreachable",
    "InvalidRegistration",
    "LookupUnavailable",
    "MotStatus",
    "RateLimited",
    "Registration",
    "RegistrationRejected",
    "TaxStatus",
    "UnexpectedDvlaResponse",
    "VehicleAnswer",
    "VehicleDetails",
    "VehicleEnquiryClient",
    "VehicleLookupError",
    "VehicleNotFound",
    "VehicleNotKnown",
    "client",
    "display",
    "is_valid",
    "look_up",
    "normalise",
    "parse_registration",
]
