import pytest

from app.models import Role
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.db


def test_staff_can_find_residents(client):
    make_user(full_name="Findable Person", address_postcode="DM1 1AB")
    sign_in(client, make_user(role=Role.STAFF))
    page = client.get("/staff/?q=findable")
    assert "1 account found" in page.text
    link = page.soup.find("a", string="Findable Person")["href"]
    assert client.get(link).h1 == "Findable Person"


def test_staff_search_treats_wildcards_literally(client):
    make_user(full_name="Percy Underscore")
    sign_in(client, make_user(role=Role.STAFF))
    assert "0 accounts found" in client.get("/staff/?q=%25").text


def test_admin_changes_a_role_but_not_their_own(client):
    admin = make_user(role=Role.ADMIN)
    volunteer = make_user(role=Role.VOLUNTEER, full_name="Val Volunteer")
    sign_in(client, admin)
    assert "Val Volunteer" in client.get("/admin/users").text
    page = client.submit(f"/admin/users/{volunteer.id}/role", {"role": "staff"})
    assert page.location == "/admin/users"
    own = client.submit(f"/admin/users/{admin.id}/role", {"role": "resident"})
    assert own.error_for("role") == "You cannot change your own role. Ask another administrator."
    forged = client.submit(f"/admin/users/{volunteer.id}/role", {"role": "emperor"})
    assert forged.error_for("role") == "Select a role"
    client.get("/admin/users/999999/role", expect=404)


def test_signed_out_people_are_sent_to_sign_in(client):
    page = client.get("/staff/", expect=302)
    assert page.location == "/sign-in?next=%2Fstaff%2F"
