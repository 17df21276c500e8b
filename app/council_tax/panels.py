"""Check your answers for a council tax discount, exemption or reduction: the estimated effect of
the change on this year's bill and on the next instalments, where the answers make it known
(app/services/council_tax/discounts.py); otherwise, that the council tax team works it out."""

from __future__ import annotations

from flask import render_template

from app.extensions import db
from app.form_model import journey
from app.forms_engine import panels
from app.models import User
from app.services import cases
from app.services.council_tax import adapter, discounts
from app.services.council_tax import settings as council_tax_settings


@panels.register(discounts.ACTION)
def _change_panel(definition, found, language):
    # The person the form is for (a volunteer fills it in as the person they help), as when sent.
    person = db.session.get(User, found.user_id) if found.user_id is not None else None
    if person is None:
        return None
    account, effect = discounts.effect_of_answers(
        adapter.revenues(),
        person,
        definition,
        journey.submitted_answers(definition, found.answers),  # as they will be sent
        settings=council_tax_settings.current(),
        today=cases.london_today(),
    )
    if account is None:
        return None
    return render_template("council_tax/_change_estimate.html", account=account, effect=effect)
