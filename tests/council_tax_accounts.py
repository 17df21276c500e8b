"""A council tax account the person can use in a council tax form: the import tests' extract,
imported, with its account A linked to them."""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.extensions import db
from app.services.council_tax import extract, links


def link_an_account(user, reference: str | None = None) -> str:
    from tests.integration.test_council_tax_import import ACCOUNT_A, write_extract

    with tempfile.TemporaryDirectory() as folder:
        extract.import_folder(write_extract(Path(folder) / "extract"))
    links.link_demo_account(user, reference or ACCOUNT_A)
    db.session.commit()
    return reference or ACCOUNT_A


def asks_for_an_account(definition) -> bool:
    return any(question.type == "council_tax_account" for question in definition.questions())
