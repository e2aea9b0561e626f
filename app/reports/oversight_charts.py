"""Charts of the oversight report, drawn by the program with reportlab graphics in the
shipped font (reportlab's default Helvetica is never embedded): incidents by month as bars,
and each group's rate ratio with its 95 % confidence interval as a forest plot on a log scale.

A hidden count (suppressed, domain.md §6) is never drawn: its bar is left out and marked
"*", and a hidden ratio is written as "*", so nothing on a chart can be measured that the
tables do not show.
"""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

from app.models.oversight import CountTable, GroupTable
from app.reports.fonts import BOLD, REGULAR

BAR = colors.HexColor("#4a6fa5")
WHISKER = colors.HexColor("#1f3b63")
AXIS = colors.HexColor("#555555")
GRID = colors.HexColor("#dddddd")
FONT_SIZE = 7.5


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def monthly_bars(table: CountTable, width: float, height: float = 150) -> Drawing:
    """Incidents per month as bars, each labelled with its count ("*" when hidden)."""
    drawing = _drawing(width, height)
    left, bottom, top = 34.0, 28.0, 16.0
    plot_w, plot_h = width - left - 6, height - bottom - top
    drawing.add(String(0, height - 10, "Incidents by month", fontName=BOLD, fontSize=8.5))
    values = [row.incidents.shown if row.incidents is not None else None for row in table.rows]
    peak = _nice_ceiling(max((v for v in values if v is not None), default=0))
    for step in range(5):
        level = peak * step / 4
        y = bottom + plot_h * step / 4
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=GRID, strokeWidth=0.5))
        label = f"{level:,.0f}" if level == int(level) else f"{level:,.1f}"
        drawing.add(
            String(left - 3, y - 2.5, label, fontName=REGULAR, fontSize=FONT_SIZE, textAnchor="end")
        )
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=AXIS, strokeWidth=0.7))
    slot = plot_w / max(len(values), 1)
    label_every = max(1, math.ceil(len(values) / 24))
    for index, (row, value) in enumerate(zip(table.rows, values, strict=True)):
        x = left + slot * index
        centre = x + slot / 2
        if value is None:
            drawing.add(_label(centre, bottom + 2, "*"))
        else:
            bar_h = plot_h * value / peak
            drawing.add(_box(x + slot * 0.15, bottom, slot * 0.7, bar_h, BAR))
            if len(values) <= 24:
                drawing.add(_label(centre, bottom + bar_h + 2, f"{value:,}"))
        if index % label_every == 0:
            month, year = row.label.split()
            drawing.add(_label(centre, bottom - 10, month))
            drawing.add(_label(centre, bottom - 19, year))
    return drawing


def _drawing(width: float, height: float) -> Drawing:
    """A drawing that starts in the shipped font (the graphics' own default, Times-Roman or
    Helvetica, is never embedded)."""
    return Drawing(width, height, initialFontName=REGULAR, initialFontSize=FONT_SIZE)


def _box(x: float, y: float, width: float, height: float, fill: colors.Color) -> Rect:
    box = Rect(x, y, width, height)
    box.fillColor = fill
    box.strokeColor = None
    return box


def _label(x: float, y: float, value: str) -> String:
    return String(x, y, value, fontName=REGULAR, fontSize=FONT_SIZE, textAnchor="middle")


_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


def forest_plot(table: GroupTable, width: float) -> Drawing:
    """Each group's incident rate ratio against the rest, a dot with its 95 % interval as
    whiskers, on a log scale with a line at 1 (no difference). Groups without a ratio say
    why: "*" (hidden) or "not calculable" (a zero count or no bed days)."""
    rows = table.rows
    row_h, top, bottom = 13.0, 16.0, 24.0
    height = top + bottom + row_h * max(len(rows), 1)
    drawing = _drawing(width, height)
    label_w, note_w = 150.0, 150.0
    plot_x, plot_w = label_w, width - label_w - note_w
    title = f"{table.title}: incident rate against the rest (rate ratio, 95 % CI)"
    drawing.add(String(0, height - 10, title, fontName=BOLD, fontSize=8.5))
    ratios = [r.ratio for r in rows if r.ratio is not None]
    low = min([0.5, *(r.lower for r in ratios)])
    high = max([2.0, *(r.upper for r in ratios)])
    low, high = max(low / 1.15, _TICKS[0]), min(high * 1.15, _TICKS[-1])

    def x_of(value: float) -> float:
        value = min(max(value, low), high)
        return plot_x + plot_w * (math.log(value) - math.log(low)) / (
            math.log(high) - math.log(low)
        )

    axis_y = bottom
    drawing.add(Line(plot_x, axis_y, plot_x + plot_w, axis_y, strokeColor=AXIS, strokeWidth=0.7))
    for tick in _TICKS:
        if low <= tick <= high:
            x = x_of(tick)
            drawing.add(Line(x, axis_y, x, height - top, strokeColor=GRID, strokeWidth=0.5))
            drawing.add(_label(x, axis_y - 10, f"{tick:g}"))
    one = x_of(1)
    drawing.add(Line(one, axis_y, one, height - top, strokeColor=AXIS, strokeWidth=0.8))
    drawing.add(_label(one, axis_y - 19, "1 = same rate as the rest"))
    for index, row in enumerate(rows):
        y = height - top - row_h * (index + 0.5)
        drawing.add(String(0, y - 2.5, _short(row.label), fontName=REGULAR, fontSize=FONT_SIZE))
        ratio = row.ratio
        if ratio is None:
            note = "* (hidden)" if row.ratio_hidden else "not calculable"
        else:
            lo, hi = x_of(ratio.lower), x_of(ratio.upper)
            drawing.add(Line(lo, y, hi, y, strokeColor=WHISKER, strokeWidth=1))
            for end in (lo, hi):
                drawing.add(Line(end, y - 3, end, y + 3, strokeColor=WHISKER, strokeWidth=1))
            x = x_of(ratio.ratio)
            drawing.add(_box(x - 2.5, y - 2.5, 5, 5, WHISKER))
            note = f"{ratio.ratio:.2f} ({ratio.lower:.2f} to {ratio.upper:.2f})"
        drawing.add(
            String(plot_x + plot_w + 8, y - 2.5, note, fontName=REGULAR, fontSize=FONT_SIZE)
        )
    return drawing


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
