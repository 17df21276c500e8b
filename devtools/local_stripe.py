"""A local Stripe for development and tests: localstripe, plus what it lacks for Stripe Checkout.

localstripe (PyPI) speaks Stripe's real HTTP protocol for Customers, PaymentMethods,
PaymentIntents and Refunds and sends signed webhooks. This adds Checkout Sessions (create, retrieve,
expire, with Stripe's 30-minute to 24-hour lifetime) and a stand-in for Stripe's hosted payment page,
which takes a test card, charges it through localstripe's own PaymentIntents and sends a signed
`checkout.session.completed` webhook, as Stripe does.

It never runs in production: it refuses to start there, it is installed only with the development
requirements, and the production configuration refuses any Stripe address but Stripe's own.

    python -m devtools.local_stripe --port 8420 --webhook-url http://127.0.0.1:5000/payments/stripe-webhook
"""

from __future__ import annotations

import argparse
import html
import logging
import os
import re
import time
from urllib.parse import urlparse

from aiohttp import web
from localstripe import resources
from localstripe import server as localstripe_server
from localstripe.errors import UserError
from localstripe.webhooks import register_webhook, schedule_webhook

# localstripe saves every change to /tmp/localstripe.pickle and reads it back on start. Each run of
# ours starts from nothing and keeps its state in memory, so two servers (make run and the tests, or
# two test runs) never share or corrupt one file.
resources.Store.dump_to_disk = lambda self: None
resources.Store.try_load_from_disk = lambda self: None

# Not a secret: the signing secret config.py uses outside production, where this server never runs.
DEVELOPMENT_WEBHOOK_SECRET = "whsec_doorstep_local_development"  # noqa: S105
MIN_LIFETIME, MAX_LIFETIME, DEFAULT_LIFETIME = 30 * 60, 24 * 3600, 24 * 3600
_captured_webhooks: list[dict] = []


class CheckoutSession(resources.StripeObject):
    """The fields of Stripe's Checkout Session that a one-off card payment uses."""

    object = "checkout.session"
    _id_prefix = "cs_test_"

    def __init__(
        self,
        mode=None,
        line_items=None,
        success_url=None,
        cancel_url=None,
        client_reference_id=None,
        customer_email=None,
        metadata=None,
        expires_at=None,
        locale=None,
        payment_method_types=None,
        payment_intent_data=None,
        **unexpected,
    ):
        if unexpected:
            raise UserError(400, "Received unknown parameter: " + ", ".join(sorted(unexpected)))
        now = int(time.time())
        expires_at = resources.try_convert_to_int(expires_at) if expires_at is not None else now + DEFAULT_LIFETIME
        try:
            assert mode == "payment", "mode must be payment"
            assert isinstance(line_items, list) and line_items, "line_items is required"
            amounts = [_line_amount(item) for item in line_items]
            assert all(_is_web_address(url) for url in (success_url, cancel_url)), "success_url and cancel_url"
            assert isinstance(expires_at, int), "expires_at must be a timestamp"
            assert MIN_LIFETIME <= expires_at - now <= MAX_LIFETIME, (
                "expires_at must be between 30 minutes and 24 hours from now"
            )
            assert metadata is None or isinstance(metadata, dict), "metadata must be a hash"
            assert payment_method_types in (None, ["card"]), "only card payments"
        except AssertionError as error:
            raise UserError(400, f"Invalid request: {error}") from None
        currencies = {item["price_data"]["currency"] for item in line_items}
        if len(currencies) != 1:
            raise UserError(400, "Invalid request: line items must share one currency")

        super().__init__()
        self.mode = mode
        self.amount_subtotal = self.amount_total = sum(amounts)
        self.currency = currencies.pop()
        self.success_url = success_url
        self.cancel_url = cancel_url
        self.client_reference_id = client_reference_id
        self.customer_email = customer_email
        self.metadata = metadata or {}
        self.expires_at = expires_at
        self.locale = locale
        self.payment_intent = None
        self.payment_status = "unpaid"
        self.status = "open"
        self.url = f"{_public_base}/pay/{self.id}"
        self._line_items = [
            {"name": item["price_data"]["product_data"]["name"], "quantity": int(item.get("quantity", 1)), "amount": a}
            for item, a in zip(line_items, amounts, strict=True)
        ]
        self._payment_intent_metadata = (payment_intent_data or {}).get("metadata") or {}

    def _expire_if_due(self) -> None:
        if self.status == "open" and time.time() >= self.expires_at:
            self._expire()

    def _expire(self) -> None:
        self.status = "expired"
        self.url = None
        schedule_webhook(resources.Event("checkout.session.expired", self))

    def _complete(self, payment_intent_id: str) -> None:
        self.status, self.payment_status, self.payment_intent, self.url = "complete", "paid", payment_intent_id, None
        schedule_webhook(resources.Event("checkout.session.completed", self))

    @classmethod
    def _api_retrieve(cls, id):
        found = super()._api_retrieve(id)
        found._expire_if_due()
        return found

    @classmethod
    def _api_update(cls, id, **data):
        raise UserError(405, "Method Not Allowed")

    @classmethod
    def _api_delete(cls, id):
        raise UserError(405, "Method Not Allowed")

    @classmethod
    def _api_expire(cls, id, **unexpected):
        if unexpected:
            raise UserError(400, "Received unknown parameter: " + ", ".join(sorted(unexpected)))
        found = cls._api_retrieve(id)
        if found.status != "open":
            raise UserError(400, f"Only open sessions can be expired; this one is {found.status}")
        found._expire()
        return found


