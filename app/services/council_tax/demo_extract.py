"""A generated extract, as the revenues system would write it, for the demo gazetteer (and, bigger,
for the benchmarks): accounts across bands, joint payers, discounts and exemptions, people who
moved in or out part way through a year, Direct Debit and cash payers, and arrears at each stage of
recovery. The same seed and day give the same files, so loading the demo twice changes nothing.

Every figure is worked out with the bill arithmetic (bill.py, instalments.py), as a revenues system
would: charges by day, instalments under Schedule 1, payments allocated to instalments in order.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from app.services.council_tax import extract_format as fmt
from app.services.council_tax import instalments
from app.services.council_tax.bill import BANDS, FinancialYear, Nation, Reduction, ReductionKind, work_out

# The demo resident's own account (README): 1 High Street, Demoton, DM1 1AB.
DEMO_RESIDENT_REFERENCE = "60000001"
DEMO_RESIDENT_ONLINE_KEY = "DEMO-2026"
DEMO_RESIDENT_NAME = "Rhian Evans"
DEMO_RESIDENT_UPRN = 100000000001
# A second fixed account, left unlinked in the demo data so the linking journey can be walked (README):
# the demo business admin's home, 1 Mill Lane, DM2 3EF.
DEMO_UNLINKED_REFERENCE = "60000000"
DEMO_UNLINKED_ONLINE_KEY = "DEMO-LINK"
DEMO_UNLINKED_NAME = "Sam Patel"
DEMO_UNLINKED_UPRN = 100000000021

_FIRST_NAMES = (
    "Rhian Gareth Siân Dafydd Aled Ffion Megan Owain Carys Huw Amy Ben Chloe Daniel Emma Faisal Grace Harry "
    "Isla Jack Kiran Leah Mohammed Nia Oliver Priya Rhys Sara Tomos Zara"
)
_SURNAMES = (
    "Evans Jones Williams Davies Thomas Roberts Hughes Lewis Morgan Griffiths Price Jenkins Smith Patel Khan "
    "Brown Taylor Wilson Walker Wright Clarke Hall Green Baker Ali Chen Nowak Kaur Murphy Powell"
)
FIRST_NAMES, SURNAMES = _FIRST_NAMES.split(), _SURNAMES.split()
# Bands in England's proportions (about a quarter of homes in A, one in a hundred in H).
BAND_WEIGHTS = {"A": 24, "B": 19, "C": 22, "D": 15, "E": 10, "F": 5, "G": 4, "H": 1, "I": 1}
# Where arrears reach, in order: the demo has accounts stopped at each.
RECOVERY_STAGES = (
    "reminder",
    "second_reminder",
    "final_notice",
    "summons",
    "liability_order",
    "attachment_of_earnings",
    "attachment_of_benefits",
    "enforcement_agent",
)
SUMMONS_COSTS_PENCE = 8000


@dataclass(frozen=True)
class Address:
    uprn: int | None
    line_1: str
    line_2: str
    town: str
    postcode: str


@dataclass(frozen=True)
class Settings:
    nation: Nation
    band_d_pence: dict[int, int]  # by financial year
    payment_days: tuple[int, ...]
    exemption_classes: tuple[str, ...]
    single_person_percent: int = 25
    all_disregarded_percent: int = 50
    minimum_instalment_pence: int = 500


def synthetic_addresses(count: int, start: int = 1) -> Iterator[Address]:
    """Made-up addresses for the benchmarks' big extracts (no UPRN: not in the gazetteer)."""
    for number in range(start, start + count):
        street = f"{['Bench', 'Load', 'Test', 'Scale'][number % 4]} {['Road', 'Street', 'Lane'][number % 3]}"
        yield Address(None, f"{number % 300 + 1} {street} {number // 1200 + 1}", "", "Demoton", "DM9 9ZZ")


