"""Every form definition in the folder, walked through the site with generated answers, plus the
journey rules that apply to all of them. No test here names a particular form except to set up
a scenario that needs one with a condition."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import forms_engine
from app.extensions import db
from app.form_model.schema import Audience, Page
from app.forms_engine import DEFAULT_FOLDER
from app.models import (
    Case,
    CaseEventKind,
    Channel,
    FormJourney,
    Organisation,
    OrganisationAddress,
    OrganisationMembership,
    OrganisationRole,
    OutboundMessage,
    SatisfactionResponse,
    utcnow,
)
from app.services import form_journeys
from tests.council_tax_accounts import asks_for_an_account, link_an_account
from tests.factories import make_user, sign_in
from tests.form_walk import example_page_data, example_route, follow_payment, send, walk
from tests.pages import PageClient

pytestmark = pytest.mark.db


def definitions(app):
    with app.app_context():
        return list(forms_engine.definitions().values())


def all_definition_ids():
    return sorted(path.stem for path in DEFAULT_FOLDER.glob("*.yaml"))


def sign_in_unless_guests_may(client, definition, user=None):
    """A form for residents only (a parking permit) is walked by a signed-in resident, whose email
    address is the one the guest's example answers give; a form for organisations only (a business
    permit) by the admin of an organisation with premises in a parking zone, acting for it; any
    other form by a guest."""
    if definition.allows_guests:
        return
    person = user or make_user(email="person@example.com")
    if asks_for_an_account(definition):  # a council tax form: one of the person's linked accounts
        link_an_account(person)
    sign_in(client, person)
    if Audience.ORGANISATIONS in definition.who_can_use and Audience.RESIDENTS not in definition.who_can_use:
        organisation = Organisation(name="Example Ltd")
        organisation.memberships.append(OrganisationMembership(user=person, role=OrganisationRole.ADMIN))
        organisation.addresses.append(
            OrganisationAddress(
                uprn=100000000022, line_1="2 Mill Lane", town="Demoton", postcode="DM2 3EF", ward="Riverside"
            )
        )
        db.session.add(organisation)
        db.session.commit()
        client.submit("/account/acting-for", {"acting_for": str(organisation.id)}, expect=302)


def submit(client, definition):
    """Accept and send a form that is not paid for."""
    check = client.get(f"/services/{definition.id}/check-answers")
    return check, client.post(
        f"/services/{definition.id}/check-answers", {"csrf_token": check.csrf_token()}, expect=302
    )


@pytest.mark.parametrize("form_id", all_definition_ids())
def test_a_guest_completes_every_form_and_gets_a_case_and_a_confirmation(app, database, client, local_stripe, form_id):
    definition = forms_engine_definition(app, form_id)
    start = client.get(f"/services/{form_id}")
    assert start.h1 == definition.title.en
    sign_in_unless_guests_may(client, definition)
    seen = walk(client, definition)
    assert [page.title for page in seen] == [
        f"{step.title.en} - Council services - Demo Borough Council" for step in example_route(definition)
    ]
    check, sent = send(client, definition, local_stripe)
    assert "Check your answers" in check.h1
    assert sent.location.endswith(f"/services/{form_id}/confirmation")
    confirmation = client.get(sent.location)

    case = db.session.scalar(sa.select(Case).where(Case.service_id == form_id))
    assert case.reference in confirmation.text
    assert case.channel == Channel.ONLINE
    assert case.definition_version == definition.version
    assert [event.kind for event in case.events] == [CaseEventKind.SUBMITTED]
    assert case.due_date > case.created_at.date()
    message = db.session.scalar(sa.select(OutboundMessage).where(OutboundMessage.recipient == "person@example.com"))
    assert message is not None and case.reference in message.subject


def forms_engine_definition(app, form_id):
    with app.app_context():
        return forms_engine.get(form_id)


@pytest.mark.parametrize("form_id", all_definition_ids())
def test_every_page_sent_empty_shows_errors_in_english_and_welsh_and_never_a_500(app, database, client, form_id):
    definition = forms_engine_definition(app, form_id)
    sign_in_unless_guests_may(client, definition)
    client.get(f"/services/{form_id}/begin", expect=302)
    for language in ("en", "cy"):
        client.raw.set_cookie("doorstep_language", language)
        first = definition.pages[0]
        page = client.get(f"/services/{form_id}/{first.id}")
        errors = client.post(f"/services/{form_id}/{first.id}", {"csrf_token": page.csrf_token()}, expect=200)
        if any(not q.optional for q in first.questions):
            assert errors.title.startswith("Error:" if language == "en" else "Gwall:")
            assert errors.error_summary


@pytest.mark.parametrize("form_id", all_definition_ids())
def test_sending_twice_makes_one_case(app, database, client, local_stripe, form_id):
    definition = forms_engine_definition(app, form_id)
    sign_in_unless_guests_may(client, definition)
    walk(client, definition)
    check = client.get(f"/services/{form_id}/check-answers")
    sent = [
        client.post(f"/services/{form_id}/check-answers", {"csrf_token": check.csrf_token()})
        for _ in range(3)  # a double click, then the back button and send again
    ]
    if definition.payment is not None:
        # Each press opened a payment page and closed the one before: only the last can take money.
        pages = [response.location for response in sent]
        assert len(set(pages)) == 3
        closed = [local_stripe.pay(page) for page in pages[:2]]
        assert all(page.status_code == 200 and "expired" in page.text for page in closed)
        follow_payment(client, local_stripe, pages[-1])
    assert db.session.scalar(sa.select(sa.func.count(Case.id)).where(Case.service_id == form_id)) == 1


@pytest.mark.parametrize("form_id", all_definition_ids())
def test_pages_cannot_be_skipped_by_typing_their_address(app, database, client, form_id):
    definition = forms_engine_definition(app, form_id)
    sign_in_unless_guests_may(client, definition)
    route = example_route(definition)
    last = route[-1]
    page = client.get(f"/services/{form_id}/{last.id}", expect=302)
    assert page.location.endswith(f"/services/{form_id}/{definition.pages[0].id}")
    page = client.get(f"/services/{form_id}/check-answers", expect=302)
    assert page.location.endswith(f"/services/{form_id}")


def test_an_exit_page_stops_the_journey(app, database, client):
    client.get("/services/missed-bin/begin", expect=302)
    client.submit("/services/missed-bin/bin-type", {"bins": ["general"]}, expect=302)
    page = client.submit("/services/missed-bin/bin-out", {"out_by_7am": "no"}, expect=302)
    assert page.location.endswith("/services/missed-bin/too-late")
    exit_page = client.get(page.location)
    assert "We cannot collect a bin that was put out late" in exit_page.h1
    assert exit_page.soup.select_one("main form") is None
    assert client.get("/services/missed-bin/collection-date", expect=302).location.endswith("/too-late")


def test_changing_an_answer_returns_to_check_answers_and_drops_answers_from_a_route_not_taken(app, database, client):
    definition = forms_engine_definition(app, "alternative-formats")
    walk(client, definition)
    # The example route chose a letter; change to a publication, which asks one new question.
    changed = client.submit(
        "/services/alternative-formats/document?change=1", {"document_type": "publication"}, expect=302
    )
    assert changed.location.endswith("/services/alternative-formats/publication")
    page = client.submit("/services/alternative-formats/publication?change=1", {"document_name": "Bin calendar"})
    assert page.location.endswith("/services/alternative-formats/check-answers")
    check = client.get(page.location)
    assert "Bin calendar" in check.text and "What is the letter about?" not in check.text
    submit(client, definition)
    case = db.session.scalar(sa.select(Case).where(Case.service_id == "alternative-formats"))
    assert "letter_description" not in case.answers and case.answers["document_name"] == "Bin calendar"


def test_typed_answers_are_kept_when_a_page_has_errors(app, database, client):
    client.get("/services/missed-bin/begin", expect=302)
    client.submit("/services/missed-bin/bin-type", {"bins": ["general"]})
    client.submit("/services/missed-bin/bin-out", {"out_by_7am": "yes"})
    page = client.submit("/services/missed-bin/collection-date", {"collection_date": ["31", "2", "2026"]}, expect=200)
    assert page.error_for("collection_date-fieldset") == "Your collection day must be a real date"
    assert [page.value_of(i) for i in ("collection_date", "collection_date-month", "collection_date-year")] == [
        "31",
        "2",
        "2026",
    ]
    assert page.error_summary == ["Your collection day must be a real date"]
    assert page.soup.select_one(".govuk-error-summary a")["href"] == "#collection_date"


def test_a_signed_in_person_is_not_asked_for_details_the_account_holds(app, database, client):
    person = make_user(full_name="Rhian Owen", email="rhian@example.com", phone="+442079460000")
    sign_in(client, person)
    definition = forms_engine_definition(app, "missed-bin")
    client.get("/services/missed-bin/begin", expect=302)
    location = None
    for step in example_route(definition):
        if step.id == "contact":
            break
        shown = client.get(f"/services/missed-bin/{step.id}")
        location = client.post(
            f"/services/missed-bin/{step.id}", {"csrf_token": shown.csrf_token(), **example_page_data(step)}
        ).location
    assert location.endswith("/services/missed-bin/check-answers")
    check = client.get(location)
    assert "Rhian Owen" in check.text and "rhian@example.com" in check.text
    submit(client, definition)
    case = db.session.scalar(sa.select(Case).where(Case.user_id == person.id))
    assert case.contact_email == "rhian@example.com" and case.answers["full_name"] == "Rhian Owen"
    requests = client.get("/account/requests")
    assert case.reference in requests.text


def test_a_signed_in_person_can_save_and_come_back(app, database, client):
    person = make_user()
    sign_in(client, person)
    client.get("/services/missed-bin/begin", expect=302)
    saved = client.submit("/services/missed-bin/bin-type", {"bins": ["recycling"], "action": "save"}, expect=302)
    assert saved.location.endswith("/account/requests")
    drafts = client.get("/account/requests")
    assert "Report a missed bin collection" in drafts.text
    client.post("/sign-out", {"csrf_token": drafts.csrf_token()})
    sign_in(client, person)
    resumed = client.get("/services/missed-bin/begin", expect=302)
    assert resumed.location.endswith("/services/missed-bin/bin-out")
    again = client.get("/services/missed-bin/bin-type")
    assert again.soup.find("input", {"value": "recycling"}).has_attr("checked")


def test_someone_elses_journey_is_never_shown(app, database, client):
    first = make_user()
    sign_in(client, first)
    client.get("/services/missed-bin/begin", expect=302)
    client.submit("/services/missed-bin/bin-type", {"bins": ["garden"]})
    page = client.get("/account/")
    client.post("/sign-out", {"csrf_token": page.csrf_token()})
    # Same browser, different person: the first person's answers are not there.
    second = make_user()
    sign_in(client, second)
    page = client.get("/services/missed-bin/bin-type")
    assert not page.soup.find("input", {"value": "garden"}).has_attr("checked")


HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "\x00", "9" * 5000, "-1", "1e9", "£££", "31/02"]),
)


@pytest.mark.parametrize("form_id", all_definition_ids())
def test_hostile_values_in_every_field_get_errors_or_are_stored_escaped_never_a_500(app, database, form_id):
    definition = forms_engine_definition(app, form_id)
    route = [step for step in example_route(definition) if step.exit is None]
    person = None if definition.allows_guests else make_user()

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(target=st.integers(0, len(route) - 1), values=st.lists(HOSTILE, min_size=4, max_size=4))
    def check(target, values):
        # Valid answers up to the page under attack, then hostile values in every field on it.
        client = PageClient(app.test_client())
        sign_in_unless_guests_may(client, definition, person)
        client.get(f"/services/{form_id}/begin", expect=302)
        for index, step in enumerate(route[: target + 1]):
            shown = client.get(f"/services/{form_id}/{step.id}")
            example = example_page_data(step, shown)
            data = {"csrf_token": shown.csrf_token(), **example}
            if index == target:
                # Every box the page posts, parts of compound questions (address, date) included.
                data |= {name: values[n % len(values)] for n, name in enumerate(example)}
            page = client.post(f"/services/{form_id}/{step.id}", data)
            assert page.status in (200, 302)
            assert "<script>alert(1)</script>" not in page.html
            if page.status == 200:
                assert page.error_summary, f"{step.id}: a page came back without saying what was wrong"
                return
        check_page = client.get(client.raw.get(f"/services/{form_id}/begin").headers["Location"])
        assert "<script>alert(1)</script>" not in check_page.html

    check()


def test_my_data_includes_requests_and_unfinished_forms_and_deletion_removes_drafts(app, database, client):
    person = make_user()
    sign_in(client, person)
    walk(client, forms_engine_definition(app, "missed-bin"))
    submit(client, forms_engine_definition(app, "missed-bin"))
    client.get("/services/alternative-formats/begin", expect=302)
    client.submit("/services/alternative-formats/document", {"document_type": "publication"})
    data = client.raw.get("/account/your-data/download").get_json()
    assert [request["service"] for request in data["requests"]] == ["missed-bin"]
    assert data["unfinished_forms"][0]["answers"]["document_type"] == "publication"

    client.submit("/account/delete", {"password": "correct horse battery"}, expect=302)
    assert db.session.scalar(sa.select(sa.func.count(FormJourney.id)).where(FormJourney.case_id.is_(None))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 1  # the council keeps the request


def test_expired_unfinished_forms_are_removed_and_sent_ones_kept(app, database, client):
    walk(client, forms_engine_definition(app, "missed-bin"))
    submit(client, forms_engine_definition(app, "missed-bin"))
    client.get("/services/alternative-formats/begin", expect=302)
    client.submit("/services/alternative-formats/document", {"document_type": "letter"})
    for journey_row in db.session.scalars(sa.select(FormJourney)):
        journey_row.expires_at = utcnow() - timedelta(minutes=1)
    assert form_journeys.delete_expired() == 1
    assert db.session.scalar(sa.select(sa.func.count(FormJourney.id))) == 1
    # An expired journey is never shown again, even with its token still in the cookie.
    page = client.get("/services/alternative-formats/document")
    assert not page.soup.find("input", {"value": "letter"}).has_attr("checked")


def test_a_form_changed_mid_journey_keeps_answers_and_asks_only_whats_new(app, database, client):
    original = forms_engine_definition(app, "missed-bin")
    client.get("/services/missed-bin/begin", expect=302)
    client.submit("/services/missed-bin/bin-type", {"bins": ["recycling"]})
    new_page = Page.model_validate(
        {
            "id": "bin-number",
            "title": {"en": "What number is on the bin?", "cy": "Pa rif sydd ar y bin?"},
            "questions": [
                {
                    "id": "bin_number",
                    "type": "text",
                    "label": {"en": "What number is on the bin?", "cy": "Pa rif sydd ar y bin?"},
                    "error_name": {"en": "the number", "cy": "y rhif"},
                }
            ],
        }
    )
    changed = original.model_copy(update={"version": 2, "pages": [new_page, *original.pages]})
    app.extensions["doorstep_forms"]["missed-bin"] = changed
    try:
        resumed = client.get("/services/missed-bin/begin", expect=302)
        assert resumed.location.endswith("/services/missed-bin/bin-number")
        client.submit("/services/missed-bin/bin-number", {"bin_number": "42"})
        page = client.get("/services/missed-bin/bin-type")
        assert page.soup.find("input", {"value": "recycling"}).has_attr("checked")
        assert db.session.scalar(sa.select(FormJourney.form_version)) == 2
    finally:
        app.extensions["doorstep_forms"]["missed-bin"] = original


def test_send_everything_in_this_format_from_now_on_sets_the_account_preference(app, database, client):
    person = make_user(full_name="Ffion Jones", email="ffion@example.com", phone="+442079460000")
    sign_in(client, person)
    definition = forms_engine_definition(app, "alternative-formats")
    client.get("/services/alternative-formats/begin", expect=302)
    answers = {
        "document": {"document_type": "publication"},
        "publication": {"document_name": "Council tax guide"},
        "format": {"format": "large_print"},
        "large-print": {"point_size": "pt24"},
        "delivery": {"delivery": "email"},
        "from-now-on": {"standing_preference": "yes"},
    }
    location = "/services/alternative-formats/document"
    while not location.endswith("/check-answers"):
        page_id = location.rsplit("/", 1)[-1]
        location = client.submit(location, answers[page_id], expect=302).location
    submit(client, definition)
    db.session.refresh(person)
    assert person.alternative_format.value == "large_print" and person.large_print_point_size == 24
    assert "24 point" in client.get("/account/").text


def test_a_guest_asking_for_a_format_from_now_on_changes_no_account(app, database, client):
    walk(client, forms_engine_definition(app, "alternative-formats"))
    submit(client, forms_engine_definition(app, "alternative-formats"))
    case = db.session.scalar(sa.select(Case))
    assert case.answers["standing_preference"] == "yes" and case.user_id is None


def test_the_satisfaction_question_is_answered_once_and_stored_with_service_and_channel(app, database, client):
    definition = forms_engine_definition(app, "missed-bin")
    walk(client, definition)
    submit(client, definition)
    url = "/services/missed-bin/confirmation"
    page = client.get(url)
    assert page.soup.find("legend", string=lambda text: text and "how did you feel" in text)
    token = page.csrf_token()
    comment = "The <b>date</b> boxes were fiddly"
    empty = client.post(url, {"csrf_token": token, "comment": comment}, expect=200)
    assert empty.error_summary == ["Select how you felt about using this service"]
    assert empty.soup.find("textarea", {"name": "comment"}).get_text() == comment  # kept, escaped
    assert "<b>date</b>" not in empty.html
    too_long = client.post(url, {"csrf_token": token, "rating": "satisfied", "comment": "x" * 1201}, expect=200)
    assert too_long.error_summary == ["Your comments must be 1200 characters or fewer"]
    forged = client.post(url, {"csrf_token": token, "rating": "ecstatic"}, expect=200)
    assert forged.error_summary == ["Select how you felt about using this service"]

    thanked = client.follow(client.post(url, {"csrf_token": token, "rating": "satisfied", "comment": comment}))
    assert "Thank you for your feedback" in thanked.text and not thanked.soup.find("textarea")
    client.post(url, {"csrf_token": token, "rating": "very_dissatisfied"}, expect=302)  # a second click
    stored = db.session.scalars(sa.select(SatisfactionResponse)).all()
    assert [(row.service_id, row.channel, row.rating.value, row.comment) for row in stored] == [
        ("missed-bin", Channel.ONLINE, "satisfied", comment)
    ]
