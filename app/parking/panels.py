"""Check your answers for a resident permit: where and when the permit will be valid, and whether
its price is provisional (the price itself, line by line, is the engine's price table)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import render_template

from app import form_model
from app.forms_engine import panels
from app.services import parking
from app.services.errors import ServiceError
from app.services.parking import permits
from app.services.parking.issue import ACTION
from app.services.parking.price_rule import months_from, quote_for
from app.services.parking.settings import SETTINGS_FILE


@panels.register(ACTION)
def _permit_panel(definition, found, language):
    prices = form_model.settings_for(SETTINGS_FILE).prices
    answers = found.answers
    try:
        starts = date.fromisoformat(answers[prices.start_question])
        months = months_from(answers[prices.duration_question])
        quote = quote_for(prices, answers, language)
    except (KeyError, TypeError, ValueError, ServiceError):
        return None
    standing = parking.standing_of((answers.get(prices.address_question) or {}).get("uprn"))
    return render_template(
        "parking/_permit_panel.html",
        zone=standing.zone if standing is not None else None,
        first_day=starts,
        last_day=permits.add_months(starts, months) - timedelta(days=1),
        provisional=quote.provisional,
        language=language,
    )
