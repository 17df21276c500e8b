"""The council's own council tax settings: the `council_tax:` section of
app/service_settings/council-tax.yaml, checked when the app starts and by `flask forms check`."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from app.form_model import service_settings
from app.form_model.schema import Strict, Text
from app.services.council_tax.bill import Nation

SETTINGS_FILE = "council-tax"
SECTION = "council_tax"


class YearCharge(Strict):
    """Band D's charge for one financial year (the council's, plus the precepts it collects)."""

    year: Annotated[int, Field(ge=1993, le=2100)]  # 2026 is 2026-27
    band_d_pence: Annotated[int, Field(ge=1, le=10_000_000)]


class ExemptionClass(Strict):
    code: Annotated[str, Field(pattern=r"^[A-W]$")]
    name: Text


class CouncilTaxSettings(Strict):
    nation: Nation
    charges: list[YearCharge] = Field(min_length=1)
    single_person_percent: Annotated[int, Field(ge=0, le=100)] = 25
    all_disregarded_percent: Annotated[int, Field(ge=0, le=100)] = 50
    exemption_classes: list[ExemptionClass] = Field(default_factory=list)
    payment_days: list[Annotated[int, Field(ge=1, le=28)]] = Field(default=[1], min_length=1)
    # The smallest instalment the council asks for: a smaller bill is spread over fewer instalments.
    minimum_instalment_pence: Annotated[int, Field(ge=1, le=100_000)] = 500
    # Whether people may ask for 12 instalments instead of 10 (England: reg. 21(1A) of the 1992
    # Regulations gives the right; Welsh councils may offer it).
    twelve_instalments_on_request: bool = True
    # Paper bills an account gets in a year (the annual bill, and any the council always sends):
    # each paperless account avoids this many letters a year in the council's figures.
    paper_bills_per_year: Annotated[int, Field(ge=1, le=12)] = 1
    # Working days the revenues team has to deal with a move out told online (its case's due date).
    moving_out_working_days: Annotated[int, Field(ge=1, le=90)] = 10
    # Working days from a Direct Debit instruction sent online to the earliest first payment: the
    # back office lodges it with Bacs, then sends the advance notice at least 10 working days ahead.
    direct_debit_first_payment_working_days: Annotated[int, Field(ge=10, le=60)] = 14
    # Working days the revenues team has to deal with a refund of a credit balance (its case's due date).
    refund_working_days: Annotated[int, Field(ge=1, le=90)] = 10

    @model_validator(mode="after")
    def _consistent(self) -> CouncilTaxSettings:
        years = [charge.year for charge in self.charges]
        if len(set(years)) != len(years):
            raise ValueError("each year's band D charge is given once")
        codes = [found.code for found in self.exemption_classes]
        if len(set(codes)) != len(codes):
            raise ValueError("each exemption class is given once")
        if len(set(self.payment_days)) != len(self.payment_days):
            raise ValueError("each payment day is given once")
        return self

    def band_d_pence(self, year: int) -> int | None:
        return next((charge.band_d_pence for charge in self.charges if charge.year == year), None)

    def exemption_class(self, code: str) -> ExemptionClass | None:
        return next((found for found in self.exemption_classes if found.code == code), None)


service_settings.register_section(SECTION, CouncilTaxSettings)


def current() -> CouncilTaxSettings | None:
    """The council's council tax settings, as loaded when the app started (None without the file)."""
    from app import form_model

    found = form_model.settings_for(SETTINGS_FILE)
    return found.section(SECTION) if found is not None else None
