import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app import forms_engine
from app.account import forms
from app.i18n import current_language
from app.models import AlternativeFormat, ContactMethod
from app.services import accounts, auth_sessions, bookings, cases, form_journeys, gazetteer, organisations, tokens
from app.services.errors import ServiceError
from app.services.parking import business as business_permits
from app.services.parking import permits as parking_permits
from app.services.parking import visitors as parking_visitors

bp = Blueprint("account", __name__, url_prefix="/account", template_folder="templates")


def show_service_error(form, error: ServiceError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    target = field if field is not None else next(iter(form))
    target.errors = [*target.errors, error.message]


def saved(message: str):
    flash(message, "success")
    return redirect(url_for("account.overview"))


@bp.get("/")
@login_required
def overview():
    person = current_user
    # Plain values only: the page's content is kept per language and these (layout_fragment).
    details = {
        "full_name": person.full_name,
        "email": person.email,
        "phone": accounts.display_phone(person.phone),
        "has_address": person.has_address,
        "address_line_1": person.address_line_1,
        "address_line_2": person.address_line_2,
        "address_town": person.address_town,
        "address_postcode": person.address_postcode,
        "alternative_format": person.alternative_format.value,
        "format_label": str(dict(forms.FORMAT_CHOICES)[person.alternative_format.value]),
        "large_print_point_size": person.large_print_point_size,
        "format_language": person.format_language,
        "contact_label": str(dict(forms.CONTACT_METHOD_CHOICES)[person.contact_method.value]),
        "language": person.language,
        "in_organisations": organisations.belongs_to_any(person),
        "sign_in_count": auth_sessions.count_active(person),
    }
    return render_template("account/overview.html", details=details)


@bp.route("/name", methods=["GET", "POST"])
@login_required
def change_name():
    form = forms.NameForm(data={"full_name": current_user.full_name})
    if form.validate_on_submit():
        accounts.update_name(current_user, form.full_name.data)
        return saved(_("Your name has been changed"))
    return render_template(
        "account/simple_form.html", form=form, title=_("Change your name"), fields=["full_name"], button=_("Save name")
    )


@bp.route("/email", methods=["GET", "POST"])
@login_required
def change_email():
    form = forms.EmailChangeForm()
    if form.validate_on_submit():
        try:
            accounts.request_email_change(current_user, new_email=form.email.data, password=form.password.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            return render_template("account/email_sent.html")
    return render_template(
        "account/simple_form.html",
        form=form,
        title=_("Change your email address"),
        fields=["email", "password"],
        button=_("Send confirmation link"),
    )


@bp.get("/email/confirm/<token>")
@login_required
def confirm_email(token):
    try:
        accounts.confirm_email_change(current_user, token)
    except tokens.TokenExpired:
        return render_template("auth/link_problem.html", problem="expired"), 400
    except tokens.TokenInvalid:
        return render_template("auth/link_problem.html", problem="invalid"), 400
    except ServiceError as error:
        flash(error.message, "info")
        return redirect(url_for("account.overview"))
    return saved(_("Your email address has been changed"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = forms.PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user, current_password=form.current_password.data, new_password=form.new_password.data
            )
        except ServiceError as error:
            show_service_error(form, error)
        else:
            return saved(_("Your password has been changed. You have been signed out on your other devices."))
    return render_template(
        "account/simple_form.html",
        form=form,
        title=_("Change your password"),
        fields=["current_password", "new_password"],
        button=_("Save password"),
    )


@bp.route("/phone", methods=["GET", "POST"])
@login_required
def change_phone():
    form = forms.PhoneForm(data={"phone": accounts.display_phone(current_user.phone)})
    if form.validate_on_submit():
        try:
            accounts.update_phone(current_user, form.phone.data or "")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            return saved(_("Your phone number has been saved"))
    return render_template(
        "account/simple_form.html",
        form=form,
        title=_("Your phone number"),
        fields=["phone"],
        button=_("Save phone number"),
    )


@bp.route("/address", methods=["GET", "POST"])
@login_required
def find_address():
    form = forms.PostcodeForm()
    if form.validate_on_submit():
        return redirect(url_for("account.select_address", postcode=gazetteer.format_postcode(form.postcode.data)))
    return render_template("account/find_address.html", form=form)


@bp.route("/address/select", methods=["GET", "POST"])
@login_required
def select_address():
    postcode = request.args.get("postcode", "")[:10]
    if not gazetteer.is_valid_postcode(postcode):
        return redirect(url_for("account.find_address"))
    addresses = gazetteer.find_by_postcode(postcode)
    if not addresses:
        return render_template("account/no_addresses.html", postcode=gazetteer.format_postcode(postcode))
    form = forms.AddressSelectForm()
    count_label = _("%(count)s addresses found", count=len(addresses)) if len(addresses) > 1 else _("1 address found")
    form.uprn.choices = [("", count_label)] + [(str(a.uprn), a.single_line) for a in addresses]
    if form.validate_on_submit():
        chosen = next(a for a in addresses if str(a.uprn) == form.uprn.data)
        accounts.set_address_from_gazetteer(current_user, chosen)
        return saved(_("Your address has been saved"))
    return render_template("account/select_address.html", form=form, postcode=gazetteer.format_postcode(postcode))


@bp.route("/address/manual", methods=["GET", "POST"])
@login_required
def manual_address():
    form = forms.ManualAddressForm()
    if form.validate_on_submit():
        accounts.set_manual_address(
            current_user,
            line_1=form.line_1.data,
            line_2=form.line_2.data or "",
            town=form.town.data,
            postcode=form.postcode.data,
        )
        return saved(_("Your address has been saved"))
    return render_template("account/manual_address.html", form=form)


@bp.route("/contact-preferences", methods=["GET", "POST"])
@login_required
def contact_method():
    form = forms.ContactMethodForm(data={"method": current_user.contact_method.value})
    if form.validate_on_submit():
        try:
            accounts.update_contact_method(current_user, ContactMethod(form.method.data))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            return saved(_("Your contact preference has been saved"))
    return render_template("account/contact_method.html", form=form)


@bp.route("/format", methods=["GET", "POST"])
@login_required
def alternative_format():
    form = forms.FormatForm(
        data={
            "alternative_format": current_user.alternative_format.value,
            "point_size": str(current_user.large_print_point_size or ""),
            "format_language": current_user.format_language or "",
        }
    )
    if form.validate_on_submit():
        chosen = AlternativeFormat(form.alternative_format.data)
        accounts.update_alternative_format(
            current_user,
            chosen,
            point_size=int(form.point_size.data) if chosen is AlternativeFormat.LARGE_PRINT else None,
            language=form.format_language.data,
        )
        return saved(_("Your format preference has been saved"))
    return render_template("account/format.html", form=form)


@bp.get("/requests")
@login_required
def requests():
    your_cases = cases.for_person(current_user)
    organisation_requests = organisations.requests_of(current_user) if current_user.memberships else ([], {})
    organisation_cases = [case for _, listed in organisation_requests[0] for case in listed]
    return render_template(
        "account/requests.html",
        requests=your_cases,
        messages_by_case=cases.public_messages(your_cases),
        booked=bookings.case_ids_with_bookings(your_cases + organisation_cases),
        permits=parking_permits.for_person(current_user),
        organisation_requests=organisation_requests,
        organisation_permits={
            m.organisation_id: business_permits.for_organisation(m.organisation_id) for m in current_user.memberships
        },
        visitor_parking=parking_visitors.household(current_user.uprn) is not None,
        permit_state=parking_permits.state,
        permit_days=(parking_permits.first_day, parking_permits.last_day),
        drafts=form_journeys.drafts_for(current_user),
        definitions=cases.with_own_definitions(forms_engine.definitions()),
        language=current_language(),
    )


@bp.get("/your-data")
@login_required
def your_data():
    return render_template("account/your_data.html")


@bp.get("/your-data/download")
@login_required
def download_data():
    body = json.dumps(accounts.export_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-council-account-data.json"'},
    )


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    auth_sessions.end_all(current_user)
    logout_user()
    session.clear()
    flash(_("You have been signed out on every device, including this one."), "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete():
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        try:
            accounts.delete_account(current_user, password=form.password.data)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            logout_user()
            session.clear()
            return redirect(url_for("account.deleted"))
    return render_template("account/delete.html", form=form)


@bp.get("/deleted")
def deleted():
    return render_template("account/deleted.html")


@bp.get("/organisation")
@login_required
def organisation():
    memberships = current_user.memberships
    if not memberships:
        abort(404)
    return render_template("account/organisation.html", memberships=memberships)


from app.account import (  # noqa: E402, F401 (their routes are on this blueprint)
    organisation_premises_routes,
    organisation_routes,
)
