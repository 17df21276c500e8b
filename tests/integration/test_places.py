"""Admin pages for places where volunteers help, and the volunteers who belong to each."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Place, PlaceKind, Role
from app.services import places
from tests.conftest import count
from tests.factories import make_user, sign_in
from tests.pages import PageClient

pytestmark = pytest.mark.db

LIST = "/admin/places"
NEW = "/admin/places/new"


@pytest.fixture
def admin(database):
    return make_user(role=Role.ADMIN, full_name="Ada Admin")


def make_place(admin, name="Northgate Library", kind=PlaceKind.LIBRARY) -> Place:
    place = places.create(name=name, name_cy=None, kind=kind, ward=None, created_by=admin)
    db.session.commit()
    return place


def test_an_admin_adds_a_place_and_changes_it(client, admin):
    sign_in(client, admin)
    assert "There are no places yet." in client.get(LIST).text
    added = client.submit(
        NEW, {"name": " Northgate Library ", "name_cy": "Llyfrgell Northgate", "kind": "library", "ward": "Riverside"}
    )
    place = db.session.scalar(sa.select(Place))
    assert added.location == f"/admin/places/{place.id}"
    assert (place.name, place.name_cy, place.kind, place.ward) == (
        "Northgate Library",
        "Llyfrgell Northgate",
        PlaceKind.LIBRARY,
        "Riverside",
    )
    assert place.display_name("cy") == "Llyfrgell Northgate" and place.display_name("en") == "Northgate Library"
    page = client.follow(added)
    assert page.h1 == "Northgate Library"
    assert "Northgate Library added. Now add the volunteers who help there." in page.text
    assert "No volunteers help here yet." in page.text
    listed = client.get(LIST)
    assert "1 place" in listed.text and "Northgate Library" in listed.text

    changed = client.submit(
        f"/admin/places/{place.id}/change",
        {"name": "Northgate Hub", "name_cy": "", "kind": "community_centre", "ward": ""},
    )
    assert changed.location == f"/admin/places/{place.id}"
    db.session.refresh(place)
    assert (place.name, place.name_cy, place.kind, place.ward) == (
        "Northgate Hub",
        None,
        PlaceKind.COMMUNITY_CENTRE,
        None,
    )
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.place_id == place.id)).all()
    assert sorted(actions) == ["place.changed", "place.created"]


def test_the_place_form_explains_each_mistake_and_keeps_what_was_typed(client, admin):
    sign_in(client, admin)
    empty = client.submit(NEW, {"name": "  "})
    assert empty.error_for("name") == "Enter the name of the place"
    assert empty.error_for("kind") == "Select what kind of place it is"
    hostile = client.submit(
        NEW, {"name": "<script>alert(1)</script>", "name_cy": "x" * 101, "kind": "palace", "ward": "Atlantis"}
    )
    assert hostile.error_for("name") == "Name must not include < or >"
    assert hostile.error_for("name_cy") == "Welsh name must be 100 characters or fewer"
    assert hostile.error_for("kind") == "Select what kind of place it is"
    assert hostile.error_for("ward") == "Select a ward from the list"
    assert hostile.value_of("name") == "<script>alert(1)</script>"
    assert "<script>alert(1)</script>" not in hostile.html
    assert count(Place) == 0


def test_an_admin_adds_and_removes_volunteers(client, admin):
    place = make_place(admin)
    volunteer = make_user(role=Role.VOLUNTEER, full_name="Val Volunteer", email="val@example.com")
    resident = make_user(full_name="Rita Resident", email="rita@example.com")
    sign_in(client, admin)
    url = f"/admin/places/{place.id}"
    assert client.submit(url, {"email": "nobody@example.com"}).error_for("email") == (
        "There is no account with that email address. Ask the volunteer to create one first"
    )
    assert client.submit(url, {"email": "rita@example.com"}).error_for("email") == (
        "That account does not have the volunteer role. Change its role under Staff and volunteer accounts first"
    )
    assert client.submit(url, {"email": "not an email"}).error_for("email") == (
        "Enter an email address in the correct format, like name@example.com"
    )
    added = client.submit(url, {"email": " VAL@example.com "})
    assert added.location == url
    page = client.follow(added)
    assert "Val Volunteer now helps at Northgate Library" in page.text
    assert page.soup.find("td", string="Val Volunteer")
    assert places.places_of(volunteer) == [place]
    assert client.submit(url, {"email": "val@example.com"}).error_for("email") == (
        "That volunteer already helps at this place"
    )

    remove_url = f"{url}/volunteers/{volunteer.id}/remove"
    assert client.get(remove_url).h1 == "Remove Val Volunteer from Northgate Library?"
    client.get(f"{url}/volunteers/{resident.id}/remove", expect=404)
    removed = client.submit(remove_url)
    assert removed.location == url
    assert "Val Volunteer no longer helps at Northgate Library" in client.follow(removed).text
    db.session.expire_all()
    assert places.places_of(volunteer) == []
    client.get(remove_url, expect=404)
    events = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.subject_user_id)
        .where(AuditEvent.place_id == place.id, AuditEvent.action.like("place.volunteer%"))
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(event) for event in events] == [
        ("place.volunteer_added", admin.id, volunteer.id),
        ("place.volunteer_removed", admin.id, volunteer.id),
    ]


def test_a_closed_place_keeps_its_volunteers_but_is_no_longer_theirs(client, admin):
    place = make_place(admin)
    volunteer = make_user(role=Role.VOLUNTEER, email="val@example.com")
    places.add_volunteer(place, "val@example.com", added_by=admin)
    db.session.commit()
    sign_in(client, admin)
    url = f"/admin/places/{place.id}"
    closed = client.follow(client.submit(f"{url}/open-or-close", from_url=url))
    assert "Northgate Library is closed. Volunteers can no longer help people there." in closed.text
    db.session.refresh(place)
    assert place.closed_at is not None and places.places_of(volunteer) == []
    assert not closed.soup.find("input", {"name": "email"})  # no volunteers are added to a closed place
    assert "Closed" in client.get(LIST).text
    reopened = client.follow(client.submit(f"{url}/open-or-close", from_url=url))
    assert "Northgate Library is open again" in reopened.text
    db.session.refresh(place)
    assert place.closed_at is None and places.places_of(volunteer) == [place]


def test_place_pages_are_for_admins_only_and_refuse_unknown_ids(app, client, admin):
    place = make_place(admin)
    for role in (Role.RESIDENT, Role.VOLUNTEER, Role.STAFF):
        other = PageClient(app.test_client())
        sign_in(other, make_user(role=role))
        for url in (LIST, NEW, f"/admin/places/{place.id}", f"/admin/places/{place.id}/change"):
            other.get(url, expect=403)
    sign_in(client, admin)
    client.get("/admin/places/999999", expect=404)
    client.get("/admin/places/999999/change", expect=404)
    client.get("/admin/places/999999/volunteers/1/remove", expect=404)
