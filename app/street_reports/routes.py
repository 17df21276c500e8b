from flask import Blueprint, render_template

from app.i18n import current_language
from app.services import street_report_updates, street_reports, tokens
from app.street_reports.forms import FixedCheckForm

bp = Blueprint("street_reports", __name__, template_folder="templates")


@bp.get("/services/report-street-problem")
def choose():
    """What is the problem? Our categories lead to their forms; the county's to its own site."""
    language = current_language()
    found = street_reports.settings()
    return render_template(
        "street_reports/choose.html",
        categories=street_reports.categories(language),
        county=found.county,
        language=language,
    )


@bp.route("/street-reports/is-it-fixed/<token>", methods=["GET", "POST"])
def fixed_check(token):
    """The link in the message sent four weeks after a report was fixed: "no" reopens it."""
    try:
        report = street_report_updates.report_for_fixed_check(token)
    except tokens.TokenExpired:
        return render_template("street_reports/fixed_check_link.html", problem="expired"), 400
    except tokens.TokenInvalid:
        return render_template("street_reports/fixed_check_link.html", problem="invalid"), 400
    form = FixedCheckForm()
    if form.validate_on_submit():
        reopened = street_report_updates.answer_fixed_check(report, form.fixed.data == "yes")
        return render_template(
            "street_reports/fixed_check_done.html", report=report, fixed=form.fixed.data == "yes", reopened=reopened
        )
    return render_template("street_reports/fixed_check.html", report=report, form=form)


# The public pages register on this blueprint too.
from app.street_reports import public_routes  # noqa: E402, F401
