"""Staff: who has linked a council tax account online, the attempts at it, and removing a link."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField
from wtforms.validators import Length, Regexp

from app.forms_common import BaseForm, NoControlCharacters, strip
from app.security import staff_required
from app.services.council_tax import links
from app.staff.routes import bp


class AccountSearchForm(BaseForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    reference = StringField(
        _l("Council tax account reference"),
        validators=[
            NoControlCharacters(_l("Remove any special characters, like tabs or line breaks")),
            Length(max=20, message=_l("Enter the account reference as it is on the bill, like 60000001")),
            Regexp(r"^[A-Za-z0-9 -]*$", message=_l("Enter the account reference as it is on the bill, like 60000001")),
        ],
        filters=[strip],
        widget=GovTextInput(),
    )


class RemoveLinkForm(BaseForm):
    pass


@bp.get("/council-tax/links")
@staff_required
def council_tax_links():
    form = AccountSearchForm(request.args)
    found = None
    if request.args.get("reference") and form.validate():
        found = links.for_staff(form.reference.data)
    return render_template("staff/council_tax_links.html", form=form, found=found, remove_form=RemoveLinkForm())


@bp.post("/council-tax/links/<int:link_id>/remove")
@staff_required
def remove_council_tax_link(link_id):
    if not RemoveLinkForm().validate_on_submit():
        abort(400)
    removed = links.remove_by_staff(current_user, link_id)
    if removed is None:
        abort(404)
    flash(_("The link is removed. The person can link the account again with the details on the bill."), "success")
    return redirect(url_for("staff.council_tax_links", reference=removed.account.reference))
