"""Business accounts: an organisation's people and invitations (for its admins), accepting an
invitation, and choosing whom you are acting for."""

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.account.routes import bp
from app.forms_common import BaseForm, GovRadioField, Required, email_field
from app.models import OrganisationRole
from app.services import organisations
from app.services.errors import ServiceError

ACTING_FOR = organisations.ACTING_FOR_SESSION_KEY
ROLE_LABELS = {
    OrganisationRole.MEMBER.value: _l("Member: sees and makes the organisation's requests"),
    OrganisationRole.ADMIN.value: _l("Admin: also invites and removes people"),
}
ERRORS = {
    "already-member": _l("That person is already in this organisation"),
    "too-many-invitations": _l("You have 50 invitations waiting. Withdraw some before you send more"),
    "last-admin": _l("An organisation needs at least one admin. Make someone else an admin first"),
}


WRONG_PERSON = _l(
    "This invitation was sent to another email address. Sign in with the account for that address to join"
)


class InviteForm(BaseForm):
    email = email_field(
        _l("Their email address"),
        required_message=_l("Enter the email address to send the invitation to"),
        hint=_l("They will need to sign in, or create an account, with this address to join."),
    )
    role = GovRadioField(
        _l("What can they do?"),
        choices=list(ROLE_LABELS.items()),
        choice_message=_l("Select what they can do"),
        validators=[Required(message=_l("Select what they can do"))],
    )


class RoleForm(BaseForm):
    role = GovRadioField(
        _l("What can they do?"),
        choices=list(ROLE_LABELS.items()),
        choice_message=_l("Select what they can do"),
        validators=[Required(message=_l("Select what they can do"))],
    )


class ActingForForm(BaseForm):
    acting_for = GovRadioField(
        _l("Who are you acting for?"),
        choices=[],
        choice_message=_l("Select yourself or one of your organisations"),
        validators=[Required(message=_l("Select yourself or one of your organisations"))],
    )


def _administered_or_404(organisation_id: int):
    organisation = organisations.administered(current_user, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def _member_or_404(organisation, membership_id: int):
    found = organisations.find_member(organisation, membership_id)
    if found is None:
        abort(404)
    return found


@bp.get("/organisations/<int:organisation_id>")
@login_required
def manage_organisation(organisation_id):
    organisation = _administered_or_404(organisation_id)
    return render_template(
        "account/organisation_people.html",
        organisation=organisation,
        people=organisations.members(organisation),
        invitations=organisations.open_invitations(organisation),
        withdraw_form=BaseForm(),
    )


@bp.route("/organisations/<int:organisation_id>/invite", methods=["GET", "POST"])
@login_required
def invite_to_organisation(organisation_id):
    organisation = _administered_or_404(organisation_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            organisations.invite(
                organisation,
                email=form.email.data,
                role=OrganisationRole(form.role.data),
                invited_by=current_user,
                link_for=lambda token: url_for("account.accept_invitation", token=token, _external=True),
            )
        except ServiceError as error:
            form.email.errors = [str(ERRORS[error.message])]
        else:
            flash(_("Invitation sent to %(email)s. It works for 7 days.", email=form.email.data.strip()), "success")
            return redirect(url_for("account.manage_organisation", organisation_id=organisation.id))
    return render_template("account/organisation_invite.html", organisation=organisation, form=form)


@bp.post("/organisations/<int:organisation_id>/invitations/<int:invitation_id>/withdraw")
@login_required
def withdraw_invitation(organisation_id, invitation_id):
    organisation = _administered_or_404(organisation_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    if not organisations.withdraw(organisation, invitation_id, withdrawn_by=current_user):
        abort(404)
    flash(_("Invitation withdrawn. Its link no longer works."), "success")
    return redirect(url_for("account.manage_organisation", organisation_id=organisation.id))


@bp.route("/organisations/<int:organisation_id>/people/<int:membership_id>/role", methods=["GET", "POST"])
@login_required
def change_organisation_role(organisation_id, membership_id):
    organisation = _administered_or_404(organisation_id)
    member = _member_or_404(organisation, membership_id)
    form = RoleForm(data={"role": member.role.value})
    if form.validate_on_submit():
        try:
            organisations.set_role(
                organisation, membership_id, OrganisationRole(form.role.data), changed_by=current_user
            )
        except ServiceError as error:
            form.role.errors = [str(ERRORS[error.message])]
        else:
            flash(_("%(name)s's role saved", name=member.user.full_name), "success")
            return redirect(url_for("account.manage_organisation", organisation_id=organisation.id))
    return render_template("account/organisation_role.html", organisation=organisation, member=member, form=form)


@bp.route("/organisations/<int:organisation_id>/people/<int:membership_id>/remove", methods=["GET", "POST"])
@login_required
def remove_from_organisation(organisation_id, membership_id):
    organisation = _administered_or_404(organisation_id)
    member = _member_or_404(organisation, membership_id)
    form = BaseForm()
    error = None
    if form.validate_on_submit():
        try:
            person = organisations.remove(organisation, membership_id, removed_by=current_user)
        except ServiceError as refused:
            error = str(ERRORS[refused.message])
        else:
            flash(_("%(name)s is no longer in %(organisation)s", name=person.full_name, organisation=organisation.name))
            if person.id == current_user.id:
                return redirect(url_for("account.overview"))
            return redirect(url_for("account.manage_organisation", organisation_id=organisation.id))
    return render_template(
        "account/organisation_remove.html",
        organisation=organisation,
        member=member,
        confirm_form=form,
        refused=error,
        errors=[{"text": error, "href": "#remove"}] if error else [],
    )


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@login_required
def accept_invitation(token):
    invitation = organisations.find_invitation(token)
    if invitation is None:
        return render_template("account/invitation_ended.html"), 404
    form = BaseForm()
    refused = None
    if form.validate_on_submit():
        try:
            organisations.accept(invitation, current_user)
        except ServiceError:
            refused = True
        else:
            flash(_("You have joined %(organisation)s", organisation=invitation.organisation.name), "success")
            return redirect(url_for("account.organisation"))
    wrong_person = refused or current_user.email.lower() != invitation.email
    errors = [{"text": WRONG_PERSON, "href": "#join"}] if refused else []
    return render_template(
        "account/invitation.html", invitation=invitation, confirm_form=form, wrong_person=wrong_person, errors=errors
    )


@bp.route("/acting-for", methods=["GET", "POST"])
@login_required
def acting_for():
    memberships = current_user.memberships
    if not memberships:
        abort(404)
    form = ActingForForm(data={"acting_for": str(session.get(ACTING_FOR) or "yourself")})
    form.acting_for.choices = [("yourself", _("Yourself, %(name)s", name=current_user.full_name))] + [
        (str(m.organisation_id), m.organisation.name) for m in sorted(memberships, key=lambda m: m.organisation.name)
    ]
    if form.validate_on_submit():
        chosen = form.acting_for.data
        if chosen == "yourself":
            session.pop(ACTING_FOR, None)
            flash(_("You are acting for yourself"), "success")
        else:
            organisation = organisations.acting_for(current_user, int(chosen))
            session[ACTING_FOR] = organisation.id
            flash(_("You are acting for %(organisation)s", organisation=organisation.name), "success")
        return redirect(url_for("account.requests"))
    return render_template("account/acting_for.html", form=form)
