"""The PDF font: DejaVu Sans, shipped in ``assets/fonts`` with its licence (LICENSE.txt there)
and embedded, as a subset, in every PDF (reportlab embeds every TrueType font it draws with)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.models.errors import UserFacingError

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"

#: assets/fonts beside the app package (the source tree and the one-folder build alike).
FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"


class FontsMissing(UserFacingError):
    """The shipped fonts are not where they belong: the installation is incomplete."""


@cache
def register_fonts() -> None:
    """Register the three faces once, and map ``<b>`` and ``<i>`` in paragraphs to them."""
    for name in (REGULAR, BOLD, ITALIC):
        path = FONT_DIR / f"{name}.ttf"
        if not path.is_file():
            raise FontsMissing(
                f"The PDF font {path.name} is missing from {FONT_DIR}: reinstall RPR."
            )
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD)
