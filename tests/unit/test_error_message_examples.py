"""An example in a message ("like 07700 900 982", "for example, 16, 18 or 24") must pass the check that
message belongs to, in English and in Welsh.

The messages are found in the Welsh catalogue, so a new message with an example is checked without
anyone adding it here. An example is a value someone could type when it has a digit or an @ in it
(phone numbers, postcodes, amounts, numbers, dates, email addresses); "such as requests you made" in
a page's text is not. What kind of value an example is comes from the message's words, or else from
the example's shape; an example whose kind cannot be told fails the test until it is given a check
below, or its message is listed as naming things rather than a value to type.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po
from werkzeug.datastructures import MultiDict
from wtforms.validators import StopValidation, ValidationError

from app.form_model import question_types
from app.forms_common import EmailAddress
from app.forms_engine.question_types.quantities import is_quantity
from app.models import AlternativeFormat
from app.services import accounts, gazetteer
from app.services.errors import ServiceError
from app.services.vehicles import registration

CATALOGUE = Path(__file__).resolve().parents[2] / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
# "like 12.50", "for example, 16, 18 or 24", and the Welsh "fel" and "er enghraifft".
MARKER = re.compile(r"\b(?:like|for example|such as|e\.g\.|fel|er enghraifft)\b[,:]?\s+", re.IGNORECASE)

VALUE = re.compile(r"[\d@]")
# Messages whose example is a sentence or a kind of thing, not a value someone could type.
NAMING_THINGS = {
    "For example: there were no items outside the address by 7am.",
}


def _field(value: str):
    return SimpleNamespace(data=value)


def _passes(validator, value: str) -> bool:
    try:
        validator(None, _field(value))
    except (StopValidation, ValidationError):
        return False
    return True


def phone(example: str) -> bool:
    try:
        accounts.parse_uk_phone(example)
    except ServiceError:
        return False
    return True


def email(example: str) -> bool:
    return _passes(EmailAddress("wrong"), example)


def money(example: str) -> bool:
    from app.staff.collection_routes import _pence  # the staff refund's amount

    return _passes_question_checks("money", example) and (_pence(example) or 0) > 0


def whole_number(example: str) -> bool:
    return _passes_question_checks("number", example) and is_quantity(example)


def _passes_question_checks(kind: str, example: str) -> bool:
    """The checks a form question of this type makes, with no minimum or maximum set."""
    any_value = SimpleNamespace(minimum=None, maximum=None)
    names = SimpleNamespace(lower="the value")
    return all(_passes(check, example) for check in question_types.kind(kind).checks(any_value, names))


def print_size(example: str, app) -> bool:
    from app.account.forms import FormatForm

    with app.test_request_context():
        data = MultiDict({"alternative_format": AlternativeFormat.LARGE_PRINT.value, "point_size": example})
        form = FormatForm(formdata=data, meta={"csrf": False})
        try:
            form.validate_point_size(form.point_size)
        except ValidationError:
            return False
    return True


def real_date(example: str) -> bool:
    # The staff collection schedule reads its ?date= this way.
    try:
        date.fromisoformat(example)
    except ValueError:
        return False
    return True


def postcode(example: str) -> bool:
    return gazetteer.is_valid_postcode(example)


def registration_number(example: str) -> bool:
    return registration.is_valid(example)


def time_of_day(example: str) -> bool:
    from app.parking.visitor_forms import _parse_time  # the visitor session's arrival time

    return _parse_time(example) is not None


def council_tax_reference(example: str) -> bool:
    from app.services.council_tax.links import REFERENCE_PATTERN, normalise_reference

    return bool(REFERENCE_PATTERN.match(normalise_reference(example)))


# Checked in this order: the message's own words first.
BY_WORDS = [
    (re.compile(r"registration|number plate", re.I), registration_number),
    (re.compile(r"account reference|top of your bill", re.I), council_tax_reference),
    (re.compile(r"\btime\b|24-hour clock", re.I), time_of_day),
    (re.compile(r"phone", re.I), phone),
    (re.compile(r"email", re.I), email),
    (re.compile(r"postcode", re.I), postcode),
    (re.compile(r"money", re.I), money),
    (re.compile(r"print size", re.I), print_size),
    (re.compile(r"whole number", re.I), whole_number),
    (re.compile(r"\bdate\b", re.I), real_date),
]
BY_SHAPE = [
    (re.compile(r"\+?0[\d ]{9,13}"), phone),
    (re.compile(r"[^@\s]+@[^@\s]+"), email),
    (re.compile(r"£?\d+\.\d\d"), money),
    (re.compile(r"\d{4}-\d\d-\d\d"), real_date),
    (re.compile(r"[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}"), postcode),
    (re.compile(r"\d+"), whole_number),
]


def _example_like(word: str) -> bool:
    """A word that belongs to an example: with a digit or an @ in it, or capital letters only
    (AB12 CDE, DM1 1AB, 07700, name@example.com); not a word of the sentence around it."""
    return bool(re.search(r"[\d@]", word)) or (word.isalpha() and word.isupper())


def examples_in(text: str) -> list[str]:
    """What follows "like" or "for example": one or more examples, separated by commas and "or"."""
    found = []
    for match in MARKER.finditer(text):
        current: list[str] = []
        for word in re.findall(r",|[^\s,]+", text[match.end() :]):
            if word == "," or word.lower() in ("or", "neu"):
                found.append(" ".join(current))
                current = []
                continue
            if not _example_like(word.rstrip(".")):
                break
            current.append(word.rstrip("."))
            if word.endswith("."):
                break  # the end of the sentence
        found.append(" ".join(current))
    return [example for example in found if VALUE.search(example)]


def check_for(message_id: str, example: str):
    for words, check in BY_WORDS:
        if words.search(message_id):
            return check
    for shape, check in BY_SHAPE:
        if shape.fullmatch(example):
            return check
    return None


def messages_with_examples() -> list[tuple[str, str]]:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="cy")
    found = []
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for english, welsh in zip(ids, texts, strict=False):
            if english and examples_in(english) and english not in NAMING_THINGS:
                found.append((english, welsh))
    return found


MESSAGES = messages_with_examples()


def test_the_catalogue_has_the_messages_with_examples_we_know_of():
    ids = {english for english, _welsh in MESSAGES}
    assert "Enter a UK phone number, like 01632 960 001 or 07700 900 982" in ids
    assert "Enter an email address in the correct format, like name@example.com" in ids
    assert len(MESSAGES) >= 10


def test_examples_are_found_in_english_and_welsh():
    english = "Enter a UK phone number, like 01632 960 001 or 07700 900 982"
    assert examples_in(english) == ["01632 960 001", "07700 900 982"]
    assert examples_in("Rhowch rif ffôn yn y DU, fel 01632 960 001 neu 07700 900 982") == [
        "01632 960 001",
        "07700 900 982",
    ]
    assert examples_in("For example, 01632 960 001 or 07700 900 982. Leave it empty.") == [
        "01632 960 001",
        "07700 900 982",
    ]
    assert check_for(english, "01632 960 001") is phone
    assert check_for("For example, 16, 18 or 24", "16") is whole_number


def test_the_checks_refuse_what_they_should():
    """So the test below could fail: each check turns away a wrong value."""
    assert not phone("07700 901 000") and not phone("12345")
    assert not email("name@") and not postcode("DM1") and not money("12.5p")
    assert not whole_number("2.5") and not real_date("2026-02-30")


@pytest.mark.parametrize(("english", "welsh"), MESSAGES, ids=[english[:60] for english, _welsh in MESSAGES])
def test_every_example_in_a_message_passes_its_check(app, english, welsh):
    examples = [(english, example) for example in examples_in(english)]
    examples += [(welsh, example) for example in examples_in(welsh or "")]
    assert examples_in(english), f"no example found in {english!r}"
    for text, example in examples:
        check = check_for(english, example)
        assert check is not None, (
            f"{example!r} in {text!r}: give this kind of example a check in this file, or add the message "
            "to NAMING_THINGS if it names things rather than a value to type"
        )
        passed = check(example, app) if check is print_size else check(example)
        assert passed, f"{example!r}, the example in {text!r}, fails its own check ({check.__name__})"
