"""A timeline chart, drawn by the program with reportlab graphics: one lane per duty (an
observation, a kind of review), each duty done marked against when it was due (issue 8 item
1, the seclusion record). It draws what it is given and decides nothing about when anything
is due: the caller passes due and done instants worked out by the models' clocks.

How it reads on paper (also printed as the :func:`legend`):
- a grey down-pointing triangle on the lane: when a duty fell due;
- a filled circle: when it was done — green when done by the due time, red when late, with
  a red line back to when it was due (a dotted grey line on to the due time when early);
- a red cross: a duty that fell due and was not done (missed, or overdue now);
- dashed vertical lines: the end of the episode, or "now" for one still running.

A long period is cut into panels of at most :data:`PANEL` each, drawn at the same scale, so
15-minute observations stay apart on paper. Every string uses the embedded font (reportlab
graphics default to Helvetica, which is never embedded).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from app.models.clock import as_utc, to_local
from app.reports.fonts import BOLD, REGULAR
from app.reports.parts import SMALL

#: The longest span one panel of the chart covers.
PANEL = timedelta(hours=12)
ON_TIME = colors.HexColor("#2e7d32")
LATE = colors.HexColor("#c62828")
DUE = colors.HexColor("#666666")
GRID = colors.HexColor("#d0d0d0")
LANE_FILL = colors.HexColor("#f4f4f4")

_LANE_HEIGHT = 9 * mm
_LABEL_WIDTH = 34 * mm
_AXIS_HEIGHT = 9 * mm
_TOP = 3 * mm
_MARK = 1.5 * mm
_TICK_STEPS = (
    (timedelta(hours=3), timedelta(minutes=15)),
    (timedelta(hours=6), timedelta(minutes=30)),
    (timedelta(hours=12), timedelta(hours=1)),
)


@dataclass(frozen=True, slots=True)
class Mark:
    """One duty on a lane: when it fell due (``None``: no due time, e.g. done before it was
    needed) and when it was done (``None``: not done). ``pending``: due later than the
    moment of printing, so not (yet) missed."""

    due: datetime | None
    done: datetime | None
    pending: bool = False

    @property
    def late(self) -> bool:
        """Done after it fell due."""
        return self.due is not None and self.done is not None and self.done > self.due

    @property
    def missed(self) -> bool:
        """Fell due and was not done."""
        return self.done is None and not self.pending


@dataclass(frozen=True, slots=True)
class Lane:
    """One row of the chart."""

    label: str
    marks: tuple[Mark, ...]


@dataclass(frozen=True, slots=True)
class _Scale:
    start: datetime
    end: datetime
    left: float
    per_second: float

    def x(self, instant: datetime) -> float:
        return self.left + (as_utc(instant) - self.start).total_seconds() * self.per_second

    def holds(self, instant: datetime | None) -> bool:
        return instant is not None and self.start <= as_utc(instant) <= self.end


def timeline_chart(
    lanes: Sequence[Lane],
    start: datetime,
    end: datetime,
    *,
    ended: datetime | None = None,
    now: datetime | None = None,
    width: float = 174 * mm,
) -> list[Flowable]:
    """The chart from ``start`` to ``end``: one drawing per panel (see the module
    docstring). ``ended`` marks the end of the episode, ``now`` the moment of printing for an
    episode still running."""
    start, end = as_utc(start), as_utc(end)
    end = max(end, start + timedelta(minutes=15))
    span = min(end - start, PANEL)
    per_second = (width - _LABEL_WIDTH - 2 * mm) / span.total_seconds()
    drawings: list[Flowable] = []
    panel_start = start
    while panel_start < end:
        panel_end = min(panel_start + PANEL, end)
        scale = _Scale(panel_start, panel_end, _LABEL_WIDTH, per_second)
        drawings.append(_panel(lanes, scale, width, ended=ended, now=now, step=_step(span)))
        panel_start = panel_end
    return drawings


def legend() -> Paragraph:
    """What the chart's marks mean, in the embedded font."""
    return Paragraph(
        '<font color="#666666">\u25bd</font> fell due &nbsp; '
        '<font color="#2e7d32">\u25cf</font> done on time &nbsp; '
        '<font color="#c62828">\u25cf</font> done late (the red line goes back to when it was '
        "due; a dotted grey line leads on to the due time of one done early) &nbsp; "
        '<font color="#c62828">\u2715</font> missed or overdue &nbsp; '
        "dashed upright line: the end of the episode, or now",
        SMALL,
    )


def _step(span: timedelta) -> timedelta:
    return next((step for longest, step in _TICK_STEPS if span <= longest), timedelta(hours=1))


