from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField
from wtforms.validators import Length

from app.forms_common import BaseForm, NoControlCharacters, strip
from app.security import staff_required
from app.services import accounts, people

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")


class ResidentSearchForm(BaseForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(
        _l("Name, email address or postcode"),
        validators=[
            NoControlCharacters(_l("Remove any special characters, like tabs or line breaks")),
            Length(max=100, message=_l("Search must be 100 characters or fewer")),
        ],
        filters=[strip],
        widget=GovTextInput(),
    )


def page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) < 7 else 1


@bp.get("/")
@staff_required
def dashboard():
    form = ResidentSearchForm(request.args)
    results = None
    if request.args.get("q") is not None and form.validate():
        results = people.search(form.q.data or "", page=page_number())
    return render_template("staff/dashboard.html", form=form, results=results)


@bp.get("/residents/<int:user_id>")
@staff_required
def resident(user_id):
    person = people.get_active(user_id)
    if person is None:
        abort(404)
    return render_template("staff/resident.html", person=person, phone=accounts.display_phone(person.phone))


# The case pages register on this blueprint too.
from app.staff import (  # noqa: E402, F401
    arrangement_routes,
    assisted_routes,
    case_routes,
    collection_routes,
    council_tax_routes,
    figures_routes,
    street_report_routes,
)