def _line_amount(item) -> int:
    price = item["price_data"]
    unit_amount = resources.try_convert_to_int(price["unit_amount"])
    quantity = resources.try_convert_to_int(item.get("quantity", 1))
    assert isinstance(unit_amount, int) and unit_amount >= 0, "unit_amount must be a whole number of pence"
    assert isinstance(quantity, int) and quantity >= 1, "quantity must be at least 1"
    assert isinstance(price["product_data"]["name"], str), "product_data.name is required"
    return unit_amount * quantity


def _is_web_address(value) -> bool:
    return isinstance(value, str) and urlparse(value).scheme in ("http", "https") and bool(urlparse(value).netloc)


# The stand-in for Stripe's hosted payment page ------------------------------------------------------

DECLINED_AT_ATTACH = "4000000000000002"  # "generic decline", refused before any charge


def _card_errors(form) -> tuple[dict, dict]:
    errors, card = {}, {}
    number = re.sub(r"[\s-]", "", form.get("card_number", ""))
    if not number:
        errors["card_number"] = "Enter your card number"
    elif not re.fullmatch(r"\d{16}", number):
        errors["card_number"] = "Card number must be 16 digits, like 4242 4242 4242 4242"
    expiry = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", form.get("expiry", ""))
    if not form.get("expiry", "").strip():
        errors["expiry"] = "Enter the expiry date on your card"
    elif expiry is None or not 1 <= int(expiry.group(1)) <= 12:
        errors["expiry"] = "Expiry date must be a month and year, like 04/30"
    else:
        month, year = int(expiry.group(1)), int(expiry.group(2)) % 100 + 2000
        if (year, month) < time.localtime()[:2]:
            errors["expiry"] = "Your card has expired: use a different card"
        card.update(exp_month=month, exp_year=year)
    cvc = form.get("cvc", "").strip()
    if not cvc:
        errors["cvc"] = "Enter the 3-digit security code on the back of your card"
    elif not re.fullmatch(r"\d{3}", cvc):
        errors["cvc"] = "Security code must be 3 digits"
    card.update(number=number, cvc=cvc)
    return errors, card


def _charge(session: CheckoutSession, card: dict) -> str | None:
    """Charge the card through localstripe; the PaymentIntent id, or None when the card is declined."""
    method = resources.PaymentMethod(type="card", card=dict(card))
    customer = resources.Customer(email=session.customer_email)
    if card["number"] == DECLINED_AT_ATTACH:
        return None
    resources.PaymentMethod._api_attach(method.id, customer=customer.id)
    intent = resources.PaymentIntent(
        amount=session.amount_total,
        currency=session.currency,
        customer=customer.id,
        payment_method=method.id,
        metadata={**session._payment_intent_metadata, "checkout_session": session.id},
    )
    try:
        intent._confirm(on_failure_now=lambda: None)
    except UserError:
        return None
    return intent.id if intent.status == "succeeded" else None


