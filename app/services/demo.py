"""Demonstration accounts and gazetteer for development. Never loaded in production."""

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import (
    Organisation,
    OrganisationAddress,
    OrganisationMembership,
    OrganisationRole,
    Place,
    PlaceKind,
    PlaceVolunteer,
    Role,
    User,
    utcnow,
)
from app.services import api_keys, cases, channel_figures_demo, gazetteer, parking, passwords, street_reports_demo
from app.services.council_tax import demo as council_tax_demo

DEMO_GAZETTEER = Path(__file__).resolve().parents[1] / "demo" / "gazetteer.csv"
DEMO_STREETS = Path(__file__).resolve().parents[1] / "demo" / "streets.csv"
# The demo gazetteer in two parking zones, A (High Street, Chapel Road) and B (Mill Lane, Heol y
# Nant), with three car-free homes and two on a private road; Northfield is in no zone.
DEMO_PARKING_ZONES = Path(__file__).resolve().parents[1] / "demo" / "parking-zones.csv"
DEMO_ORGANISATION = "Demoton Removals Ltd"
DEMO_ORGANISATION_PREMISES_UPRN = 100000000022  # its yard, in the gazetteer
DEMO_BUSINESS_PERMIT = "PRMT-BUSN"  # the demo business's permit for its van at the yard (zone B)
DEMO_BUSINESS_VRM = "DM20HYB"
DEMO_PLACE = "Demoton Central Library"  # where the demo volunteer helps people
DEMO_PLACE_CY = "Llyfrgell Ganolog Demoton"
DEMO_VOLUNTEER = "volunteer@demo.doorstep.example"


@dataclass(frozen=True)
class DemoAccount:
    label: str
    email: str
    password: str
    full_name: str
    role: Role
    organisation_role: OrganisationRole | None = None
    uprn: int | None = None


DEMO_ACCOUNTS = (
    DemoAccount(
        "Resident",
        "resident@demo.doorstep.example",
        "demo-resident-pass",
        "Rhian Evans",
        Role.RESIDENT,
        uprn=100000000001,
    ),
    DemoAccount(
        "Business admin",
        "business@demo.doorstep.example",
        "demo-business-pass",
        "Sam Patel",
        Role.RESIDENT,
        organisation_role=OrganisationRole.ADMIN,
        uprn=100000000021,
    ),
    DemoAccount("Volunteer", "volunteer@demo.doorstep.example", "demo-volunteer-pass", "Alex Morgan", Role.VOLUNTEER),
    DemoAccount("Staff", "staff@demo.doorstep.example", "demo-staff-pass", "Jordan Hughes", Role.STAFF),
    DemoAccount("Manager", "manager@demo.doorstep.example", "demo-manager-pass", "Morgan Price", Role.MANAGER),
    DemoAccount("Admin", "admin@demo.doorstep.example", "demo-admin-pass", "Casey Williams", Role.ADMIN),
    DemoAccount(
        "Ward councillor", "councillor@demo.doorstep.example", "demo-councillor-pass", "Morgan Price", Role.COUNCILLOR
    ),
)
DEMO_COUNCILLOR_WARDS = ["Central"]  # where the demo reports at DM1 1AB are


@dataclass(frozen=True)
class DemoApiKey:
    name: str
    scope: str
    secret: str  # published in the README: it works only where the demo data is loaded


DEMO_API_KEYS = (
    DemoApiKey("Demo handhelds", api_keys.ENFORCEMENT, "dsk_demoenfo_demo-enforcement-key-only-for-the-demo-data"),
    DemoApiKey("Demo Open311 client", api_keys.OPEN311, "dsk_demo0311_demo-open311-key-only-for-the-demo-data-311"),
)
DEMO_API_KEYS_CREATED_BY = "admin@demo.doorstep.example"