def _panel(
    lanes: Sequence[Lane],
    scale: _Scale,
    width: float,
    *,
    ended: datetime | None,
    now: datetime | None,
    step: timedelta,
) -> Drawing:
    height = _TOP + len(lanes) * _LANE_HEIGHT + _AXIS_HEIGHT
    # The drawing's own starting font, or reportlab starts it in Times-Roman (never embedded).
    drawing = Drawing(width, height, initialFontName=REGULAR)
    right = scale.x(scale.end)
    base = _AXIS_HEIGHT
    for index, lane in enumerate(lanes):
        y = base + (len(lanes) - index - 1) * _LANE_HEIGHT
        if index % 2 == 0:
            band = Rect(scale.left, y, right - scale.left, _LANE_HEIGHT)
            band.fillColor, band.strokeColor = LANE_FILL, None
            drawing.add(band)
        drawing.add(String(0, y + _LANE_HEIGHT / 2 - 2.5, lane.label, fontName=REGULAR, fontSize=7))
    top = base + len(lanes) * _LANE_HEIGHT
    _axis(drawing, scale, base, top, step)
    for moment in (ended, now):
        if moment is not None and scale.holds(moment):
            x = scale.x(moment)
            drawing.add(
                Line(
                    x,
                    base,
                    x,
                    top,
                    strokeColor=colors.black,
                    strokeWidth=0.6,
                    strokeDashArray=[2, 2],
                )
            )
    for index, lane in enumerate(lanes):
        middle = base + (len(lanes) - index - 1) * _LANE_HEIGHT + _LANE_HEIGHT / 2
        for mark in lane.marks:
            _draw_mark(drawing, scale, mark, middle)
    return drawing


def _axis(drawing: Drawing, scale: _Scale, base: float, top: float, step: timedelta) -> None:
    drawing.add(
        Line(scale.left, base, scale.x(scale.end), base, strokeColor=colors.black, strokeWidth=0.5)
    )
    local_start = to_local(scale.start)
    # The first tick on a whole step of the ward clock at or after the panel's start.
    minutes = int(step.total_seconds() // 60)
    past = (local_start.hour * 60 + local_start.minute) % minutes
    tick = scale.start - timedelta(
        minutes=past, seconds=local_start.second, microseconds=local_start.microsecond
    )
    if tick < scale.start:
        tick += step
    last_day = None
    while tick <= scale.end:
        x = scale.x(tick)
        drawing.add(Line(x, base, x, top, strokeColor=GRID, strokeWidth=0.3))
        drawing.add(Line(x, base - 1.2 * mm, x, base, strokeColor=colors.black, strokeWidth=0.5))
        local = to_local(tick)
        drawing.add(
            String(
                x,
                base - 4 * mm,
                local.strftime("%H:%M"),
                fontName=REGULAR,
                fontSize=6,
                textAnchor="middle",
            )
        )
        if local.date() != last_day:
            drawing.add(
                String(
                    x,
                    base - 7.5 * mm,
                    local.strftime("%a %d %b"),
                    fontName=BOLD,
                    fontSize=6,
                    textAnchor="middle",
                )
            )
            last_day = local.date()
        tick += step


def _draw_mark(drawing: Drawing, scale: _Scale, mark: Mark, y: float) -> None:
    due, done = mark.due, mark.done
    if due is not None and done is not None:
        # Late: a red line back to when it was due; early: a thin grey one on to it.
        first, last = sorted((as_utc(due), as_utc(done)))
        x0, x1 = scale.x(max(first, scale.start)), scale.x(min(last, scale.end))
        if x1 > x0 and mark.late:
            drawing.add(Line(x0, y, x1, y, strokeColor=LATE, strokeWidth=1.2))
        elif x1 > x0:
            drawing.add(
                Line(x0, y, x1, y, strokeColor=DUE, strokeWidth=0.4, strokeDashArray=[1, 1.5])
            )
    if scale.holds(due) and due is not None:
        x = scale.x(due)
        triangle = [x - _MARK, y + _MARK * 1.6, x + _MARK, y + _MARK * 1.6, x, y + _MARK * 0.2]
        drawing.add(Polygon(triangle, fillColor=colors.white, strokeColor=DUE, strokeWidth=0.6))
    if done is None:
        if mark.missed and scale.holds(due) and due is not None:
            x = scale.x(due)
            drawing.add(
                Line(x - _MARK, y - _MARK, x + _MARK, y + _MARK, strokeColor=LATE, strokeWidth=1.2)
            )
            drawing.add(
                Line(x - _MARK, y + _MARK, x + _MARK, y - _MARK, strokeColor=LATE, strokeWidth=1.2)
            )
        return
    if scale.holds(done):
        colour = LATE if mark.late else ON_TIME
        drawing.add(
            Circle(
                scale.x(done), y, _MARK, fillColor=colour, strokeColor=colors.white, strokeWidth=0.3
            )
        )
