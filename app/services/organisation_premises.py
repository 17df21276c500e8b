"""Business accounts: an organisation's premises (its addresses), managed online by its admins.

Premises are chosen from the council's gazetteer, so each has a UPRN: that is what a business
parking permit or a collection at the premises is for. Every member sees them; only admins add or
remove them, and each change is an audit event saying who made it.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, GazetteerAddress, Organisation, OrganisationAddress, User
from app.services.errors import ServiceError

PREMISES_LIMIT = 100  # per organisation: more than any business a council serves online


def premises(organisation: Organisation) -> list[OrganisationAddress]:
    return list(
        db.session.scalars(
            sa.select(OrganisationAddress)
            .where(OrganisationAddress.organisation_id == organisation.id)
            .order_by(OrganisationAddress.id)
        )
    )


def find(organisation: Organisation, address_id) -> OrganisationAddress | None:
    """One of this organisation's premises; None for another organisation's (or none at all), so a
    page refuses both the same way."""
    if not isinstance(address_id, int):
        return None
    found = db.session.get(OrganisationAddress, address_id)
    if found is None or found.organisation_id != organisation.id:
        return None
    return found


def find_by_uprn(organisation: Organisation, uprn: int) -> OrganisationAddress | None:
    return db.session.scalar(
        sa.select(OrganisationAddress).where(
            OrganisationAddress.organisation_id == organisation.id, OrganisationAddress.uprn == uprn
        )
    )


def _audit(actor: User, action: str, organisation: Organisation, address: OrganisationAddress) -> None:
    detail = f"{address.uprn or '-'} {address.line_1}, {address.postcode}"
    db.session.add(AuditEvent(actor_id=actor.id, action=action, organisation_id=organisation.id, detail=detail[:200]))


def add(
    organisation: Organisation, address: GazetteerAddress, *, label: str | None, added_by: User
) -> OrganisationAddress:
    """Add a gazetteer address as the organisation's premises."""
    if find_by_uprn(organisation, address.uprn) is not None:
        raise ServiceError("already-added")
    if len(premises(organisation)) >= PREMISES_LIMIT:
        raise ServiceError("too-many-premises")
    added = OrganisationAddress(
        organisation_id=organisation.id,
        label=(label or "").strip() or None,
        uprn=address.uprn,
        line_1=address.line_1,
        line_2=address.line_2,
        town=address.town,
        postcode=address.postcode,
        ward=address.ward,
    )
    db.session.add(added)
    db.session.flush()
    _audit(added_by, "organisation-premises-added", organisation, added)
    return added


def remove(organisation: Organisation, address_id: int, *, removed_by: User) -> OrganisationAddress | None:
    """Remove one of the organisation's premises."""
    found = find(organisation, address_id)
    if found is None:
        return None
    _audit(removed_by, "organisation-premises-removed", organisation, found)
    db.session.delete(found)
    db.session.flush()
    return found


def single_line(address: OrganisationAddress) -> str:
    return ", ".join(part for part in (address.line_1, address.line_2, address.town, address.postcode) if part)


def answer_for(address: OrganisationAddress) -> dict:
    """A premises question's stored answer: which premises, and its address as an address answer (so
    the case has its UPRN and ward)."""
    return {
        "premises_id": address.id,
        "label": address.label,
        "uprn": address.uprn,
        "line_1": address.line_1,
        "line_2": address.line_2,
        "town": address.town,
        "postcode": address.postcode,
        "ward": address.ward,
    }
