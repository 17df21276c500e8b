"""Council tax: the start page, linking an account to a signed-in person, and the linked
account's pages. Only a person who has linked an account sees it: anyone else's reference is
"not found", like one that does not exist."""

from __future__ import annotations

import contextlib
from datetime import date

import stripe
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.council_tax import forms, panels, wording  # noqa: F401  (panels registers the estimate on check your answers)
from app.i18n import current_language
from app.money import parse_pounds, pounds
from app.services import cases, gazetteer, payments
from app.services.council_tax import (
    adapter,
    bill_format,
    instalment_requests,
    links,
    moving_out,
    moving_out_case,
    paperless,
    paying,
    statement,
)
from app.services.council_tax import settings as council_tax_settings
from app.services.errors import ServiceError

bp = Blueprint("council_tax", __name__, url_prefix="/services/council-tax", template_folder="templates")


def linked_or_404(account_ref: str):
    account = links.linked_account(current_user, account_ref)
    if account is None:
        abort(404)
    return account


@bp.get("")
def start():
    accounts = links.linked_accounts(current_user) if current_user.is_authenticated else []
    return render_template("council_tax/start.html", accounts=accounts)


@bp.route("/link", methods=["GET", "POST"])
@login_required
def link_account():
    form = forms.LinkForm()
    if form.validate_on_submit():
        request = links.LinkRequest(
            reference=form.reference.data,
            postcode=form.postcode.data,
            online_key=form.online_key.data or "",
            name=form.name.data or "",
        )
        try:
            found = links.link(current_user, request)
        except ServiceError as error:
            target = getattr(form, error.field) if error.field else form.reference
            target.errors = [*target.errors, error.message]
        else:
            flash(
                _("Account %(reference)s is linked to your Doorstep account", reference=found.account.reference),
                "success",
            )
            return redirect(url_for("council_tax.account_page", account_ref=found.account.reference))
    return render_template("council_tax/link.html", form=form)


def page_values(**values) -> dict:
    return {"wording": wording, "language": current_language(), "settings": council_tax_settings.current(), **values}


@bp.get("/accounts/<account_ref>")
@login_required
def account_page(account_ref):
    """The balance, this year's bill in brief, the recovery stage if any, and payments received."""
    account = linked_or_404(account_ref)
    found = statement.summary(adapter.revenues(), account, cases.london_today())
    return render_template(
        "council_tax/account.html",
        **page_values(
            account=account,
            summary=found,
            as_at=found.as_at,
            payments_shown=statement.PAYMENTS_SHOWN,
            paperless_now=paperless.is_paperless(account),
        ),
    )


def bill_values(account) -> dict:
    """A year's bill (this year's unless ?year= names another the account has) for its page."""
    revenues = adapter.revenues()
    years = revenues.years(account)
    wanted = request.args.get("year", "")
    if not years:
        abort(404)
    year = years[0]
    if wanted:
        if not (wanted.isascii() and wanted.isdigit() and len(wanted) == 4 and int(wanted) in years):
            abort(404)
        year = int(wanted)
    bill = statement.year_bill(revenues, account, year, cases.london_today())
    return {"account": account, "bill": bill, "years": years, "as_at": revenues.as_at()}


@bp.get("/accounts/<account_ref>/bill")
@login_required
def bill_page(account_ref):
    """A year's bill explained, and the format the person asked for their bills in."""
    account = linked_or_404(account_ref)
    wanted = bill_format.preference(account)
    return render_template(
        "council_tax/bill.html",
        **page_values(
            **bill_values(account), bill_format=wanted, format_words=bill_format.describe(wanted, current_language())
        ),
    )


@bp.route("/accounts/<account_ref>/unlink", methods=["GET", "POST"])
@login_required
def unlink(account_ref):
    account = linked_or_404(account_ref)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        links.unlink(current_user, account)
        flash(
            _("Account %(reference)s is no longer linked to your Doorstep account", reference=account.reference),
            "success",
        )
        return redirect(url_for("council_tax.start"))
    return render_template("council_tax/unlink.html", account=account, form=form)


def pay_choices(found: statement.AccountSummary) -> list[tuple[str, str, int]]:
    """(value, label, pence) for each amount the person may choose."""
    choices = []
    balance = found.account.balance_pence
    if balance > 0:
        choices.append(("balance", _("The balance: %(amount)s", amount=pounds(balance)), balance))
    if 0 < found.overdue_pence < balance:
        choices.append(
            ("overdue", _("What is overdue: %(amount)s", amount=pounds(found.overdue_pence)), found.overdue_pence)
        )
    return [*choices, ("other", _("Another amount"), 0)]


