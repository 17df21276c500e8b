"""Paying council tax by Direct Debit (set up or change), and asking for a credit balance back.

The bank details are not kept between the pages: the check page carries what the person typed in
hidden fields and the details are checked again when they confirm, so nothing sits in the session
cookie. Once sent, they wait in the export queue until their batch is written, then only their last
digits remain (direct_debits.scrub).
"""

from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.council_tax import bank_forms
from app.council_tax.routes import bp, linked_or_404, page_values
from app.i18n import current_language
from app.money import parse_pounds
from app.services import cases
from app.services.council_tax import adapter, direct_debits, refunds
from app.services.council_tax import settings as council_tax_settings
from app.services.errors import ServiceError


@bp.app_template_global()
def council_tax_direct_debit_sent(account):
    """The Direct Debit instruction sent since the extract the page shows, if any (the account page)."""
    return direct_debits.pending(account, adapter.revenues().as_at())


@bp.app_template_global()
def council_tax_refund_waiting(account):
    return refunds.waiting(account)


def _payment_days() -> list[int]:
    settings = council_tax_settings.current()
    return list(settings.payment_days) if settings is not None else [1]


def _lead_working_days() -> int:
    settings = council_tax_settings.current()
    return settings.direct_debit_first_payment_working_days if settings is not None else 14


def _direct_debit_form(**kwargs) -> bank_forms.DirectDebitForm:
    form = bank_forms.DirectDebitForm(**kwargs)
    form.payment_day.choices = [(str(day), _("Day %(day)s of each month", day=day)) for day in _payment_days()]
    return form


def _instruction(form: bank_forms.DirectDebitForm) -> direct_debits.Instruction:
    holder, sort_code, account_number = form.cleaned()
    return direct_debits.Instruction(
        bank=direct_debits.BankAccount(holder, sort_code, account_number),
        payment_day=int(form.payment_day.data),
        instalments=int(form.instalments.data),
    )


@bp.route("/accounts/<account_ref>/direct-debit", methods=["GET", "POST"])
@login_required
def direct_debit(account_ref):
    """The bank account, payment day and instalments; then the check page (or the paper mandate)."""
    account = linked_or_404(account_ref)
    if account.liable_to is not None:  # no instalments left to collect
        return render_template("council_tax/direct_debit_ended.html", **page_values(account=account))
    # "Change" on the check page sends the answers back here to be shown again, not checked.
    changing_answers = request.method == "POST" and "change" in request.form
    form = _direct_debit_form()
    if not changing_answers and form.validate_on_submit():
        if form.sole_authority.data == "no":
            return render_template("council_tax/direct_debit_paper.html", **page_values(account=account))
        instruction = _instruction(form)
        first = direct_debits.first_payment_on(cases.london_today(), instruction.payment_day, _lead_working_days())
        return render_template(
            "council_tax/direct_debit_check.html",
            **page_values(account=account, form=form, instruction=instruction, first_payment_on=first),
        )
    return render_template("council_tax/direct_debit.html", **page_values(account=account, form=form))


@bp.post("/accounts/<account_ref>/direct-debit/confirm")
@login_required
def direct_debit_confirm(account_ref):
    account = linked_or_404(account_ref)
    if account.liable_to is not None:
        return render_template("council_tax/direct_debit_ended.html", **page_values(account=account))
    form = _direct_debit_form()
    if not form.validate_on_submit() or form.sole_authority.data != "yes":
        # Changed in the page or out of date: back to the questions, with what was sent.
        return render_template("council_tax/direct_debit.html", **page_values(account=account, form=form))
    direct_debits.send(
        current_user,
        account,
        _instruction(form),
        today=cases.london_today(),
        lead_working_days=_lead_working_days(),
    )
    return redirect(url_for("council_tax.direct_debit_sent", account_ref=account.reference))


@bp.get("/accounts/<account_ref>/direct-debit/sent")
@login_required
def direct_debit_sent(account_ref):
    account = linked_or_404(account_ref)
    sent = direct_debits.latest(account, current_user)
    if sent is None:
        abort(404)
    return render_template(
        "council_tax/direct_debit_sent.html",
        **page_values(
            account=account, sent=sent, first_payment_on=date.fromisoformat(sent.details["first_payment_on"])
        ),
    )


@bp.route("/accounts/<account_ref>/refund", methods=["GET", "POST"])
@login_required
def refund(account_ref):
    """Ask for the credit balance, or part of it, back to a bank account."""
    account = linked_or_404(account_ref)
    credit = refunds.credit_pence(account)
    waiting = refunds.waiting(account)
    form = bank_forms.RefundForm()
    if credit > 0 and waiting is None and form.validate_on_submit():
        amount = credit if form.what.data == "all" else parse_pounds(form.other_amount.data)
        holder, sort_code, account_number = form.cleaned()
        settings = council_tax_settings.current()
        try:
            refunds.check_amount(account, amount)
            case = refunds.ask(
                current_user,
                account,
                refunds.Refund(amount, direct_debits.BankAccount(holder, sort_code, account_number)),
                due_in_days=settings.refund_working_days if settings is not None else 10,
                language=current_language(),
            )
        except ServiceError as error:
            target = getattr(form, error.field) if error.field else form.what
            target.errors = [*target.errors, error.message]
        else:
            return redirect(url_for("council_tax.refund_sent", account_ref=account.reference, reference=case.reference))
    return render_template(
        "council_tax/refund.html", **page_values(account=account, form=form, credit=credit, waiting=waiting)
    )


@bp.get("/accounts/<account_ref>/refund/sent/<reference>")
@login_required
def refund_sent(account_ref, reference):
    account = linked_or_404(account_ref)
    case = refunds.for_person(current_user, account, reference)
    if case is None:
        abort(404)
    return render_template("council_tax/refund_sent.html", **page_values(account=account, case=case))
