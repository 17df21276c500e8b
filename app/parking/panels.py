"""Check your answers for a resident or business permit: where and when the permit will be valid,
and whether its price is provisional (the price itself, line by line, is the engine's price table)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import render_template

from app import form_model
from app.forms_engine import panels
from app.services import parking
from app.services.errors import ServiceError
from app.services.parking import business, checks, permits
from app.services.parking.issue import ACTION
from app.services.parking.price_rule import months_from, quote_for
from app.services.parking.settings import SETTINGS_FILE
from app.services.vehicles.answers import ENTERED


def _panel(answers: dict, prices, address_question: str, price, language: str, *, checked_first: bool):
    """The panel for a permit's answers; None until the answers it needs are given. A permit
    `checked_first` waits for the parking team's checks: the person is told by when they will hear."""
    try:
        starts = date.fromisoformat(answers[prices.start_question])
        months = months_from(answers[prices.duration_question])
        quote = price(language)
    except (KeyError, TypeError, ValueError, ServiceError):
        return None
    standing = parking.standing_of((answers.get(address_question) or {}).get("uprn"))
    return render_template(
        "parking/_permit_panel.html",
        zone=standing.zone if standing is not None else None,
        first_day=starts,
        last_day=permits.add_months(starts, months) - timedelta(days=1),
        provisional=quote.provisional,
        language=language,
        checks_due=checks.due_on() if checked_first else None,
    )


@panels.register(ACTION)
def _permit_panel(definition, found, language):
    prices = form_model.settings_for(SETTINGS_FILE).prices
    answers = found.answers
    typed_in = (answers.get(prices.vehicle_question) or {}).get("source") == ENTERED
    return _panel(
        answers,
        prices,
        prices.address_question,
        lambda lang: quote_for(prices, answers, lang),
        language,
        checked_first=typed_in,
    )


@panels.register(business.ACTION)
def _business_permit_panel(definition, found, language):
    prices = form_model.settings_for(definition.id).prices
    answers = found.answers
    return _panel(
        answers,
        prices,
        prices.premises_question,
        lambda lang: business.quote_for(prices, answers, lang),
        language,
        checked_first=True,  # its rates bill or lease
    )
