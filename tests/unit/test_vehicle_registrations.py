"""Registration numbers: real examples of every UK format, and every way a mark can be wrong."""

import re
from datetime import date

import pytest

from app.services.vehicles import registration as registrations
from app.services.vehicles.registration import InvalidRegistration, parse

TODAY = date(2026, 11, 23)  # 26 (March 2026) and 76 (September 2026) are the newest issued

VALID = [
    # (typed, stored, shown, format)
    ("BD51 SMR", "BD51SMR", "BD51 SMR", "current"),  # the first age identifier, September 2001
    ("bd51smr", "BD51SMR", "BD51 SMR", "current"),
    ("WN67 DSO", "WN67DSO", "WN67 DSO", "current"),  # the DVLA's OpenAPI example
    ("TE57VRN", "TE57VRN", "TE57 VRN", "current"),  # the DVLA's request example
    ("AA19 AAA", "AA19AAA", "AA19 AAA", "current"),
    ("ER19-NFD", "ER19NFD", "ER19 NFD", "current"),
    ("MX02 RXO", "MX02RXO", "MX02 RXO", "current"),
    ("LA26 XYZ", "LA26XYZ", "LA26 XYZ", "current"),  # Z is allowed in the last three letters
    ("AB76 CDE", "AB76CDE", "AB76 CDE", "current"),  # the newest, September 2026
    ("L2 WPS", "L2WPS", "L2 WPS", "prefix"),  # a DVLA test vehicle
    ("J942 XHK", "J942XHK", "J942 XHK", "prefix"),
    ("A553UCY", "A553UCY", "A553 UCY", "prefix"),
    ("Y999 XYO", "Y999XYO", "Y999 XYO", "prefix"),
    ("Q123 ABC", "Q123ABC", "Q123 ABC", "prefix"),  # a Q plate: the vehicle's age is not known
    ("Q1 ABC", "Q1ABC", "Q1 ABC", "prefix"),
    ("TLK 688W", "TLK688W", "TLK 688W", "suffix"),
    ("ABC 1A", "ABC1A", "ABC 1A", "suffix"),
    ("XYW 999Y", "XYW999Y", "XYW 999Y", "suffix"),
    ("A 1", "A1", "A 1", "dateless"),
    ("AB 1234", "AB1234", "AB 1234", "dateless"),
    ("ABC 123", "ABC123", "ABC 123", "dateless"),
    ("1 A", "1A", "1 A", "dateless"),
    ("111 V", "111V", "111 V", "dateless"),
    ("7611 FP", "7611FP", "7611 FP", "dateless"),
    ("123 ABC", "123ABC", "123 ABC", "dateless"),
    ("ABZ 1234", "ABZ1234", "ABZ 1234", "northern_ireland"),
    ("KDZ 4821", "KDZ4821", "KDZ 4821", "northern_ireland"),
    ("AIW 1", "AIW1", "AIW 1", "northern_ireland"),  # the last county to take up the 1966 format
    ("OIL 123", "OIL123", "OIL 123", "northern_ireland"),
    ("IA 1", "IA1", "IA 1", "northern_ireland"),
    ("AZ 9999", "AZ9999", "AZ 9999", "northern_ireland"),
    ("1 IA", "1IA", "1 IA", "northern_ireland"),  # the reversed series, from 1958
    ("2292 CZ", "2292CZ", "2292 CZ", "northern_ireland"),
    ("123 D 456", "123D456", "123 D 456", "diplomatic"),
    ("123 X 456", "123X456", "123 X 456", "diplomatic"),
]

INVALID = [
    # (typed, reason)
    ("", "empty"),
    ("   ", "empty"),
    (None, "empty"),
    ("AB12 CD£", "characters"),
    ("<script>alert(1)</script>", "characters"),
    ("AB12;DROP", "characters"),
    ("AB12 CDEF", "too-long"),
    ("A" * 10_000, "too-long"),
    ("ABCDEF", "letters-and-numbers"),
    ("123456", "letters-and-numbers"),
    ("A1B2C3", "layout"),
    ("AB123CD", "layout"),
    ("IB12 CDE", "current-area-letters"),
    ("QA12 BCD", "current-area-letters"),
    ("AZ12 BCD", "current-area-letters"),
    ("AB12 CDI", "current-last-letters"),
    ("AB12 QDE", "current-last-letters"),
    ("AB01 CDE", "current-age-01"),
    ("AB27 CDE", "current-age-not-issued"),  # March 2027
    ("AB99 CDE", "current-age-not-issued"),
    ("AB00 CDE", "current-age-not-issued"),  # September 2050
    ("I123 ABC", "prefix-year-letter"),
    ("O123 ABC", "prefix-year-letter"),
    ("U123 ABC", "prefix-year-letter"),
    ("Z123 ABC", "prefix-year-letter"),
    ("A012 BCD", "prefix-number"),
    ("A123 BCI", "prefix-last-letters"),
    ("A123 BZD", "prefix-last-letters"),
    ("AIC 123D", "suffix-first-letters"),
    ("ABC 012D", "suffix-number"),
    ("ABC 123I", "suffix-year-letter"),
    ("ABC 123O", "suffix-year-letter"),
    ("ABC 123U", "suffix-year-letter"),
    ("ABC 123Z", "suffix-year-letter"),
    ("ABC 123Q", "suffix-year-letter"),
    ("AAI 1234", "northern-ireland-code"),  # AI is no county's code
    ("ZZ 123", "northern-ireland-code"),
    ("1234 ZA", "northern-ireland-code"),
    ("ZIA 123", "northern-ireland-serial-letter"),
    ("QBZ 123", "northern-ireland-serial-letter"),
    ("ABZ 0123", "northern-ireland-number"),
    ("I 123", "dateless-letters"),
    ("QQ 123", "dateless-letters"),
    ("123 ABI", "dateless-letters"),
    ("AB 0123", "dateless-number"),
    ("0123 AB", "dateless-number"),
    ("ABC 1234", "dateless-three-letters"),
    ("123 E 456", "diplomatic-letter"),
]