def write(
    folder: Path,
    addresses: Iterable[Address],
    settings: Settings,
    today: date,
    *,
    seed: int = 2026,
    accounts_per_property: float = 4.0,
    demo_resident: bool = True,
) -> dict[str, int]:
    """Write an extract for `addresses` into `folder`; how many lines went into each file."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    extracted_at = datetime.combine(today, time(1, 30), tzinfo=UTC)
    (folder / "extract.json").write_text(
        json.dumps({"format": fmt.FORMAT_VERSION, "extracted_at": extracted_at.isoformat().replace("+00:00", "Z")})
    )
    handles, writers, counts = {}, {}, {}
    for file_format in fmt.ALL_FILES:
        handles[file_format.name] = (folder / file_format.name).open("w", newline="", encoding="utf-8")
        writers[file_format.name] = csv.DictWriter(handles[file_format.name], fieldnames=file_format.columns)
        writers[file_format.name].writeheader()
        counts[file_format.name] = 0

    def put(file_format: fmt.FileFormat, row: dict) -> None:
        writers[file_format.name].writerow(row)
        counts[file_format.name] += 1

    try:
        generator = _Generator(rng, settings, today)
        number = 0
        for index, address in enumerate(addresses):
            property_ref = f"PR{index + 1:07d}"
            band = generator.band()
            if demo_resident and address.uprn == DEMO_RESIDENT_UPRN:
                band = "C"
            put(
                fmt.PROPERTIES,
                {
                    "property_ref": property_ref,
                    "uprn": address.uprn or "",
                    "line_1": address.line_1,
                    "line_2": address.line_2,
                    "town": address.town,
                    "postcode": address.postcode,
                    "band": band,
                },
            )
            resident_here = demo_resident and address.uprn == DEMO_RESIDENT_UPRN
            fixed_here = demo_resident and address.uprn in (DEMO_RESIDENT_UPRN, DEMO_UNLINKED_UPRN)
            occupancies = (
                [(generator.history_start - timedelta(days=1200), None)]
                if fixed_here
                else generator.occupancies(accounts_per_property)
            )
            for occupancy in occupancies:
                number += 1
                if fixed_here:
                    reference = DEMO_RESIDENT_REFERENCE if resident_here else DEMO_UNLINKED_REFERENCE
                else:
                    reference = f"6{number + 1:07d}"
                lines = generator.account(
                    reference,
                    property_ref,
                    band,
                    *occupancy,
                    resident=resident_here,
                    unlinked=fixed_here and not resident_here,
                )
                for file_format, row in lines:
                    put(file_format, row)
    finally:
        for handle in handles.values():
            handle.close()
    if demo_resident:
        _sort_by_account(folder)
    return counts


def _sort_by_account(folder: Path) -> None:
    """The demo resident's account is made where its property comes: put every file in account order."""
    for file_format in (fmt.ACCOUNTS, *fmt.ACCOUNT_FILES):
        path = folder / file_format.name
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        if all(rows[i]["account_ref"] <= rows[i + 1]["account_ref"] for i in range(len(rows) - 1)):
            continue
        rows.sort(key=lambda row: row["account_ref"])  # stable: each account's lines keep their order
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=file_format.columns)
            writer.writeheader()
            writer.writerows(rows)


