"""Council tax: asking for a payment arrangement when an account is in arrears (income and
expenditure, then the payments offered, then a check before sending), and the arrangement's own
page, where the person sees the revenues team's answer and can accept a counter-offer.

What the person has given so far is kept in their session, one entry per account, until it is sent.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.council_tax import arrangement_forms, forms
from app.council_tax.routes import bp, linked_or_404, page_values
from app.i18n import current_language
from app.money import format_pence, parse_pounds
from app.services import cases
from app.services.council_tax import adapter, arrangement_case, arrangements, statement
from app.services.council_tax import arrangement_sums as sums
from app.services.errors import ServiceError

SECTION_SLUGS = {
    "income": sums.Section.INCOME,
    "fixed-costs": sums.Section.FIXED_COSTS,
    "flexible-costs": sums.Section.FLEXIBLE_COSTS,
    "debts": sums.Section.DEBTS,
}
SLUG_OF = {section: slug for slug, section in SECTION_SLUGS.items()}
ORDER = list(SECTION_SLUGS)


def _key(account) -> str:
    return f"council_tax_arrangement_{account.reference}"


def _draft(account) -> dict:
    saved = session.get(_key(account))
    return saved if isinstance(saved, dict) else {}


def _save(account, **parts) -> None:
    session[_key(account)] = {**_draft(account), **parts}


def _given(draft: dict) -> dict[str, tuple[int, sums.Frequency]]:
    """{heading: (pence, frequency)} from every section the person has filled in."""
    found = {}
    for raw in (draft.get(slug) or {} for slug in ORDER):
        for heading, text in raw.items():
            if heading.endswith("_frequency"):
                continue
            pence = parse_pounds(text or "")
            if pence:
                found[heading] = (pence, sums.Frequency(raw.get(f"{heading}_frequency", "monthly")))
    return found


def _offer(draft: dict) -> arrangements.Offer | None:
    saved = draft.get("offer")
    if not isinstance(saved, dict):
        return None
    return arrangements.Offer(
        saved["amount_pence"], sums.Frequency(saved["frequency"]), date.fromisoformat(saved["first_on"])
    )


def _in_arrears(account):
    """(arrears in pence, the arrangement waiting for an answer or None)."""
    found = statement.summary(adapter.revenues(), account, cases.london_today())
    return found.overdue_pence, arrangements.waiting(account)


def _can_ask_or_redirect(account):
    arrears, waiting = _in_arrears(account)
    if arrears <= 0 or waiting is not None:
        return None, redirect(url_for("council_tax.arrangement_start", account_ref=account.reference))
    return arrears, None


@bp.get("/accounts/<account_ref>/arrangement")
@login_required
def arrangement_start(account_ref):
    """What an arrangement is and what we will ask; or why it cannot be asked for now."""
    account = linked_or_404(account_ref)
    arrears, waiting = _in_arrears(account)
    return render_template(
        "council_tax/arrangement_start.html",
        **page_values(account=account, arrears=arrears, waiting=waiting, first=ORDER[0]),
    )


@bp.route("/accounts/<account_ref>/arrangement/<section>", methods=["GET", "POST"])
@login_required
def arrangement_money(account_ref, section):
    """One section of the income and expenditure statement."""
    account = linked_or_404(account_ref)
    if section not in SECTION_SLUGS:
        abort(404)
    arrears, refused = _can_ask_or_redirect(account)
    if refused:
        return refused
    which = SECTION_SLUGS[section]
    draft = _draft(account)
    form_class = arrangement_forms.money_form_class(which)
    form = form_class(data=draft.get(section) if request.method == "GET" and draft.get(section) else None)
    if form.validate_on_submit():
        _save(account, **{section: {name: form[name].data or "" for name in form.data if name != "csrf_token"}})
        position = ORDER.index(section)
        if position + 1 < len(ORDER):
            return redirect(
                url_for("council_tax.arrangement_money", account_ref=account.reference, section=ORDER[position + 1])
            )
        return redirect(url_for("council_tax.arrangement_offer", account_ref=account.reference))
    position = ORDER.index(section)
    back = (
        url_for("council_tax.arrangement_money", account_ref=account.reference, section=ORDER[position - 1])
        if position
        else url_for("council_tax.arrangement_start", account_ref=account.reference)
    )
    return render_template(
        "council_tax/arrangement_money.html",
        **page_values(
            account=account,
            form=form,
            section=which,
            headings=sums.HEADINGS[which],
            words=arrangement_forms.HEADING_WORDS,
            title=arrangement_forms.SECTION_TITLES[which],
            hint=arrangement_forms.SECTION_HINTS[which],
            step=position + 1,
            steps=len(ORDER) + 1,
            back=back,
        ),
    )


def _missing_section(draft: dict) -> str | None:
    return next((slug for slug in ORDER if not isinstance(draft.get(slug), dict)), None)


@bp.route("/accounts/<account_ref>/arrangement/offer", methods=["GET", "POST"])
@login_required
def arrangement_offer(account_ref):
    """Money left over each month, and the payments the person offers."""
    account = linked_or_404(account_ref)
    arrears, refused = _can_ask_or_redirect(account)
    if refused:
        return refused
    draft = _draft(account)
    missing = _missing_section(draft)
    if missing:
        return redirect(url_for("council_tax.arrangement_money", account_ref=account.reference, section=missing))
    saved = _offer(draft)
    data = None
    if saved and request.method == "GET":
        data = {
            "amount": format_pence(saved.amount_pence),
            "frequency": saved.frequency.value,
            "first_on": saved.first_on,
        }
    form = arrangement_forms.OfferForm(data=data)
    today = cases.london_today()
    if form.validate_on_submit():
        offer = arrangements.Offer(
            parse_pounds(form.amount.data), sums.Frequency(form.frequency.data), form.first_on.data
        )
        try:
            arrangements.check_offer(offer, arrears, today)
        except ServiceError as error:
            target = form.amount if error.field == "amount" else form.first_on
            target.errors = [*target.errors, error.message]
        else:
            _save(
                account,
                offer={
                    "amount_pence": offer.amount_pence,
                    "frequency": offer.frequency.value,
                    "first_on": offer.first_on.isoformat(),
                },
            )
            return redirect(url_for("council_tax.arrangement_check", account_ref=account.reference))
    return render_template(
        "council_tax/arrangement_offer.html",
        **page_values(
            account=account,
            form=form,
            arrears=arrears,
            statement=sums.statement(_given(draft)),
            example=today,
            latest=today + arrangements.FIRST_PAYMENT_WITHIN,
            step=len(ORDER) + 1,
            steps=len(ORDER) + 1,
            back=url_for("council_tax.arrangement_money", account_ref=account.reference, section=ORDER[-1]),
        ),
    )


@bp.route("/accounts/<account_ref>/arrangement/check", methods=["GET", "POST"])
@login_required
def arrangement_check(account_ref):
    """Everything given, how long the offer takes to clear the arrears, then Send."""
    account = linked_or_404(account_ref)
    arrears, refused = _can_ask_or_redirect(account)
    if refused:
        return refused
    draft = _draft(account)
    offer = _offer(draft)
    if _missing_section(draft) or offer is None:
        return redirect(url_for("council_tax.arrangement_offer", account_ref=account.reference))
    today = cases.london_today()
    try:
        clearing = arrangements.check_offer(offer, arrears, today)
    except ServiceError:  # the arrears or the day changed since the offer was made
        return redirect(url_for("council_tax.arrangement_offer", account_ref=account.reference))
    given = _given(draft)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            case = arrangements.propose(
                current_user, account, arrears, given, offer, today=today, language=current_language()
            )
        except ServiceError:  # another arrangement arrived first (a second tab, a joint payer)
            return redirect(url_for("council_tax.arrangement_start", account_ref=account.reference))
        session.pop(_key(account), None)
        return redirect(
            url_for("council_tax.arrangement_page", account_ref=account.reference, reference=case.reference)
        )
    return render_template(
        "council_tax/arrangement_check.html",
        **page_values(
            account=account,
            form=form,
            arrears=arrears,
            given=given,
            statement=sums.statement(given),
            offer=offer,
            clearing=clearing,
            sections=SECTION_SLUGS,
            headings=sums.HEADINGS,
            words=arrangement_forms.HEADING_WORDS,
            titles=arrangement_forms.SECTION_TITLES,
            terms_text=arrangement_case.terms_text,
            clearing_text=arrangement_case.clearing_text,
        ),
    )


@bp.route("/accounts/<account_ref>/arrangements/<reference>", methods=["GET", "POST"])
@login_required
def arrangement_page(account_ref, reference):
    """The arrangement asked for: waiting for an answer, agreed, or a counter-offer to accept."""
    account = linked_or_404(account_ref)
    found = arrangements.for_person(current_user, account, reference)
    if found is None:
        abort(404)
    case, arrangement = found
    form = forms.ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            arrangements.accept_offer(case, arrangement, current_user)
        except ServiceError as error:
            flash(error.message, "important")
        else:
            flash(_("You have accepted our offer. Your payment arrangement is agreed."), "success")
        return redirect(
            url_for("council_tax.arrangement_page", account_ref=account.reference, reference=case.reference)
        )
    offer = arrangements.offered(arrangement)
    return render_template(
        "council_tax/arrangement_page.html",
        **page_values(
            account=account,
            case=case,
            arrangement=arrangement,
            proposed=arrangements.proposed(arrangement),
            offer=offer,
            agreed=arrangements.agreed_terms(arrangement),
            form=form,
            terms_text=arrangement_case.terms_text,
            clearing=lambda terms: arrangement_case.clearing_text(
                sums.clearing(arrangement.arrears_pence, terms.amount_pence, terms.frequency, terms.first_on)
            ),
        ),
    )
