"""Already reported? Open reports of the same category near the place are shown before sending, and
the person can follow one instead; the public list of reports near a postcode, a report's public
page and its photo, with no personal data and nothing staff have hidden."""

from datetime import timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from PIL import Image

from app import forms_engine
from app.extensions import db
from app.models import (
    Case,
    Channel,
    FormJourney,
    MessageChannel,
    OutboundMessage,
    Role,
    StreetReport,
    StreetReportFollower,
    StreetReportState,
    User,
    utcnow,
)
from app.services import gazetteer, street_grid, street_report_search, street_report_updates, street_reports
from app.services.cases import london_today
from tests.factories import make_user
from tests.form_walk import walk
from tests.integration.test_form_engine import submit

pytestmark = pytest.mark.db

NUMBERS = iter(range(10_000, 99_999))


def add_report(category="fly-tipping", latitude=52.40, longitude=-3.00, *, state=StreetReportState.OPEN, **fields):
    """A report straight into the database, at a point."""
    number = next(NUMBERS)
    case = Case(
        reference=f"TEST-{number}",
        service_id=category,
        definition_version=1,
        team="street-scene",
        answers={},
        channel=Channel.ONLINE,
        language="en",
        contact_email=f"person{number}@example.com",
        due_date=london_today(),
    )
    db.session.add(case)
    db.session.flush()
    report = StreetReport(
        case_id=case.id,
        category=category,
        state=state,
        place=fields.pop("place", "7 High Street, Demoton, DM1 1AB"),
        latitude=latitude,
        longitude=longitude,
        grid_cell=street_grid.cell_of(latitude, longitude),
        ward="Central",
        **fields,
    )
    db.session.add(report)
    db.session.flush()
    return report


def north(metres: float) -> float:
    return metres / street_grid.METRES_PER_DEGREE_LATITUDE


def test_open_reports_of_the_category_within_the_distance_nearest_first(app, database):
    near = add_report(latitude=52.40 + north(100))
    nearer = add_report(latitude=52.40 + north(20))
    add_report(latitude=52.40 + north(300))  # too far
    add_report(category="graffiti")  # another category
    add_report(state=StreetReportState.FIXED)  # closed
    add_report(state=StreetReportState.CLOSED_NOT_FIXED)
    reopened = add_report(state=StreetReportState.REOPENED, latitude=52.40 - north(200))
    with app.app_context():
        found = street_report_search.open_nearby("fly-tipping", 52.40, -3.00)
    assert [(item.report.id, item.metres) for item in found] == [(nearer.id, 20), (near.id, 100), (reopened.id, 200)]
    with app.app_context():
        assert len(street_report_search.open_nearby("fly-tipping", 52.40, -3.00, metres=400)) == 4


def test_the_record_of_a_report_keeps_its_grid_square(app, client):
    with app.app_context():
        definition = forms_engine.get("litter")
    walk(client, definition)
    submit(client, definition)
    report = db.session.scalar(sa.select(StreetReport))
    assert report.grid_cell == street_grid.cell_of(report.latitude, report.longitude) is not None
    assert report.photo_hidden is False


def start_fly_tipping(app, client):
    """A guest's fly-tipping report at the example address, ready to send."""
    with app.app_context():
        definition = forms_engine.get("fly-tipping")
    walk(client, definition)
    return definition


def test_before_sending_the_person_sees_open_reports_nearby_and_follows_one_instead(app, client):
    address = gazetteer.any_address()
    existing = add_report(latitude=address.latitude, longitude=address.longitude + 0.001, description="By the bins")
    add_report(latitude=address.latitude, longitude=address.longitude, state=StreetReportState.FIXED)
    definition = start_fly_tipping(app, client)
    check = client.get(f"/services/{definition.id}/check-answers")
    panel = check.soup.find(id="already-reported").parent
    assert "Has someone already reported it?" in panel.get_text()
    assert "About 68 metres away" in panel.get_text() and "By the bins" in panel.get_text()
    assert "High Street, Demoton" in panel.get_text() and "7 High Street" not in panel.get_text()
    follows = panel.select("form")
    assert len(follows) == 1 and follows[0]["action"] == f"/street-reports/{existing.id}/follow"

    token = follows[0].find("input", {"name": "csrf_token"})["value"]
    followed = client.post(
        f"/street-reports/{existing.id}/follow", {"csrf_token": token, "form_id": "fly-tipping"}, expect=302
    )
    assert followed.location.endswith(f"/street-reports/{existing.id}")
    page = client.follow(followed)
    assert "You are following this report. We will email you about its progress." in page.text
    follower = db.session.scalar(sa.select(StreetReportFollower))
    assert (follower.report_id, follower.channel, follower.recipient) == (
        existing.id,
        MessageChannel.EMAIL,
        "person@example.com",  # the example answer
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FormJourney)) == 0  # thrown away
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 2  # nothing new sent
    staff = make_user(role=Role.STAFF)
    with app.test_request_context():
        street_report_updates.update(
            db.session.get(StreetReport, existing.id), db.session.get(User, staff.id), StreetReportState.FIXED, "Done"
        )
        db.session.commit()
    recipients = db.session.scalars(
        sa.select(OutboundMessage.recipient).where(OutboundMessage.template == "street_report_update")
    ).all()
    assert sorted(recipients) == sorted([existing.case.contact_email, "person@example.com"])


