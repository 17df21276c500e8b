"""A vehicle as a form answer: what the `vehicle` question type stores, read back by a service.

The stored answer is plain JSON, one of three kinds (its `source`):

- "dvla": the DVLA knew the vehicle and the person said it was theirs; `details` is
  VehicleDetails.to_dict().
- "entered": the DVLA did not know the registration number, and the person typed the make, colour
  and fuel type in (`entered`); staff check it against the person's evidence.
- "unchecked": the DVLA could not be asked (down, rate-limited, a wrong key); only the registration
  number is known. `problem` is the look-up's outcome ("rate-limited", "unavailable", ...). The
  service checks it again later.

    answer = vehicles.VehicleAnswer.from_answer(journey.answers["vehicle"])
    if answer.needs_checking: ...

Only the registration number and the DVLA's details are ever trusted: the form signs what the DVLA
said before showing it, so a person cannot change the make or the CO2 figure they confirm.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.services.vehicles import registration as registrations
from app.services.vehicles.details import VehicleDetails

DVLA = "dvla"
ENTERED = "entered"
UNCHECKED = "unchecked"
SOURCES = (DVLA, ENTERED, UNCHECKED)

# The fuel types a person can choose when typing a vehicle in: the DVLA's own values, so a typed-in
# vehicle reads like a looked-up one.
ENTERED_FUEL_TYPES = ("PETROL", "DIESEL", "ELECTRICITY", "HYBRID ELECTRIC", "OTHER")


@dataclass(frozen=True)
class VehicleAnswer:
    vrm: str  # upper case, no spaces
    source: str  # DVLA, ENTERED or UNCHECKED
    details: VehicleDetails | None = None  # only for DVLA
    entered: dict = field(default_factory=dict)  # make, colour, fuel_type, only for ENTERED
    problem: str | None = None  # why the DVLA was not asked, only for UNCHECKED

    @classmethod
    def from_answer(cls, answer: dict) -> VehicleAnswer:
        """From a stored answer. Raises ValueError when it is not a vehicle answer."""
        if not isinstance(answer, dict) or answer.get("source") not in SOURCES or not answer.get("vrm"):
            raise ValueError("not a vehicle answer")
        details = answer.get("details")
        return cls(
            vrm=str(answer["vrm"]),
            source=answer["source"],
            details=VehicleDetails.from_dict(details) if isinstance(details, dict) else None,
            entered=dict(answer.get("entered") or {}),
            problem=answer.get("problem"),
        )

    @classmethod
    def from_dvla(cls, details: VehicleDetails) -> VehicleAnswer:
        return cls(vrm=details.registration, source=DVLA, details=details)

    def to_answer(self) -> dict:
        return {
            "vrm": self.vrm,
            "source": self.source,
            "details": self.details.to_dict() if self.details else None,
            "entered": self.entered or None,
            "problem": self.problem,
        }

    @property
    def plate(self) -> str:
        """As on the number plate: "AB12 CDE"."""
        return registrations.display(self.vrm)

    @property
    def needs_checking(self) -> bool:
        """The DVLA has not confirmed this vehicle: staff or a later look-up must."""
        return self.source != DVLA

    def _value(self, name: str) -> str | None:
        if self.details is not None:
            return getattr(self.details, name)
        return self.entered.get(name)

    @property
    def make(self) -> str | None:
        return self._value("make")

    @property
    def colour(self) -> str | None:
        return self._value("colour")

    @property
    def fuel_type(self) -> str | None:
        return self._value("fuel_type")
