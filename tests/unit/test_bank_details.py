"""UK bank details: read as people type them, and checked with Vocalink's modulus rules against the
test cases Vocalink publishes in "Validating account numbers" (each one names the rule it tests)."""

import pytest

from app.services import bank_details

PUBLISHED_PASS = [
    ("089999", "66374958", "passes modulus 10, 11 and double alternate"),
    ("107999", "88837491", "passes double alternate"),
    ("202959", "63748472", "passes modulus 11 and double alternate"),
    ("871427", "46238510", "exceptions 10 and 11: first passes, second fails"),
    ("872427", "46238510", "exceptions 10 and 11: first fails, second passes"),
    ("871427", "09123496", "exception 10: ab = 09 and g = 9"),
    ("871427", "99123496", "exception 10: ab = 99 and g = 9"),
    ("820000", "73688637", "exception 3: c is not 6 or 9"),
    ("827999", "73988638", "exception 3: c is 9, the second check is not made"),
    ("827101", "28748352", "exception 3: c is 6 or 9"),
    ("134020", "63849203", "exception 4: the remainder equals the check digits"),
    ("118765", "64371389", "exception 1: 27 added"),
    ("200915", "41011166", "exception 6: a foreign currency account"),
    ("938611", "07806039", "exception 5: passes"),
    ("938600", "42368003", "exception 5: check digit 0 for the double alternate"),
    ("938063", "55065200", "exception 5: modulus 11 remainder 0 and g is 0"),
    ("772798", "99345694", "exception 7: g is 9"),
    ("086090", "06774744", "exception 8: sort code substituted"),
    ("309070", "02355688", "exceptions 2 and 9: first check passes"),
    ("309070", "12345668", "exceptions 2 and 9: first fails, second passes (a not 0, g not 9)"),
    ("309070", "12345677", "exceptions 2 and 9: first fails, second passes (a not 0, g not 9)"),
    ("309070", "99345694", "exceptions 2 and 9: first fails, second passes (a not 0, g is 9)"),
    ("074456", "12345112", "exceptions 12 and 13: modulus 11 fails, modulus 10 passes"),
    ("070116", "34012583", "exceptions 12 and 13: modulus 11 passes"),
    ("074456", "11104102", "exceptions 12 and 13: modulus 11 fails, modulus 10 passes"),
    ("180002", "00000190", "exception 14: passes on the second try"),
]

PUBLISHED_FAIL = [
    ("938063", "15764273", "exception 5: first check fails"),
    ("938063", "15764264", "exception 5: second check fails"),
    ("938063", "15763217", "exception 5: first check remainder 1"),
    ("118765", "64371388", "exception 1: fails"),
    ("203099", "66831036", "first check passes, second fails"),
    ("203099", "58716970", "first check fails, second passes"),
    ("089999", "66374959", "fails modulus 11"),
    ("107999", "88837493", "fails double alternate"),
]


@pytest.mark.parametrize("sort_code, account, rule", PUBLISHED_PASS)
def test_published_cases_that_pass(sort_code, account, rule):
    assert bank_details.modulus_check(sort_code, account), rule


@pytest.mark.parametrize("sort_code, account, rule", PUBLISHED_FAIL)
def test_published_cases_that_fail(sort_code, account, rule):
    assert not bank_details.modulus_check(sort_code, account), rule


def test_a_changed_digit_fails_a_published_pass():
    assert not bank_details.modulus_check("202959", "63748473")
    assert not bank_details.modulus_check("180002", "00000192")  # exception 14: last digit not 0, 1 or 9


def test_a_sort_code_the_table_does_not_cover_is_accepted():
    assert bank_details.rules_for("000001") == []
    assert bank_details.modulus_check("000001", "12345678")


def test_the_examples_in_error_messages_pass():
    from app.council_tax import bank_forms

    sort_code = bank_details.clean_sort_code(bank_forms.EXAMPLE_SORT_CODE)
    account = bank_details.clean_account_number(bank_forms.EXAMPLE_ACCOUNT_NUMBER)
    assert sort_code and account and bank_details.modulus_check(sort_code, account)


@pytest.mark.parametrize(
    "typed, cleaned",
    [
        ("12-34-56", "123456"),
        ("12 34 56", "123456"),
        ("123456", "123456"),
        (" 12 - 34 - 56 ", "123456"),
        ("12345", None),
        ("1234567", None),
        ("12-34-5a", None),
        ("１２３４５６", None),  # full-width digits are digits to Python, not to a bank
        ("<b>123456", None),
        ("", None),
        (None, None),
    ],
)
def test_sort_codes_are_read_as_people_type_them(typed, cleaned):
    assert bank_details.clean_sort_code(typed) == cleaned


@pytest.mark.parametrize(
    "typed, cleaned",
    [
        ("12345678", "12345678"),
        ("1234 5678", "12345678"),
        ("123456", "00123456"),
        ("1234567", "01234567"),
        ("12345", None),
        ("123456789", None),
        ("1234567O", None),
        ("9" * 5000, None),
    ],
)
def test_account_numbers_are_read_as_people_type_them(typed, cleaned):
    assert bank_details.clean_account_number(typed) == cleaned
