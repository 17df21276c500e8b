"""The demo council tax accounts: an extract generated for the demo gazetteer, then imported as
the real one would be. Never loaded in production (see app/services/demo.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import GazetteerAddress
from app.services.council_tax import demo_extract, extract, links
from app.services.council_tax import settings as council_tax_settings
from app.services.council_tax.settings import CouncilTaxSettings


def generator_settings(section: CouncilTaxSettings) -> demo_extract.Settings:
    return demo_extract.Settings(
        nation=section.nation,
        band_d_pence={charge.year: charge.band_d_pence for charge in section.charges},
        payment_days=tuple(section.payment_days),
        exemption_classes=tuple(found.code for found in section.exemption_classes),
        single_person_percent=section.single_person_percent,
        all_disregarded_percent=section.all_disregarded_percent,
        minimum_instalment_pence=section.minimum_instalment_pence,
    )


def settings() -> CouncilTaxSettings | None:
    return council_tax_settings.current()


def load(folder: Path, today: date) -> extract.ImportReport | None:
    """Write the demo extract for the gazetteer into `folder` and import it (nothing without the
    council tax settings)."""
    section = settings()
    if section is None:
        return None
    addresses = [
        demo_extract.Address(found.uprn, found.line_1, found.line_2 or "", found.town, found.postcode)
        for found in db.session.scalars(sa.select(GazetteerAddress).order_by(GazetteerAddress.uprn))
    ]
    demo_extract.write(folder, addresses, generator_settings(section), today)
    return extract.import_folder(folder)


def link_demo_resident(resident) -> None:
    """The demo resident has their own account linked already; the other fixed demo account
    (demo_extract.DEMO_UNLINKED_REFERENCE) stays unlinked, for walking the linking journey."""
    links.link_demo_account(resident, demo_extract.DEMO_RESIDENT_REFERENCE)
