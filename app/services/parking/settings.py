"""The council's parking settings: the `parking:` section of app/service_settings/parking-permits.yaml,
checked when the app starts and by `flask forms check`.

Zones (a code, a name in both languages and the hours of control as text), and the reasons an address
cannot have resident permits, each with what it means and what the person can do instead, in plain
words in both languages. Addresses are put in zones by `flask parking import-zones` (see zones.py).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from app.form_model import service_settings
from app.form_model.schema import Identifier, Strict, Text

SETTINGS_FILE = "parking-permits"
SECTION = "parking"
ZONE_CODE = r"^[A-Z0-9]{1,6}$"


class Zone(Strict):
    code: Annotated[str, Field(pattern=ZONE_CODE)]  # as on the signs: "A", "CPZ1"
    name: Text
    hours: Text  # the hours of control, as the signs say them


class Reason(Strict):
    """Why an address cannot have resident permits, as its owner is told before they start."""

    code: Identifier  # used in the zones file: "car-free-planning"
    eligibility: Literal["car-free", "excluded"]
    why: Text  # what it means for the person, in plain words
    instead: Text  # what they can do instead


class VisitorRules(Strict):
    """Visitor permits: a household's yearly allowance, bought in packs (priced in the
    parking-visitors settings file), spent on sessions for visitors' vehicles."""

    unit: Literal["hours", "days"] = "hours"  # what credit is counted in: hours, or whole-day sessions
    allowance_per_year: Annotated[int, Field(ge=1, le=8784)] = 720  # the most a household may buy in a year
    year_starts_month: Annotated[int, Field(ge=1, le=12)] = 1  # the allowance year starts on the 1st of this month
    session_lengths: list[Annotated[int, Field(ge=1, le=744)]] = Field(default_factory=lambda: [1, 2, 3, 4, 8])
    max_sessions_at_once: Annotated[int, Field(ge=1, le=20)] = 2  # sessions whose times overlap
    max_days_ahead: Annotated[int, Field(ge=0, le=90)] = 28  # how far ahead a session may be booked
    max_favourites: Annotated[int, Field(ge=0, le=50)] = 10

    @property
    def unit_minutes(self) -> int:
        return 60 if self.unit == "hours" else 24 * 60

    @model_validator(mode="after")
    def _lengths_differ(self) -> VisitorRules:
        if not self.session_lengths or len(set(self.session_lengths)) != len(self.session_lengths):
            raise ValueError("give each of session_lengths once")
        return self


class CancellationRules(Strict):
    """What a holder gets back when they cancel a resident permit: the price of each whole month
    left (or each day left, if whole_months_only is false) less the admin fee; nothing below the
    minimum, and nothing in the permit's last months."""

    admin_fee_pence: Annotated[int, Field(ge=0, le=100_000)] = 0
    whole_months_only: bool = True
    minimum_refund_pence: Annotated[int, Field(ge=0, le=100_000)] = 0
    no_refund_in_last_months: Annotated[int, Field(ge=0, le=12)] = 0


class RenewalRules(Strict):
    """Renewing a resident permit: reminders this many days before its last day (each sent once,
    by the person's chosen channel), and how long before the end renewing opens."""

    reminder_days: list[Annotated[int, Field(ge=1, le=90)]] = Field(default_factory=lambda: [30, 7, 1])
    opens_days_before: Annotated[int, Field(ge=1, le=90)] = 30

    @model_validator(mode="after")
    def _days_differ(self) -> RenewalRules:
        if len(set(self.reminder_days)) != len(self.reminder_days):
            raise ValueError("give each of reminder_days once")
        return self


class ParkingSettings(Strict):
    zones: list[Zone] = Field(min_length=1)
    reasons: list[Reason] = Field(default_factory=list)
    # Car-free homes (a planning agreement) may still buy visitor permits unless this is false.
    car_free_visitor_permits: bool = True
    # The most live resident permits one address may have at once.
    max_permits_per_household: Annotated[int, Field(ge=1, le=10)] = 3
    # The most live business permits one organisation may have for one of its premises.
    business_permits_per_premises: Annotated[int, Field(ge=1, le=50)] = 2
    # A permit waiting for staff checks is due to be decided this many working days after it was paid.
    checks_due_working_days: Annotated[int, Field(ge=1, le=30)] = 5
    # Enforcement: a permit that ended this many minutes before a check still counts as valid.
    enforcement_grace_minutes: Annotated[int, Field(ge=0, le=120)] = 5
    # How long each enforcement check is kept in the log.
    enforcement_log_days: Annotated[int, Field(ge=1, le=3650)] = 90
    visitors: VisitorRules = VisitorRules()
    cancellation: CancellationRules = CancellationRules()
    renewals: RenewalRules = RenewalRules()
    # A holder may put a temporary courtesy vehicle on their resident permit for up to this many days.
    courtesy_vehicle_max_days: Annotated[int, Field(ge=1, le=90)] = 28
    # A holder who moves home may tell us up to this many days before the move.
    moving_max_days_ahead: Annotated[int, Field(ge=0, le=90)] = 28
    # Proof that the applicant lives at the address (a council tax bill, a tenancy agreement): "always"
    # asked for; "unless_held": asked for unless the council already holds it (the person has linked
    # an open council tax account for that address, or has had a resident permit there); "never".
    address_proof: Literal["always", "unless_held", "never"] = "unless_held"

    @model_validator(mode="after")
    def _codes_differ(self) -> ParkingSettings:
        for name, codes in (("zone", [z.code for z in self.zones]), ("reason", [r.code for r in self.reasons])):
            if len(set(codes)) != len(codes):
                raise ValueError(f"each {name} needs a code of its own")
        return self

    def zone(self, code: str | None) -> Zone | None:
        return next((zone for zone in self.zones if zone.code == code), None)

    def reason(self, code: str | None) -> Reason | None:
        return next((reason for reason in self.reasons if reason.code == code), None)


service_settings.register_section(SECTION, ParkingSettings)