def test_no_panel_when_nothing_open_is_near(app, client):
    address = gazetteer.any_address()
    add_report(latitude=address.latitude + north(400), longitude=address.longitude)
    definition = start_fly_tipping(app, client)
    check = client.get(f"/services/{definition.id}/check-answers")
    assert check.soup.find(id="already-reported") is None


def test_following_refuses_forgeries_and_closed_reports(app, client):
    address = gazetteer.any_address()
    existing = add_report(latitude=address.latitude, longitude=address.longitude)
    definition = start_fly_tipping(app, client)
    check = client.get(f"/services/{definition.id}/check-answers")
    token = check.csrf_token(0)
    url = f"/street-reports/{existing.id}/follow"
    client.post(url, {"form_id": "fly-tipping"}, expect=400)  # no CSRF token
    client.post(url, {"csrf_token": token, "form_id": "no-such-form"}, expect=400)
    client.post(url, {"csrf_token": token, "form_id": "x" * 5000}, expect=400)
    client.post("/street-reports/999999/follow", {"csrf_token": token, "form_id": "fly-tipping"}, expect=404)
    client.post(f"/street-reports/{2**40}/follow", {"csrf_token": token, "form_id": "fly-tipping"}, expect=404)
    graffiti = add_report(category="graffiti", latitude=address.latitude, longitude=address.longitude)
    refused = client.post(
        f"/street-reports/{graffiti.id}/follow", {"csrf_token": token, "form_id": "fly-tipping"}, expect=302
    )
    assert refused.location.endswith("/services/fly-tipping/check-answers")
    existing.state = StreetReportState.FIXED
    db.session.flush()
    closed = client.post(url, {"csrf_token": token, "form_id": "fly-tipping"}, expect=302)
    back = client.follow(closed)
    assert "That report is closed now" in back.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StreetReportFollower)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FormJourney)) == 1  # answers kept
    # Answers that have expired (or were never this browser's): back to the start.
    existing.state = StreetReportState.OPEN
    db.session.execute(sa.delete(FormJourney))
    expired = client.post(url, {"csrf_token": token, "form_id": "fly-tipping"}, expect=302)
    assert expired.location.endswith("/services/report-street-problem")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StreetReportFollower)) == 0


def test_the_public_list_near_a_postcode_shows_no_personal_data(app, client):
    address = street_report_search.point_of_postcode("DM1 1AB")  # the middle of its addresses
    latitude, longitude = address.point
    older = add_report(latitude=latitude, longitude=longitude, description="Sofa on the verge")
    older.created_at = utcnow() - timedelta(days=3)
    newer = add_report(
        category="graffiti",
        latitude=latitude + north(150),
        longitude=longitude,
        place="Flat 2, 12 Mill Lane, Demoton, DM1 1AB",
        state=StreetReportState.FIXED,
    )
    add_report(latitude=latitude + north(3000), longitude=longitude)  # far away
    db.session.flush()
    page = client.get("/street-reports/near?postcode=dm11ab")
    assert page.h1 == "Street problems reported near DM1 1AB"
    items = page.soup.select("main ul.govuk-list > li")
    assert [item.find("a")["href"] for item in items] == [f"/street-reports/{newer.id}", f"/street-reports/{older.id}"]
    assert items[0].find("a").get_text(strip=True) == "Graffiti: Mill Lane, Demoton"
    assert "Fixed" in items[0].get_text() and "About 150 metres away" in items[0].get_text()
    assert items[1].find("a").get_text(strip=True) == "Fly-tipping: High Street, Demoton"
    for secret in (older.case.reference, older.case.contact_email, "7 High Street", "Flat 2", "12 Mill"):
        assert secret not in page.text
    client.get("/language/cy", expect=302)
    welsh = client.get("/street-reports/near?postcode=DM1+1AB")
    assert "Tipio anghyfreithlon" in welsh.text