def load() -> tuple[DemoAccount, ...]:
    gazetteer.import_csv(DEMO_GAZETTEER)
    gazetteer.import_streets_csv(DEMO_STREETS)
    db.session.flush()
    parking.import_zones(DEMO_PARKING_ZONES)
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == DEMO_ORGANISATION))
    for account in DEMO_ACCOUNTS:
        user = db.session.scalar(sa.select(User).where(User.email == account.email))
        if user is None:
            user = User(
                email=account.email,
                full_name=account.full_name,
                password_hash=passwords.hash_password(account.password),
                role=account.role,
                email_verified_at=utcnow(),
                language="en",
            )
            db.session.add(user)
            if account.uprn:
                from app.services.accounts import set_address_from_gazetteer

                set_address_from_gazetteer(user, gazetteer.get(account.uprn))
            db.session.flush()
        if account.organisation_role is not None:
            if organisation is None:
                organisation = Organisation(name=DEMO_ORGANISATION)
                db.session.add(organisation)
                premises = gazetteer.get(DEMO_ORGANISATION_PREMISES_UPRN)
                organisation.addresses.append(
                    OrganisationAddress(
                        label="Yard",
                        uprn=premises.uprn,
                        line_1=premises.line_1,
                        line_2=premises.line_2,
                        town=premises.town,
                        postcode=premises.postcode,
                        ward=premises.ward,
                    )
                )
                db.session.flush()
            has_membership = any(m.organisation_id == organisation.id for m in user.memberships)
            if not has_membership:
                db.session.add(
                    OrganisationMembership(organisation=organisation, user=user, role=account.organisation_role)
                )
    _load_place()
    _load_visitor_parking()
    _load_business_parking(organisation)
    admin = db.session.scalar(sa.select(User).where(User.email == DEMO_API_KEYS_CREATED_BY))
    for demo_key in DEMO_API_KEYS:
        api_keys.create_demo_key(demo_key.name, demo_key.scope, demo_key.secret, created_by=admin)
    db.session.flush()
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@demo.doorstep.example"))
    street_reports_demo.load(staff)
    street_reports_demo.load_county(staff)
    _load_councillor(admin)
    council_tax_demo.load(Path(current_app.instance_path) / "council-tax-demo-extract", cases.london_today())
    resident = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[0].email))
    council_tax_demo.link_demo_resident(resident)
    channel_figures_demo.load(cases.london_today())
    return DEMO_ACCOUNTS


def _load_visitor_parking() -> None:
    """The demo resident's household has visitor hours, a visitor's car kept for next time, and a
    session booked for tomorrow morning (once: loading the demo again adds nothing)."""
    from datetime import datetime, time, timedelta

    from app.models import Channel, VisitorLedgerEntry
    from app.services.parking import permits, visitors

    resident = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[0].email))
    uprn = DEMO_ACCOUNTS[0].uprn
    if db.session.scalar(sa.select(VisitorLedgerEntry.id).where(VisitorLedgerEntry.uprn == uprn).limit(1)):
        return
    visitors.add_credit(uprn, 20, case_id=None, user_id=resident.id, channel=Channel.ONLINE.value)
    visitors.add_favourite(resident.id, "DM13TXD", "Mum")
    tomorrow = cases.london_today() + timedelta(days=1)
    visitors.start_session(
        uprn,
        vrm="DM13TXD",
        starts_at=datetime.combine(tomorrow, time(10), tzinfo=permits.LONDON),
        units=3,
        channel=Channel.ONLINE.value,
        user_id=resident.id,
    )


def _load_business_parking(organisation: Organisation | None) -> None:
    """The demo business's permit for a vehicle at its yard (zone B), applied for by its admin, valid
    for 12 months from today (once: loading the demo again adds nothing)."""
    from app.models import ParkingPermit
    from app.services.parking import business, permits
    from app.services.vehicles import VehicleAnswer, VehicleDetails

    if organisation is None or db.session.scalar(
        sa.select(ParkingPermit.id).where(ParkingPermit.reference == DEMO_BUSINESS_PERMIT)
    ):
        return
    admin = next(m.user for m in organisation.memberships if m.role == OrganisationRole.ADMIN)
    yard = next(address for address in organisation.addresses if address.uprn == DEMO_ORGANISATION_PREMISES_UPRN)
    standing = parking.standing_of(yard.uprn)
    today = cases.london_today()
    tariff = business.prices().in_force(today)
    pence = tariff.pence * tariff.duration_percent[12] // 100
    van = VehicleDetails(
        registration=DEMO_BUSINESS_VRM, looked_up_at=utcnow(), make="TOYOTA", colour="WHITE", co2_emissions=78
    )
    db.session.add(
        ParkingPermit(
            reference=DEMO_BUSINESS_PERMIT,
            permit_type=business.PERMIT_TYPE,
            user_id=admin.id,
            organisation_id=organisation.id,
            uprn=yard.uprn,
            zone=standing.zone.code,
            vrm=DEMO_BUSINESS_VRM,
            vehicle=VehicleAnswer.from_dvla(van).to_answer(),
            starts_at=permits.london_midnight(today),
            ends_at=permits.london_midnight(permits.add_months(today, 12)),
            months=12,
            price_pence=pence,
            quote={
                "lines": [{"name": f"{tariff.name.en}, 12 months", "pence": pence}],
                "lines_cy": [{"name": f"{tariff.name.cy}, 12 mis", "pence": pence}],
                "months": 12,
                "tariff_from": tariff.effective_from.isoformat(),
                "provisional": False,
                "basis": business.PERMIT_TYPE,
                "total_pence": pence,
            },
            updated_at=utcnow(),
        )
    )
    db.session.flush()


