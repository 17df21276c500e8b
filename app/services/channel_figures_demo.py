"""A year of demonstration requests across every channel, with contacts about them and satisfaction
answers, so the channel-shift figures page shows real figures in `make run`. Written with bulk
inserts (a few thousand rows in well under a second). Never loaded in production.

The requests belong to nobody (no account, no contact details, no answers), so they change no
person's pages and no form's journey; they use only the forms this council has, and none when it
has none of them (a custom FORM_DEFINITIONS_DIR)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app import form_model
from app.extensions import db
from app.models import (
    Case,
    CaseContact,
    CaseStatus,
    Channel,
    ContactChannel,
    GazetteerAddress,
    Place,
    SatisfactionRating,
    SatisfactionResponse,
)
from app.services import cases, channel_figures_counts, references

LONDON = ZoneInfo("Europe/London")
SERVICES = ("missed-bin", "bulky-waste", "fly-tipping", "alternative-formats", "parking-permits", "litter")
REQUESTS_PER_MONTH = 200
# The first month's and the last month's share of each channel: the year shows the shift online.
FIRST_MIX = {"online": 0.45, "kiosk": 0.04, "assisted": 0.05, "telephone": 0.34, "face_to_face": 0.12}
LAST_MIX = {"online": 0.66, "kiosk": 0.06, "assisted": 0.07, "telephone": 0.16, "face_to_face": 0.05}
CONTACT_MIX = ((ContactChannel.TELEPHONE, 0.6), (ContactChannel.EMAIL, 0.25), (ContactChannel.FACE_TO_FACE, 0.1))
RATINGS = tuple(SatisfactionRating)
# How likely each rating is in each channel (very satisfied first).
RATING_WEIGHTS = {
    "online": (30, 40, 15, 10, 5),
    "kiosk": (25, 40, 20, 10, 5),
    "assisted": (50, 35, 10, 3, 2),
    "telephone": (35, 35, 15, 10, 5),
    "face_to_face": (45, 35, 10, 6, 4),
}
SEED = 13


def _reference(rng: random.Random) -> str:
    characters = "".join(rng.choice(references.ALPHABET) for _ in range(references.LENGTH))
    return f"{characters[:4]}-{characters[4:]}"


def _mix(month_index: int) -> list[tuple[str, float]]:
    share = month_index / 11
    return [(key, FIRST_MIX[key] + (LAST_MIX[key] - FIRST_MIX[key]) * share) for key in FIRST_MIX]


def _choose(rng: random.Random, weighted):
    keys, weights = zip(*weighted, strict=True)
    return rng.choices(keys, weights=weights)[0]


def load(today: date) -> int:
    """The year before today, once (nothing is added when the first demo reference exists).
    Returns how many requests were added."""
    definitions = [form_model.get(service) for service in SERVICES]
    definitions = [definition for definition in definitions if definition is not None]
    if not definitions:
        return 0
    rng = random.Random(SEED)
    first_reference = _reference(random.Random(SEED))
    if db.session.scalar(sa.select(Case.id).where(Case.reference == first_reference)) is not None:
        return 0
    for definition in definitions:
        cases.snapshot(definition)
    place_id = db.session.scalar(sa.select(Place.id).order_by(Place.id).limit(1))
    wards = list(
        db.session.scalars(sa.select(GazetteerAddress.ward).where(GazetteerAddress.ward.is_not(None)).distinct())
    ) or [None]
    wards.sort(key=lambda ward: ward or "")
    start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    months = []
    for _ in range(12):
        months.append(start)
        start = (start - timedelta(days=1)).replace(day=1)
    months.reverse()  # the twelve months before this one, oldest first

    case_rows, contact_rows, rating_rows = [], [], []
    seen = set()
    for month_index, month in enumerate(months):
        days = ((month.replace(day=28) + timedelta(days=4)).replace(day=1) - month).days
        for _ in range(REQUESTS_PER_MONTH):
            reference = first_reference if not case_rows else _reference(rng)
            if reference in seen:
                continue
            seen.add(reference)
            definition = rng.choice(definitions)
            kind = _choose(rng, _mix(month_index))
            channel = Channel.ONLINE if kind == "kiosk" else Channel(kind)
            at_place = kind in ("kiosk", "assisted") and place_id is not None
            day = month + timedelta(days=rng.randrange(days))
            made = datetime.combine(day, time(rng.randrange(8, 20), rng.randrange(60)), tzinfo=LONDON).astimezone(UTC)
            due = day + timedelta(days=definition.service_standard_days + 2)  # about right, weekends aside
            closed_at = None
            if rng.random() < 0.97:  # a few still open, some of them now overdue
                late = rng.random() < 0.14
                answered_day = (
                    due + timedelta(days=rng.randrange(1, 6))
                    if late
                    else day + timedelta(days=rng.randrange(0, max(1, (due - day).days + 1)))
                )
                closed_at = datetime.combine(answered_day, time(15), tzinfo=LONDON).astimezone(UTC)
            case_rows.append(
                {
                    "reference": reference,
                    "service_id": definition.id,
                    "definition_version": definition.version,
                    "team": definition.submit.team,
                    "answers": {},
                    "channel": channel,
                    "language": "cy" if rng.random() < 0.1 else "en",
                    "ward": rng.choice(wards),
                    "due_date": due,
                    "created_at": made,
                    "status": CaseStatus.CLOSED if closed_at else CaseStatus.RECEIVED,
                    "closed_at": closed_at,
                    "place_id": place_id if at_place else None,
                    "urgent": False,
                }
            )
            if rng.random() < 0.22:
                contacted_at = made + timedelta(days=rng.randrange(1, 12), hours=rng.randrange(0, 6))
                if contacted_at.date() <= today - timedelta(days=1):
                    contact_channel = _choose(rng, (*CONTACT_MIX, (ContactChannel.LETTER, 0.05)))
                    open_then = closed_at is None or contacted_at < closed_at
                    contact_rows.append(
                        {
                            "reference": reference,
                            "channel": contact_channel,
                            "contacted_at": contacted_at,
                            "avoidable": open_then and contacted_at.astimezone(LONDON).date() <= due,
                            "service_id": definition.id,
                            "ward": case_rows[-1]["ward"],
                            "place_id": case_rows[-1]["place_id"],
                        }
                    )
            if rng.random() < 0.35:
                rating = rng.choices(RATINGS, weights=RATING_WEIGHTS[kind])[0]
                rating_rows.append(
                    {"reference": reference, "service_id": definition.id, "channel": channel, "rating": rating}
                )
    db.session.execute(sa.insert(Case), case_rows)
    ids = dict(
        db.session.execute(sa.select(Case.reference, Case.id).where(Case.reference.in_(list(seen)))).tuples().all()
    )
    made_at = {row["reference"]: row["created_at"] for row in case_rows}
    if contact_rows:
        db.session.execute(
            sa.insert(CaseContact),
            [
                {**{k: v for k, v in row.items() if k != "reference"}, "case_id": ids[row["reference"]]}
                for row in contact_rows
            ],
        )
    if rating_rows:
        db.session.execute(
            sa.insert(SatisfactionResponse),
            [
                {
                    "service_id": row["service_id"],
                    "channel": row["channel"],
                    "rating": row["rating"],
                    "case_id": ids[row["reference"]],
                    "created_at": made_at[row["reference"]] + timedelta(minutes=3),
                }
                for row in rating_rows
            ],
        )
    db.session.flush()
    channel_figures_counts.rebuild()  # bulk inserts are not counted as they happen
    return len(case_rows)
