import hashlib
import os
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import create_app, forms_engine
from app.extensions import db
from app.models import (
    ApiKey,
    Case,
    Organisation,
    OrganisationInvitation,
    OrganisationRole,
    Place,
    Role,
    User,
    utcnow,
)
from app.services import accounts, bookings, case_work, demo, messages, tokens
from tests.browser.harness import ROOT, AxeRecorder, LiveServer, start_chrome
from tests.database import reset_schema
from tests.factories import make_inbox_cases, record_job_runs
from tests.form_walk import send, walk
from tests.local_dvla import close_vehicle_client
from tests.local_stripe import LocalStripe
from tests.pages import PageClient
from tests.settings import app_overrides, isolated_environ


@dataclass
class Live:
    url: str
    app: object
    arguments: dict  # endpoint -> {argument: value} for this server's data
    stripe: LocalStripe  # its own, so webhooks about other tests' payments never reach it


@pytest.fixture(scope="session")
def live_stripe():
    server = LocalStripe()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live(tmp_path_factory, live_stripe, local_dvla):
    tmp_dir = tmp_path_factory.mktemp("browser")
    # Always a private SQLite file: the browser tests change data through the site.
    app = create_app(
        app_overrides(
            tmp_dir,
            f"sqlite:///{tmp_dir / 'browser.sqlite'}",
            STRIPE_API_BASE=live_stripe.url,
            DVLA_API_BASE=local_dvla.url,  # shared with this process's other tests; outages they cause end with them
            LIVE_SERVER=True,  # see TestSessionRouter in tests/conftest.py
        ),
        environ=isolated_environ(tmp_dir),
    )
    reset_schema(app)
    with app.test_request_context():
        demo.load()
        record_job_runs()  # the admin's scheduled jobs page in each state: succeeded, failed, running
        resident = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
        volunteer = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[2].email))
        message = messages.queue_email(resident, "password_changed")
        reset_token = tokens.make(
            app.config["SECRET_KEY"],
            accounts.RESET,
            {"uid": resident.id, "fp": accounts._password_fingerprint(resident)},
        )
        councillor = db.session.scalar(sa.select(User).where(User.role == Role.COUNCILLOR))
        place_id = db.session.scalar(sa.select(Place.id).where(Place.name == demo.DEMO_PLACE))
        demo_key_id = db.session.scalar(sa.select(ApiKey.id).where(ApiKey.name == demo.DEMO_API_KEYS[0].name))
        arguments = {
            "admin.revoke_api_key": {"key_id": demo_key_id},
            "staff.resident": {"user_id": resident.id},
            "admin.change_role": {"user_id": volunteer.id},
            "admin.councillor_wards": {"user_id": councillor.id},
            "dev.outbox_message": {"message_id": message.id},
            "auth.reset_password": {"token": reset_token},
            "admin.place": {"place_id": place_id},
            "admin.change_place": {"place_id": place_id},
            "admin.remove_volunteer": {"place_id": place_id, "user_id": volunteer.id},
        }
        arguments.update(_make_organisation_pages(resident))
        # Enough open cases for the inbox's second page to have both a "Previous" and a "Next" link.
        make_inbox_cases(90)
        db.session.commit()
        first_page = case_work.inbox(case_work.InboxFilters(), staff=volunteer)
        arguments["staff.cases_inbox"] = {"page": 2, "after": first_page.next_cursor}
    arguments["staff.case_page"] = {"reference": _make_case(app)}
    arguments["council_tax.moving_out_sent"] = {"reference": make_moving_out(app)}
    arguments.update(_make_street_reports(app))
    with LiveServer(app) as server:
        live_stripe.send_webhooks_to(f"{server.url}/payments/stripe-webhook")
        booking = _make_booking(app, live_stripe, demo.DEMO_ACCOUNTS[0])
        for endpoint in (
            "bookings.booking_page",
            "bookings.change_day",
            "bookings.change_items",
            "bookings.cancel",
            "staff.collection_outcome",
            "staff.case_refund",
        ):
            arguments[endpoint] = {"reference": booking.reference}
        arguments["staff.collections"] = {"round": booking.round_id, "date": booking.day.isoformat()}
        permit_reference = _make_permit(app, demo.DEMO_ACCOUNTS[0])
        for endpoint in (
            "parking.permit_page",
            "parking.change_vehicle",
            "parking.change_vehicle_paid",
            "parking.cancel_permit",
            "parking.renew_permit",
            "parking.renew_permit_paid",
            "parking.courtesy_vehicle",
            "parking.end_courtesy_vehicle",
            "parking.move_permit",
            "parking.move_permit_paid",
        ):
            arguments[endpoint] = {"reference": permit_reference}
        arguments["staff.parking_check"] = {"reference": _make_permit_to_check(app, demo.DEMO_ACCOUNTS[0])}
        _make_business_permit_to_check(app, live_stripe)
        yield Live(server.url, app, arguments, live_stripe)
    close_vehicle_client(app)


