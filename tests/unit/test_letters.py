"""Letters: the address lines GOV.UK Notify's letter API takes, checked before a letter is queued,
and the payload sent for a letter."""

import pytest

from app.models import MessageChannel, OutboundMessage
from app.services import letters, messages
from app.services.errors import ServiceError

ADDRESS = ["Rita Rowe", "12 Acacia Avenue", "", "Demoton", "dm11ab"]


def test_an_address_keeps_its_lines_in_order_without_blank_ones_and_the_postcode_written_the_usual_way():
    assert letters.check(ADDRESS) == ["Rita Rowe", "12 Acacia Avenue", "Demoton", "DM1 1AB"]
    assert letters.check(["  Rita   Rowe ", "Flat 2", "12 Acacia Avenue", "Demoton", "DM1 1AB"])[0] == "Rita Rowe"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["Rita Rowe", "DM1 1AB"], "An address for a letter needs at least 3 lines: a name, a street and a postcode"),
        (["Rita Rowe", "", "  ", "DM1 1AB"], "An address for a letter needs at least 3 lines"),
        (["Rita Rowe", *[f"Line {n}" for n in range(6)], "DM1 1AB"], "no more than 7 lines"),
        (["Rita Rowe", "12 Acacia Avenue", "Demoton"], "The last line of the address must be a real UK postcode"),
        (["Rita Rowe", "12 Acacia Avenue", "DM1 1AB", "Demoton"], "must be a real UK postcode, like DM1 1AA"),
        (["Rita Rowe", "12 Acacia Avenue", "Demoton", "12345"], "must be a real UK postcode"),
        (["Rita Rowe", "x" * 101, "DM1 1AB"], "Each line of the address must be 100 characters or fewer"),
        (["Rita Rowe", "<script>", "DM1 1AB"], "must not include <"),
        (["Rita Rowe", *["y" * 60] * 5, "DM1 1AB"], "too long for a letter"),
    ],
)
def test_an_address_a_letter_cannot_go_to_is_refused_with_a_clear_reason(lines, message):
    with pytest.raises(ServiceError) as refused:
        letters.check(lines)
    assert message in str(refused.value.message)


def test_seven_lines_are_enough_and_the_example_postcode_passes():
    seven = ["Rita Rowe", "Flat 2", "Acacia House", "12 Acacia Avenue", "Northgate", "Demoton", "DM1 1AA"]
    assert letters.check(seven) == seven


class FakeNotify:
    sent: list = []

    def __init__(self, api_key):
        self.api_key = api_key

    def send_letter_notification(self, template_id, personalisation, reference=None):
        FakeNotify.sent.append({"template_id": template_id, "personalisation": personalisation, "reference": reference})
        return {"id": "notify-letter-1"}


def test_notify_is_sent_a_letter_with_its_address_in_address_lines_and_the_postcode_last(monkeypatch):
    from notifications_python_client import notifications

    monkeypatch.setattr(notifications, "NotificationsAPIClient", FakeNotify)
    FakeNotify.sent = []
    message = OutboundMessage(
        id=41,
        channel=MessageChannel.LETTER,
        recipient="\n".join(letters.check(ADDRESS)),
        subject="We have your request",
        body="Your reference is ABC123.\n",
    )
    backend = messages.NotifyBackend(
        api_key="key", email_template_id="e", sms_template_id="s", letter_template_id="letter-template"
    )
    assert backend.send(message) == "notify-letter-1"
    assert FakeNotify.sent == [
        {
            "template_id": "letter-template",
            "personalisation": {
                "address_line_1": "Rita Rowe",
                "address_line_2": "12 Acacia Avenue",
                "address_line_3": "Demoton",
                "address_line_4": "DM1 1AB",
                "subject": "We have your request",
                "body": "Your reference is ABC123.\n",
            },
            "reference": "41",
        }
    ]


def test_without_a_letter_template_notify_letters_wait_and_say_why(monkeypatch):
    from notifications_python_client import notifications

    monkeypatch.setattr(notifications, "NotificationsAPIClient", FakeNotify)
    message = OutboundMessage(id=42, channel=MessageChannel.LETTER, recipient="A\nB\nDM1 1AB", subject="s", body="b")
    backend = messages.NotifyBackend(api_key="key", email_template_id="e", sms_template_id="s")
    with pytest.raises(messages.DeliveryError, match="NOTIFY_LETTER_TEMPLATE_ID"):
        backend.send(message)


def test_the_file_backend_writes_a_letter_with_its_address_lines(tmp_path):
    import json

    message = OutboundMessage(id=43, channel=MessageChannel.LETTER, recipient="A\nB\nDM1 1AB", subject="s", body="b")
    message.language = "cy"
    name = messages.FileBackend(tmp_path).send(message)
    written = json.loads((tmp_path / name).read_text())
    assert name.endswith("-letter.json")
    assert written["address_lines"] == ["A", "B", "DM1 1AB"]
    assert written["body"] == "b"
