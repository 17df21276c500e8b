"""The council's channel-shift figures, for managers and admins: a page of charts and tables filtered
by a GET form (works without JavaScript), and each table as a CSV download."""

from datetime import date

import sqlalchemy as sa
from flask import Response, abort, current_app, render_template, request
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation

from app import forms_engine
from app.extensions import db
from app.forms_common import BaseForm, GovSelectField
from app.i18n import current_language
from app.models import Place
from app.security import figures_required
from app.services import case_work, cases, channel_figures
from app.services.council_tax import paperless
from app.services.council_tax import settings as council_tax_settings
from app.staff import figures_tables
from app.staff.routes import bp


class FiguresFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    service = GovSelectField(_l("Service"), choices=[], choice_message=_l("Select a service from the list"))
    ward = GovSelectField(_l("Ward"), choices=[], choice_message=_l("Select a ward from the list"))
    place = GovSelectField(_l("Place"), choices=[], choice_message=_l("Select a place from the list"))
    first = GovSelectField(_l("From"), choices=[], choice_message=_l("Select the first month from the list"))
    last = GovSelectField(_l("To"), choices=[], choice_message=_l("Select the last month from the list"))

    def validate_last(self, field):
        if self.first.data and field.data and field.data < self.first.data:
            raise StopValidation(_l("The last month must be the same as or after the first month"))


def _filter_form(today: date) -> FiguresFilterForm:
    language = current_language()
    defaults = channel_figures.last_twelve_months(today)
    months = channel_figures.months_between(
        channel_figures.add_months(defaults.last_month, -(channel_figures.MAX_MONTHS - 1)), defaults.last_month
    )
    month_choices = [(month.isoformat()[:7], format_date(month, "MMMM yyyy")) for month in reversed(months)]
    # An absent filter is "all"; a present one must be one of the choices.
    args = {key: value for key, value in request.args.items() if key in {"service", "ward", "place", "first", "last"}}
    for key in ("service", "ward", "place"):
        args.setdefault(key, "")
    args.setdefault("first", defaults.first_month.isoformat()[:7])
    args.setdefault("last", defaults.last_month.isoformat()[:7])
    form = FiguresFilterForm(formdata=_MultiDict(args))
    form.service.choices = [("", _l("All services"))] + sorted(
        ((definition.id, definition.title.get(language)) for definition in forms_engine.definitions().values()),
        key=lambda choice: choice[1],
    )
    form.ward.choices = [("", _l("All wards"))] + [(ward, ward) for ward in case_work.wards_in_use()]
    places = db.session.scalars(sa.select(Place).order_by(Place.name))
    form.place.choices = [("", _l("All places"))] + [(str(place.id), place.display_name(language)) for place in places]
    form.first.choices = month_choices
    form.last.choices = month_choices
    return form


class _MultiDict(dict):
    """What WTForms reads form data from: getlist of one value."""

    def getlist(self, key):
        return [self[key]] if key in self else []


def _chosen_filters(form: FiguresFilterForm) -> channel_figures.Filters:
    return channel_figures.Filters(
        first_month=date.fromisoformat(form.first.data + "-01"),
        last_month=date.fromisoformat(form.last.data + "-01"),
        service=form.service.data or None,
        ward=form.ward.data or None,
        place_id=int(form.place.data) if form.place.data else None,
    )


def _tables(form: FiguresFilterForm, today: date):
    unit_costs = current_app.config["UNIT_COSTS_PENCE"]
    figures = channel_figures.figures(
        _chosen_filters(form),
        unit_costs=unit_costs,
        today=today,
        paper_bills_per_year=paperless.paper_bills_per_year(council_tax_settings.current()),
    )
    language = current_language()
    names = {definition.id: definition.title.get(language) for definition in forms_engine.definitions().values()}
    return figures, figures_tables.tables(figures, service_names=names, unit_costs=unit_costs)


@bp.get("/figures")
@figures_required
def figures():
    today = cases.london_today()
    form = _filter_form(today)
    found, tables = (None, [])
    if form.validate():
        found, tables = _tables(form, today)
    query = {key: value for key, value in request.args.items() if key in form.data}
    return render_template(
        "staff/figures.html",
        form=form,
        figures=found,
        tables=tables,
        query=query,
        unit_costs=current_app.config["UNIT_COSTS_PENCE"],
    )


@bp.get("/figures/download")
@figures_required
def figures_csv():
    today = cases.london_today()
    form = _filter_form(today)
    wanted = request.args.get("table", "")
    if wanted not in figures_tables.TABLE_IDS or not form.validate():
        abort(404)
    _figures, tables = _tables(form, today)
    table = next(table for table in tables if table.id == wanted)
    filename = f"channel-figures-{wanted}-{form.first.data}-to-{form.last.data}.csv"
    return Response(
        figures_tables.as_csv(table),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
