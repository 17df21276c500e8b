"""Selling visitor hours to a caller by phone: from the staff visitor page for an address, staff
start the visitor parking form for the caller with the household's address already answered, choose
the pack, give the caller's email address or mobile number, and the form engine sends the caller a
link to pay (app/forms_engine/payment_routes.py). The hours are added once the caller pays, recorded
as the telephone channel."""

from __future__ import annotations

from flask import abort, redirect, session, url_for
from flask_login import current_user

from app import form_model, forms_engine
from app.forms_common import BaseForm
from app.forms_engine.question_types.address import answer_from_gazetteer
from app.forms_engine.routes import SESSION_KEY
from app.models import Channel
from app.security import staff_required
from app.services import form_journeys, gazetteer
from app.services.parking import visitors
from app.staff.routes import bp

VISITOR_FORM = "parking-visitors"


@bp.post("/parking/visitors/<int:uprn>/buy-hours")
@staff_required
def parking_visitors_buy_hours(uprn):
    address = gazetteer.get(uprn)
    if address is None or visitors.household(uprn) is None:
        abort(404)
    if not BaseForm().validate_on_submit():
        abort(400)
    definition = forms_engine.get(VISITOR_FORM)
    question_id = form_model.settings_for(VISITOR_FORM).prices.address_question
    page = next(page for page in definition.pages if any(q.id == question_id for q in page.questions))
    found = form_journeys.start(definition, user=None, acting_user=current_user, channel=Channel.TELEPHONE)
    form_journeys.save_page(found, page.id, {question_id: answer_from_gazetteer(address)})
    session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), definition.id: found.token}
    return redirect(
        url_for("forms.question_page", form_id=definition.id, page_id=form_journeys.next_step(definition, found))
    )
