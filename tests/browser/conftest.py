from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app import create_app, forms_engine
from app.extensions import db
from app.models import Case, User
from app.services import accounts, demo, messages, tokens
from tests.browser.harness import ROOT, AxeRecorder, LiveServer, start_chrome
from tests.database import reset_schema
from tests.form_walk import walk
from tests.pages import PageClient
from tests.settings import app_overrides, isolated_environ


@dataclass
class Live:
    url: str
    app: object
    arguments: dict  # endpoint -> {argument: value} for this server's data


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("browser")
    # Always a private SQLite file: the browser tests change data through the site.
    app = create_app(
        app_overrides(tmp_dir, f"sqlite:///{tmp_dir / 'browser.sqlite'}"), environ=isolated_environ(tmp_dir)
    )
    reset_schema(app)
    with app.test_request_context():
        demo.load()
        resident = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
        volunteer = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[2].email))
        message = messages.queue_email(resident, "password_changed")
        reset_token = tokens.make(
            app.config["SECRET_KEY"],
            accounts.RESET,
            {"uid": resident.id, "fp": accounts._password_fingerprint(resident)},
        )
        arguments = {
            "staff.resident": {"user_id": resident.id},
            "admin.change_role": {"user_id": volunteer.id},
            "dev.outbox_message": {"message_id": message.id},
            "auth.reset_password": {"token": reset_token},
        }
        db.session.commit()
    arguments["staff.case_page"] = {"reference": _make_case(app)}
    with LiveServer(app) as server:
        yield Live(server.url, app, arguments)


def _make_case(app) -> str:
    """A case made the way a guest makes one, for the staff case page."""
    client = PageClient(app.test_client())
    with app.app_context():
        definition = forms_engine.get("alternative-formats")
        walk(client, definition)  # the example answers look up an address in the gazetteer
    check = client.get("/services/alternative-formats/check-answers")
    client.post("/services/alternative-formats/check-answers", {"csrf_token": check.csrf_token()}, expect=302)
    with app.app_context():
        return db.session.scalar(sa.select(Case.reference))


@pytest.fixture(scope="session")
def recorder():
    result = AxeRecorder()
    yield result
    result.write_report(ROOT / "accessibility" / "reports")


@pytest.fixture(scope="session")
def browsers():
    started = {}

    def get(width: str):
        if width not in started:
            started[width] = start_chrome(width)
        return started[width]

    yield get
    for driver in started.values():
        driver.quit()
