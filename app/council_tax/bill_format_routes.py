"""Council tax: how the person wants the account's bills and notices (a request in the export), and
the bill's large-print view for those who asked for large print."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.council_tax.routes import bill_values, bp, linked_or_404, page_values
from app.forms_common import BaseForm, GovRadioField, GovSelectField, Required
from app.i18n import current_language
from app.services.council_tax import bill_format
from app.services.errors import ServiceError

MESSAGES = {
    "format": _l("Select how you want your bills and notices"),
    "point_size": _l("Select the print size you need"),
    "language": _l("Select the language you need"),
}


class BillFormatForm(BaseForm):
    format = GovRadioField(
        _l("How do you want your bills and notices?"),
        choices=[],
        choice_message=MESSAGES["format"],
        validators=[Required(message=MESSAGES["format"])],
    )
    point_size = GovSelectField(
        _l("If you need large print, what size?"), choices=[], choice_message=MESSAGES["point_size"]
    )
    language = GovSelectField(
        _l("If you need another language, which language?"), choices=[], choice_message=MESSAGES["language"]
    )


def _form(language: str) -> BillFormatForm:
    found = bill_format.choices()
    form = BillFormatForm(
        data={"format": bill_format.STANDARD, "point_size": "", "language": ""} if request.method == "GET" else None
    )
    form.format.choices = [
        (bill_format.STANDARD, _("Standard print")),
        *((o.value, o.label.get(language)) for o in found.formats),
    ]
    form.point_size.choices = [
        ("", _("Not large print")),
        *((o.value, o.label.get(language)) for o in found.point_sizes),
    ]
    form.language.choices = [
        ("", _("Not another language")),
        *((o.value, o.label.get(language)) for o in found.languages),
    ]
    return form


@bp.route("/accounts/<account_ref>/bill-format", methods=["GET", "POST"])
@login_required
def bill_format_page(account_ref):
    account = linked_or_404(account_ref)
    language = current_language()
    form = _form(language)
    current = bill_format.preference(account)
    if request.method == "GET" and current is not None:
        form.format.data = current.format
        form.point_size.data = f"pt{current.point_size}" if current.point_size else ""
        form.language.data = current.language or ""
    if form.validate_on_submit():
        try:
            wanted = bill_format.chosen(form.format.data, form.point_size.data or "", form.language.data or "")
        except ServiceError as error:
            field = form[error.field]
            field.errors = [*field.errors, MESSAGES[error.field]]
        else:
            if bill_format.choose(current_user, account, wanted) is not None:
                flash(
                    _(
                        "We have sent your choice: %(format)s. Our council tax team will send your bills and notices "
                        "this way within 10 working days.",
                        format=bill_format.describe(wanted, language),
                    ),
                    "success",
                )
            return redirect(url_for("council_tax.account_page", account_ref=account.reference))
    return render_template(
        "council_tax/bill_format.html",
        **page_values(account=account, form=form, current=bill_format.describe(current, language)),
    )


@bp.get("/accounts/<account_ref>/bill/large-print")
@login_required
def bill_large_print(account_ref):
    """The bill at the print size the person asked for (18 point when they have not said), to read
    on screen or print."""
    account = linked_or_404(account_ref)
    wanted = bill_format.preference(account)
    points = wanted.point_size if wanted is not None and wanted.large_print and wanted.point_size else 18
    return render_template(
        "council_tax/bill.html",
        **page_values(
            **bill_values(account),
            large_print_points=points,
            format_words=bill_format.describe(wanted, current_language()),
            bill_format=wanted,
        ),
    )
