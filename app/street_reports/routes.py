from flask import Blueprint, render_template

from app.i18n import current_language
from app.services import street_reports

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
