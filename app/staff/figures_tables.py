"""The channel-shift figures as the page shows them: for each measure a table (also its CSV) and the
chart of the same figures, with translated labels. The numbers come from app/services/channel_figures."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.money import pounds
from app.services import channel_figures, channel_figures_charts
from app.services.channel_figures import CONTACT_CHANNELS, RATINGS, TRANSACTION_CHANNELS, Figures, percent
from app.services.channel_figures_charts import Bar

TRANSACTION_LABELS = {
    "online": _l("Online"),
    "kiosk": _l("Online from a kiosk"),
    "assisted": _l("Assisted by a volunteer"),
    "telephone": _l("Telephone"),
    "face_to_face": _l("Face to face"),
    "open311": _l("Open311 (another system)"),
    "councillor": _l("Ward councillor, for a resident"),
}
CONTACT_LABELS = {
    "telephone": _l("Phone call"),
    "face_to_face": _l("Visit (face to face)"),
    "letter": _l("Letter"),
    "email": _l("Email"),
}
RATING_LABELS = {
    "very_satisfied": _l("Very satisfied"),
    "satisfied": _l("Satisfied"),
    "neither": _l("Neither satisfied nor dissatisfied"),
    "dissatisfied": _l("Dissatisfied"),
    "very_dissatisfied": _l("Very dissatisfied"),
}
TABLE_IDS = ("shares", "services", "satisfaction", "contacts", "standards", "formats", "costs")


@dataclass
class Table:
    id: str
    heading: str
    caption: str
    headers: list[str]
    rows: list[list[str]]
    chart: Markup | None = None
    notes: list[str] = field(default_factory=list)


def _share(part: int, whole: int) -> str:
    value = percent(part, whole)
    return "-" if value is None else f"{value}%"


def _month(month) -> str:
    return format_date(month, "MMM yyyy")


def _shares(figures: Figures) -> Table:
    channels = [str(TRANSACTION_LABELS[key]) for key in TRANSACTION_CHANNELS]
    rows, chart_rows = [], []
    for month, counts in zip(figures.months, figures.transactions, strict=True):
        total = sum(counts.values())
        values = [counts[key] for key in TRANSACTION_CHANNELS]
        rows.append([_month(month), str(total)] + [f"{value} ({_share(value, total)})" for value in values])
        chart_rows.append((_month(month), values))
    totals = figures.channel_totals()
    whole = sum(totals.values())
    rows.append(
        [_("All months"), str(whole)]
        + [f"{totals[key]} ({_share(totals[key], whole)})" for key in TRANSACTION_CHANNELS]
    )
    title = _("Share of requests by channel, each month")
    return Table(
        id="shares",
        heading=_("Requests by channel"),
        caption=title,
        headers=[_("Month"), _("Requests")] + channels,
        rows=rows,
        chart=channel_figures_charts.stacked(
            "chart-shares",
            title,
            _("Each month's bar is split by the share of requests made in each channel; the table gives every figure."),
            chart_rows,
            channels,
        ),
    )


def _services(figures: Figures, service_names: dict[str, str]) -> Table:
    rows = []
    for service_id, counts in figures.by_service.items():
        total = sum(counts.values())
        rows.append(
            [service_names.get(service_id, service_id), str(total)]
            + [f"{counts[key]} ({_share(counts[key], total)})" for key in TRANSACTION_CHANNELS]
        )
    return Table(
        id="services",
        heading=_("Requests by service"),
        caption=_("Requests for each service by channel, in the period"),
        headers=[_("Service"), _("Requests")] + [str(TRANSACTION_LABELS[key]) for key in TRANSACTION_CHANNELS],
        rows=rows,
    )


def _satisfaction(figures: Figures) -> Table:
    rows, bars = [], []
    for key, ratings in figures.satisfaction.items():
        total = sum(ratings.values())
        satisfied = channel_figures.satisfied_share(ratings)
        satisfied_count = sum(ratings[rating] for rating in channel_figures.SATISFIED)
        rows.append(
            [str(TRANSACTION_LABELS[key]), str(total), _share(satisfied_count, total)]
            + [str(ratings[rating]) for rating in RATINGS]
        )
        bars.append(
            Bar(str(TRANSACTION_LABELS[key]), satisfied or 0, f"{satisfied}%" if satisfied is not None else "-")
        )
    title = _("Satisfied or very satisfied, by channel")
    return Table(
        id="satisfaction",
        heading=_("Satisfaction by channel"),
        caption=_("Answers to the satisfaction question by channel, in the period"),
        headers=[_("Channel"), _("Answers"), _("Satisfied or very satisfied")]
        + [str(RATING_LABELS[r]) for r in RATINGS],
        rows=rows,
        chart=channel_figures_charts.bars(
            "chart-satisfaction",
            title,
            _("The share of answers that were satisfied or very satisfied, for each channel."),
            bars,
            series=1,
        )
        if bars
        else None,
    )


def _contacts(figures: Figures) -> Table:
    rows, bars = [], []
    for month, counts, avoidable in zip(figures.months, figures.contacts, figures.avoidable, strict=True):
        total = sum(counts.values())
        rows.append(
            [_month(month), str(total)]
            + [str(counts[key]) for key in CONTACT_CHANNELS]
            + [str(avoidable), _share(avoidable, total)]
        )
        bars.append(Bar(_month(month), avoidable, _("%(avoidable)s of %(total)s", avoidable=avoidable, total=total)))
    title = _("Avoidable contacts each month")
    return Table(
        id="contacts",
        heading=_("Avoidable contact"),
        caption=_("Contacts about existing requests, each month"),
        headers=[_("Month"), _("Contacts")]
        + [str(CONTACT_LABELS[key]) for key in CONTACT_CHANNELS]
        + [_("Avoidable"), _("Share avoidable")],
        rows=rows,
        chart=channel_figures_charts.bars(
            "chart-contacts",
            title,
            _("Each month's contacts that chased a request still within its service standard, of all contacts."),
            bars,
            series=3,
        ),
        notes=[_("A contact is avoidable when it chased a request that was not closed and not yet past its due date.")],
    )


def _standards(figures: Figures) -> Table:
    rows, bars = [], []
    for month, (answered, on_time) in zip(figures.months, figures.standards, strict=True):
        share = percent(on_time, answered)
        rows.append([_month(month), str(answered), str(on_time), _share(on_time, answered)])
        bars.append(Bar(_month(month), share or 0, f"{share}%" if share is not None else "-"))
    return Table(
        id="standards",
        heading=_("Service standards met"),
        caption=_("Requests answered each month, and how many by their due date"),
        headers=[_("Month"), _("Requests answered"), _("Answered by the due date"), _("Share met")],
        rows=rows,
        chart=channel_figures_charts.bars(
            "chart-standards",
            _("Share of requests answered by their due date"),
            _("Each month's share of the requests answered that month that were answered by their due date."),
            bars,
            series=2,
        ),
        notes=[
            ngettext(
                "%(num)s request is not answered and past its due date today.",
                "%(num)s requests are not answered and past their due date today.",
                figures.open_past_due,
            )
        ],
    )


def _formats(figures: Figures) -> Table:
    return Table(
        id="formats",
        heading=_("Post"),
        caption=_("Requests for letters in an alternative format, and letters sent, each month"),
        headers=[_("Month"), _("Requests for an alternative format"), _("Letters sent"), _("Cost of letters sent")],
        rows=[
            [_month(month), str(formats), str(letters), pounds(letters * figures.letter_unit_cost)]
            for month, formats, letters in zip(
                figures.months, figures.alternative_formats, figures.letters_sent, strict=True
            )
        ]
        + [
            [
                _("Total"),
                str(sum(figures.alternative_formats)),
                str(sum(figures.letters_sent)),
                pounds(figures.letters_cost),
            ]
        ],
        notes=[
            _post_avoided(figures),
            _(
                "Letters sent are the letters Doorstep queued (confirmations by post), at the outgoing letter's "
                "unit cost. They are not in the cost by channel below."
            ),
        ],
    )


def _post_avoided(figures: Figures) -> str:
    if figures.post_avoided is None:
        return _(
            "Post avoided by paperless choices is counted for the whole council: choose no service, ward or place."
        )
    return _(
        "Post avoided by paperless choices: council tax accounts with paperless bills now, %(accounts)s; paper "
        "bills a year for each, %(bills)s; letters avoided a year, %(letters)s (%(cost)s at the outgoing letter's "
        "unit cost).",
        accounts=figures.paperless_accounts,
        bills=figures.paper_bills_per_year,
        letters=figures.post_avoided,
        cost=pounds(figures.post_avoided * figures.letter_unit_cost),
    )


def _costs(figures: Figures, unit_costs: dict[str, int]) -> Table:
    rows, bars = [], []
    for key, costs in figures.transaction_costs.items():
        unit = unit_costs[channel_figures.TRANSACTION_UNIT[key]]
        label = _("Request: %(channel)s", channel=TRANSACTION_LABELS[key])
        rows.append(
            [label, str(costs.count), pounds(unit), pounds(costs.cost), pounds(costs.by_phone), pounds(costs.saving)]
        )
        bars.append(Bar(str(TRANSACTION_LABELS[key]), costs.cost, pounds(costs.cost)))
    for key, costs in figures.contact_costs.items():
        unit = unit_costs[channel_figures.CONTACT_UNIT[key]]
        label = _("Contact: %(channel)s", channel=CONTACT_LABELS[key])
        rows.append(
            [label, str(costs.count), pounds(unit), pounds(costs.cost), pounds(costs.by_phone), pounds(costs.saving)]
        )
    total = figures.total_cost()
    rows.append([_("Total"), str(total.count), "", pounds(total.cost), pounds(total.by_phone), pounds(total.saving)])
    return Table(
        id="costs",
        heading=_("Cost by channel"),
        caption=_("What requests and contacts cost, and the saving against the same work done by phone"),
        headers=[
            _("Channel"),
            _("Number"),
            _("Unit cost"),
            _("Cost"),
            _("Cost if done by phone"),
            _("Saving against phone"),
        ],
        rows=rows,
        chart=channel_figures_charts.bars(
            "chart-costs",
            _("Cost of requests by channel"),
            _("What the requests in each channel cost, from the unit costs in the settings."),
            bars,
            series=4,
        ),
        notes=[
            _("A volunteer's help and a kiosk cost what a web transaction does; an email costs the web unit cost."),
        ],
    )


def tables(figures: Figures, *, service_names: dict[str, str], unit_costs: dict[str, int]) -> list[Table]:
    return [
        _shares(figures),
        _services(figures, service_names),
        _satisfaction(figures),
        _contacts(figures),
        _standards(figures),
        _formats(figures),
        _costs(figures, unit_costs),
    ]


NUMBER = re.compile(r"-?£?[\d,.]+%?")


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (a ward or service named "=SUM(...)", say)."""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r") and value != "-" and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe_cell(str(header)) for header in table.headers])
    for row in table.rows:
        writer.writerow([_safe_cell(str(cell)) for cell in row])
    return out.getvalue()
