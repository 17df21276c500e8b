"""Vehicle registration marks (VRMs): normalised, checked against every real UK format, shown.

Each format is data: the layout of letters and numbers (whose groups are the parts shown with a
space between them) and the rules a real mark of that layout keeps, each with the message a person
reads when it breaks that rule. A mark is valid when it fits a layout and keeps all of its rules.
When it fits a layout but breaks a rule, the person is told which rule; when it fits none, they
are shown what a registration number looks like. Every message's examples are valid marks (a test
proves it).

Sources: DVLA's current format (since September 2001) does not use I, Q or Z in the first two
letters (the memory tag) nor I or Q in the last three; the two numbers are the age identifier (the
year in March, the year plus 50 in September). Prefix (1983 to 2001) and suffix (1963 to 1983)
year letters were never I, O, U or Z (Q is the prefix of a vehicle whose age is not known). Great
Britain's dateless marks never used I, Q or Z, with up to four numbers after one or two letters
and up to three after three letters, either way round. Northern Ireland's marks keep the two-letter
county codes, all holding I or Z, with up to four numbers, either way round, and since 1966 a
serial letter before the code (ABZ 1234). Diplomatic marks are three numbers, D or X, three numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from app.services.errors import ServiceError

MAX_LENGTH = 7
# Spaces, hyphens, dots and the like that people type or copy between the parts of a mark.
SEPARATORS = re.compile(r"[\s\-‐-―.·_]+")

# The two-letter county codes of Northern Ireland, all in use since the 1903 system (I and Z were
# reserved for Ireland; after 1921 Northern Ireland kept the I codes and the AZ to YZ series).
NORTHERN_IRELAND_CODES = tuple(
    ["AZ", "BZ", "CZ", "DZ", "EZ", "FZ", "GZ", "HZ", "JZ", "KZ", "LZ", "MZ", "NZ", "OZ", "PZ", "RZ", "SZ"]
    + ["TZ", "UZ", "VZ", "WZ", "XZ", "YZ", "IA", "IB", "IG", "IJ", "IL", "IW", "JI", "OI", "UI", "XI"]
)
_NI = "|".join(NORTHERN_IRELAND_CODES)


class InvalidRegistration(ServiceError):
    """The text is not a UK registration number. `reason` is a stable code (branch on it, never on
    the message); `message` says what is wrong, for the person, next to the field."""

    def __init__(self, reason: str, message, field: str | None = None):
        super().__init__(message, field)
        self.reason = reason


@dataclass(frozen=True)
class Rule:
    reason: str
    keeps: Callable[[str, date], bool]  # (normalised mark, today) -> does the mark keep the rule?
    message: Callable[[str], object]  # normalised mark -> the message (lazy, translated when shown)
    examples: tuple[str, ...]  # the marks the message shows; each must be valid


@dataclass(frozen=True)
class MarkFormat:
    name: str
    layout: re.Pattern  # its groups are the parts shown with a space between them
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Registration:
    vrm: str  # upper case, no spaces: what the DVLA and the database hold
    format: str  # current, prefix, suffix, dateless, northern_ireland or diplomatic
    display: str  # as on the number plate, like "AB12 CDE"

    def __str__(self) -> str:
        return self.display


def _matches(pattern: str) -> Callable[[str, date], bool]:
    compiled = re.compile(pattern)
    return lambda mark, today: bool(compiled.fullmatch(mark))


def _message(text) -> Callable[[str], object]:
    return lambda mark: text


def _age_issued(mark: str, today: date) -> bool:
    return first_issued(int(mark[2:4])) <= today


def first_issued(age_identifier: int) -> date:
    """When current-format marks with this age identifier were first issued: 12 in March 2012, 62 in
    September 2012; 50 is March 2050 and 00 September 2050."""
    if age_identifier == 0:
        return date(2050, 9, 1)
    if age_identifier <= 50:
        return date(2000 + age_identifier, 3, 1)
    return date(1950 + age_identifier, 9, 1)


CURRENT = MarkFormat(
    "current",
    re.compile(r"([A-Z]{2}\d{2})([A-Z]{3})"),
    (
        Rule(
            "current-area-letters",
            _matches(r"[A-HJ-PR-Y]{2}.*"),
            _message(_l("The first 2 letters of a registration number like AB12 CDE cannot be I, Q or Z")),
            ("AB12 CDE",),
        ),
        Rule(
            "current-last-letters",
            _matches(r".{4}[A-HJ-PR-Z]{3}"),
            _message(_l("The last 3 letters of a registration number like AB12 CDE cannot be I or Q")),
            ("AB12 CDE",),
        ),
        Rule(
            "current-age-01",
            _matches(r"..(?!01).*"),
            _message(_l("The 2 numbers in a registration number like AB12 CDE are never 01")),
            ("AB12 CDE",),
        ),
        Rule(
            "current-age-not-issued",
            _age_issued,
            lambda mark: _l(
                "The 2 numbers in a registration number like AB12 CDE show when it was issued, "
                "and %(numbers)s has not been issued yet",
                numbers=mark[2:4],
            ),
            ("AB12 CDE",),
        ),
    ),
)

PREFIX = MarkFormat(
    "prefix",
    re.compile(r"([A-Z]\d{1,3})([A-Z]{3})"),
    (
        # Q is allowed: it is the prefix of a vehicle whose age is not known (Q123 ABC).
        Rule(
            "prefix-year-letter",
            _matches(r"[A-HJ-NP-TV-Y].*"),
            _message(_l("The first letter of a registration number like A123 BCD cannot be I, O, U or Z")),
            ("A123 BCD",),
        ),
        Rule(
            "prefix-number",
            _matches(r".[1-9].*"),
            _message(_l("The number in a registration number like A123 BCD cannot start with 0")),
            ("A123 BCD",),
        ),
        Rule(
            "prefix-last-letters",
            _matches(r".*[A-HJ-PR-Y]{3}"),
            _message(_l("The last 3 letters of a registration number like A123 BCD cannot be I, Q or Z")),
            ("A123 BCD",),
        ),
    ),
)

SUFFIX = MarkFormat(
    "suffix",
    re.compile(r"([A-Z]{3})(\d{1,3}[A-Z])"),
    (
        Rule(
            "suffix-first-letters",
            _matches(r"[A-HJ-PR-Y]{3}.*"),
            _message(_l("The first 3 letters of a registration number like ABC 123D cannot be I, Q or Z")),
            ("ABC 123D",),
        ),
        Rule(
            "suffix-number",
            _matches(r".{3}[1-9].*"),
            _message(_l("The number in a registration number like ABC 123D cannot start with 0")),
            ("ABC 123D",),
        ),
        Rule(
            "suffix-year-letter",
            _matches(r".*[A-HJ-NPRSTV-Y]"),
            _message(_l("The last letter of a registration number like ABC 123D cannot be I, O, Q, U or Z")),
            ("ABC 123D",),
        ),
    ),
)

NORTHERN_IRELAND = MarkFormat(
    "northern_ireland",
    # Any mark of this layout with an I or Z in its letters is read as a Northern Ireland mark.
    re.compile(r"(?=\d*[A-Z]*[IZ])(?:([A-Z]{2,3})(\d{1,4})|(\d{1,4})([A-Z]{2}))"),
    (
        Rule(
            "northern-ireland-code",
            _matches(rf"[A-Z]?(?:{_NI})\d+|\d+(?:{_NI})"),
            _message(
                _l(
                    "Check the letters: a registration number with I or Z in it is from Northern Ireland, "
                    "like ABZ 1234 or IA 123, and ends in a county code such as AZ or IA"
                )
            ),
            ("ABZ 1234", "IA 123"),
        ),
        Rule(
            "northern-ireland-serial-letter",
            _matches(r"(?![QZ][A-Z]{2}\d).*"),
            _message(_l("The first letter of a Northern Ireland registration number like ABZ 1234 cannot be Q or Z")),
            ("ABZ 1234",),
        ),
        Rule(
            "northern-ireland-number",
            _matches(r"[A-Z]+[1-9]\d*|[1-9]\d*[A-Z]+"),
            _message(_l("The number in a registration number like ABZ 1234 cannot start with 0")),
            ("ABZ 1234",),
        ),
    ),
)

DATELESS = MarkFormat(
    "dateless",
    re.compile(r"([A-Z]{1,3})(\d{1,4})|(\d{1,4})([A-Z]{1,3})"),
    (
        Rule(
            "dateless-letters",
            _matches(r"[^IQZ]*"),
            _message(_l("The letters in a registration number like AB 1234 cannot be I, Q or Z")),
            ("AB 1234",),
        ),
        Rule(
            "dateless-number",
            _matches(r"[A-Z]+[1-9]\d*|[1-9]\d*[A-Z]+"),
            _message(_l("The number in a registration number like AB 1234 cannot start with 0")),
            ("AB 1234",),
        ),
        Rule(
            "dateless-three-letters",
            _matches(r"(?![A-Z]{3}\d{4}$|\d{4}[A-Z]{3}$).*"),
            _message(_l("A registration number with 3 letters and no date, like ABC 123, has up to 3 numbers")),
            ("ABC 123",),
        ),
    ),
)

DIPLOMATIC = MarkFormat(
    "diplomatic",
    re.compile(r"(\d{3})([A-Z])(\d{3})"),
    (
        Rule(
            "diplomatic-letter",
            _matches(r"\d{3}[DX]\d{3}"),
            _message(_l("The letter in a diplomatic registration number like 123 D 456 is D or X")),
            ("123 D 456",),
        ),
    ),
)

# In this order: a mark that fits several layouts is explained by the first one it fits.
FORMATS = (CURRENT, PREFIX, SUFFIX, NORTHERN_IRELAND, DATELESS, DIPLOMATIC)

# Checks on any text before its layout is looked at.
EMPTY = Rule("empty", _matches(r".+"), _message(_l("Enter a registration number, like AB12 CDE")), ("AB12 CDE",))
CHARACTERS = Rule(
    "characters",
    _matches(r"[A-Z0-9]*"),
    _message(_l("A registration number must only include letters and numbers, like AB12 CDE")),
    ("AB12 CDE",),
)
TOO_LONG = Rule(
    "too-long",
    _matches(rf".{{0,{MAX_LENGTH}}}"),
    _message(_l("A registration number must be 7 characters or fewer, like AB12 CDE")),
    ("AB12 CDE",),
)
LETTERS_AND_NUMBERS = Rule(
    "letters-and-numbers",
    _matches(r"(?=.*[A-Z])(?=.*\d).*"),
    _message(_l("A registration number must include letters and numbers, like AB12 CDE")),
    ("AB12 CDE",),
)
UNKNOWN_LAYOUT = Rule(
    "layout",
    lambda mark, today: any(fmt.layout.fullmatch(mark) for fmt in FORMATS),
    _message(_l("Enter the registration number as it is on the number plate, like AB12 CDE or A123 BCD")),
    ("AB12 CDE", "A123 BCD"),
)
GENERAL_RULES = (EMPTY, CHARACTERS, TOO_LONG, LETTERS_AND_NUMBERS, UNKNOWN_LAYOUT)


def all_rules() -> tuple[Rule, ...]:
    return GENERAL_RULES + tuple(rule for fmt in FORMATS for rule in fmt.rules)


def normalise(text: str | None) -> str:
    """Upper case with no spaces or separators: "ab12-cde " -> "AB12CDE". Other characters are kept,
    so that `parse` can say they are not allowed."""
    if not text:
        return ""
    # NFKC turns full-width and other compatibility forms of letters and digits into plain ones.
    return SEPARATORS.sub("", unicodedata.normalize("NFKC", str(text))).upper()


def parse(text: str | None, *, today: date | None = None, field: str | None = None) -> Registration:
    """The registration number in `text`, or InvalidRegistration saying what is wrong with it.
    `today` decides which current-format age identifiers have been issued (default: today)."""
    today = today or date.today()
    # A mark is at most 7 characters; looking at a little more is enough to say what is wrong.
    mark = normalise(text[:200] if isinstance(text, str) else text)
    for rule in GENERAL_RULES:
        if not rule.keeps(mark, today):
            raise InvalidRegistration(rule.reason, rule.message(mark), field)
    first_broken = None
    for fmt in FORMATS:
        layout = fmt.layout.fullmatch(mark)
        if layout is None:
            continue
        broken = next((rule for rule in fmt.rules if not rule.keeps(mark, today)), None)
        if broken is None:
            return Registration(mark, fmt.name, " ".join(part for part in layout.groups() if part))
        first_broken = first_broken or broken
    raise InvalidRegistration(first_broken.reason, first_broken.message(mark), field)


def is_valid(text: str | None, *, today: date | None = None) -> bool:
    try:
        parse(text, today=today)
    except InvalidRegistration:
        return False
    return True


def display(text: str) -> str:
    """A mark as it is on the number plate ("AB12 CDE"); text that is not a valid mark is returned
    normalised, so stored marks always show."""
    try:
        return parse(text).display
    except InvalidRegistration:
        return normalise(text)
