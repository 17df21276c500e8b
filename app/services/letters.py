"""Postal addresses for letters: the lines GOV.UK Notify's letter API takes (address_line_1 to
address_line_7), checked before a letter is queued so the worker never sends one that cannot go.

An address is kept as its lines joined by new lines (an outbox message's recipient, a request's
contact address): the person's name first, the postcode last."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.services import gazetteer
from app.services.errors import ServiceError

MIN_LINES = 3  # Notify: a name or first line, at least one more, and the postcode
MAX_LINES = 7  # Notify's address_line_1 .. address_line_7
MAX_LENGTH = 320  # an outbox recipient's column
LINE_MAX_LENGTH = 100
FORBIDDEN = set("<>[]{}|\\")  # Notify refuses some of these; none belongs in an address


def check(lines: list[str]) -> list[str]:
    """The address's lines, trimmed, blank ones left out and the postcode written the usual way.
    Raises ServiceError with a message a person can act on."""
    lines = [" ".join((line or "").split()) for line in lines]
    lines = [line for line in lines if line]
    if len(lines) < MIN_LINES:
        raise ServiceError(_l("An address for a letter needs at least 3 lines: a name, a street and a postcode"))
    if len(lines) > MAX_LINES:
        raise ServiceError(_l("An address for a letter can have no more than 7 lines"))
    if not gazetteer.is_valid_postcode(lines[-1]):
        raise ServiceError(_l("The last line of the address must be a real UK postcode, like DM1 1AA"))
    if any(len(line) > LINE_MAX_LENGTH for line in lines):
        raise ServiceError(_l("Each line of the address must be 100 characters or fewer"))
    if any(FORBIDDEN & set(line) for line in lines):
        raise ServiceError(_l("The address must not include < > [ ] { } | or \\"))
    lines[-1] = gazetteer.format_postcode(lines[-1])
    if len("\n".join(lines)) > MAX_LENGTH:
        raise ServiceError(_l("The address is too long for a letter: shorten its lines"))
    return lines


def joined(lines: list[str]) -> str:
    return "\n".join(check(lines))


def split(address: str) -> list[str]:
    return [line for line in (address or "").split("\n") if line]


def of_account(user) -> list[str] | None:
    """A letter's address for a person's account: their name and the address on the account, or
    None when it has no usable address."""
    if not user.has_address:
        return None
    try:
        return check(
            [user.full_name, user.address_line_1, user.address_line_2, user.address_town, user.address_postcode]
        )
    except ServiceError:
        return None


def notify_personalisation(address: str, subject: str, body: str) -> dict[str, str]:
    """What Notify's letter API takes: address_line_1.. in order, the postcode the last one given,
    and the generic template's ((subject)) and ((body))."""
    lines = split(address)
    personalisation = {f"address_line_{number}": line for number, line in enumerate(lines, start=1)}
    return personalisation | {"subject": subject, "body": body}
