"""Parking permits: zones, which addresses may have permits, tariffs and quotes, and permits.

    rules = parking.settings()                # the parking section of parking-permits.yaml
    standing = parking.standing_of(uprn)      # AddressStanding: zone, eligibility, reason
    result = parking.import_zones(path)       # the council's zones CSV
    quote = parking.quote(prices, vehicle, months, starts, language, household_position=2)

See docs/parking.md.
"""

from app.services.parking.settings import ParkingSettings, Reason, Zone
from app.services.parking.tariff import NoTariff, ParkingPermitPrices, Quote, quote
from app.services.parking.zones import (
    AddressStanding,
    ZonesImport,
    any_eligible_address,
    import_zones,
    settings,
    standing_of,
)

__all__ = [
    "any_eligible_address",
    "NoTariff",
    "ParkingPermitPrices",
    "Quote",
    "quote",
    "AddressStanding",
    "ParkingSettings",
    "Reason",
    "Zone",
    "ZonesImport",
    "import_zones",
    "settings",
    "standing_of",
]

from app.services.parking import (  # noqa: E402, F401  (a job; submit actions; a payment handler)
    business,
    cancellations,
    checks,
    enforcement,
    issue,
    renewals,
    vehicle_changes,
    visitor_packs,
)