@bp.route("/accounts/<account_ref>/pay", methods=["GET", "POST"])
@login_required
def pay(account_ref):
    """Pay the balance, what is overdue or any amount by card, through the payment step."""
    account = linked_or_404(account_ref)
    found = statement.summary(adapter.revenues(), account, cases.london_today())
    choices = pay_choices(found)
    form = forms.PayForm()
    form.what.choices = [(value, label) for value, label, _pence in choices]
    if form.validate_on_submit():
        pence = next(p for value, _label, p in choices if value == form.what.data) or parse_pounds(
            form.other_amount.data
        )
        try:
            payment = paying.start(
                account,
                current_user,
                pence,
                success_url=url_for("council_tax.paid", account_ref=account.reference, _external=True),
                cancel_url=url_for("council_tax.pay", account_ref=account.reference, _external=True),
                language=current_language(),
            )
        except ServiceError as error:
            form.other_amount.errors = [*form.other_amount.errors, error.message]
        except stripe.StripeError:
            form.what.errors = [*form.what.errors, _("Card payments are not working at the moment. Try again later")]
        else:
            return redirect(payment.checkout_url, 303)
    return render_template("council_tax/pay.html", **page_values(account=account, form=form, as_at=found.as_at))


@bp.get("/accounts/<account_ref>/paid")
@login_required
def paid(account_ref):
    """The receipt, when the person comes back from the payment page."""
    account = linked_or_404(account_ref)
    payment = paying.payment_for(current_user, account, request.args.get("session_id", ""))
    if payment is None:
        abort(404)
    with contextlib.suppress(stripe.StripeError):  # show what we know; the webhook or reconciliation settles it
        payment = payments.refresh(payment)
    return render_template("council_tax/paid.html", **page_values(account=account, payment=payment))


@bp.route("/accounts/<account_ref>/twelve-instalments", methods=["GET", "POST"])
@login_required
def twelve_instalments(account_ref):
    """Ask to pay in 12 instalments, after seeing the estimated new plan."""
    account = linked_or_404(account_ref)
    found = statement.summary(adapter.revenues(), account, cases.london_today())
    estimate, refusal = instalment_requests.estimate(found, council_tax_settings.current(), cases.london_today())
    form = forms.ConfirmForm()
    if estimate is not None and form.validate_on_submit():
        instalment_requests.ask(current_user, account, estimate)
        flash(
            _(
                "We have sent your request for 12 instalments. Our council tax team will send you the new plan "
                "within 10 working days: until then, keep paying the instalments you have."
            ),
            "success",
        )
        return redirect(url_for("council_tax.account_page", account_ref=account.reference))
    return render_template(
        "council_tax/twelve_instalments.html",
        **page_values(account=account, estimate=estimate, refusal=refusal, form=form),
    )


@bp.route("/accounts/<account_ref>/paperless", methods=["GET", "POST"])
@login_required
def paperless_bills(account_ref):
    """Switch the account's bills to email (e-billing), or back to paper."""
    account = linked_or_404(account_ref)
    form = forms.PaperlessForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        wanted = form.paperless.data == "yes"
        try:
            sent = paperless.switch(current_user, account, paperless=wanted)
        except ServiceError:
            return redirect(url_for("council_tax.paperless_bills", account_ref=account.reference))
        if sent is not None:
            flash(
                _(
                    "We have sent your choice of paperless bills. Our council tax team will make the change within "
                    "10 working days."
                )
                if wanted
                else _(
                    "We have sent your choice of paper bills. Our council tax team will make the change within "
                    "10 working days."
                ),
                "success",
            )
        return redirect(url_for("council_tax.account_page", account_ref=account.reference))
    return render_template(
        "council_tax/paperless.html",
        **page_values(account=account, form=form, chosen=paperless.choice(account)),
    )


def _moving_out_key(account) -> str:
    return f"council_tax_moving_out_{account.reference}"


def _moving_out_draft(account) -> moving_out.MovingOut | None:
    saved = session.get(_moving_out_key(account))
    if not isinstance(saved, dict):
        return None
    return moving_out.MovingOut(
        moving_out_on=date.fromisoformat(saved["moving_out_on"]),
        address_lines=tuple(saved["address_lines"]),
        postcode=saved["postcode"],
        new_occupier=saved["new_occupier"],
        landlord=saved["landlord"],
    )


