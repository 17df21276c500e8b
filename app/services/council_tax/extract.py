"""Importing the revenues system's nightly extract (the file-extract adapter's way in).

- Idempotent: each account's lines are hashed; an account whose hash has not changed is not
  touched, so a second run of the same extract changes nothing.
- Whole accounts: an account is stored with all its lines or not at all. One refused line (or a
  line out of order) refuses its account, which keeps the copy it had before.
- In batches: accounts are stored a batch at a time (`on_batch` commits), reading the account files
  side by side in account_ref order, so memory stays flat however big the extract is.
- Every refused line is reported with its file, line number and reason.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import utcnow
from app.models.council_tax import (
    CouncilTaxAccount,
    CouncilTaxCharge,
    CouncilTaxImport,
    CouncilTaxInstalment,
    CouncilTaxLiablePerson,
    CouncilTaxProperty,
    CouncilTaxRecoveryEvent,
    CouncilTaxReduction,
    CouncilTaxTransaction,
)
from app.services.council_tax import extract_format as fmt
from app.services.council_tax.extract_format import ExtractError, LineError, Rejected

BATCH_SIZE = 500
KEPT_REJECTIONS = 1000  # in the report and the import's record; all are passed to on_rejected

CHILD_MODELS = {
    fmt.PEOPLE.name: CouncilTaxLiablePerson,
    fmt.CHARGES.name: CouncilTaxCharge,
    fmt.REDUCTIONS.name: CouncilTaxReduction,
    fmt.INSTALMENTS.name: CouncilTaxInstalment,
    fmt.TRANSACTIONS.name: CouncilTaxTransaction,
    fmt.RECOVERY.name: CouncilTaxRecoveryEvent,
}
# What must not repeat within one account, per file.
UNIQUE_WITHIN_ACCOUNT = {
    fmt.PEOPLE.name: ("position",),
    fmt.INSTALMENTS.name: ("year", "number"),
    fmt.TRANSACTIONS.name: ("transaction_ref",),
}


@dataclass
class ImportReport:
    extracted_at: datetime | None = None
    properties: Counter = field(default_factory=Counter)  # added, updated, unchanged, rejected
    accounts: Counter = field(default_factory=Counter)
    rejected: list[Rejected] = field(default_factory=list)
    rejected_lines: int = 0

    def refuse(self, rejected: Rejected, on_rejected: Callable[[Rejected], None] | None) -> None:
        self.rejected_lines += 1
        if len(self.rejected) < KEPT_REJECTIONS:
            self.rejected.append(rejected)
        if on_rejected is not None:
            on_rejected(rejected)

    @property
    def changed(self) -> int:
        return sum(self.properties[k] + self.accounts[k] for k in ("added", "updated"))


def _nonzero(**counts: int) -> dict[str, int]:
    return {name: value for name, value in counts.items() if value}


def _hash(value) -> str:
    def default(item):
        if isinstance(item, date | datetime):
            return item.isoformat()
        return str(item)

    return hashlib.sha256(json.dumps(value, sort_keys=True, default=default).encode()).hexdigest()


def import_folder(
    folder: Path,
    *,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[], None] = lambda: None,
    on_rejected: Callable[[Rejected], None] | None = None,
) -> ImportReport:
    """Import the extract in `folder`. Raises ExtractError if it cannot be read at all."""
    report = ImportReport(extracted_at=fmt.read_manifest(folder))
    try:
        fmt.check_columns(folder)
        broken = _out_of_order(folder, report, on_rejected)
        property_ids = _import_properties(folder, report, batch_size, on_rejected)
        on_batch()
        _import_accounts(folder, report, property_ids, broken, batch_size, on_batch, on_rejected)
    except UnicodeDecodeError as error:
        raise ExtractError(f"a file is not UTF-8 text ({error.reason})") from None
    db.session.add(
        CouncilTaxImport(
            extracted_at=report.extracted_at,
            finished_at=utcnow(),
            counts={"properties": dict(report.properties), "accounts": dict(report.accounts)},
            rejected=[str(found) for found in report.rejected[:100]],
        )
    )
    db.session.flush()
    on_batch()
    return report


def _out_of_order(folder: Path, report: ImportReport, on_rejected) -> set[str]:
    """Accounts with a line out of account_ref order, or given twice in accounts.csv: refused whole,
    since their lines cannot all be read together."""
    broken: set[str] = set()
    for file_format in (fmt.ACCOUNTS, *fmt.ACCOUNT_FILES):
        previous = ""
        for line, row in fmt.rows(folder, file_format):
            reference = fmt.raw_reference(row)
            if reference < previous or (file_format is fmt.ACCOUNTS and reference == previous):
                broken.add(reference)
                reason = "account_ref is given twice" if reference == previous else "not in account_ref order"
                report.refuse(Rejected(file_format.name, line, reason), on_rejected)
                continue
            previous = reference
    return broken


def _import_properties(folder: Path, report: ImportReport, batch_size: int, on_rejected) -> dict[str, int]:
    parsed: dict[str, dict] = {}
    for line, row in fmt.rows(folder, fmt.PROPERTIES):
        try:
            found = fmt.parse_property(row)
        except LineError as error:
            report.properties["rejected"] += 1
            report.refuse(Rejected(fmt.PROPERTIES.name, line, str(error)), on_rejected)
            continue
        if found["property_ref"] in parsed:
            report.properties["rejected"] += 1
            report.refuse(Rejected(fmt.PROPERTIES.name, line, "property_ref is given twice"), on_rejected)
            continue
        found["source_hash"] = _hash(found)
        parsed[found["property_ref"]] = found
    items = list(parsed.values())
    for start in range(0, len(items), batch_size):
        batch = items[start : start + batch_size]
        existing = {
            reference: (found_id, source_hash)
            for found_id, reference, source_hash in db.session.execute(
                sa.select(CouncilTaxProperty.id, CouncilTaxProperty.property_ref, CouncilTaxProperty.source_hash).where(
                    CouncilTaxProperty.property_ref.in_([item["property_ref"] for item in batch])
                )
            )
        }
        new = [item for item in batch if item["property_ref"] not in existing]
        changed = [
            {**item, "id": existing[item["property_ref"]][0]}
            for item in batch
            if item["property_ref"] in existing and existing[item["property_ref"]][1] != item["source_hash"]
        ]
        if new:
            db.session.execute(sa.insert(CouncilTaxProperty), new)
        if changed:
            db.session.execute(sa.update(CouncilTaxProperty), changed)
        report.properties.update(
            _nonzero(added=len(new), updated=len(changed), unchanged=len(batch) - len(new) - len(changed))
        )
    db.session.flush()
    return dict(db.session.execute(sa.select(CouncilTaxProperty.property_ref, CouncilTaxProperty.id)).all())


class _Lines:
    """One account file read alongside accounts.csv: the lines for each account in turn."""

    def __init__(self, folder: Path, file_format: fmt.FileFormat):
        self.format = file_format
        self._rows: Iterator[tuple[int, dict]] = fmt.rows(folder, file_format)
        self._previous = ""
        self._next: tuple[int, dict, str] | None = None
        self._advance()

    def _advance(self) -> None:
        for line, row in self._rows:
            reference = fmt.raw_reference(row)
            if reference < self._previous:
                continue  # out of order: reported already, and its account refused
            self._previous = reference
            self._next = (line, row, reference)
            return
        self._next = None

    def take_before(self, reference: str | None) -> list[tuple[int, dict, str]]:
        """Lines for accounts before `reference` (None: all that are left): no account to go with."""
        found = []
        while self._next is not None and (reference is None or self._next[2] < reference):
            found.append(self._next)
            self._advance()
        return found

    def take(self, reference: str) -> list[tuple[int, dict]]:
        found = []
        while self._next is not None and self._next[2] == reference:
            found.append(self._next[:2])
            self._advance()
        return found


def _raw_hash(row: dict, lines: dict[str, list]) -> str:
    """A hash of the account's lines as written: the same text, the same hash."""
    digest = hashlib.sha256()
    for name, found in ((fmt.ACCOUNTS.name, [(0, row)]), *lines.items()):
        digest.update(f"\x1e{name}".encode())
        for _line, child in found:
            digest.update("\x1f".join(map(str, child.values())).encode())
            digest.update(b"\x1d")
    return digest.hexdigest()


