"""Prices over a table of cases for what moving home and concessions add to the tariff: a zone that
costs less, a concession taken off after the household surcharge, a free Blue Badge permit, and a
concession the tariff does not have."""

import pytest

from app.services.parking import tariff as tariffs
from tests.unit.test_parking_tariff import START, babel_context, demo_vehicle, lines, prices  # noqa: F401


@pytest.mark.parametrize(
    ("vrm", "months", "position", "zone", "concession", "expected"),
    [
        ("DM19LOW", 12, 1, "A", None, [("Band 1, up to 100 g/km, 12 months", 5500)]),
        (
            "DM19LOW",
            12,
            1,
            "B",
            None,
            [("Band 1, up to 100 g/km, 12 months", 5500), ("Zone B costs less: -20%", -1100)],
        ),
        (
            "DM17MED",
            6,
            2,
            "B",
            None,
            [
                ("Band 2, 101 to 140 g/km, 6 months", 4510),
                ("Zone B costs less: -20%", -902),
                ("Second permit at this address: +50%", 1804),
            ],
        ),
        (
            "DM68HGH",
            12,
            1,
            "A",
            "blue-badge",
            [("Band 4, over 185 g/km, 12 months", 16600), ("Concession, Blue Badge holder: -100%", -16600)],
        ),
        (
            "DM17MED",
            12,
            2,
            "A",
            "council-tax-reduction",
            [
                ("Band 2, 101 to 140 g/km, 12 months", 8200),
                ("Second permit at this address: +50%", 4100),
                ("Concession, Council Tax Reduction: -50%", -6150),
            ],
        ),
        (
            "DM19LOW",
            3,
            1,
            "B",
            "care-worker",
            [
                ("Band 1, up to 100 g/km, 3 months", 1650),
                ("Zone B costs less: -20%", -330),
                ("Concession, care worker visiting people at home: -50%", -660),
            ],
        ),
    ],
)
def test_zone_and_concession_lines(prices, vrm, months, position, zone, concession, expected):  # noqa: F811
    found = tariffs.quote(
        prices, demo_vehicle(vrm), months, START, "en", household_position=position, zone=zone, concession=concession
    )
    assert lines(found) == expected
    assert found.total_pence == sum(pence for _name, pence in expected) >= 0
    assert found.to_dict().get("concession") == concession


def test_a_concession_the_tariff_does_not_have_cannot_be_priced(prices):  # noqa: F811
    with pytest.raises(ValueError, match="no concession"):
        tariffs.quote(prices, demo_vehicle("DM19LOW"), 12, START, "en", concession="<script>")


def test_the_welsh_quote_names_the_concession_in_welsh(prices):  # noqa: F811
    found = tariffs.quote(prices, demo_vehicle("DM19LOW"), 12, START, "cy", concession="blue-badge")
    assert "deiliad Bathodyn Glas" in found.lines[-1].name