async def payment_page(request: web.Request) -> web.Response:
    try:
        session = CheckoutSession._api_retrieve(request.match_info["id"])
    except UserError:
        return _page("Payment page not found", "<p>This payment page does not exist.</p>", status=404)
    if session.status != "open":
        return _closed_page(session)
    if request.method == "GET":
        return _card_form(session, {}, {})
    form = await request.post()
    errors, card = _card_errors(form)
    if not errors:
        payment_intent = _charge(session, card)
        if payment_intent is None:
            errors["card_number"] = "Your card was declined. Try again with a different card"
        else:
            session._complete(payment_intent)
            location = session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id)
            raise web.HTTPSeeOther(location)
    return _card_form(session, form, errors, status=400)


def _closed_page(session: CheckoutSession) -> web.Response:
    if session.status == "complete":
        body = "<p>This payment has been made. You can close this page.</p>"
    else:
        body = "<p>This payment page has expired. Nothing has been taken from your card.</p>"
    back = html.escape(session.cancel_url, quote=True)
    return _page("Payment page closed", body + f'<p><a href="{back}">Go back to the council website</a></p>')


def _card_form(session: CheckoutSession, values, errors: dict, status: int = 200) -> web.Response:
    rows = "".join(
        f"<tr><th scope='row'>{html.escape(line['name'])} × {line['quantity']}</th>"
        f"<td>{_pounds(line['amount'])}</td></tr>"
        for line in session._line_items
    )
    summary = ""
    if errors:
        links = "".join(f'<li><a href="#{field}">{html.escape(text)}</a></li>' for field, text in errors.items())
        summary = (
            # Focused as the page opens (as GOV.UK pages do), so the problem is read out first.
            '<div class="error-summary govuk-error-summary" role="alert" tabindex="-1" autofocus>'
            f"<h2>There is a problem</h2><ul>{links}</ul></div>"
        )
    fields = "".join(
        _field(name, label, hint, values.get(name, ""), errors.get(name), autocomplete, width)
        for name, label, hint, autocomplete, width in (
            ("card_number", "Card number", "The long number on the front of your card", "cc-number", "20ch"),
            ("expiry", "Expiry date", "For example, 04/30", "cc-exp", "7ch"),
            ("cvc", "Security code", "The last 3 digits on the back of the card", "cc-csc", "5ch"),
        )
    )
    back = html.escape(session.cancel_url, quote=True)
    body = f"""{summary}
<p class="notice">Test payment page. This stands in for Stripe's payment page in development and tests;
no real card is charged. Test cards: 4242 4242 4242 4242 is accepted; 4000 0000 0000 0002 and
4000 0000 0000 0341 are declined.</p>
<table><caption>What you are paying for</caption><tbody>{rows}</tbody>
<tfoot><tr><th scope="row">Total</th><td>{_pounds(session.amount_total)}</td></tr></tfoot></table>
<form method="post" novalidate>{fields}
<button type="submit">Pay {_pounds(session.amount_total)}</button></form>
<p><a href="{back}">Cancel and go back to the council website</a></p>"""
    return _page("Pay by card", body, status=status, error=bool(errors))


def _field(name, label, hint, value, error, autocomplete, width) -> str:
    described = f"{name}-hint" + (f" {name}-error" if error else "")
    error_html = (
        f'<p class="error" id="{name}-error"><span class="hidden">Error:</span> {html.escape(error)}</p>'
        if error
        else ""
    )
    return (
        f'<div class="field{" field-error" if error else ""}"><label for="{name}">{label}</label>'
        f'<p class="hint" id="{name}-hint">{hint}</p>{error_html}'
        f'<input id="{name}" name="{name}" type="text" inputmode="numeric" autocomplete="{autocomplete}" '
        f'spellcheck="false" style="max-width:{width}" value="{html.escape(str(value), quote=True)}"'
        f'{" aria-invalid=true" if error else ""} aria-describedby="{described}"></div>'
    )


def _pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