def _load_councillor(admin: User) -> None:
    """The demo councillor represents Central ward and has a digest by email every day."""
    from app.services import councillors

    councillor = db.session.scalar(sa.select(User).where(User.email == "councillor@demo.doorstep.example"))
    wards = [ward for ward in DEMO_COUNCILLOR_WARDS if ward in councillors.ward_names()]
    councillors.set_wards(councillor, wards, admin=admin)
    if councillors.digest_settings(councillor) is None:
        councillors.save_digest_settings(councillor, channel="email", days=list(councillors.WEEKDAYS))


def _load_place() -> None:
    place = db.session.scalar(sa.select(Place).where(Place.name == DEMO_PLACE))
    if place is None:
        ward = gazetteer.get(DEMO_ACCOUNTS[0].uprn).ward
        place = Place(name=DEMO_PLACE, name_cy=DEMO_PLACE_CY, kind=PlaceKind.LIBRARY, ward=ward)
        db.session.add(place)
        db.session.flush()
    volunteer = db.session.scalar(sa.select(User).where(User.email == DEMO_VOLUNTEER))
    if not any(member.user_id == volunteer.id for member in place.volunteers):
        place.volunteers.append(PlaceVolunteer(user_id=volunteer.id))
        db.session.flush()
    _load_assisted_request(volunteer, place)
    _load_kiosk(place)


def _load_kiosk(place: Place) -> None:
    """A kiosk enrolled at the demo library, for the admin's kiosk pages. Its cookie is not kept:
    enrol a browser of your own at /admin/kiosks to try kiosk mode."""
    from app.models import Kiosk
    from app.services import kiosks

    if db.session.scalar(sa.select(Kiosk.id).where(Kiosk.place_id == place.id)) is None:
        admin = db.session.scalar(sa.select(User).where(User.email == DEMO_API_KEYS_CREATED_BY))
        kiosks.enrol(
            place=place,
            name="By the front desk",
            language="en",
            enrolled_by=admin,
            secret_key=current_app.config["SECRET_KEY"],
        )


def _load_assisted_request(volunteer: User, place: Place) -> None:
    """The demo volunteer helped the demo resident report a missed bin at the library: the request
    shows in the resident's requests as assisted, and on the staff audit of volunteer sessions."""
    from datetime import timedelta

    from app import form_model
    from app.models import AssistedSession, Channel, ConsentGiven, ConsentLasts
    from app.services import assisted, form_journeys

    if db.session.scalar(sa.select(AssistedSession.id).where(AssistedSession.volunteer_id == volunteer.id)):
        return
    resident = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[0].email))
    helping = assisted.start(
        volunteer,
        place=place,
        person_id=resident.id,
        person_name=None,
        given=ConsentGiven.IN_PERSON,
        services=["missed-bin"],
        lasts=ConsentLasts.VISIT,
    )
    definition = form_model.get("missed-bin")
    if definition is None:  # a council (or a test) without the missed bin form
        return
    found = form_journeys.start(
        definition, user=resident, acting_user=volunteer, channel=Channel.ASSISTED, assisted_session_id=helping.id
    )
    held, _ = form_journeys.account_answers(definition, resident)
    found.answers = {
        **held,
        "bins": ["recycling"],
        "out_by_7am": "yes",
        "collection_date": (cases.london_today() - timedelta(days=1)).isoformat(),
        "bin_location": "By the front gate",
        "phone": None,
    }
    found.answered_pages = ["bin-type", "bin-out", "collection-date", "where", "bin-location", "contact"]
    cases.submit(definition, found, language="en")
    assisted.end(helping, volunteer)
