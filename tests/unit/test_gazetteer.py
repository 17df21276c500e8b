import pytest

from app.services import gazetteer


@pytest.mark.parametrize("postcode", ["DM1 1AB", "dm11ab", " SW1A 1AA ", "EC1A1BB", "W1A 0AX", "M1 1AE", "GIR 0AA"])
def test_valid_postcodes(postcode):
    assert gazetteer.is_valid_postcode(postcode)


@pytest.mark.parametrize("postcode", ["", "DM1", "12345", "DM1 1AB1", "Q1 1AA1", "<b>"])
def test_invalid_postcodes(postcode):
    assert not gazetteer.is_valid_postcode(postcode)


def test_postcodes_are_formatted_with_one_space():
    assert gazetteer.format_postcode("sw1a1aa") == "SW1A 1AA"
    assert gazetteer.postcode_key(" sw1a 1aa ") == "SW1A1AA"
