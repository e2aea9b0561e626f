"""The pictures beside the easy-read copy's headings, drawn by the program with reportlab's
vector graphics (no image files, nothing to licence): a person, a question mark, a speech
bubble, the scales of rights, a phone; for long-term segregation, a person in a room of their
own, a tick on a sheet and an arrow going out of an open door. Simple, bold shapes in one calm
colour on a light disc, so they print clearly in black and white too. Any lettering uses the
embedded font (reportlab's default, Helvetica, is never embedded)."""

from __future__ import annotations

from typing import TypeVar

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, SolidShape, String
from reportlab.lib import colors
from reportlab.lib.colors import Color

from app.reports.fonts import BOLD, REGULAR, register_fonts
from app.reports.patient_copy_wording import Pictogram

#: Side of every pictogram, in points (about 20 mm).
SIZE = 56.0
INK = colors.HexColor("#1f4e79")
DISC = colors.HexColor("#dce9f5")
WHITE = colors.white
S = TypeVar("S", bound=SolidShape)


def _solid(shape: S, colour: Color) -> S:
    """``shape`` filled with ``colour``, without an outline."""
    shape.fillColor = colour
    shape.strokeColor = None
    return shape


def _outline(shape: S, width: float) -> S:
    """``shape`` drawn as an outline ``width`` points wide, with nothing inside."""
    shape.fillColor = None
    shape.strokeColor = INK
    shape.strokeWidth = width
    return shape


def _canvas() -> Drawing:
    # The renderer starts every drawing in Times-Roman (and a PDF lists every font it sets,
    # drawn with or not); start it in the embedded face instead.
    drawing = Drawing(SIZE, SIZE, initialFontName=REGULAR)
    drawing.add(_solid(Circle(SIZE / 2, SIZE / 2, SIZE / 2), DISC))
    return drawing


def _person(d: Drawing) -> None:
    d.add(_solid(Circle(28, 38, 8), INK))
    # Shoulders and body: a rounded block under the head.
    d.add(_solid(Rect(15, 10, 26, 20, rx=9, ry=9), INK))


def _question(d: Drawing) -> None:
    d.add(_solid(Circle(28, 28, 19), INK))
    d.add(String(28, 15, "?", fontName=BOLD, fontSize=34, fillColor=WHITE, textAnchor="middle"))


def _speech(d: Drawing) -> None:
    d.add(_solid(Rect(9, 20, 38, 24, rx=8, ry=8), INK))
    d.add(_solid(Polygon([16, 22, 26, 22, 14, 10]), INK))
    for x in (19, 28, 37):
        d.add(_solid(Circle(x, 32, 3), WHITE))


def _scales(d: Drawing) -> None:
    d.add(Line(28, 12, 28, 44, strokeColor=INK, strokeWidth=3))
    d.add(_solid(Rect(18, 9, 20, 4), INK))
    d.add(Line(12, 42, 44, 42, strokeColor=INK, strokeWidth=3))
    d.add(_solid(Circle(28, 45, 3), INK))
    for x in (12, 44):
        d.add(Line(x, 42, x - 6, 28, strokeColor=INK, strokeWidth=1.2))
        d.add(Line(x, 42, x + 6, 28, strokeColor=INK, strokeWidth=1.2))
        # Each pan: a shallow bowl under its strings.
        d.add(_solid(Polygon([x - 8, 28, x + 8, 28, x + 4, 23, x - 4, 23]), INK))


def _phone(d: Drawing) -> None:
    d.add(_solid(Rect(18, 8, 20, 40, rx=4, ry=4), INK))
    d.add(_solid(Rect(21, 16, 14, 26), WHITE))
    d.add(_solid(Circle(28, 12, 2), WHITE))


def _room(d: Drawing) -> None:
    # The walls of a room, and a person standing inside it, on their own.
    d.add(_outline(Rect(11, 10, 34, 34), 3))
    d.add(_solid(Circle(28, 33, 5), INK))
    d.add(_solid(Rect(21, 13, 14, 14, rx=5, ry=5), INK))


def _tick(d: Drawing) -> None:
    # A sheet of paper with a bold tick on it.
    d.add(_solid(Rect(15, 8, 26, 38, rx=2, ry=2), INK))
    d.add(_solid(Rect(18, 11, 20, 32), WHITE))
    d.add(Line(21, 27, 26, 20, strokeColor=INK, strokeWidth=3.5, strokeLineCap=1))
    d.add(Line(26, 20, 35, 35, strokeColor=INK, strokeWidth=3.5, strokeLineCap=1))


def _way_out(d: Drawing) -> None:
    # An open door, and a bold arrow going out through it.
    d.add(_outline(Rect(12, 9, 20, 36), 3))
    d.add(_solid(Polygon([12, 9, 20, 14, 20, 41, 12, 45]), INK))
    d.add(Line(22, 27, 40, 27, strokeColor=INK, strokeWidth=5))
    d.add(_solid(Polygon([38, 35, 49, 27, 38, 19]), INK))


_DRAW = {
    Pictogram.PERSON: _person,
    Pictogram.QUESTION: _question,
    Pictogram.SPEECH: _speech,
    Pictogram.SCALES: _scales,
    Pictogram.PHONE: _phone,
    Pictogram.ROOM: _room,
    Pictogram.TICK: _tick,
    Pictogram.WAY_OUT: _way_out,
}


def pictogram(kind: Pictogram) -> Drawing:
    """The drawing of ``kind``, :data:`SIZE` points square (a flowable)."""
    register_fonts()
    drawing = _canvas()
    _DRAW[kind](drawing)
    return drawing
