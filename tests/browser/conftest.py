from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import User
from app.services import accounts, demo, messages, tokens
from tests.browser.harness import ROOT, AxeRecorder, LiveServer, start_chrome
from tests.database import reset_schema
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
    with LiveServer(app) as server:
        yield Live(server.url, app, arguments)


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