def _make_organisation_pages(resident) -> dict:
    """The demo business's pages for its admin, an invitation waiting for the resident (the join page;
    other roles see it is for someone else), and one for the admin's own page of invitations."""
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == demo.DEMO_ORGANISATION))
    admin_membership = next(m for m in organisation.memberships if m.role == OrganisationRole.ADMIN)
    token = "browser-test-invitation"
    db.session.add(
        OrganisationInvitation(
            organisation=organisation,
            email=resident.email,
            role=OrganisationRole.MEMBER,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            invited_by_id=admin_membership.user_id,
            expires_at=utcnow() + timedelta(days=7),
        )
    )
    db.session.flush()
    pages = {"organisation_id": organisation.id, "membership_id": admin_membership.id}
    return {
        "account.manage_organisation": {"organisation_id": organisation.id},
        "account.invite_to_organisation": {"organisation_id": organisation.id},
        "account.change_organisation_role": pages,
        "account.remove_from_organisation": pages,
        "account.accept_invitation": {"token": token},
        "account.organisation_premises": {"organisation_id": organisation.id},
        "account.add_premises": {"organisation_id": organisation.id},
        "account.select_premises": {"organisation_id": organisation.id, "postcode": "DM1 1AB"},
        "account.remove_premises": {"organisation_id": organisation.id, "address_id": organisation.addresses[0].id},
    }


@dataclass
class MadeBooking:
    reference: str
    round_id: str
    day: object


def _make_booking(app, local_stripe, account) -> MadeBooking:
    """A paid bulky waste booking, made with the example answers and then given to a demo resident,
    for the booking pages and the crew's schedule."""
    client = PageClient(app.test_client())
    with app.app_context():
        definition = forms_engine.get("bulky-waste")
        walk(client, definition)  # the example answers look up an address in the gazetteer
    send(client, definition, local_stripe)
    with app.app_context():
        # The newest: the demo data's year of requests has bulky waste requests of its own.
        case = db.session.scalar(sa.select(Case).where(Case.service_id == "bulky-waste").order_by(Case.id.desc()))
        case.user_id = db.session.scalar(sa.select(User.id).where(User.email == account.email))
        booking = bookings.for_case(case)
        made = MadeBooking(case.reference, booking.slot.round_id, booking.slot.collection_date)
        db.session.commit()
        return made


def _make_permit_to_check(app, account) -> str:
    """A resident permit for a vehicle typed in by hand, waiting for the parking team's checks and
    overdue (so the queue shows its "Overdue" tag)."""
    from datetime import date, timedelta

    from app.models import ParkingPermit, PermitStatus
    from app.services.parking import permits

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == account.email))
        today = date.today()
        db.session.add(
            ParkingPermit(
                reference="PRMT-CHCK",
                status=PermitStatus.AWAITING_CHECKS,
                user_id=user.id,
                uprn=100000000003,  # not the resident's own address: its household limit is left alone
                zone="A",
                vrm="CX11CHK",
                vehicle={"vrm": "CX11CHK", "source": "entered", "entered": {"make": "FORD", "colour": "RED"}},
                starts_at=permits.london_midnight(today),
                ends_at=permits.london_midnight(permits.add_months(today, 12)),
                months=12,
                price_pence=8200,
                quote={"lines": [], "lines_cy": []},
                checks_due_on=today - timedelta(days=1),
            )
        )
        db.session.commit()
    return "PRMT-CHCK"


# Not the example answers' DM19 LOW: the form journeys' test cancels that vehicle's permits.
BUSINESS_PERMIT_TO_CHECK_VRM = "AA19AAA"


def _make_business_permit_to_check(app, local_stripe) -> None:
    """A business permit the demo business's admin applied and paid for through the form (with the
    example rates bill), waiting for the parking team to check its evidence. It is for a shop the
    fixture adds to the business's premises, so the yard keeps its one permit and the form journeys
    can still apply for a second there (the limit is 2)."""
    from app.models import OrganisationAddress, ParkingPermit, PermitStatus

    admin = next(account for account in demo.DEMO_ACCOUNTS if account.label == "Business admin")
    client = PageClient(app.test_client())
    assert client.submit("/sign-in", {"email": admin.email, "password": admin.password}).status == 302
    with app.app_context():
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == demo.DEMO_ORGANISATION))
        shop = OrganisationAddress(uprn=100000000023, line_1="3 Mill Lane", town="Demoton", postcode="DM2 3EF")
        organisation.addresses.append(shop)
        db.session.commit()
        organisation_id, shop_id = organisation.id, shop.id
        definition = forms_engine.get("parking-business")
    client.submit("/account/acting-for", {"acting_for": str(organisation_id)}, expect=302)
    with app.app_context():
        walk(client, definition)
    client.submit("/services/parking-business/premises", {"premises": str(shop_id)}, expect=302)
    vehicle = {"vehicle-vrm": BUSINESS_PERMIT_TO_CHECK_VRM, "vehicle-looked-up": BUSINESS_PERMIT_TO_CHECK_VRM}
    client.submit("/services/parking-business/vehicle", vehicle | {"vehicle-correct": "yes"}, expect=302)
    send(client, definition, local_stripe)
    with app.app_context():
        assert (
            db.session.scalar(sa.select(ParkingPermit.status).where(ParkingPermit.vrm == BUSINESS_PERMIT_TO_CHECK_VRM))
            == PermitStatus.AWAITING_CHECKS
        )


