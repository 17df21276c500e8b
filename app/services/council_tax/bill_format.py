"""How a person wants an account's bills and notices: standard print, or one of the formats the
alternative formats service offers (large print at a size, braille, audio, easy read, British Sign
Language, another language, coloured paper). The lists are that service's own
(app/definitions/alternative-formats.yaml), so the two never disagree.

The choice goes to the revenues system in the export (a `bill_format` request), which prints and
sends the bills; the latest choice is also what the bill page honours (a large-print view) and says
was asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app import form_model
from app.extensions import db
from app.models import User
from app.models.council_tax import CouncilTaxAccount
from app.models.council_tax_requests import CouncilTaxRequest, RequestKind
from app.services.errors import ServiceError

ALTERNATIVE_FORMATS = "alternative-formats"
STANDARD = "standard"
LARGE_PRINT = "large_print"
OTHER_LANGUAGE = "other_language"


@dataclass(frozen=True)
class Choices:
    formats: list  # the alternative formats service's options (value, label in each language)
    point_sizes: list
    languages: list


def choices() -> Choices:
    definition = form_model.get(ALTERNATIVE_FORMATS)
    return Choices(
        formats=definition.question("format").options,
        point_sizes=definition.question("point_size").options,
        languages=definition.question("language").options,
    )


@dataclass(frozen=True)
class BillFormat:
    format: str  # "standard" or an alternative formats option value
    point_size: int | None = None  # for large print
    language: str | None = None  # for another language: the option value (an ISO 639-1 code, or "other")

    @property
    def large_print(self) -> bool:
        return self.format == LARGE_PRINT

    def as_details(self) -> dict:
        return {"format": self.format, "point_size": self.point_size, "language": self.language}


def chosen(format_value: str, point_size_value: str, language_value: str) -> BillFormat:
    """What the form sent as a BillFormat; ServiceError (for the field) for anything not on the lists."""
    found = choices()
    if format_value != STANDARD and format_value not in {option.value for option in found.formats}:
        raise ServiceError("format", field="format")
    points = None
    if format_value == LARGE_PRINT:
        if point_size_value not in {option.value for option in found.point_sizes}:
            raise ServiceError("point_size", field="point_size")
        points = int(point_size_value.removeprefix("pt"))
    language = None
    if format_value == OTHER_LANGUAGE:
        if language_value not in {option.value for option in found.languages}:
            raise ServiceError("language", field="language")
        language = language_value
    return BillFormat(format_value, points, language)


def _latest(account: CouncilTaxAccount) -> CouncilTaxRequest | None:
    return db.session.scalar(
        sa.select(CouncilTaxRequest)
        .where(
            CouncilTaxRequest.account_reference == account.reference,
            CouncilTaxRequest.kind == RequestKind.BILL_FORMAT,
        )
        .order_by(CouncilTaxRequest.id.desc())
        .limit(1)
    )


def preference(account: CouncilTaxAccount) -> BillFormat | None:
    """The latest choice made in Doorstep for this account, if any."""
    found = _latest(account)
    if found is None:
        return None
    details = found.details
    return BillFormat(details.get("format", STANDARD), details.get("point_size"), details.get("language"))


def choose(user: User, account: CouncilTaxAccount, wanted: BillFormat) -> CouncilTaxRequest | None:
    """Sends the choice to the revenues system; None when it is the choice already made (standard
    print is what the revenues system does unless asked otherwise)."""
    before = preference(account)
    if before == wanted or (before is None and wanted.format == STANDARD):
        return None
    request = CouncilTaxRequest(
        kind=RequestKind.BILL_FORMAT, account_reference=account.reference, user_id=user.id, details=wanted.as_details()
    )
    db.session.add(request)
    db.session.flush()
    return request


def describe(wanted: BillFormat | None, language: str) -> str | None:
    """What was asked for, as people read it: "Large print, 18 point"."""
    if wanted is None:
        return None
    found = choices()
    if wanted.format == STANDARD:
        return _("Standard print")
    label = next((o.label.get(language) for o in found.formats if o.value == wanted.format), wanted.format)
    if wanted.large_print and wanted.point_size:
        return _("%(format)s, %(points)s point", format=label, points=wanted.point_size)
    if wanted.language:
        chosen = next((o.label.get(language) for o in found.languages if o.value == wanted.language), wanted.language)
        return _("%(format)s: %(language)s", format=label, language=chosen)
    return label