class _Generator:
    def __init__(self, rng: random.Random, settings: Settings, today: date):
        self.rng = rng
        self.settings = settings
        self.today = today
        self.year = FinancialYear.of(today)
        self.history_start = FinancialYear(self.year.start_year - 2).start
        self.arrears_made = 0

    def band(self) -> str:
        bands = BANDS[self.settings.nation]
        return self.rng.choices(bands, weights=[BAND_WEIGHTS[band] for band in bands])[0]

    def occupancies(self, per_property: float) -> list[tuple[date, date | None]]:
        """Who was liable when, from before the history starts to now: (from, to), the last open."""
        if per_property <= 1:  # the same people throughout
            return [(self.history_start - timedelta(days=self.rng.randint(30, 2000)), None)]
        span = (self.today - self.history_start).days
        average = max(span / max(per_property - 1, 0.5), 60)
        moves, day = [], self.today
        while True:
            day -= timedelta(days=max(30, int(self.rng.expovariate(1 / average))))
            if day <= self.history_start:
                break
            moves.append(day)
        moves.reverse()
        starts = [self.history_start - timedelta(days=self.rng.randint(30, 2000)), *moves]
        return [
            (start, starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else None)
            for i, start in enumerate(starts)
        ]

    def account(self, reference, property_ref, band, liable_from, liable_to, *, resident=False, unlinked=False):
        rng, settings = self.rng, self.settings
        joint = not resident and not unlinked and rng.random() < 0.25
        names = [DEMO_RESIDENT_NAME] if resident else [DEMO_UNLINKED_NAME] if unlinked else [self._name()]
        if joint:
            names.append(f"{rng.choice(FIRST_NAMES)} {names[0].split()[-1]}")
        direct_debit = resident or rng.random() < 0.55
        payment_day = rng.choice(settings.payment_days) if direct_debit else settings.payment_days[0]
        twelve = not resident and rng.random() < 0.15
        behaviour = "good" if resident or direct_debit or rng.random() < 0.6 else "arrears"
        stage = None
        if behaviour == "arrears":
            stage = RECOVERY_STAGES[self.arrears_made % len(RECOVERY_STAGES)]
            self.arrears_made += 1
        reduction = self._reduction(liable_from, resident)
        balance, lines = 0, []
        for start_year in range(max(liable_from.year - 1, self.history_start.year - 1), self.year.start_year + 1):
            year = FinancialYear(start_year)
            if year.start < self.history_start or liable_from > year.end or (liable_to and liable_to < year.start):
                continue
            if year.start_year not in self.settings.band_d_pence:
                continue
            owed, year_lines = self._year(reference, year, band, liable_from, liable_to, reduction, payment_day, twelve)
            owed, year_lines = self._payments(reference, year, year_lines, owed, behaviour, stage, direct_debit)
            balance += owed
            lines += year_lines
        yield (
            fmt.ACCOUNTS,
            {
                "account_ref": reference,
                "property_ref": property_ref,
                "status": "open" if liable_to is None else "closed",
                "liable_from": liable_from.isoformat(),
                "liable_to": liable_to.isoformat() if liable_to else "",
                "payment_method": "direct_debit" if direct_debit else "cash",
                "payment_day": payment_day if direct_debit else "",
                "instalments": 12 if twelve else 10,
                "balance_pence": balance,
                "online_key": (
                    DEMO_RESIDENT_ONLINE_KEY
                    if resident
                    else DEMO_UNLINKED_ONLINE_KEY
                    if unlinked
                    else self._online_key()
                ),
            },
        )
        for position, name in enumerate(names, start=1):
            yield fmt.PEOPLE, {"account_ref": reference, "position": position, "full_name": name}
        order = {fmt.CHARGES.name: 0, fmt.REDUCTIONS.name: 1, fmt.INSTALMENTS.name: 2}
        order |= {fmt.TRANSACTIONS.name: 3, fmt.RECOVERY.name: 4}
        yield from sorted(lines, key=lambda item: order[item[0].name])

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"

    def _online_key(self) -> str:
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        return (
            "".join(self.rng.choice(letters) for _ in range(4))
            + "-"
            + "".join(self.rng.choice(letters) for _ in range(4))
        )

    def _reduction(self, liable_from: date, resident: bool) -> tuple[ReductionKind, date, int, str | None] | None:
        """A discount or exemption from a day: (kind, from, percent, class)."""
        settings, roll = self.settings, self.rng.random()
        if resident:  # the demo resident's partner moved out in the summer: single person discount since
            return (
                ReductionKind.SINGLE_PERSON,
                date(self.year.start_year, 7, 19),
                settings.single_person_percent,
                None,
            )
        start = liable_from + timedelta(days=self.rng.choice([0, 0, 0, 45, 200]))
        if roll < 0.30:
            return (ReductionKind.SINGLE_PERSON, start, settings.single_person_percent, None)
        if roll < 0.33:
            return (ReductionKind.ALL_DISREGARDED, start, settings.all_disregarded_percent, None)
        if roll < 0.36 and settings.exemption_classes:
            return (ReductionKind.EXEMPTION, start, 100, self.rng.choice(settings.exemption_classes))
        return None

    def _year(self, reference, year, band, liable_from, liable_to, reduction, payment_day, twelve):
        settings = self.settings
        band_d = settings.band_d_pence[year.start_year]
        reductions = []
        if reduction is not None and reduction[1] <= year.end:
            kind, start, percent, exemption_class = reduction
            reductions.append(Reduction(kind, max(start, year.start), year.end, percent, exemption_class))
        bill = work_out(
            band_d_pence=band_d,
            band=band,
            nation=settings.nation,
            year=year,
            liable_from=liable_from,
            liable_to=liable_to,
            reductions=reductions,
        )
        lines = []
        label = year.start_year
        for period in bill.periods:
            full = work_out(
                band_d_pence=band_d,
                band=band,
                nation=settings.nation,
                year=year,
                liable_from=period.start,
                liable_to=period.end,
            ).total_pence
            lines.append(
                (
                    fmt.CHARGES,
                    _row(
                        reference,
                        label,
                        period.start,
                        period.end,
                        band=band,
                        annual=bill.annual_charge_pence,
                        amount=full,
                    ),
                )
            )
            if period.reduction is not None:
                found = period.reduction
                lines.append(
                    (
                        fmt.REDUCTIONS,
                        {
                            "account_ref": reference,
                            "year": label,
                            "kind": found.kind.value,
                            "exemption_class": found.exemption_class or "",
                            "description": "",
                            "period_start": period.start.isoformat(),
                            "period_end": period.end.isoformat(),
                            "percent": found.percent,
                            "amount_pence": full - period.amount_pence,
                        },
                    )
                )
        # The bill is issued before the year (or a week after moving in). A discount starting later,
        # or a move out, brings a new bill a week after it: what is left is spread over the
        # instalments left (Schedule 1 para 10).
        issued = max(year.start - timedelta(days=21), liable_from + timedelta(days=7))

        def known_on(day: date) -> int:
            return work_out(
                band_d_pence=band_d,
                band=band,
                nation=settings.nation,
                year=year,
                liable_from=liable_from,
                liable_to=liable_to if liable_to is not None and liable_to < day else None,
                reductions=[found for found in reductions if found.start < day],
            ).total_pence

        minimum = settings.minimum_instalment_pence
        plan = instalments.plan(
            known_on(issued), year, issued, payment_day=payment_day, twelve=twelve, minimum_instalment_pence=minimum
        )
        changes = [found.start for found in reductions if found.start > issued]
        if liable_to is not None and issued <= liable_to < year.end:
            changes.append(liable_to + timedelta(days=1))
        for change in sorted(changes):
            rebill = change + timedelta(days=7)
            plan = instalments.respread(known_on(rebill), plan, rebill, minimum_instalment_pence=minimum)
        return bill.total_pence, [*lines, *((fmt.INSTALMENTS, instalment) for instalment in plan)]

    def _payments(self, reference, year, lines, owed, behaviour, stage, direct_debit):
        """Pay the instalments due so far (all of them, or up to where arrears began), then the
        recovery steps for the rest. Returns what is still owed for the year and the lines."""
        plan = [instalment for file_format, instalment in lines if file_format is fmt.INSTALMENTS]
        kept = [(file_format, row) for file_format, row in lines if file_format is not fmt.INSTALMENTS]
        due = [instalment for instalment in plan if instalment.due <= self.today]
        stop = len(due) if behaviour == "good" else max(0, len(due) - self.rng.randint(1, 3))
        recovering = behaviour == "arrears" and stop < len(due)
        if recovering and year != self.year and RECOVERY_STAGES.index(stage) < RECOVERY_STAGES.index("liability_order"):
            recovering, stop = False, len(due)  # older years' arrears have gone to a liability order or been paid
        more, paid = [], 0
        for number, instalment in enumerate(due[:stop], start=1):
            posted = instalment.due if direct_debit else instalment.due - timedelta(days=self.rng.randint(0, 5))
            ref = f"T{year.start_year % 100:02d}{number:02d}"
            method = "direct_debit" if direct_debit else self.rng.choice(["card", "card", "bank", "cash"])
            more.append(
                (
                    fmt.TRANSACTIONS,
                    _transaction(reference, ref, year, posted, "payment", method, instalment.amount_pence),
                )
            )
            paid += instalment.amount_pence
        for number, instalment in enumerate(plan, start=1):
            row = _row(reference, year.start_year, number=number, due=instalment.due, amount=instalment.amount_pence)
            row["paid_pence"] = instalment.amount_pence if number <= stop else 0
            kept.append((fmt.INSTALMENTS, row))
        owed -= paid
        if recovering:
            costs, events = self._recovery(reference, year, due[stop], owed, stage)
            owed += costs
            more += events
        return owed, kept + more

    def _recovery(self, reference, year, missed, owed, stage):
        """The recovery steps from the first missed instalment up to `stage`, 2 to 4 weeks apart."""
        steps = RECOVERY_STAGES[: RECOVERY_STAGES.index(stage) + 1]
        if stage in ("attachment_of_earnings", "attachment_of_benefits", "enforcement_agent"):
            steps = (*RECOVERY_STAGES[:5], stage)
        day, events, costs = missed.due + timedelta(days=10), [], 0
        gap = max(5, min(21, (self.today - day).days // max(len(steps), 1)))
        for step in steps:
            if step == "summons":
                costs = SUMMONS_COSTS_PENCE
                events.append(
                    (
                        fmt.TRANSACTIONS,
                        _transaction(reference, f"C{year.start_year % 100:02d}01", year, day, "costs", "", costs),
                    )
                )
            amount = missed.amount_pence if step in ("reminder", "second_reminder") else owed + costs
            events.append(
                (
                    fmt.RECOVERY,
                    {
                        "account_ref": reference,
                        "year": year.start_year,
                        "stage": step,
                        "issued_on": min(day, self.today).isoformat(),
                        "amount_pence": max(amount, 0),
                        "costs_pence": costs if step in ("summons", "liability_order") else 0,
                        "pay_by": (min(day, self.today) + timedelta(days=7)).isoformat()
                        if step in ("reminder", "second_reminder", "final_notice")
                        else "",
                    },
                )
            )
            day += timedelta(days=gap)
        return costs, events


def _row(reference, year, start=None, end=None, *, band=None, annual=None, amount=None, number=None, due=None) -> dict:
    if number is not None:
        return {
            "account_ref": reference,
            "year": year,
            "number": number,
            "due_date": due.isoformat(),
            "amount_pence": amount,
        }
    return {
        "account_ref": reference,
        "year": year,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "band": band,
        "annual_charge_pence": annual,
        "amount_pence": amount,
    }


def _transaction(reference, ref, year, posted, kind, method, amount) -> dict:
    return {
        "account_ref": reference,
        "transaction_ref": ref,
        "year": year.start_year,
        "posted_on": posted.isoformat(),
        "kind": kind,
        "method": method,
        "amount_pence": amount,
    }
