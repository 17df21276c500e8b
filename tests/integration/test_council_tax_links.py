"""Linking a council tax account: the reference, the postcode and one more fact from the bill;
joint payers each link their own; limited attempts that never say whether an account exists;
every link and attempt recorded; staff see and remove links; nobody else sees a linked account."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CouncilTaxLink, CouncilTaxLinkEvent, LinkEventKind, Role, User, utcnow
from app.services import accounts, demo
from app.services.council_tax import demo_extract, extract, links
from app.services.errors import ServiceError
from tests.conftest import count
from tests.factories import PASSWORD, make_user, sign_in
from tests.integration.test_council_tax_import import ACCOUNT_A, ACCOUNT_B, write_extract

pytestmark = pytest.mark.db

LINK = "/services/council-tax/link"
GOOD_A = {"reference": ACCOUNT_A, "postcode": "DM1 1AB", "online_key": "ab12-cd34", "name": ""}
NOT_LINKED = "We could not link an account with those details. Check them against your latest bill and try again"


@pytest.fixture
def imported(app, database, tmp_path):
    """The two accounts of the import tests. (Tests that use the client keep no app context open
    between requests: each request has its own, as in production.)"""
    with app.app_context():
        extract.import_folder(write_extract(tmp_path / "extract"))
        db.session.commit()


def person(app, **fields) -> SimpleNamespace:
    with app.app_context():
        user = make_user(**fields)
        return SimpleNamespace(id=user.id, email=user.email)


def linked(app, someone, reference=ACCOUNT_A, key="AB12-CD34", postcode="DM1 1AB") -> None:
    with app.test_request_context():
        try:
            links.link(db.session.get(User, someone.id), links.LinkRequest(reference, postcode, key))
        finally:
            db.session.commit()  # a refused attempt is recorded too, as the form's answer commits it


def in_app(app, function):
    with app.app_context():
        return function()


def events(kind=None):
    query = sa.select(CouncilTaxLinkEvent).order_by(CouncilTaxLinkEvent.id)
    if kind is not None:
        query = query.where(CouncilTaxLinkEvent.kind == kind)
    return list(db.session.scalars(query))


def account_url(reference):
    return f"/services/council-tax/accounts/{reference}"


def test_a_person_links_an_account_with_the_online_key_and_sees_it(imported, client, app):
    someone = person(app)
    sign_in(client, someone)
    page = client.submit(LINK, {**GOOD_A, "reference": " 7000 0001 ", "postcode": "dm11ab", "online_key": "AB12 CD34"})
    assert page.location.endswith(account_url(ACCOUNT_A)), page.error_summary
    page = client.follow(page)
    assert "You owe £1,000.00" in page.text and "1 High Street, Demoton, DM1 1AB" in page.h1
    assert f"Account {ACCOUNT_A} is linked to your Doorstep account" in page.text
    start = client.get("/services/council-tax")
    assert ACCOUNT_A in start.soup.select_one("#linked-accounts").get_text()
    [event] = in_app(app, events)
    assert (event.kind, event.user_id, event.account_reference, event.fact) == (
        LinkEventKind.LINKED,
        someone.id,
        ACCOUNT_A,
        "online_key",
    )
    # Linking again is harmless: still one link.
    assert client.submit(LINK, GOOD_A).status == 302
    assert in_app(app, lambda: count(CouncilTaxLink)) == 1


def test_joint_payers_each_link_their_own_with_the_name_on_the_bill(imported, client, app):
    sam, ria = person(app), person(app)
    sign_in(client, sam)
    by_name = {"reference": ACCOUNT_B, "postcode": "DM1 2CD", "online_key": "", "name": "sam  PATEL"}
    assert client.submit(LINK, by_name).status == 302
    other = type(client)(app.test_client())
    sign_in(other, ria)
    assert other.submit(LINK, {**by_name, "name": "Ría Patel."}).status == 302
    assert other.get(account_url(ACCOUNT_B)).status == 200
    assert client.get(account_url(ACCOUNT_B)).status == 200
    matched = in_app(app, lambda: [found.matched_on for found in db.session.scalars(sa.select(CouncilTaxLink))])
    assert matched == ["name", "name"]


@pytest.mark.parametrize(
    "details",
    [
        {**GOOD_A, "online_key": "AB12-CD35"},  # wrong key
        {**GOOD_A, "postcode": "DM1 2CD"},  # wrong postcode
        {**GOOD_A, "online_key": "", "name": "Sam Patel"},  # a name, but not on this bill
        {**GOOD_A, "reference": "79999999"},  # no such account: the same answer
        {**GOOD_A, "reference": ACCOUNT_B, "online_key": "ab12-cd34"},  # another account's key
    ],
)
def test_wrong_details_get_one_answer_that_does_not_say_whether_the_account_exists(imported, client, app, details):
    sign_in(client, person(app))
    page = client.submit(LINK, details, expect=200)
    assert page.error_summary == [NOT_LINKED]
    assert page.value_of("reference") == details["reference"]  # nothing entered is lost
    assert in_app(app, lambda: count(CouncilTaxLink)) == 0
    [event] = in_app(app, events)
    assert event.kind == LinkEventKind.REFUSED and event.account_reference == details["reference"]


def test_five_wrong_attempts_a_day_per_person_then_even_the_right_details_wait(imported, client, app):
    someone = person(app)
    sign_in(client, someone)
    for number in range(links.ATTEMPTS_PER_PERSON):
        page = client.submit(LINK, {**GOOD_A, "online_key": f"WRONG-{number}"}, expect=200)
        assert page.error_summary == [NOT_LINKED]
    page = client.submit(LINK, GOOD_A, expect=200)
    assert page.error_summary == [str(links.TOO_MANY)]
    with app.app_context():
        assert count(CouncilTaxLink) == 0
        assert events()[-1].kind == LinkEventKind.LIMITED
        # A day later, the right details link it.
        later = utcnow() + links.WINDOW + timedelta(minutes=1)
        user = db.session.get(User, someone.id)
        found = links.link(user, links.LinkRequest(ACCOUNT_A, "DM1 1AB", "AB12CD34"), now=later)
        assert found.account.reference == ACCOUNT_A


def test_ten_wrong_attempts_at_one_reference_by_anyone_stop_the_next_and_unknown_references_too(imported, app_context):
    for reference in (ACCOUNT_A, "79999999"):
        for _ in range(links.ATTEMPTS_PER_REFERENCE):
            with pytest.raises(ServiceError) as refused:
                links.link(make_user(), links.LinkRequest(reference, "DM1 1AB", "WRONG"))
            assert refused.value.message == links.NO_MATCH
        with pytest.raises(ServiceError) as limited:
            links.link(make_user(), links.LinkRequest(reference, "DM1 1AB", "AB12-CD34"))
        assert limited.value.message == links.TOO_MANY
    assert count(CouncilTaxLink) == 0


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        ({"reference": "", "postcode": ""}, "reference", "Enter your account reference"),
        ({"reference": "", "postcode": ""}, "postcode", "Enter the postcode of the property the bill is for"),
        ({"postcode": "not a postcode"}, "postcode", "Enter a full UK postcode, like DM1 1AB"),
        (
            {"online_key": "", "name": "   "},
            "online_key",
            "Enter the online key from your bill, or the name as it is on the bill",
        ),
        ({"reference": "7" * 21}, "reference", "Enter the account reference as it is on your bill, like 60000001"),
        ({"reference": "<b>6000</b>"}, "reference", "Enter the account reference as it is on your bill, like 60000001"),
        ({"name": "x" * 5000, "online_key": ""}, "name", "Name must be 200 characters or fewer"),
        (
            {"name": "Rhian\x00Evans", "online_key": ""},
            "name",
            "Remove any special characters, like tabs or line breaks",
        ),
        ({"online_key": "A" * 21}, "online_key", "Enter the online key as it is on your bill, like ABCD-EFGH"),
    ],
)
def test_bad_or_hostile_input_is_refused_next_to_its_field(imported, client, app, details, field, message):
    sign_in(client, person(app))
    page = client.submit(LINK, {**GOOD_A, **details}, expect=200)
    assert page.error_for(field) == message
    assert in_app(app, lambda: count(CouncilTaxLink)) == 0
    assert "<b>" not in page.soup.select_one("main").decode_contents().replace("&lt;b&gt;", "")


def test_the_link_form_needs_csrf_and_a_signed_in_person(imported, client, app):
    assert client.get(LINK, expect=302).location.startswith("/sign-in")
    assert client.post(LINK, GOOD_A, expect=400)  # signed out, no token
    sign_in(client, person(app))
    assert client.post(LINK, GOOD_A, expect=400)
    assert in_app(app, lambda: (count(CouncilTaxLink), events())) == (0, [])


def test_nobody_else_sees_or_unlinks_a_linked_account(imported, client, app):
    owner, stranger, staff = person(app), person(app), person(app, role=Role.STAFF)
    linked(app, owner)
    urls = [account_url(ACCOUNT_A), account_url(ACCOUNT_A) + "/unlink", account_url(ACCOUNT_A.lower())]
    for url in urls:
        assert client.get(url, expect=302).location.startswith("/sign-in")
    for someone in (stranger, staff):
        other = type(client)(app.test_client())
        sign_in(other, someone)
        for url in [*urls, account_url("79999999"), account_url("<script>"), account_url("x" * 300)]:
            assert other.get(url, expect=404)
        token = other.get(LINK).csrf_token()
        assert other.post(account_url(ACCOUNT_A) + "/unlink", {"csrf_token": token}, expect=404)
    assert in_app(app, lambda: count(CouncilTaxLink)) == 1


def test_a_person_unlinks_their_account(imported, client, app):
    someone = person(app)
    linked(app, someone)
    sign_in(client, someone)
    unlink = account_url(ACCOUNT_A) + "/unlink"
    assert "does not close the account" in client.get(unlink).text
    assert client.post(unlink, {}, expect=400)  # no CSRF token
    page = client.follow(client.submit(unlink))
    assert f"Account {ACCOUNT_A} is no longer linked" in page.text
    assert client.get(account_url(ACCOUNT_A), expect=404)
    assert [event.kind for event in in_app(app, events)] == [LinkEventKind.LINKED, LinkEventKind.UNLINKED]


def test_staff_see_who_linked_an_account_and_remove_a_link(imported, client, app):
    someone = person(app, full_name="Rhian Evans")
    linked(app, someone)
    with pytest.raises(ServiceError):
        linked(app, person(app), key="NOPE")
    link_id = in_app(app, lambda: db.session.scalar(sa.select(CouncilTaxLink.id)))
    staff = person(app, role=Role.STAFF)
    sign_in(client, staff)
    page = client.get(f"/staff/council-tax/links?reference={ACCOUNT_A.lower()}")
    assert "Rhian Evans" in page.soup.select_one("#links").get_text()
    assert "Details did not match" in page.soup.select_one("#link-events").get_text()
    assert "Nobody has linked" in client.get("/staff/council-tax/links?reference=79999999").text
    refused = client.get("/staff/council-tax/links?reference=%3Cscript%3E", expect=200)
    assert refused.error_summary and "<script>" not in refused.html
    remove = f"/staff/council-tax/links/{link_id}/remove"
    assert client.post(remove, {}, expect=400)  # no CSRF token
    page = client.submit(remove, from_url=f"/staff/council-tax/links?reference={ACCOUNT_A}")
    assert page.status == 302
    assert in_app(app, lambda: count(CouncilTaxLink)) == 0
    removed = in_app(app, lambda: events(LinkEventKind.REMOVED)[0])
    assert (removed.actor_id, removed.user_id) == (staff.id, someone.id)
    token = client.get(LINK).csrf_token()
    assert client.post("/staff/council-tax/links/999999/remove", {"csrf_token": token}, expect=404)


def test_residents_cannot_use_the_staff_pages(imported, client, app):
    linked(app, person(app))
    link_id = in_app(app, lambda: db.session.scalar(sa.select(CouncilTaxLink.id)))
    sign_in(client, person(app))
    assert client.get(f"/staff/council-tax/links?reference={ACCOUNT_A}", expect=403)
    token = client.get(LINK).csrf_token()
    assert client.post(f"/staff/council-tax/links/{link_id}/remove", {"csrf_token": token}, expect=403)
    assert in_app(app, lambda: count(CouncilTaxLink)) == 1


def test_deleting_a_doorstep_account_removes_its_links(imported, app_context):
    person = make_user()
    links.link(person, links.LinkRequest(ACCOUNT_A, "DM1 1AB", "AB12-CD34"))
    accounts.delete_account(person, password=PASSWORD)
    assert count(CouncilTaxLink) == 0
    assert [event.kind for event in events()] == [LinkEventKind.LINKED, LinkEventKind.UNLINKED]


def test_the_demo_resident_has_their_account_linked_and_another_demo_account_can_be_linked(app_context):
    demo.load()
    resident = db.session.scalar(sa.select(User).where(User.email == demo.DEMO_ACCOUNTS[0].email))
    assert [found.reference for found in links.linked_accounts(resident)] == [demo_extract.DEMO_RESIDENT_REFERENCE]
    demo.load()  # loading again links nothing twice
    assert count(CouncilTaxLink) == 1
    found = links.link(
        resident,
        links.LinkRequest(demo_extract.DEMO_UNLINKED_REFERENCE, "DM2 3EF", demo_extract.DEMO_UNLINKED_ONLINE_KEY),
    )
    assert found.account.people[0].full_name == demo_extract.DEMO_UNLINKED_NAME
