"""Council tax: the start page, linking an account to a signed-in person, and the linked
account's pages. Only a person who has linked an account sees it: anyone else's reference is
"not found", like one that does not exist."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.council_tax import forms
from app.services.council_tax import adapter, links
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


@bp.get("/accounts/<account_ref>")
@login_required
def account_page(account_ref):
    account = linked_or_404(account_ref)
    return render_template("council_tax/account.html", account=account, as_at=adapter.revenues().as_at())


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
