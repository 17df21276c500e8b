"""The short satisfaction question on every confirmation page, recorded with the service and channel."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Case, SatisfactionRating, SatisfactionResponse


def already_answered(case: Case) -> bool:
    return (
        db.session.scalar(sa.select(SatisfactionResponse.id).where(SatisfactionResponse.case_id == case.id)) is not None
    )


def record(case: Case, rating: SatisfactionRating, comment: str | None) -> SatisfactionResponse:
    """One answer per case: a second one (a double click, say) changes nothing."""
    existing = db.session.scalar(sa.select(SatisfactionResponse).where(SatisfactionResponse.case_id == case.id))
    if existing is not None:
        return existing
    response = SatisfactionResponse(
        service_id=case.service_id, channel=case.channel, rating=rating, comment=comment or None, case_id=case.id
    )
    db.session.add(response)
    db.session.flush()
    return response


def summary(service_id: str | None = None) -> dict[str, dict[str, int]]:
    """Counts of each rating by channel, for the council's satisfaction-by-channel measure."""
    query = sa.select(SatisfactionResponse.channel, SatisfactionResponse.rating, sa.func.count()).group_by(
        SatisfactionResponse.channel, SatisfactionResponse.rating
    )
    if service_id:
        query = query.where(SatisfactionResponse.service_id == service_id)
    counts: dict[str, dict[str, int]] = {}
    for channel, rating, count in db.session.execute(query):
        counts.setdefault(channel.value, {})[rating.value] = count
    return counts
