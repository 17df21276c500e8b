"""Dropping a new definition file into the folder brings a working, tested service with no code.

On its own SQLite database, because it starts a second app with a different definitions folder."""

import shutil
from pathlib import Path

import sqlalchemy as sa

from app import create_app, forms_engine
from app.extensions import db
from app.forms_engine import DEFAULT_FOLDER
from app.models import Case
from tests.database import reset_schema
from tests.form_walk import walk
from tests.integration.test_form_engine import submit
from tests.pages import PageClient
from tests.settings import app_overrides, isolated_environ


def test_a_new_definition_file_becomes_a_working_service_with_no_code(tmp_path):
    folder = tmp_path / "definitions"
    folder.mkdir()
    for path in DEFAULT_FOLDER.glob("*.yaml"):
        shutil.copy(path, folder)
    new_form = (Path(__file__).parent / "data" / "report-graffiti.yaml").read_text()
    (folder / "report-graffiti.yaml").write_text(new_form)
    extended = create_app(
        app_overrides(tmp_path, f"sqlite:///{tmp_path / 'new-form.sqlite'}", FORM_DEFINITIONS_DIR=str(folder)),
        environ=isolated_environ(tmp_path),
    )
    reset_schema(extended)
    client = PageClient(extended.test_client())
    assert "Report graffiti" in client.get("/").text
    with extended.app_context():
        definition = forms_engine.get("report-graffiti")
    walk(client, definition)
    check, sent = submit(client, definition)
    confirmation = client.get(sent.location)
    assert confirmation.h1.startswith("Request sent")
    with extended.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.service_id == "report-graffiti"))
        assert case.urgent is True  # the example answers say the graffiti is offensive
        db.engine.dispose()
