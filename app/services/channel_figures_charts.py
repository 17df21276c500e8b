"""Charts for the channel-shift figures, drawn on the server as SVG: no chart JavaScript.

Each chart is an image with a title and a description (role="img", aria-labelledby), every value
is written beside its bar, and each series has its own pattern as well as its own colour, so nothing
is told by colour alone. The page shows the table of the same figures under each chart. Labels come
in already translated; this module only draws. Styles are SVG attributes, never style attributes,
which the content security policy refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from markupsafe import Markup

WIDTH = 680
LABEL_WIDTH = 150
BAR_HEIGHT = 26
GAP = 12
TEXT = "#0b0c0c"
# Colour and pattern for each series: solid, diagonal stripes, dots, cross-hatch, horizontal lines,
# checks, vertical lines (one for each channel, open311 and councillor included).
SERIES = (
    ("#1d70b8", "solid"),
    ("#00703c", "stripes"),
    ("#6f3d8f", "dots"),
    ("#b04f00", "hatch"),
    ("#505a5f", "lines"),
    ("#0b0c0c", "checks"),
    ("#d4351c", "vertical"),
)


def _attr(value) -> str:
    return escape(str(value), {'"': "&quot;"})


def _patterns(chart_id: str) -> str:
    parts = []
    for index, (colour, kind) in enumerate(SERIES):
        pattern_id = f"{chart_id}-p{index}"
        if kind == "solid":
            body = f'<rect width="8" height="8" fill="{colour}"/>'
        elif kind == "stripes":
            body = (
                f'<rect width="8" height="8" fill="#ffffff"/><path d="M-2,10 L10,-2 M-2,2 L2,-2 M6,10 L10,6" '
                f'stroke="{colour}" stroke-width="3"/>'
            )
        elif kind == "dots":
            body = f'<rect width="8" height="8" fill="#ffffff"/><circle cx="4" cy="4" r="2.4" fill="{colour}"/>'
        elif kind == "hatch":
            body = (
                f'<rect width="8" height="8" fill="#ffffff"/><path d="M0,0 L8,8 M8,0 L0,8" stroke="{colour}" '
                'stroke-width="2"/>'
            )
        elif kind == "checks":
            body = f'<rect width="8" height="8" fill="#ffffff"/><rect width="4" height="4" fill="{colour}"/>' + (
                f'<rect x="4" y="4" width="4" height="4" fill="{colour}"/>'
            )
        elif kind == "vertical":
            body = (
                f'<rect width="8" height="8" fill="#ffffff"/><path d="M2,0 L2,8 M6,0 L6,8" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
        else:
            body = (
                f'<rect width="8" height="8" fill="#ffffff"/><path d="M0,2 L8,2 M0,6 L8,6" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
        parts.append(f'<pattern id="{pattern_id}" width="8" height="8" patternUnits="userSpaceOnUse">{body}</pattern>')
    return "<defs>" + "".join(parts) + "</defs>"


def _fill(chart_id: str, index: int) -> str:
    return f"url(#{chart_id}-p{index % len(SERIES)})"


def _open(chart_id: str, height: int, title: str, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="doorstep-chart" role="img" width="100%" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="Arial, sans-serif" font-size="14">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + _patterns(chart_id)
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # the bar's length, against the chart's largest
    text: str  # what is written beside it ("72.5%", "£1,234.00")


def bars(chart_id: str, title: str, description: str, rows: list[Bar], *, series: int = 0) -> Markup:
    """One horizontal bar per row, its value written at its end."""
    height = GAP + len(rows) * (BAR_HEIGHT + GAP)
    largest = max((abs(row.value) for row in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 110
    parts = [_open(chart_id, height, title, description)]
    for index, row in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = max(0.0, abs(row.value)) / largest * room
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" fill="{TEXT}">{escape(row.label)}</text>'
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{_fill(chart_id, series)}" stroke="{SERIES[series][0]}" stroke-width="1"/>'
        )
        parts.append(f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{middle}" fill="{TEXT}">{escape(row.text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every label and value is escaped above)


def stacked(
    chart_id: str, title: str, description: str, rows: list[tuple[str, list[int]]], series_labels: list[str]
) -> Markup:
    """One 100% bar per row, split between the series; a key of patterns above, and each part's
    share written on it when there is room (all of them are in the table below the chart)."""
    key_rows = (len(series_labels) + 2) // 3
    top = GAP + key_rows * 24 + GAP
    height = top + len(rows) * (BAR_HEIGHT + GAP)
    room = WIDTH - LABEL_WIDTH - 10
    parts = [_open(chart_id, height, title, description)]
    for index, label in enumerate(series_labels):
        x = 10 + (index % 3) * 220
        y = GAP + (index // 3) * 24
        parts.append(
            f'<rect x="{x}" y="{y}" width="18" height="18" fill="{_fill(chart_id, index)}" '
            f'stroke="{SERIES[index % len(SERIES)][0]}" stroke-width="1"/>'
            f'<text x="{x + 24}" y="{y + 14}" fill="{TEXT}">{escape(label)}</text>'
        )
    for row_index, (label, values) in enumerate(rows):
        y = top + row_index * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" fill="{TEXT}">{escape(label)}</text>')
        total = sum(values)
        x = float(LABEL_WIDTH)
        for index, value in enumerate(values):
            if not total or not value:
                continue
            width = value / total * room
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{_fill(chart_id, index)}" '
                f'stroke="{SERIES[index % len(SERIES)][0]}" stroke-width="1"/>'
            )
            if width >= 48:
                share = f"{round(100 * value / total)}%"
                parts.append(
                    f'<rect x="{x + width / 2 - 19:.1f}" y="{y + 4}" width="38" height="18" rx="3" fill="#ffffff"/>'
                    f'<text x="{x + width / 2:.1f}" y="{middle}" text-anchor="middle" fill="{TEXT}">{share}</text>'
                )
            x += width
        if not total:
            parts.append(f'<text x="{LABEL_WIDTH}" y="{middle}" fill="{TEXT}">0</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every label and value is escaped above)
