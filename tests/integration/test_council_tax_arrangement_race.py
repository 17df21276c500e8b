"""Two answers to one arrangement at the same moment (two staff pressing "Accept", or staff and the
person at once): exactly one is taken, and the agreed terms are exported once. Real threads, each
with its own connection and committed transaction, released together."""

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Case,
    CaseEvent,
    Channel,
    ChannelFigureCount,
    CouncilTaxArrangement,
    CouncilTaxRequest,
    OutboundMessage,
    RequestKind,
    Role,
    User,
)
from app.models.council_tax_arrangements import ArrangementStatus, Frequency
from app.services import cases
from app.services.council_tax import arrangement_case, arrangements
from app.services.errors import ServiceError
from tests.factories import make_user

pytestmark = pytest.mark.db
ATTEMPTS = 8
ACCOUNT = "79999999"


def test_staff_answering_at_the_same_moment_agree_the_arrangement_once(app):
    with app.test_request_context():
        person = make_user(email="race-payer@example.com")
        staff_ids = [make_user(role=Role.STAFF, email=f"race-staff{n}@example.com").id for n in range(ATTEMPTS)]
        cases.snapshot(arrangement_case.definition())
        case = Case(
            reference="",
            service_id=arrangement_case.SERVICE_ID,
            definition_version=1,
            team="revenues",
            answers={"account_reference": ACCOUNT},
            channel=Channel.ONLINE,
            language="en",
            user_id=person.id,
            contact_email=person.email,
            due_date=date(2026, 12, 8),
        )
        cases.add_with_unique_reference(case)
        db.session.add(
            CouncilTaxArrangement(
                case_id=case.id,
                account_reference=ACCOUNT,
                user_id=person.id,
                status=ArrangementStatus.PROPOSED,
                arrears_pence=12500,
                statement={"monthly": {}, "given": {}},
                proposed_pence=2500,
                proposed_frequency=Frequency.MONTHLY,
                proposed_first_on=date(2026, 12, 1),
            )
        )
        db.session.commit()
        case_id, person_id = case.id, person.id
    start = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []

    def attempt(staff_id):
        with app.test_request_context():
            start.wait()
            try:
                found = db.session.get(Case, case_id)
                arrangement = arrangements.for_case(found)
                arrangements.accept(found, arrangement, db.session.get(User, staff_id))
                db.session.commit()
                outcomes.append("agreed")
            except ServiceError:
                db.session.rollback()
                outcomes.append("already answered")
            except Exception as error:  # noqa: BLE001  (any other failure must show in the assertion)
                db.session.rollback()
                outcomes.append(repr(error))

    threads = [threading.Thread(target=attempt, args=(staff_id,)) for staff_id in staff_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert sorted(outcomes) == ["agreed"] + ["already answered"] * (ATTEMPTS - 1), outcomes
        with app.app_context():
            exported = db.session.scalars(
                sa.select(CouncilTaxRequest).where(
                    CouncilTaxRequest.account_reference == ACCOUNT,
                    CouncilTaxRequest.kind == RequestKind.PAYMENT_ARRANGEMENT,
                )
            ).all()
            assert len(exported) == 1
    finally:
        with app.app_context():
            db.session.execute(sa.delete(CouncilTaxRequest).where(CouncilTaxRequest.account_reference == ACCOUNT))
            db.session.execute(sa.delete(CouncilTaxArrangement).where(CouncilTaxArrangement.case_id == case_id))
            db.session.execute(sa.delete(OutboundMessage).where(OutboundMessage.user_id == person_id))
            db.session.execute(sa.delete(OutboundMessage).where(OutboundMessage.case_id == case_id))
            # Its count in the channel figures would otherwise reach the next test on this process.
            db.session.execute(
                sa.delete(ChannelFigureCount).where(ChannelFigureCount.service_id == arrangement_case.SERVICE_ID)
            )
            db.session.execute(sa.delete(CaseEvent).where(CaseEvent.case_id == case_id))
            db.session.execute(sa.delete(Case).where(Case.id == case_id))
            db.session.execute(sa.delete(User).where(User.id.in_([person_id, *staff_ids])))
            db.session.commit()