def _make_permit(app, account) -> str:
    """A resident permit, valid now, for a demo resident's own car (not the example answers' one,
    which the form journeys buy again and again)."""
    from datetime import date

    from app.models import ParkingPermit
    from app.services.parking import permits
    from app.services.vehicles import VehicleAnswer, VehicleDetails

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == account.email))
        car = VehicleDetails(
            registration="DM17MED", looked_up_at=utcnow(), make="FORD", colour="BLUE", co2_emissions=139
        )
        today = date.today()
        db.session.add(
            ParkingPermit(
                reference="PRMT-DEMO",
                user_id=user.id,
                uprn=user.uprn,
                zone="A",
                vrm="DM17MED",
                vehicle=VehicleAnswer.from_dvla(car).to_answer(),
                starts_at=permits.london_midnight(today),
                ends_at=permits.london_midnight(permits.add_months(today, 12)),
                months=12,
                price_pence=8200,
                quote={"lines": [{"name": "Band 2, 101 to 140 g/km, 12 months", "pence": 8200}], "lines_cy": []},
            )
        )
        db.session.commit()
    return "PRMT-DEMO"


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


def make_moving_out(app) -> str:
    """The demo resident tells us they are moving out of their own council tax account today: the
    reference of the revenues team's case, for the confirmation page."""
    from app.services import cases
    from app.services.council_tax import adapter, demo_extract, links, moving_out

    with app.test_request_context():
        resident = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
        account = links.linked_account(resident, demo_extract.DEMO_RESIDENT_REFERENCE)
        today = cases.london_today()
        moving = moving_out.MovingOut(today, ("12 Sea View", "Aberystwyth"), "SY23 1AB")
        found = moving_out.estimate(adapter.revenues(), account, today, today)
        sent = moving_out.tell(resident, account, moving, found, settings=None, language="en")
        db.session.commit()
        return sent.details["case_reference"]


def _make_street_reports(app) -> dict:
    """Two fly-tipping reports sent the way a guest sends them: one with public updates, as a
    duplicate of the other, which is fixed (for the staff page and the "Is it fixed?" link)."""
    from app.models import ClosedReason, Role, StreetReportState
    from app.services import street_report_updates, street_reports

    for _ in range(2):
        client = PageClient(app.test_client())
        with app.app_context():  # the location question's example answer looks up the gazetteer
            definition = forms_engine.get("fly-tipping")
            walk(client, definition)
        check = client.get("/services/fly-tipping/check-answers")
        client.post("/services/fly-tipping/check-answers", {"csrf_token": check.csrf_token()}, expect=302)
    with app.test_request_context():
        staff = db.session.scalar(sa.select(User).where(User.role == Role.STAFF))
        made = [
            street_reports.for_case(case)
            for case in db.session.scalars(sa.select(Case).where(Case.service_id == "fly-tipping").order_by(Case.id))
        ]
        first, second = made[-2], made[-1]
        street_report_updates.update(first, staff, StreetReportState.FIXED, "Cleared this morning.")
        street_report_updates.update(second, staff, StreetReportState.INVESTIGATING, "An officer is on the way.")
        street_report_updates.update(
            second,
            staff,
            StreetReportState.CLOSED_NOT_FIXED,
            "Someone reported this already.",
            reason=ClosedReason.DUPLICATE,
            duplicate_of=first.case.reference,
        )
        street_report_updates.edit_description(second, staff, "By the lamp post")
        token = street_report_updates.fixed_check_token(first)
        reference, public_id = second.case.reference, second.id
        db.session.commit()
    return {
        "staff.street_report": {"reference": reference},
        "street_reports.fixed_check": {"token": token},
        "street_reports.public_report": {"report_id": public_id},
        "street_reports.nearby": {"postcode": "DM1 1AB"},  # where the example answers put them
    }


@pytest.fixture(scope="session")
def recorder(tmp_path_factory):
    # pytest-xdist's processes share the parent of their own temporary folders, and only that run's.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    run_dir = tmp_path_factory.getbasetemp().parent if worker else tmp_path_factory.getbasetemp()
    shared_dir = run_dir / "axe-checked"
    shared_dir.mkdir(exist_ok=True)
    result = AxeRecorder(shared_dir=shared_dir)
    yield result
    # With the tests split over processes (pytest -n), each writes its own part of the report.
    result.write_report(ROOT / "accessibility" / "reports", part=os.environ.get("PYTEST_XDIST_WORKER", ""))


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
