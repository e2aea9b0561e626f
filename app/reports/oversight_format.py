"""How the oversight report writes its figures: counts, rates, rate ratios and durations, with
"*" for a hidden figure (domain.md §6; issue 8: counts under 5) and "–" where there is none.
Shared by every section of the report (:mod:`app.reports.oversight`,
:mod:`app.reports.oversight_restrictions`)."""

from __future__ import annotations

from datetime import timedelta

from reportlab.lib.units import mm

from app.models.oversight_rules import Cell, RateRatio
from app.reports.parts import hours_minutes

HIDDEN = "*"
NO_RATE = "–"
#: Width of the body of a landscape A4 page between the margins.
WIDTH = 261 * mm


def count(cell: Cell | None) -> str:
    """A count with thousands separators; "*" when hidden."""
    if cell is None:
        return ""
    return HIDDEN if cell.hidden else f"{cell.value:,}"


def rate(value: float | None, source: Cell | None) -> str:
    """A rate per 1,000 occupied bed days to one decimal place; "*" when its count is hidden,
    "–" when there were no bed days."""
    if source is not None and source.hidden:
        return HIDDEN
    return NO_RATE if value is None else f"{value:,.1f}"


def ratio_text(ratio: RateRatio | None, *, hidden: bool) -> str:
    """A ratio as "1.37 (1.07 to 1.77)"; "*" when hidden; "not calculable" without one."""
    if hidden:
        return HIDDEN
    if ratio is None:
        return "not calculable"
    return f"{ratio.ratio:.2f} ({ratio.lower:.2f} to {ratio.upper:.2f})"


def duration(value: timedelta | None, *, hidden: bool = False) -> str:
    """A duration as "5 h 08 min" or "16 min"; "*" when hidden; "–" when there is none."""
    if hidden:
        return HIDDEN
    return NO_RATE if value is None else hours_minutes(value, rounded=True)
