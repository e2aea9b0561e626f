"""The house style every RPR PDF shares (issue 8 item 7), and the one way a PDF is rendered.

- A4 portrait (landscape for a report that asks), margins that leave room to punch and file.
- Header on every page: the trust, the ward and the document's title.
- Footer on every page: "OFFICIAL-SENSITIVE: PERSONAL" (the government security marking for
  personal data), "Page X of Y", and who printed it and when (UK local time).
- DejaVu Sans (assets/fonts, with its licence), embedded as a subset: the PDF reads the same on
  any machine and prints every character a name may hold.
- Title, author (who printed it), subject and creator set in the document information.

:func:`render` returns the PDF as bytes and writes nothing: the caller (the command line, the
window) writes it to the one file the user chose, so no plaintext copy lands anywhere else, and
records the print or export in the store's audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import TYPE_CHECKING, Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from app.models.clock import format_local
from app.reports.fonts import BOLD, REGULAR, register_fonts

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reportlab.platypus import Flowable

#: The security marking on every page of every document that holds personal data.
MARKING = "OFFICIAL-SENSITIVE: PERSONAL"
CREATOR = "RPR, the Restrictive Practice Recorder"
MARGIN = 18 * mm
HEADER_HEIGHT = 14 * mm
FOOTER_HEIGHT = 12 * mm


@dataclass(frozen=True, slots=True)
class Heading:
    """What the header and footer of every page say, and the document information."""

    title: str
    trust_name: str
    ward_name: str
    printed_by: str
    printed_at: datetime
    #: One line under the title in the header (e.g. the patient and the period), optional.
    subject: str = ""
    #: The security marking in the footer: every document about patients is personal data.
    marking: str = MARKING


class _NumberedCanvas(Canvas):
    """A canvas that knows the page count when it draws the footers ("Page X of Y"): each
    page is kept until the document ends, then every page is stamped and written."""

    heading: Heading

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # reportlab's own, not in its stubs

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            _stamp(self, self.heading, total)
            super().showPage()
        super().save()


def _stamp(canvas: Canvas, heading: Heading, total: int) -> None:
    width, height = canvas._pagesize  # type: ignore[attr-defined]
    top = height - MARGIN + 4 * mm
    canvas.saveState()
    canvas.setFont(BOLD, 10)
    canvas.drawString(MARGIN, top, heading.title)
    canvas.setFont(REGULAR, 8)
    canvas.drawRightString(width - MARGIN, top, heading.trust_name)
    canvas.drawRightString(width - MARGIN, top - 10, heading.ward_name)
    if heading.subject:
        canvas.drawString(MARGIN, top - 10, heading.subject)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, top - 14, width - MARGIN, top - 14)
    bottom = MARGIN - 4 * mm
    canvas.line(MARGIN, bottom + 10, width - MARGIN, bottom + 10)
    canvas.setFont(BOLD, 8)
    canvas.drawString(MARGIN, bottom, heading.marking)
    canvas.drawRightString(width - MARGIN, bottom, f"Page {canvas.getPageNumber()} of {total}")
    canvas.setFont(REGULAR, 7.5)
    printed = f"Printed by {heading.printed_by} on {format_local(heading.printed_at)}"
    canvas.drawString(MARGIN, bottom - 10, printed)
    canvas.restoreState()


def render(heading: Heading, story: Sequence[Flowable], *, wide: bool = False) -> bytes:
    """The PDF of ``story`` in the house style, as bytes (see the module docstring)."""
    register_fonts()
    pagesize = landscape(A4) if wide else A4
    out = BytesIO()
    document = BaseDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT,
        bottomMargin=MARGIN + FOOTER_HEIGHT - 8 * mm,
        title=heading.title,
        author=heading.printed_by,
        subject=heading.subject or heading.title,
        creator=CREATOR,
        producer=CREATOR,
        # Every page starts in our font: reportlab's default (Helvetica) is never embedded.
        initialFontName=REGULAR,
    )
    frame = Frame(
        document.leftMargin,
        document.bottomMargin,
        document.width,
        document.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
    )
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    class Stamped(_NumberedCanvas):
        pass

    Stamped.heading = heading
    document.build(list(story), canvasmaker=Stamped)
    return out.getvalue()
