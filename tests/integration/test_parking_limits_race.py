"""The limits hold when payments are confirmed at the same moment: 20 applications for one
organisation's yard (2 business permits per premises), and 20 for one household (3 resident
permits), are issued at once on real threads, each in its own connection and committed transaction,
as 20 payment confirmations would be. Exactly the limit is made; every other application is refused
(and its payment refunded by the payment step).

On SQLite every transaction takes the write lock when it begins, so this race is PostgreSQL's test:
run it with TEST_DATABASE_URL (CI does)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app import forms_engine
from app.extensions import db
from app.models import (
    Case,
    Channel,
    ChannelFigureCount,
    Organisation,
    OrganisationAddress,
    OrganisationMembership,
    OrganisationRole,
    ParkingPermit,
    User,
    utcnow,
)
from app.services.parking import business, permits
from app.services.parking.issue import issue_permit
from app.services.vehicles import VehicleAnswer, VehicleDetails
from tests.integration.test_parking_visitors import THREADS, _race

pytestmark = pytest.mark.db
YARD = 100000000022  # 2 Mill Lane: zone B, eligible
ORGANISATION = "Racing Couriers Ltd"  # no other test commits an organisation of this name


def _vrm(number: int) -> str:
    return f"RC{number:02d}ACE"


def _applications(app) -> tuple[int, list[int]]:
    """The organisation, its admin, its yard and THREADS paid applications (cases) for the yard,
    each for a vehicle of its own, committed; the organisation's id and the cases' ids."""
    with app.app_context():
        admin = User(email="race-admin@example.com", full_name="Race Admin", password_hash="-", language="en")
        organisation = Organisation(name=ORGANISATION)
        organisation.memberships.append(OrganisationMembership(user=admin, role=OrganisationRole.ADMIN))
        yard = OrganisationAddress(uprn=YARD, line_1="2 Mill Lane", town="Demoton", postcode="DM2 3EF")
        organisation.addresses.append(yard)
        db.session.add(organisation)
        db.session.flush()
        definition = forms_engine.get(business.FORM_ID)
        case_ids = []
        for number in range(THREADS):
            case = Case(
                reference=f"RACE-{number:04d}",
                service_id=definition.id,
                definition_version=definition.version,
                team="parking",
                answers={},
                channel=Channel.ONLINE,
                language="en",
                user_id=admin.id,
                organisation_id=organisation.id,
                due_date=permits.london_today() + timedelta(days=7),
            )
            db.session.add(case)
            db.session.flush()
            case_ids.append(case.id)
        db.session.commit()
        return organisation.id, case_ids


def _answers(organisation_id: int, number: int) -> dict:
    yard_id = db.session.scalar(
        sa.select(OrganisationAddress.id).where(OrganisationAddress.organisation_id == organisation_id)
    )
    vehicle = VehicleDetails(registration=_vrm(number), looked_up_at=utcnow(), make="FORD", colour="WHITE")
    return {
        "premises": {"premises_id": yard_id},
        "vehicle": VehicleAnswer.from_dvla(vehicle).to_answer(),
        "start-day": permits.london_today().isoformat(),
        "duration": "months-12",
    }


def _forget_figures(service_id: str) -> None:
    """The channel-shift counts the committed cases added (kept up to date as cases are made): no
    other test commits cases of these services, so what is counted for them is this test's."""
    db.session.execute(sa.delete(ChannelFigureCount).where(ChannelFigureCount.service_id == service_id))


def _clean_up(app, organisation_id: int) -> None:
    with app.app_context():
        db.session.execute(sa.delete(ParkingPermit).where(ParkingPermit.organisation_id == organisation_id))
        db.session.execute(sa.delete(Case).where(Case.organisation_id == organisation_id))
        _forget_figures(business.FORM_ID)
        db.session.execute(sa.delete(Organisation).where(Organisation.id == organisation_id))
        db.session.execute(sa.delete(User).where(User.email == "race-admin@example.com"))
        db.session.commit()


def test_twenty_payments_at_once_never_take_premises_past_their_limit(app):
    organisation_id, case_ids = _applications(app)
    try:

        def issue(number: int) -> None:
            definition = forms_engine.get(business.FORM_ID)
            case = db.session.get(Case, case_ids[number])
            journey = SimpleNamespace(answers=_answers(organisation_id, number))
            business.issue_business_permit(definition, case, journey)

        outcomes = _race(app, issue)
        assert sorted(set(outcomes)) == ["done", "premises-limit"], outcomes
        assert outcomes.count("done") == 2 and len(outcomes) == THREADS
        with app.app_context():
            made = db.session.scalars(
                sa.select(ParkingPermit).where(ParkingPermit.organisation_id == organisation_id)
            ).all()
            assert len(made) == 2 and {permit.uprn for permit in made} == {YARD}
            assert business.live_permits_at(organisation_id, YARD) == 2
    finally:
        _clean_up(app, organisation_id)


HOUSEHOLD = 100000000016  # zone A, eligible; no other test commits permits for it


def _resident_applications(app) -> tuple[int, list[int]]:
    """A resident at HOUSEHOLD and THREADS paid applications (cases) for permits there, committed."""
    with app.app_context():
        resident = User(email="race-resident@example.com", full_name="Race Resident", password_hash="-", language="en")
        db.session.add(resident)
        db.session.flush()
        definition = forms_engine.get("parking-permits")
        case_ids = []
        for number in range(THREADS):
            case = Case(
                reference=f"RACH-{number:04d}",
                service_id=definition.id,
                definition_version=definition.version,
                team="parking",
                answers={},
                channel=Channel.ONLINE,
                language="en",
                user_id=resident.id,
                due_date=permits.london_today() + timedelta(days=7),
            )
            db.session.add(case)
            db.session.flush()
            case_ids.append(case.id)
        db.session.commit()
        return resident.id, case_ids


def test_twenty_payments_at_once_never_take_a_household_past_its_limit(app):
    resident_id, case_ids = _resident_applications(app)
    try:

        def issue(number: int) -> None:
            vehicle = VehicleDetails(
                registration=_vrm(number), looked_up_at=utcnow(), make="FORD", colour="BLUE", co2_emissions=99
            )
            answers = {
                "address": {"uprn": HOUSEHOLD},
                "vehicle": VehicleAnswer.from_dvla(vehicle).to_answer(),
                "start-day": permits.london_today().isoformat(),
                "duration": "months-12",
            }
            case = db.session.get(Case, case_ids[number])
            issue_permit(forms_engine.get("parking-permits"), case, SimpleNamespace(answers=answers))

        outcomes = _race(app, issue)
        assert sorted(set(outcomes)) == ["done", "household-limit"], outcomes
        assert outcomes.count("done") == 3 and len(outcomes) == THREADS  # max_permits_per_household
        with app.app_context():
            assert permits.live_permits_at(HOUSEHOLD) == 3
    finally:
        with app.app_context():
            db.session.execute(sa.delete(ParkingPermit).where(ParkingPermit.uprn == HOUSEHOLD))
            db.session.execute(sa.delete(Case).where(Case.user_id == resident_id))
            _forget_figures("parking-permits")
            db.session.execute(sa.delete(User).where(User.id == resident_id))
            db.session.commit()
