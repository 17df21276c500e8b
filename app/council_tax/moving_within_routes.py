"""Moving within the area, from a linked account: the new address, the date, who is moving too and
the landlord, then both estimates (the old address's final bill, the new address's bill)."""

from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from app.council_tax import move_address, move_forms
from app.council_tax.routes import bp, linked_or_404, page_values
from app.i18n import current_language
from app.services import cases
from app.services.council_tax import adapter, moves, moving_within
from app.services.council_tax import settings as council_tax_settings
from app.services.errors import ServiceError


def _key(account) -> str:
    return f"council_tax_moving_within_{account.reference}"


def _draft(account) -> dict:
    saved = session.get(_key(account))
    return dict(saved) if isinstance(saved, dict) else {}


def _saver(account):
    def save(draft: dict) -> None:
        session[_key(account)] = draft

    return save


def _steps(account) -> move_address.Steps:
    ref = account.reference
    return move_address.Steps(
        postcode=url_for("council_tax.moving_within_postcode", account_ref=ref),
        choose=url_for("council_tax.moving_within_address", account_ref=ref),
        manual=url_for("council_tax.moving_within_manual", account_ref=ref),
        after=url_for("council_tax.moving_within_details", account_ref=ref),
        back=url_for("council_tax.account_page", account_ref=ref),
    )


def _open_account(account_ref):
    """The linked account (or 404), and whether the record already has the day liability ended."""
    account = linked_or_404(account_ref)
    return account, account.liable_to is not None


def _ended(account):
    return render_template("council_tax/moving_out_ended.html", **page_values(account=account))


def _moving(draft: dict) -> moving_within.MovingWithin | None:
    if "address" not in draft or "moving_on" not in draft:
        return None
    return moving_within.MovingWithin(
        address=moves.NewAddress.from_dict(draft["address"]),
        moving_on=date.fromisoformat(draft["moving_on"]),
        moving_with=draft.get("moving_with", ""),
        landlord=draft.get("landlord", ""),
    )


@bp.route("/accounts/<account_ref>/moving-within", methods=["GET", "POST"])
@login_required
def moving_within_postcode(account_ref):
    account, ended = _open_account(account_ref)
    if ended:
        return _ended(account)
    return move_address.postcode_step(
        _draft(account), _saver(account), _steps(account), **page_values(account=account, journey="within")
    )


@bp.route("/accounts/<account_ref>/moving-within/address", methods=["GET", "POST"])
@login_required
def moving_within_address(account_ref):
    account, ended = _open_account(account_ref)
    if ended:
        return _ended(account)
    return move_address.choose_step(
        _draft(account),
        _saver(account),
        _steps(account),
        check=lambda address: moving_within.check_new_address(account, address),
        **page_values(account=account, journey="within"),
    )


@bp.route("/accounts/<account_ref>/moving-within/address/manual", methods=["GET", "POST"])
@login_required
def moving_within_manual(account_ref):
    account, ended = _open_account(account_ref)
    if ended:
        return _ended(account)
    return move_address.manual_step(
        _draft(account), _saver(account), _steps(account), **page_values(account=account, journey="within")
    )


@bp.route("/accounts/<account_ref>/moving-within/details", methods=["GET", "POST"])
@login_required
def moving_within_details(account_ref):
    account, ended = _open_account(account_ref)
    if ended:
        return _ended(account)
    draft = _draft(account)
    if "address" not in draft:
        return redirect(url_for("council_tax.moving_within_postcode", account_ref=account.reference))
    data = None
    if request.method == "GET" and "moving_on" in draft:
        data = {
            "moving_on": date.fromisoformat(draft["moving_on"]),
            "moving_with": draft.get("moving_with", ""),
            "landlord": draft.get("landlord", ""),
        }
    form = move_forms.MovingWithinForm(data=data)
    today = cases.london_today()
    if form.validate_on_submit():
        moving = moving_within.MovingWithin(
            address=moves.NewAddress.from_dict(draft["address"]),
            moving_on=form.moving_on.data,
            moving_with=form.moving_with.data or "",
            landlord=form.landlord.data or "",
        )
        try:
            moving_within.check_date(account, moving.moving_on, today)
            moving_within.estimate(adapter.revenues(), council_tax_settings.current(), account, moving, today)
        except ServiceError as error:
            form.moving_on.errors = [*form.moving_on.errors, error.message]
        else:
            draft.update(
                moving_on=moving.moving_on.isoformat(), moving_with=moving.moving_with, landlord=moving.landlord
            )
            _saver(account)(draft)
            return redirect(url_for("council_tax.moving_within_check", account_ref=account.reference))
    return render_template(
        "council_tax/moving_within_details.html",
        **page_values(account=account, form=form, address=moves.NewAddress.from_dict(draft["address"]), example=today),
    )


@bp.route("/accounts/<account_ref>/moving-within/check", methods=["GET", "POST"])
@login_required
def moving_within_check(account_ref):
    account, ended = _open_account(account_ref)
    moving = _moving(_draft(account))
    if moving is None or ended:
        return redirect(url_for("council_tax.moving_within_postcode", account_ref=account.reference))
    today = cases.london_today()
    settings = council_tax_settings.current()
    try:
        moving_within.check_date(account, moving.moving_on, today)
        estimates = moving_within.estimate(adapter.revenues(), settings, account, moving, today)
    except ServiceError:  # the date was fine when given, but a day has passed or the record changed
        return redirect(url_for("council_tax.moving_within_details", account_ref=account.reference))
    form = move_forms.BaseForm()
    if form.validate_on_submit():
        sent = moving_within.tell(
            current_user, account, moving, estimates, settings=settings, language=current_language()
        )
        session.pop(_key(account), None)
        return redirect(
            url_for(
                "council_tax.moving_within_sent",
                account_ref=account.reference,
                reference=sent.details["case_reference"],
            )
        )
    return render_template(
        "council_tax/moving_within_check.html",
        **page_values(account=account, moving=moving, estimates=estimates, form=form),
    )


@bp.get("/accounts/<account_ref>/moving-within/sent/<reference>")
@login_required
def moving_within_sent(account_ref, reference):
    account = linked_or_404(account_ref)
    case = moving_within.for_person(current_user, account, reference)
    if case is None:
        abort(404)
    return render_template("council_tax/moving_within_sent.html", **page_values(account=account, case=case))
