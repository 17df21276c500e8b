"""Files people send, kept in an S3-compatible object store every machine shares (a local server that
speaks the S3 protocol, over HTTP), and kept or deleted with the database change that names them."""

from io import BytesIO

import pytest
import sqlalchemy as sa
from PIL import Image

from app.extensions import db
from app.models import Case, FormJourney, Role, utcnow
from app.services import form_journeys, uploads
from tests.factories import make_user, sign_in
from tests.form_walk import walk
from tests.integration.test_address_and_file_questions import (
    LETTER_PAGE,
    answer_until,
    definition_of,
    journey_answers,
    photo_with_location,
    upload,
)
from tests.integration.test_form_engine import submit
from tests.pages import PageClient

pytestmark = pytest.mark.db


@pytest.fixture
def shared(make_app, local_s3, database):
    bucket = local_s3.new_bucket()
    return make_app(**local_s3.settings(bucket)), bucket


def test_a_file_sent_on_one_machine_is_in_the_shared_bucket_and_staff_download_it(shared, local_s3):
    app, bucket = shared
    client = PageClient(app.test_client())
    page = answer_until(client, definition_of(app, "alternative-formats"), "letter-copy")
    upload(client, page, photo_with_location(), "letter.jpg", expect=302)
    answer = journey_answers()["letter_copy"]
    assert local_s3.keys(bucket) == [f"uploads/{answer['file']}"]
    stored = local_s3.client.get_object(Bucket=bucket, Key=f"uploads/{answer['file']}")
    assert stored["ContentType"] == "image/jpeg" and stored["ContentLength"] == answer["size"]
    with Image.open(BytesIO(stored["Body"].read())) as kept:
        assert dict(kept.getexif()) == {}  # its location was removed before it left the machine

    definition = definition_of(app, "alternative-formats")
    person = PageClient(app.test_client())
    walk(person, definition)
    submit(person, definition)
    case = db.session.scalars(sa.select(Case).order_by(Case.id.desc())).first()
    staff = PageClient(app.test_client())
    sign_in(staff, make_user(role=Role.STAFF))
    response = staff.raw.get(f"/staff/cases/{case.reference}/files/letter_copy")
    downloaded = response.get_data()
    response.close()
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    key = case.answers["letter_copy"]["file"]
    assert downloaded == local_s3.client.get_object(Bucket=bucket, Key=f"uploads/{key}")["Body"].read()
    assert Image.open(BytesIO(downloaded)).size == (40, 30)


def test_a_replaced_file_is_deleted_from_the_bucket_and_so_is_an_expired_forms(shared, local_s3):
    app, bucket = shared
    client = PageClient(app.test_client())
    page = answer_until(client, definition_of(app, "alternative-formats"), "letter-copy")
    upload(client, page, photo_with_location(), "first.jpg", expect=302)
    first = journey_answers()["letter_copy"]
    upload(client, client.get(LETTER_PAGE), photo_with_location(), "second.jpg", expect=302)
    second = journey_answers()["letter_copy"]
    assert local_s3.keys(bucket) == [f"uploads/{second['file']}"]  # the first went when it was replaced
    assert first["file"] != second["file"]

    journey = db.session.scalars(sa.select(FormJourney).order_by(FormJourney.id.desc())).first()
    journey.expires_at = utcnow()
    db.session.commit()
    with app.app_context():
        assert form_journeys.delete_expired() == 1
        assert local_s3.keys(bucket) == [f"uploads/{second['file']}"]  # not before the change is committed
        db.session.commit()
    assert local_s3.keys(bucket) == []


def test_a_file_whose_answer_is_rolled_back_does_not_stay_in_the_bucket(shared, local_s3):
    app, bucket = shared
    photo = uploads.check(BytesIO(photo_with_location()), "photo.jpg", ["jpg"], 1024 * 1024)
    with app.app_context():
        answer = uploads.store(photo)
        assert uploads.exists(answer)
        db.session.rollback()
        assert not uploads.exists(answer) and local_s3.keys(bucket) == []

        kept = uploads.store(photo)
        db.session.commit()
        uploads.delete(kept)
        db.session.rollback()  # the change that would have stopped needing it did not happen
        assert uploads.exists(kept)
        with uploads.open_file(kept) as stream:
            assert stream.read() == photo.content


def test_a_missing_file_is_a_not_found_page_not_an_error(shared, local_s3):
    app, bucket = shared
    with app.app_context():
        assert uploads.open_file({"file": "0" * 32}) is None
        assert uploads.open_file({"file": "../../etc/passwd"}) is None
        assert not uploads.exists({"file": "0" * 32})
