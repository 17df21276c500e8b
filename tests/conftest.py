import pytest
import sqlalchemy as sa
from flask import current_app, has_app_context
from flask import globals as flask_globals
from sqlalchemy.orm import scoped_session, sessionmaker

from app import create_app
from app.extensions import db
from app.services import demo, gazetteer, parking
from tests.database import reset_schema
from tests.local_dvla import LocalDvla, close_vehicle_client
from tests.local_stripe import LocalStripe
from tests.pages import PageClient
from tests.settings import app_overrides, database_url_for, isolated_environ


@pytest.fixture(scope="session")
def local_stripe():
    server = LocalStripe()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def local_s3():
    from tests.s3_server import LocalS3

    server = LocalS3()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def local_dvla():
    server = LocalDvla()
    yield server
    server.stop()


@pytest.fixture
def dvla_outage(local_dvla):
    """The local DVLA stand-in, put back to normal after the test (an outage or slowness ends)."""
    yield local_dvla
    local_dvla.back_to_normal()


@pytest.fixture(scope="session")
def app(tmp_path_factory, local_stripe, local_dvla):
    tmp_dir = tmp_path_factory.mktemp("app")
    application = create_app(
        app_overrides(
            tmp_dir, database_url_for(tmp_dir), STRIPE_API_BASE=local_stripe.url, DVLA_API_BASE=local_dvla.url
        ),
        environ=isolated_environ(tmp_dir),
    )
    reset_schema(application)
    with application.app_context():
        # The council's address gazetteer is reference data every address question relies on.
        gazetteer.import_csv(demo.DEMO_GAZETTEER)
        gazetteer.import_streets_csv(demo.DEMO_STREETS)
        db.session.flush()
        parking.import_zones(demo.DEMO_PARKING_ZONES)  # parking permits need addresses in zones
        db.session.commit()
    yield application
    close_vehicle_client(application)
    with application.app_context():
        db.engine.dispose()


class TestSessionRouter:
    """Stands in for `db.session` during a test: the test app (and code outside any app) gets the
    test's session, bound to the connection that is rolled back; an app serving real HTTP on another
    thread (the browser tests' live server, which may get a late webhook) keeps its own sessions.
    `db` is one object for every app in the process, so without this a request to that server would
    write into the test's transaction."""

    def __init__(self, test_session, original):
        self._test_session, self._original = test_session, original

    def _target(self):
        if has_app_context() and current_app.config.get("LIVE_SERVER"):
            return self._original
        return self._test_session

    def __call__(self, *args, **kwargs):
        return self._target()(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._target(), name)


@pytest.fixture
def database(app):
    """Each test runs inside a transaction that is rolled back; commits become savepoints."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
    original = db.session
    test_session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        # Each request gets its own session, as in production; the test's own code shares scope 0.
        scopefunc=lambda: id(flask_globals.app_ctx._get_current_object()) if has_app_context() else 0,
    )
    db.session = TestSessionRouter(test_session, original)
    try:
        yield db
    finally:
        test_session.remove()
        db.session = original
        # Closing the connection rolls back whatever a failed test left, even if rollback() itself
        # fails; a connection left open would hold SQLite's write lock for every test after it.
        try:
            outer.rollback()
        finally:
            connection.close()


@pytest.fixture
def app_context(app, database):
    with app.test_request_context():
        yield app


@pytest.fixture
def client(app, database):
    return PageClient(app.test_client())


def count(model, *criteria) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*criteria))


@pytest.fixture
def make_app(app, tmp_path):
    """Another app on the same test database, with different settings; its connections are closed after."""
    from tests.settings import app_overrides, isolated_environ

    made = []

    def factory(**overrides):
        extra = create_app(
            app_overrides(
                tmp_path,
                app.config["SQLALCHEMY_DATABASE_URI"],
                **{
                    "STRIPE_API_BASE": app.config["STRIPE_API_BASE"],
                    "DVLA_API_BASE": app.config["DVLA_API_BASE"],
                    **overrides,
                },
            ),
            environ=isolated_environ(tmp_path),
        )
        made.append(extra)
        return extra

    yield factory
    for extra in made:
        close_vehicle_client(extra)
        with extra.app_context():
            db.engine.dispose()