@bp.route("/accounts/<account_ref>/moving-out", methods=["GET", "POST"])
@login_required
def moving_out_page(account_ref):
    """The date the person moves out and where to send the final bill."""
    account = linked_or_404(account_ref)
    if account.liable_to is not None:  # the record already has the day they stopped being liable
        return render_template("council_tax/moving_out_ended.html", **page_values(account=account))
    draft = _moving_out_draft(account)
    # Coming back to change an answer: the form shows what was given (a POST has only what is sent).
    form = forms.MovingOutForm(data=_moving_out_form_data(draft) if draft and request.method == "GET" else None)
    today = cases.london_today()
    if form.validate_on_submit():
        moving = moving_out.MovingOut(
            moving_out_on=form.moving_out_on.data,
            address_lines=tuple(
                line for line in (form.address_line_1.data, form.address_line_2.data, form.town.data) if line
            ),
            postcode=gazetteer.format_postcode(form.postcode.data),
            new_occupier=form.new_occupier.data or "",
            landlord=form.landlord.data or "",
        )
        try:
            moving_out.check_date(account, moving.moving_out_on, today)
            moving_out.estimate(adapter.revenues(), account, moving.moving_out_on, today)
        except ServiceError as error:
            form.moving_out_on.errors = [*form.moving_out_on.errors, error.message]
        else:
            session[_moving_out_key(account)] = {
                "moving_out_on": moving.moving_out_on.isoformat(),
                "address_lines": list(moving.address_lines),
                "postcode": moving.postcode,
                "new_occupier": moving.new_occupier,
                "landlord": moving.landlord,
            }
            return redirect(url_for("council_tax.moving_out_check", account_ref=account.reference))
    earliest, latest = moving_out.earliest_and_latest(today)
    return render_template(
        "council_tax/moving_out.html",
        **page_values(
            account=account, form=form, example=today, earliest=max(earliest, account.liable_from), latest=latest
        ),
    )


def _moving_out_form_data(draft: moving_out.MovingOut) -> dict:
    lines = [*draft.address_lines]
    town = lines.pop() if lines else ""
    return {
        "moving_out_on": draft.moving_out_on,
        "address_line_1": lines[0] if lines else "",
        "address_line_2": lines[1] if len(lines) > 1 else "",
        "town": town,
        "postcode": draft.postcode,
        "new_occupier": draft.new_occupier,
        "landlord": draft.landlord,
    }


@bp.route("/accounts/<account_ref>/moving-out/check", methods=["GET", "POST"])
@login_required
def moving_out_check(account_ref):
    """The answers and the estimated final bill, before anything is sent."""
    account = linked_or_404(account_ref)
    moving = _moving_out_draft(account)
    if moving is None or account.liable_to is not None:
        return redirect(url_for("council_tax.moving_out_page", account_ref=account.reference))
    today = cases.london_today()
    try:
        moving_out.check_date(account, moving.moving_out_on, today)
        estimate = moving_out.estimate(adapter.revenues(), account, moving.moving_out_on, today)
    except ServiceError:  # the date was fine when given, but a day has passed or the record changed
        return redirect(url_for("council_tax.moving_out_page", account_ref=account.reference))
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        sent = moving_out.tell(
            current_user,
            account,
            moving,
            estimate,
            settings=council_tax_settings.current(),
            language=current_language(),
        )
        session.pop(_moving_out_key(account), None)
        return redirect(
            url_for(
                "council_tax.moving_out_sent",
                account_ref=account.reference,
                reference=sent.details["case_reference"],
            )
        )
    return render_template(
        "council_tax/moving_out_check.html", **page_values(account=account, moving=moving, estimate=estimate, form=form)
    )


@bp.get("/accounts/<account_ref>/moving-out/sent/<reference>")
@login_required
def moving_out_sent(account_ref, reference):
    account = linked_or_404(account_ref)
    case = moving_out_case.for_person(current_user, account, reference)
    if case is None:
        abort(404)
    return render_template("council_tax/moving_out_sent.html", **page_values(account=account, case=case))


from app.council_tax import (  # noqa: E402, F401  (more pages on this blueprint)
    arrangement_routes,
    bill_format_routes,
    direct_debit_routes,
    moving_in_routes,
    moving_within_routes,
)
