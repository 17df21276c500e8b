"""Telling the council you have moved into (or are moving into) a property in the borough: the
address, the date, whether you own or rent it, the adults who live there and where you lived before.

The person may not have an account yet (a new resident), so this needs only a signed-in person, not a
linked account. Before they send it, they see the bill Doorstep estimates from the day they move in
(moves.py); the request goes to the revenues system in the export, where the account is opened, and
a case goes to the revenues team with a due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from app.extensions import db
from app.form_model.schema import Definition
from app.models import Case, User
from app.models.council_tax_requests import CouncilTaxRequest, RequestKind
from app.money import pounds
from app.services import cases
from app.services.council_tax import move_cases, moves
from app.services.council_tax.move_cases import question, text
from app.services.council_tax.moves import NewAddress, YearEstimate
from app.services.council_tax.settings import CouncilTaxSettings
from app.services.errors import ServiceError

SERVICE_ID = "council-tax-moving-in"
WORKING_DAYS = 10  # without council tax settings


@dataclass(frozen=True)
class MovingIn:
    """What the person tells us, as plain values."""

    address: NewAddress
    moving_in_on: date
    renting: bool
    landlord_name: str  # the landlord or letting agent, when renting
    landlord_address: str
    adults: tuple[str, ...]  # everyone 18 or over who lives there, the person included
    single_person_discount: bool  # asked for; only when one adult lives there
    previous_lines: tuple[str, ...]
    previous_postcode: str


def check_date(moving_in_on: date, today: date) -> None:
    earliest, latest = moves.earliest_and_latest(today)
    moves.check_date(
        moving_in_on,
        earliest,
        latest,
        field="moving_in_on",
        too_early=lambda limit: _("The date you move in must be the same as or after %(date)s", date=limit),
        too_late=lambda limit: _("The date you move in must be the same as or before %(date)s", date=limit),
    )


def add_adult(adults: list[str], name: str, *, another: bool) -> list[str]:
    """The adults with one more (if named). Raises ServiceError when a name is needed (none yet, or
    "add another" with none given) or the list is full."""
    name = name.strip()
    if not name and (another or not adults):
        raise ServiceError(
            _("Enter the full name of an adult who lives there")
            if adults
            else _("Enter your full name, or the name of an adult who lives there"),
            field="name",
        )
    if name and len(adults) >= moves.ADULTS_MAX:
        raise ServiceError(
            _("You can tell us about up to %(max)s adults online. Call us if more live there", max=moves.ADULTS_MAX),
            field="name",
        )
    return [*adults, name] if name else list(adults)


def estimate(settings: CouncilTaxSettings | None, moving: MovingIn, today: date) -> tuple[str | None, tuple]:
    """The band the valuation list has for the address (None: the council will tell them) and the
    estimated bill for each year from the move."""
    band = moves.band_at(moving.address)
    single = moving.single_person_discount and len(moving.adults) == 1
    return band, moves.estimate_from(settings, band, moving.moving_in_on, today, single_person=single)


def working_days(settings: CouncilTaxSettings | None) -> int:
    return settings.moving_out_working_days if settings is not None else WORKING_DAYS


def tell(
    user: User,
    moving: MovingIn,
    band: str | None,
    estimates: tuple[YearEstimate, ...],
    *,
    settings: CouncilTaxSettings | None,
    language: str,
) -> CouncilTaxRequest:
    """Hands the move to the revenues system (the export, with no account reference: the account is
    opened there) and to the revenues team (a case with a due date)."""
    case = move_cases.open_case(
        definition, user, _answers(moving, band, estimates), due_in_days=working_days(settings), language=language
    )
    request = CouncilTaxRequest(
        kind=RequestKind.MOVING_IN,
        account_reference="",
        user_id=user.id,
        details={
            "moving_in_on": moving.moving_in_on.isoformat(),
            "address": moving.address.as_dict(),
            "tenure": "rents" if moving.renting else "owns",
            "landlord": (
                {"name": moving.landlord_name, "address": moving.landlord_address} if moving.renting else None
            ),
            "adults": list(moving.adults),
            "single_person_discount": moving.single_person_discount and len(moving.adults) == 1,
            "previous_address": {"lines": list(moving.previous_lines), "postcode": moving.previous_postcode},
            "case_reference": case.reference,
            "band": band,
            "estimated_bill": [found.as_dict() for found in estimates],
        },
    )
    db.session.add(request)
    db.session.flush()
    return request


@cache
def definition() -> Definition:
    return move_cases.make_definition(
        SERVICE_ID,
        title=text("Council tax: moving in", "Treth gyngor: symud i mewn"),
        summary=text("Tell us you are moving in.", "Rhowch wybod i ni eich bod yn symud i mewn."),
        start=text("Told online by a signed-in person.", "Wedi'i roi ar-lein gan rywun sydd wedi mewngofnodi."),
        page=text("Moving in", "Symud i mewn"),
        questions=[
            question("address", "Address they move into", "Cyfeiriad maen nhw'n symud iddo"),
            question("uprn", "UPRN", "UPRN", optional=True),
            question("moving_in_on", "Date they move in", "Dyddiad symud i mewn"),
            question("tenure", "Own or rent", "Perchen neu rentu"),
            question("landlord", "Landlord or letting agent", "Landlord neu asiant gosod", optional=True),
            question("adults", "Adults who live there", "Oedolion sy'n byw yno"),
            question("single_person_discount", "Single person discount", "Gostyngiad person sengl"),
            question("previous_address", "Previous address", "Cyfeiriad blaenorol"),
            question("estimated_bill", "Bill estimate they saw", "Amcangyfrif o'r bil a welsant", optional=True),
        ],
        confirmation=text(
            "Our council tax team will open your account and send you your bill.",
            "Bydd ein tîm treth gyngor yn agor eich cyfrif ac yn anfon eich bil atoch.",
        ),
    )


cases.register_own_definition(SERVICE_ID, definition)


def estimate_lines(band: str | None, estimates) -> str | None:
    """The estimates as staff read them, in English."""
    with force_locale("en"):
        if band is None:
            return _("No estimate: the valuation list has no band for this address")
        return (
            "\n".join(
                _(
                    "%(year)s, band %(band)s: %(charge)s for %(days)s days from %(first)s (%(percent)s%% off)",
                    year=found.year_label,
                    band=found.band,
                    charge=pounds(found.charge_pence),
                    days=found.days,
                    first=format_date(found.first_day, "d MMMM yyyy"),
                    percent=found.percent_off,
                )
                for found in estimates
            )
            or None
        )


def _answers(moving: MovingIn, band: str | None, estimates) -> dict:
    with force_locale("en"):
        moving_in_on = format_date(moving.moving_in_on, "d MMMM yyyy")
        tenure = _("Rents") if moving.renting else _("Owns")
        discount = _("Asked for") if moving.single_person_discount and len(moving.adults) == 1 else _("Not asked for")
    return {
        "address": moving.address.single_line,
        "uprn": str(moving.address.uprn) if moving.address.uprn else None,
        "moving_in_on": moving_in_on,
        "tenure": tenure,
        "landlord": "\n".join([moving.landlord_name, moving.landlord_address]) if moving.renting else None,
        "adults": "\n".join(moving.adults),
        "single_person_discount": discount,
        "previous_address": "\n".join([*moving.previous_lines, moving.previous_postcode]),
        "estimated_bill": estimate_lines(band, estimates),
    }


def for_person(user: User, reference: str) -> Case | None:
    return move_cases.own_case(user, SERVICE_ID, reference)