@pytest.mark.parametrize(("typed", "stored", "shown", "kind"), VALID)
def test_real_registration_numbers_of_every_format_are_accepted(typed, stored, shown, kind):
    mark = parse(typed, today=TODAY)
    assert (mark.vrm, mark.display, mark.format) == (stored, shown, kind)
    assert str(mark) == shown


@pytest.mark.parametrize(("typed", "reason"), INVALID)
def test_each_way_a_registration_number_can_be_wrong_has_its_own_reason(typed, reason):
    with pytest.raises(InvalidRegistration) as raised:
        parse(typed, today=TODAY)
    assert raised.value.reason == reason
    assert str(raised.value.message)  # a message for the person, not an empty string


def test_every_reason_is_tested():
    tested = {reason for _typed, reason in INVALID}
    assert tested == {rule.reason for rule in registrations.all_rules()}


def test_every_example_in_a_message_is_itself_a_valid_registration_number():
    for rule in registrations.all_rules():
        message = str(rule.message("AB99CDE"))
        for example in rule.examples:
            assert example in message, (rule.reason, example, message)
            assert parse(example, today=TODAY).display == example
        # and nothing else in the message looks like a registration number that is not listed
        marks = re.findall(r"\b(?=[A-Z0-9 ]*\d)(?=[A-Z0-9 ]*[A-Z])[A-Z0-9]{1,4}(?: [A-Z0-9]{1,4}){1,2}\b", message)
        assert sorted(marks) == sorted(rule.examples), (rule.reason, marks)


def test_normalising_removes_spaces_and_separators_and_upper_cases():
    assert registrations.normalise(" ab12-cde ") == "AB12CDE"
    assert registrations.normalise("ab.12\tc d e") == "AB12CDE"
    assert registrations.normalise("AB12\u00a0CDE") == "AB12CDE"  # a non-breaking space, as copied from a page
    assert registrations.normalise("ＡＢ１２ ＣＤＥ") == "AB12CDE"  # full-width, as some phone keyboards type
    assert registrations.normalise("AB12 CD£") == "AB12CD£"  # kept, so the person is told it is not allowed
    assert registrations.normalise(None) == ""


def test_the_newest_age_identifier_is_accepted_from_the_day_it_is_issued():
    assert registrations.first_issued(51) == date(2001, 9, 1)
    assert registrations.first_issued(2) == date(2002, 3, 1)
    assert registrations.first_issued(50) == date(2050, 3, 1)
    assert registrations.first_issued(0) == date(2050, 9, 1)
    assert not registrations.is_valid("AB27 CDE", today=date(2027, 2, 28))
    assert registrations.is_valid("AB27 CDE", today=date(2027, 3, 1))
    assert registrations.is_valid("AB77 CDE", today=date(2027, 9, 1))


def test_display_shows_a_stored_mark_as_on_the_plate_and_leaves_anything_else_readable():
    assert registrations.display("AB12CDE") == "AB12 CDE"
    assert registrations.display("m472ktx") == "M472 KTX"
    assert registrations.display("not a mark!") == "NOTAMARK!"


def test_the_welsh_messages_show_the_same_valid_examples():
    from pathlib import Path

    from flask import Flask
    from flask_babel import Babel, force_locale

    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).resolve().parents[2] / "translations")
    Babel(app)
    with app.test_request_context():
        for rule in registrations.all_rules():
            english = str(rule.message("AB99CDE"))
            with force_locale("cy"):
                welsh = str(rule.message("AB99CDE"))
            assert welsh != english, rule.reason
            for example in rule.examples:
                assert example in welsh, (rule.reason, welsh)