def _import_accounts(folder, report, property_ids, broken, batch_size, on_batch, on_rejected) -> None:
    readers = [_Lines(folder, file_format) for file_format in fmt.ACCOUNT_FILES]
    previous = ""
    pending: list[tuple] = []

    def orphans(reference: str | None) -> None:
        for reader in readers:
            for line, _row, found in reader.take_before(reference):
                reason = f"account {found[:20]} is not in accounts.csv" if found else "account_ref is empty"
                report.refuse(Rejected(reader.format.name, line, reason), on_rejected)

    def process() -> None:
        """Parse and store the accounts that changed; an account as it was before is not even parsed."""
        existing = {
            reference: (found_id, source_hash)
            for found_id, reference, source_hash in db.session.execute(
                sa.select(CouncilTaxAccount.id, CouncilTaxAccount.reference, CouncilTaxAccount.source_hash).where(
                    CouncilTaxAccount.reference.in_([item[0] for item in pending])
                )
            )
        }
        batch = []
        for reference, line, row, lines, raw_hash in pending:
            if reference not in broken and existing.get(reference, (None, None))[1] == raw_hash:
                report.accounts["unchanged"] += 1
                continue
            bundle, problems = _account_bundle(line, row, lines, property_ids)
            if reference in broken and not problems:
                reason = "the account was not imported: some of its lines are out of order or given twice"
                problems = [Rejected(fmt.ACCOUNTS.name, line, reason)]
            if problems:
                for problem in problems:
                    report.refuse(problem, on_rejected)
                report.accounts["rejected"] += 1
                continue
            bundle["account"]["source_hash"] = raw_hash
            batch.append(bundle)
        _store_accounts(batch, existing, report)
        pending.clear()

    for line, row in fmt.rows(folder, fmt.ACCOUNTS):
        reference = fmt.raw_reference(row)
        if reference <= previous:
            continue  # out of order or given twice: reported already
        orphans(reference)
        previous = reference
        lines = {reader.format.name: reader.take(reference) for reader in readers}
        pending.append((reference, line, row, lines, _raw_hash(row, lines)))
        if len(pending) >= batch_size:
            process()
            on_batch()
    orphans(None)
    process()


