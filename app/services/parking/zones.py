"""Which addresses may have parking permits: each gazetteer address's zone and eligibility.

    standing = parking.standing_of(uprn)      # AddressStanding: zone, eligibility, reason
    result = parking.import_zones(path)       # from the council's CSV: uprn,zone,eligibility,reason[,source]

An address with no row is in no zone: its street has no controlled parking and needs no permit.
The import is idempotent: the same file twice changes nothing the second time. A line with an empty
zone takes the address out of every zone. Lines with problems are reported (with their line number)
and skipped; the rest are imported.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from app import form_model
from app.extensions import db
from app.models import GazetteerAddress, ParkingAddress, ParkingEligibility, ParkingPermit, PermitStatus, utcnow
from app.models.council_tax import AccountStatus, CouncilTaxAccount, CouncilTaxLink, CouncilTaxProperty
from app.services.parking.settings import SECTION, SETTINGS_FILE, ParkingSettings, Reason, Zone

REQUIRED_COLUMNS = ("uprn", "zone", "eligibility", "reason")
MAX_SOURCE_LENGTH = 100
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
MAX_LINES = 2_000_000


def settings() -> ParkingSettings:
    found = form_model.settings_for(SETTINGS_FILE)
    section = found.section(SECTION) if found is not None else None
    if section is None:
        raise LookupError(f"app/service_settings/{SETTINGS_FILE}.yaml has no {SECTION} section")
    return section


@dataclass(frozen=True)
class AddressStanding:
    """What the parking rules say about one address."""

    uprn: int
    zone: Zone | None  # None: in no controlled parking zone
    eligibility: ParkingEligibility | None  # None when in no zone
    reason: Reason | None = None
    source_reference: str | None = None

    @property
    def in_a_zone(self) -> bool:
        return self.zone is not None

    @property
    def resident_permits(self) -> bool:
        return self.eligibility == ParkingEligibility.ELIGIBLE

    @property
    def business_permits(self) -> bool:
        """Business premises may have business permits where homes may have resident ones: not
        car-free (a planning agreement) or excluded addresses."""
        return self.eligibility == ParkingEligibility.ELIGIBLE

    def visitor_permits(self, rules: ParkingSettings) -> bool:
        if self.eligibility == ParkingEligibility.ELIGIBLE:
            return True
        return self.eligibility == ParkingEligibility.CAR_FREE and rules.car_free_visitor_permits


def standing_of(uprn: int | None, rules: ParkingSettings | None = None) -> AddressStanding | None:
    """None when there is no such address in the gazetteer."""
    if uprn is None or db.session.get(GazetteerAddress, uprn) is None:
        return None
    rules = rules or settings()
    row = db.session.get(ParkingAddress, uprn)
    if row is None:
        return AddressStanding(uprn, None, None)
    return AddressStanding(uprn, rules.zone(row.zone), row.eligibility, rules.reason(row.reason), row.source_reference)


def any_eligible_address() -> GazetteerAddress | None:
    """An address that may have resident permits (for the generated tests' example answers)."""
    return db.session.scalar(
        sa.select(GazetteerAddress)
        .join(ParkingAddress, ParkingAddress.uprn == GazetteerAddress.uprn)
        .where(ParkingAddress.eligibility == ParkingEligibility.ELIGIBLE)
        .order_by(GazetteerAddress.uprn)
        .limit(1)
    )


@dataclass
class ZonesImport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    rejected: list[str] = field(default_factory=list)  # "line 7: ..." for each line skipped


@dataclass(frozen=True)
class _Line:
    uprn: int
    zone: str | None
    eligibility: ParkingEligibility | None
    reason: str | None
    source_reference: str | None


def import_zones(path: Path, rules: ParkingSettings | None = None) -> ZonesImport:
    """Add, change or remove addresses' zones from the council's CSV (see the module's docstring)."""
    rules = rules or settings()
    result = ZonesImport()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [name.strip().lower() for name in reader.fieldnames or []]
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            result.rejected.append(
                f"line 1: the file has no {', '.join(missing)} column (it needs uprn,zone,eligibility,reason)"
            )
            return result
        reader.fieldnames = columns
        lines: dict[int, tuple[int, _Line]] = {}
        for number, row in enumerate(reader, start=2):
            if number > MAX_LINES:
                result.rejected.append(f"line {number}: the file is longer than {MAX_LINES:,} lines; split it")
                break
            try:
                line = _parse(row, rules)
            except ValueError as problem:
                result.rejected.append(f"line {number}: {problem}")
                continue
            if line.uprn in lines:
                result.rejected.append(f"line {number}: UPRN {line.uprn} is already on line {lines[line.uprn][0]}")
                continue
            lines[line.uprn] = (number, line)
    known = set(db.session.scalars(sa.select(GazetteerAddress.uprn).where(GazetteerAddress.uprn.in_(list(lines)))))
    for uprn, (number, line) in sorted(lines.items(), key=lambda item: item[1][0]):
        if uprn not in known:
            result.rejected.append(f"line {number}: there is no address with UPRN {uprn} in the gazetteer")
            continue
        _store(line, result)
    result.rejected.sort(key=lambda text: int(text.split(":")[0].removeprefix("line ")))
    db.session.flush()
    return result


def _parse(row: dict, rules: ParkingSettings) -> _Line:
    def cell(name: str) -> str:
        value = row.get(name)
        value = value.strip() if isinstance(value, str) else ""
        if CONTROL_CHARACTERS.search(value):
            raise ValueError(f"the {name} has a character that cannot be stored, like a tab")
        return value

    if None in row:
        raise ValueError("the line has more cells than the header")
    uprn_text = cell("uprn")
    if not re.fullmatch(r"\d{1,12}", uprn_text):
        raise ValueError(f"the UPRN must be a number of up to 12 digits, not {uprn_text[:20]!r}")
    zone, eligibility_text, reason = cell("zone").upper(), cell("eligibility").lower(), cell("reason")
    source = cell("source") if "source" in row else ""
    if len(source) > MAX_SOURCE_LENGTH:
        raise ValueError(f"the source reference must be {MAX_SOURCE_LENGTH} characters or fewer")
    if not zone:
        if eligibility_text or reason:
            raise ValueError("an address in no zone has no eligibility or reason")
        return _Line(int(uprn_text), None, None, None, None)
    if rules.zone(zone) is None:
        known = ", ".join(found.code for found in rules.zones)
        raise ValueError(f"there is no zone {zone[:20]!r} in the settings (the zones are {known})")
    try:
        eligibility = ParkingEligibility(eligibility_text)
    except ValueError:
        raise ValueError(
            f"the eligibility must be eligible, car-free or excluded, not {eligibility_text[:20]!r}"
        ) from None
    if eligibility == ParkingEligibility.ELIGIBLE:
        if reason:
            raise ValueError("an eligible address has no reason")
        return _Line(int(uprn_text), zone, eligibility, None, source or None)
    found = rules.reason(reason)
    if found is None:
        known = ", ".join(r.code for r in rules.reasons if r.eligibility == eligibility.value) or "none"
        raise ValueError(
            f"a {eligibility.value} address needs a reason from the settings ({known}), not {reason[:40]!r}"
        )
    if found.eligibility != eligibility.value:
        raise ValueError(f"the reason {reason!r} is for {found.eligibility} addresses, not {eligibility.value}")
    return _Line(int(uprn_text), zone, eligibility, reason, source or None)


def _store(line: _Line, result: ZonesImport) -> None:
    row = db.session.get(ParkingAddress, line.uprn)
    if line.zone is None:
        if row is None:
            result.unchanged += 1
        else:
            db.session.delete(row)
            result.removed += 1
        return
    values = {
        "zone": line.zone,
        "eligibility": line.eligibility,
        "reason": line.reason,
        "source_reference": line.source_reference,
    }
    if row is None:
        db.session.add(ParkingAddress(uprn=line.uprn, updated_at=utcnow(), **values))
        result.added += 1
    elif all(getattr(row, name) == value for name, value in values.items()):
        result.unchanged += 1
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = utcnow()
        result.changed += 1


def address_proof_needed(user, uprn: int) -> bool:
    """Whether an applicant must send proof that they live at `uprn` (the `address_proof` setting).
    The council holds proof when the person has linked an open council tax account for the address,
    or has had a resident permit there that was issued (not refused)."""
    rule = settings().address_proof
    if rule != "unless_held":
        return rule == "always"
    if user is None:
        return True
    council_tax = (
        sa.select(CouncilTaxLink.id)
        .join(CouncilTaxAccount, CouncilTaxLink.account_id == CouncilTaxAccount.id)
        .join(CouncilTaxProperty, CouncilTaxAccount.property_id == CouncilTaxProperty.id)
        .where(
            CouncilTaxLink.user_id == user.id,
            CouncilTaxProperty.uprn == uprn,
            CouncilTaxAccount.status == AccountStatus.OPEN,
        )
    )
    earlier_permit = sa.select(ParkingPermit.id).where(
        ParkingPermit.user_id == user.id,
        ParkingPermit.uprn == uprn,
        ParkingPermit.permit_type == "resident",
        ParkingPermit.status == PermitStatus.ACTIVE,  # issued: a refused one is cancelled
    )
    held = db.session.scalar(sa.select(sa.or_(sa.exists(council_tax), sa.exists(earlier_permit))))
    return not held
