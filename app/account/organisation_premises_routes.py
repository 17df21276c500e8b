"""Business accounts: an organisation's premises. Every member sees them; its admins add them from
the gazetteer (find by postcode, then choose) and remove them."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.account import forms
from app.account.routes import bp
from app.forms_common import BaseForm, text_field
from app.services import gazetteer, organisations
from app.services import organisation_premises as premises_service
from app.services.errors import ServiceError

ERRORS = {
    "already-added": _l("That address is already one of the organisation's premises"),
    "too-many-premises": _l("An organisation can have up to 100 premises. Remove one before you add another"),
}


class PremisesPostcodeForm(BaseForm):
    postcode = text_field(
        _l("Postcode of the premises"),
        required_message=_l("Enter the postcode of the premises"),
        max_length=10,
        too_long_message=_l("Enter a full UK postcode, like DM1 1AB"),
        autocomplete="postal-code",
        spellcheck=False,
    )

    def validate_postcode(self, field):
        forms.validate_postcode(self, field)


class PremisesSelectForm(forms.AddressSelectForm):
    label = text_field(
        _l("What do you call these premises? (optional)"),
        required_message=None,
        max_length=100,
        too_long_message=_l("The name must be 100 characters or fewer"),
        hint=_l("For example, High Street shop or Yard"),
    )


def _membership_or_404(organisation_id: int):
    found = organisations.membership(current_user, organisation_id)
    if found is None:
        abort(404)
    return found


def _administered_or_404(organisation_id: int):
    organisation = organisations.administered(current_user, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@bp.get("/organisations/<int:organisation_id>/premises")
@login_required
def organisation_premises(organisation_id):
    joined = _membership_or_404(organisation_id)
    return render_template(
        "account/organisation_premises.html",
        organisation=joined.organisation,
        is_admin=joined.role.value == "admin",
        premises=premises_service.premises(joined.organisation),
    )


@bp.route("/organisations/<int:organisation_id>/premises/add", methods=["GET", "POST"])
@login_required
def add_premises(organisation_id):
    organisation = _administered_or_404(organisation_id)
    form = PremisesPostcodeForm()
    if form.validate_on_submit():
        return redirect(
            url_for(
                "account.select_premises",
                organisation_id=organisation.id,
                postcode=gazetteer.format_postcode(form.postcode.data),
            )
        )
    return render_template("account/organisation_premises_find.html", organisation=organisation, form=form)


@bp.route("/organisations/<int:organisation_id>/premises/select", methods=["GET", "POST"])
@login_required
def select_premises(organisation_id):
    organisation = _administered_or_404(organisation_id)
    postcode = request.args.get("postcode", "")[:10]
    if not gazetteer.is_valid_postcode(postcode):
        return redirect(url_for("account.add_premises", organisation_id=organisation.id))
    addresses = gazetteer.find_by_postcode(postcode)
    postcode = gazetteer.format_postcode(postcode)
    if not addresses:
        return render_template("account/organisation_premises_none.html", organisation=organisation, postcode=postcode)
    form = PremisesSelectForm()
    count_label = _("%(count)s addresses found", count=len(addresses)) if len(addresses) > 1 else _("1 address found")
    form.uprn.choices = [("", count_label)] + [(str(a.uprn), a.single_line) for a in addresses]
    if form.validate_on_submit():
        chosen = next(a for a in addresses if str(a.uprn) == form.uprn.data)
        try:
            premises_service.add(organisation, chosen, label=form.label.data, added_by=current_user)
        except ServiceError as error:
            form.uprn.errors = [str(ERRORS[error.message])]
        else:
            flash(_("%(address)s added to your premises", address=chosen.single_line), "success")
            return redirect(url_for("account.organisation_premises", organisation_id=organisation.id))
    return render_template(
        "account/organisation_premises_select.html", organisation=organisation, form=form, postcode=postcode
    )


@bp.route("/organisations/<int:organisation_id>/premises/<int:address_id>/remove", methods=["GET", "POST"])
@login_required
def remove_premises(organisation_id, address_id):
    organisation = _administered_or_404(organisation_id)
    address = premises_service.find(organisation, address_id)
    if address is None:
        abort(404)
    form = BaseForm()
    if form.validate_on_submit():
        removed = premises_service.remove(organisation, address_id, removed_by=current_user)
        flash(_("%(address)s removed from your premises", address=premises_service.single_line(removed)), "success")
        return redirect(url_for("account.organisation_premises", organisation_id=organisation.id))
    return render_template(
        "account/organisation_premises_remove.html",
        organisation=organisation,
        address=address,
        address_line=premises_service.single_line(address),
        confirm_form=form,
    )