def _account_bundle(line: int, row: dict, lines: dict[str, list], property_ids: dict[str, int]):
    """Everything about one account, parsed, with its hash; or the lines that were refused."""
    problems: list[Rejected] = []
    try:
        account = fmt.parse_account(row)
        if account["property_ref"] not in property_ids:
            raise LineError(f"property {account['property_ref']} is not in properties.csv")
    except LineError as error:
        account = None
        problems.append(Rejected(fmt.ACCOUNTS.name, line, str(error)))
    children: dict[str, list[dict]] = {}
    for file_format in fmt.ACCOUNT_FILES:
        parsed, seen = [], set()
        for child_line, child_row in lines[file_format.name]:
            try:
                found = file_format.parse(child_row)
                key = tuple(found[name] for name in UNIQUE_WITHIN_ACCOUNT.get(file_format.name, ()))
                if key and key in seen:
                    raise LineError(
                        f"{', '.join(UNIQUE_WITHIN_ACCOUNT[file_format.name])} given twice for this account"
                    )
                seen.add(key)
                parsed.append(found)
            except LineError as error:
                problems.append(Rejected(file_format.name, child_line, str(error)))
        children[file_format.name] = parsed
    if account is not None and not children[fmt.PEOPLE.name]:
        problems.append(Rejected(fmt.ACCOUNTS.name, line, "the account has no liable people in liable_people.csv"))
    if problems:
        if account is not None or len(problems) > 1:
            problems.append(
                Rejected(fmt.ACCOUNTS.name, line, "the account was not imported: its lines above were refused")
            )
        return None, problems
    return {"account": account, "children": children}, []


def _store_accounts(batch: list[dict], existing: dict[str, tuple[int, str]], report: ImportReport) -> None:
    if not batch:
        return
    property_ids = dict(
        db.session.execute(
            sa.select(CouncilTaxProperty.property_ref, CouncilTaxProperty.id).where(
                CouncilTaxProperty.property_ref.in_({bundle["account"]["property_ref"] for bundle in batch})
            )
        ).all()
    )
    now = utcnow()
    extracted_at = report.extracted_at

    def columns(account: dict) -> dict:
        values = {key: value for key, value in account.items() if key != "property_ref"}
        return values | {
            "property_id": property_ids[account["property_ref"]],
            "extracted_at": extracted_at,
            "imported_at": now,
        }

    new = [bundle for bundle in batch if bundle["account"]["reference"] not in existing]
    changed = [bundle for bundle in batch if bundle["account"]["reference"] in existing]
    changed_ids = [existing[bundle["account"]["reference"]][0] for bundle in changed]
    if changed_ids:
        for model in CHILD_MODELS.values():
            db.session.execute(sa.delete(model).where(model.account_id.in_(changed_ids)))
        db.session.execute(
            sa.update(CouncilTaxAccount),
            [{**columns(bundle["account"]), "id": found} for bundle, found in zip(changed, changed_ids, strict=True)],
        )
    new_ids = []
    if new:
        new_ids = list(
            db.session.scalars(
                sa.insert(CouncilTaxAccount).returning(CouncilTaxAccount.id, sort_by_parameter_order=True),
                [columns(bundle["account"]) for bundle in new],
            )
        )
    for name, model in CHILD_MODELS.items():
        lines = [
            {**child, "account_id": account_id}
            for bundle, account_id in zip(changed + new, changed_ids + new_ids, strict=True)
            for child in bundle["children"][name]
        ]
        if lines:
            db.session.execute(sa.insert(model), lines)
    db.session.flush()
    report.accounts.update(_nonzero(added=len(new), updated=len(changed)))
