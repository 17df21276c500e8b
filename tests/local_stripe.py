"""The local Stripe server (devtools/local_stripe.py) started for the tests, from empty, on a free port."""

from __future__ import annotations

import json
import time

import requests

from tests.local_process import LocalProcess

WEBHOOK_SECRET = "whsec_doorstep_local_development"
GOOD_CARD = "4242 4242 4242 4242"
DECLINED_CARDS = ("4000 0000 0000 0002", "4000 0000 0000 0341")


class LocalStripe(LocalProcess):
    """Webhooks go to its own capture address (tests hand them to the app, in any order, as often as
    they like) and, when `webhook_url` is given, straight to a running app too."""

    name = "the local Stripe server"

    def __init__(self, webhook_url: str | None = None):
        super().__init__(
            "devtools.local_stripe", "--capture-webhooks", *(["--webhook-url", webhook_url] if webhook_url else [])
        )

    def send_webhooks_to(self, url: str) -> None:
        """Also send every webhook to a running app (localstripe's own webhook settings endpoint)."""
        response = requests.post(
            f"{self.url}/_config/webhooks/app", data={"url": url, "secret": WEBHOOK_SECRET}, timeout=10
        )
        response.raise_for_status()

    def pay(self, checkout_url: str, card: str = GOOD_CARD, expiry: str = "04/35", cvc: str = "123"):
        """Fill in the stand-in payment page as a person would; the response, not followed."""
        return requests.post(
            checkout_url, data={"card_number": card, "expiry": expiry, "cvc": cvc}, allow_redirects=False, timeout=10
        )

    def webhooks(self, event_type: str | None = None, object_id: str | None = None, timeout: float = 10) -> list[dict]:
        """Signed webhooks sent so far ({"payload", "signature", "type", "object_id"}), of a type and
        about an object if given. localstripe sends each about a second after the event, so with a
        filter this waits until at least one has come."""
        deadline = time.monotonic() + timeout
        while True:
            sent = requests.get(f"{self.url}/_config/captured-webhooks", timeout=10).json()
            for delivery in sent:
                event = json.loads(delivery["payload"])
                delivery["type"], delivery["object_id"] = event["type"], event["data"]["object"]["id"]
            found = [
                d
                for d in sent
                if (event_type is None or d["type"] == event_type)
                and (object_id is None or d["object_id"] == object_id)
            ]
            if found or (event_type is None and object_id is None) or time.monotonic() > deadline:
                return found
            time.sleep(0.1)
