"""Staff: answering a council tax payment arrangement from its case, by accepting the person's offer
or offering different payments with a reason."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.council_tax import arrangement_forms
from app.council_tax.forms import ConfirmForm
from app.i18n import current_language
from app.models.council_tax_arrangements import ArrangementStatus
from app.money import parse_pounds
from app.security import staff_required
from app.services import case_work, cases
from app.services.council_tax import arrangement_case, arrangements
from app.services.council_tax import arrangement_sums as sums
from app.services.errors import ServiceError
from app.staff.routes import bp


def _arrangement_or_404(reference: str):
    case = case_work.find(reference) if reference.isascii() and len(reference) <= 12 else None
    arrangement = arrangements.for_case(case) if case is not None else None
    if arrangement is None:
        abort(404)
    return case, arrangement


def _show(case, arrangement, *, accept_form=None, counter_form=None):
    given = {
        heading: (pence, sums.Frequency(frequency))
        for heading, (pence, frequency) in arrangement.statement.get("given", {}).items()
    }
    proposed = arrangements.proposed(arrangement)
    return render_template(
        "staff/arrangement.html",
        case=case,
        arrangement=arrangement,
        given=given,
        statement=sums.statement(given),
        sections=arrangement_forms.SECTION_TITLES,
        headings=sums.HEADINGS,
        words=arrangement_forms.HEADING_WORDS,
        proposed=proposed,
        offer=arrangements.offered(arrangement),
        agreed=arrangements.agreed_terms(arrangement),
        terms_text=arrangement_case.terms_text,
        clearing=lambda terms: arrangement_case.clearing_text(
            sums.clearing(arrangement.arrears_pence, terms.amount_pence, terms.frequency, terms.first_on)
        ),
        can_answer=arrangement.status is ArrangementStatus.PROPOSED,
        accept_form=accept_form or ConfirmForm(),
        counter_form=counter_form or arrangement_forms.CounterForm(),
        today=cases.london_today(),
        latest=cases.london_today() + arrangements.FIRST_PAYMENT_WITHIN,
        language=current_language(),
        form=counter_form if counter_form is not None and counter_form.errors else None,
    )


@bp.get("/cases/<reference>/arrangement")
@staff_required
def arrangement_page(reference):
    case, arrangement = _arrangement_or_404(reference)
    return _show(case, arrangement)


@bp.post("/cases/<reference>/arrangement/accept")
@staff_required
def arrangement_accept(reference):
    case, arrangement = _arrangement_or_404(reference)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        arrangements.accept(case, arrangement, current_user)
    except ServiceError as error:
        flash(error.message, "important")
    else:
        flash(
            _("Arrangement agreed. We have told the person and it goes to the revenues system in the next export."),
            "success",
        )
    return redirect(url_for("staff.arrangement_page", reference=case.reference))


@bp.post("/cases/<reference>/arrangement/counter")
@staff_required
def arrangement_counter(reference):
    case, arrangement = _arrangement_or_404(reference)
    form = arrangement_forms.CounterForm()
    if form.validate_on_submit():
        terms = arrangements.Offer(
            parse_pounds(form.amount.data), sums.Frequency(form.frequency.data), form.first_on.data
        )
        try:
            arrangements.counter(case, arrangement, current_user, terms, form.reason.data, cases.london_today())
        except ServiceError as error:
            target = {"amount": form.amount, "first_on": form.first_on}.get(error.field, form.reason)
            target.errors = [*target.errors, error.message]
        else:
            flash(_("Offer sent. We have told the person, who can accept it online."), "success")
            return redirect(url_for("staff.arrangement_page", reference=case.reference))
    return _show(case, arrangement, counter_form=form)
