"""Parking permits: the start page, which tells a person before they start whether their address
can have permits, and if not, why and what they can do instead."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.i18n import current_language
from app.models import Organisation, PermitStatus
from app.parking import panels  # noqa: F401  (registers the check-your-answers panel)
from app.services import gazetteer, parking
from app.services.parking import cancellations, courtesy, moving, permits, renewals, vehicle_changes
from app.services.vehicles import VehicleAnswer

bp = Blueprint("parking", __name__, url_prefix="/services/parking-permits", template_folder="templates")


def _address_check(args) -> tuple[list, list[dict], object, object]:
    """(addresses found by postcode, errors, the address checked, its standing) from the query."""
    errors, addresses, address, standing = [], [], None, None
    if "postcode" in args:
        postcode = args.get("postcode", "").strip()
        if not postcode:
            errors.append({"text": _("Enter a postcode"), "href": "#postcode"})
        elif len(postcode) > 10 or not gazetteer.is_valid_postcode(postcode):
            errors.append({"text": _("Enter a full UK postcode, like DM1 1AB"), "href": "#postcode"})
        else:
            addresses = gazetteer.find_by_postcode(postcode)
            if not addresses:
                errors.append(
                    {"text": _("We cannot find that postcode in our area. Check it and try again"), "href": "#postcode"}
                )
    uprn = args.get("uprn")
    if uprn is not None and not errors:
        chosen = next((found for found in addresses if str(found.uprn) == uprn), None) if addresses else None
        if chosen is None and not addresses and uprn.isdigit() and len(uprn) <= 12:
            chosen = gazetteer.get(int(uprn))
        if chosen is None:
            errors.append({"text": _("Select your address from the list"), "href": "#uprn"})
        else:
            address, standing = chosen, parking.standing_of(chosen.uprn)
    elif not args and current_user.is_authenticated and current_user.uprn:
        address = gazetteer.get(current_user.uprn)
        standing = parking.standing_of(current_user.uprn) if address is not None else None
    return addresses, errors, address, standing


@bp.get("")
def start():
    addresses, errors, address, standing = _address_check(request.args)
    return render_template(
        "parking/start.html",
        rules=parking.settings(),
        language=current_language(),
        postcode=request.args.get("postcode", "")[:20],
        addresses=addresses,
        errors=errors,
        address=address,
        standing=standing,
        own_address=address is not None and not request.args,
    )


@bp.get("/permits/<reference>")
@login_required
def permit_page(reference):
    """The virtual permit: printable, and clear about whether it is valid now. Only its holder sees
    it (for a business permit, the organisation's members); anyone else's reference is "not found"."""
    permit = permits.managed_by(reference, current_user)
    if permit is None:
        abort(404)
    renewal = renewals.renewed_by(permit) if permit.status == PermitStatus.ACTIVE else None
    may_manage = permits.may_renew_or_cancel(permit, current_user)  # members of a business may not
    return render_template(
        "parking/permit.html",
        permit=permit,
        state=permits.state(permit),
        first_day=permits.first_day(permit),
        last_day=permits.last_day(permit),
        vehicle=VehicleAnswer.from_answer(permit.vehicle),
        zone=parking.settings().zone(permit.zone),
        address=gazetteer.get(permit.uprn),
        language=current_language(),
        can_change=vehicle_changes.can_change(permit),
        can_cancel=may_manage and cancellations.can_cancel(permit),
        courtesy=courtesy.current(permit) if permit.status == PermitStatus.ACTIVE else None,
        can_lend=may_manage and courtesy.can_lend(permit),
        can_move=may_manage and moving.can_move(permit),
        move_address=gazetteer.get(permit.move_uprn) if permit.moves_at is not None else None,
        move_day=permit.moves_at.astimezone(permits.LONDON).date() if permit.moves_at is not None else None,
        renewal=renewal,
        renewal_first_day=permits.first_day(renewal) if renewal is not None else None,
        renew_refusal=renewals.refusal(permit) if may_manage else "not-an-admin",
        renew_opens=renewals.opens_on(permit),
        changes=vehicle_changes.history(permit),
        organisation=db.session.get(Organisation, permit.organisation_id) if permit.organisation_id else None,
    )


from app.parking import (  # noqa: E402, F401  (more pages on these blueprints)
    cancel_routes,
    courtesy_routes,
    move_routes,
    renew_routes,
    staff_check_routes,
    staff_permit_routes,
    staff_vehicle_routes,
    staff_visitor_hours_routes,
    staff_visitor_routes,
    vehicle_change_routes,
    visitor_routes,
)