@pytest.mark.parametrize(
    ("postcode", "error"),
    [
        ("", "Enter a postcode"),
        ("not a postcode", "Enter a full postcode, like DM1 1AB"),
        ("DM1 9ZZ", "We cannot find DM1 9ZZ. Check it, or try a postcode nearby."),
        ("DM9 1AA", "DM9 1AA is in Westvale District Council's area, not ours"),
        ("A" * 5000, "Postcode must be 20 characters or fewer"),
        ("DM1\x001AB", "Remove any special characters, like tabs"),
        ("<script>alert(1)</script>", "Postcode must be 20 characters or fewer"),
    ],
)
def test_a_bad_postcode_gets_a_message_next_to_the_field(client, postcode, error):
    page = client.get("/street-reports/near", query_string={"postcode": postcode})
    assert page.error_for("postcode") == error
    assert page.title.startswith("Error:")
    assert not page.soup.select("main script")


def test_an_empty_search_page_and_a_postcode_with_no_reports(client):
    page = client.get("/street-reports/near")
    assert page.h1 == "Street problems reported near you" and page.error_summary == []
    empty = client.get("/street-reports/near?postcode=DM2+3EF")
    assert "Nobody has reported a problem near DM2 3EF yet." in empty.text


def png_bytes() -> bytes:
    output = BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(output, "PNG")
    return output.getvalue()


def test_the_public_report_page_and_its_photo_unless_staff_hide_it(app, client):
    definition = start_fly_tipping(app, client)
    client.get("/services/fly-tipping/photo")
    photo_page = client.get("/services/fly-tipping/photo")
    client.post(
        "/services/fly-tipping/photo",
        {"csrf_token": photo_page.csrf_token(), "photo": (BytesIO(png_bytes()), "tip.png")},
        content_type="multipart/form-data",
        expect=302,
    )
    submit(client, definition)
    report = db.session.scalar(sa.select(StreetReport))
    staff = make_user(role=Role.STAFF)
    with app.test_request_context():
        street_report_updates.update(
            db.session.get(StreetReport, report.id),
            db.session.get(User, staff.id),
            StreetReportState.INVESTIGATING,
            "<b>Looking</b>",
        )
        db.session.commit()
    page = client.get(f"/street-reports/{report.id}")
    assert page.h1 == "Fly-tipping: High Street, Demoton"
    assert "Investigating" in page.text and "<b>Looking</b>" in page.text
    assert "On the pavement by the lamp post outside" in page.text  # the public description
    assert report.case.reference not in page.text and "name@example.com" not in page.text
    image = page.soup.select_one("main img")
    assert image["src"] == f"/street-reports/{report.id}/photo" and image["alt"]
    shown = client.raw.get(image["src"])
    assert shown.status_code == 200 and shown.mimetype == "image/png" and shown.data.startswith(b"\x89PNG")
    shown.close()
    with app.test_request_context():
        street_report_updates.set_photo_hidden(
            db.session.get(StreetReport, report.id), db.session.get(User, staff.id), True
        )
        db.session.commit()
    assert client.get(f"/street-reports/{report.id}").soup.select_one("main img") is None
    assert client.raw.get(f"/street-reports/{report.id}/photo").status_code == 404
    client.get("/street-reports/999999", expect=404)
    client.get(f"/street-reports/{2**40}", expect=404)
    assert client.raw.get(f"/street-reports/{2**40}/photo").status_code == 404


def test_the_distance_is_a_setting(app):
    with app.app_context():
        assert street_reports.settings().nearby_distance_metres == 250
    with pytest.raises(ValueError, match="nearby_distance_metres"):
        street_reports.StreetReportSettings.model_validate({"categories": ["litter"], "nearby_distance_metres": 5})


def test_the_demo_reports_go_through_their_forms_and_show_near_their_postcodes(app, client):
    from app.services import street_reports_demo

    staff = make_user(role=Role.STAFF)
    with app.test_request_context():
        assert street_reports_demo.load(db.session.get(User, staff.id)) == 4
        assert street_reports_demo.load(db.session.get(User, staff.id)) == 0  # once
        db.session.commit()
    near = client.get("/street-reports/near?postcode=DM1+1AB")
    titles = [a.get_text(strip=True) for a in near.soup.select("main ul.govuk-list h3 a")]
    assert titles == ["Graffiti: High Street, Demoton", "Fly-tipping: High Street, Demoton"]
    assert "Action scheduled" in near.text and "Investigating" in near.text
    states = db.session.scalars(sa.select(StreetReport.state).order_by(StreetReport.id)).all()
    assert states == ["investigating", "action_scheduled", "fixed", "open"]