PAGE_STYLE = """
body{margin:0;font-family:Arial,sans-serif;font-size:1.1875rem;line-height:1.4;color:#0b0c0c;background:#fff}
header{background:#30313d;color:#fff;padding:.75rem 1rem}header p{margin:0;font-weight:bold}
main{max-width:38rem;margin:0 auto;padding:1rem}h1{font-size:2rem;margin:.5rem 0 1rem}
.notice{border-left:5px solid #505a5f;padding-left:.75rem}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}caption{text-align:left;font-weight:bold;padding:.5rem 0}
th,td{text-align:left;padding:.5rem 0;border-bottom:1px solid #b1b4b6}td{text-align:right}
.field{margin-bottom:1.5rem}.field-error{border-left:5px solid #d4351c;padding-left:.75rem}
label{display:block;font-weight:bold}.hint{color:#484949;margin:.25rem 0}
.error{color:#d4351c;font-weight:bold;margin:.25rem 0}.hidden{position:absolute;left:-9999px}
input{font-size:1.1875rem;padding:.3rem;border:2px solid #0b0c0c;width:100%;box-sizing:border-box}
input:focus,button:focus,a:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:inset 0 0 0 2px}
button{font-size:1.1875rem;background:#00703c;color:#fff;border:0;padding:.6rem 1rem;box-shadow:0 2px 0 #002d18}
a{color:#1d70b8}a:focus{color:#0b0c0c;background:#fd0}
.error-summary{border:5px solid #d4351c;padding:1rem;margin-bottom:1.5rem}.error-summary h2{margin-top:0}
.error-summary a{color:#d4351c;font-weight:bold}
"""


def _page(title: str, body: str, status: int = 200, error: bool = False) -> web.Response:
    full_title = ("Error: " if error else "") + f"{title} – Test payments"
    document = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(full_title)}</title><style>{PAGE_STYLE}</style></head>
<body><header><p>Test payments</p></header><main id="main"><h1>{html.escape(title)}</h1>{body}</main></body></html>"""
    return web.Response(text=document, status=status, content_type="text/html", charset="utf-8")


# Test support: a webhook address on this server that keeps what it is sent -------------------------


async def capture_webhook(request: web.Request) -> web.Response:
    _captured_webhooks.append(
        {"payload": (await request.read()).decode("utf-8"), "signature": request.headers.get("Stripe-Signature")}
    )
    return web.Response(text="ok")


async def captured_webhooks(request: web.Request) -> web.Response:
    return web.json_response(_captured_webhooks)


_public_base = "http://127.0.0.1:8420"


@web.middleware
async def _auth_except_payment_page(request: web.Request, handler):
    # The payment page is for the person's browser, which has no API key; the API still needs one.
    if request.path.startswith("/pay/"):
        return await handler(request)
    return await localstripe_server.auth_middleware(request, handler)


def build_app() -> web.Application:
    app = web.Application(middlewares=[localstripe_server.error_middleware, _auth_except_payment_page])
    router = app.router
    router.add_route("POST", "/v1/checkout/sessions", localstripe_server.api_create(CheckoutSession, None))
    router.add_route("GET", "/v1/checkout/sessions/{id}", localstripe_server.api_retrieve(CheckoutSession, None))
    router.add_route("POST", "/v1/checkout/sessions/{id}/expire", localstripe_server.api_extra(_expire, None))
    router.add_route("GET", "/pay/{id}", payment_page)
    router.add_route("POST", "/pay/{id}", payment_page)
    router.add_route("POST", "/_config/captured-webhooks", capture_webhook)
    router.add_route("GET", "/_config/captured-webhooks", captured_webhooks)
    for route in localstripe_server.app.router.routes():
        router.add_route(route.method, route.resource.canonical, route.handler)
    return app


def _expire(id, **data):
    return CheckoutSession._api_expire(id, **data)


def main(argv=None) -> None:
    global _public_base
    if os.environ.get("DOORSTEP_ENV") == "production":
        raise SystemExit("The local Stripe server is for development and tests only, never production")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOCAL_STRIPE_PORT", "8420")))
    parser.add_argument("--webhook-url", action="append", default=[], help="where to send signed webhooks")
    parser.add_argument("--webhook-secret", default=DEVELOPMENT_WEBHOOK_SECRET)
    parser.add_argument("--capture-webhooks", action="store_true", help="also keep them at /_config/captured-webhooks")
    args = parser.parse_args(argv)

    _public_base = f"http://127.0.0.1:{args.port}"
    urls = list(args.webhook_url)
    if args.capture_webhooks:
        urls.append(f"{_public_base}/_config/captured-webhooks")
    for number, url in enumerate(urls):
        register_webhook(f"doorstep-{number}", url, args.webhook_secret, None)
    logging.basicConfig(level=logging.WARNING)
    # 127.0.0.1 only: localstripe's own start() listens on every interface.
    web.run_app(build_app(), host="127.0.0.1", port=args.port, print=lambda message: print(message, flush=True))


if __name__ == "__main__":
    main()
