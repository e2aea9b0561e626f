"""Reports (issue 8 "Benchmarks"): the time to build an LTS review covering 180 days and a
five-year oversight report on the five-year ward, and their pages per second against a bare
reportlab document of the same page count, in the same process.

    .venv/bin/python -m bench.run_reports           # prints the table (about a minute)
    .venv/bin/python -m bench.run_reports --quick   # 5 % of the ward, fewer runs: a smoke run

- **LTS review**: ``long_lts_inputs()`` (tests/reports/lts_fixture.py: 180 days, 180
  approved-clinician reviews, 26 MDT reviews, 2 external reviews, 40 incidents, an engagement
  entry a day), rendered by ``render_lts_review`` — every section, the appendix and the PDF.
- **Oversight report**: the five-year ward of bench/dataset.py (~20,000 incidents, 2,000
  seclusions, 4 LTS episodes), the 60 full calendar months before its ``NOW``, small numbers
  hidden (the copy that leaves the ward). Timed: ``oversight_figures`` (every count, rate,
  ratio and interval) and ``oversight_pdf`` (charts, tables, PDF), and the two together — what
  ``rpr report oversight`` does once its records are read. The records come from the cached
  encrypted store when there is one (``python -m bench`` builds it) — and reading them, as the
  command does, is then timed too, on a scratch copy — otherwise from the generator in memory.
- **Bare reportlab**: a ``SimpleDocTemplate`` of as many A4 pages as the report has, each page
  plain paragraphs of filler text in the same font (DejaVu Sans, embedded) and a page break:
  what reportlab itself costs per page, so "pages per second" can be read against it.

Each figure is the median (and p95) of ``runs`` builds after one untimed warm-up build.
"""

from __future__ import annotations

import argparse
import gc
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

from app.documents.base import ReportContext
from app.documents.oversight import load_records
from app.models.admission import HospitalSpell
from app.models.clock import local_date
from app.models.incident import UseOfForceIncident
from app.models.oversight import OversightFigures, OversightRecords, oversight_figures
from app.models.oversight_isolation import IsolationRecords
from app.models.oversight_rules import Period, last_full_months
from app.models.patient import Patient
from app.models.people import Ward
from app.models.policy import DEFAULT_POLICY
from app.models.seclusion import SeclusionEpisode, SeclusionObservation, SeclusionReview
from app.models.segregation import LtsEpisode, LtsReview
from app.reports.document import Heading
from app.reports.fonts import REGULAR, register_fonts
from app.reports.oversight import oversight_pdf, subject_line, title
from app.reports.segregation_review import render_lts_review
from app.store.store import Store
from bench.common import Series, copy_store, now_ns
from bench.dataset import (
    NOW,
    PASSWORD,
    QUICK_SCALE,
    RESULTS,
    USERNAME,
    BuiltStores,
    build_or_load,
    dataset_root,
    generate,
)
from tests.reports.lts_fixture import long_lts_inputs

Log = Callable[[str], None]

LTS_AIM_S = 1.0
OVERSIGHT_AIM_S = 3.0
#: Five years: the 60 full calendar months before the five-year ward's ``NOW``.
OVERSIGHT_MONTHS = 60
_PAGE = re.compile(rb"/Type /Page\b(?!s)")
_FILLER = (
    "The patient was seen by the nurse in charge, who recorded what was said and done, who was "
    "there and how long it lasted; the record was read back, checked against the observation "
    "chart and signed. "
)


@dataclass
class ReportRow:
    """One line of the table: a document (or a part of building one) and its timings."""

    name: str
    build: Series = field(default_factory=Series)
    pages: int = 0
    #: The bare reportlab document of the same page count (None: a part, not a whole PDF).
    bare: Series | None = None
    aim_s: float | None = None
    note: str = ""

    @property
    def pages_per_s(self) -> float | None:
        return _per_s(self.pages, self.build) if self.pages else None

    @property
    def bare_pages_per_s(self) -> float | None:
        return _per_s(self.pages, self.bare) if self.bare is not None else None

    @property
    def met(self) -> bool | None:
        if self.aim_s is None or not self.build.samples:
            return None
        return self.build.median_ms <= self.aim_s * 1000


def _per_s(pages: int, series: Series) -> float | None:
    if not series.samples:
        return None
    return pages / (series.median_ms / 1000)


def page_count(pdf: bytes) -> int:
    """The pages of a reportlab PDF (its page objects are never in a compressed stream)."""
    return len(_PAGE.findall(pdf))


def _timed(runs: int, build: Callable[[], Any]) -> tuple[Series, Any]:
    """``runs`` timed calls of ``build`` after one untimed warm-up; the timings and the last
    result."""
    result = build()
    series = Series()
    for _ in range(runs):
        gc.collect()
        started = now_ns()
        result = build()
        series.add(now_ns() - started)
    return series, result


def bare_document(pages: int) -> bytes:
    """A plain platypus document of exactly ``pages`` A4 pages of paragraphs in DejaVu Sans."""
    register_fonts()
    style = ParagraphStyle("bare", fontName=REGULAR, fontSize=9, leading=11.5)
    story: list[Any] = []
    for page in range(pages):
        story += [Paragraph(f"{page + 1}.{n + 1} {_FILLER * 3}", style) for n in range(8)]
        if page < pages - 1:
            story.append(PageBreak())
    out = BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title="Bare reportlab"
    )
    document.build(story)
    pdf = out.getvalue()
    if page_count(pdf) != pages:  # pragma: no cover - the filler is sized to fit a page
        raise RuntimeError(f"the bare document has {page_count(pdf)} pages, not {pages}")
    return pdf


def _bare(pages: int, runs: int) -> Series:
    return _timed(runs, lambda: bare_document(pages))[0]


def _heading(title: str, subject: str, printed_at: datetime) -> Heading:
    return Heading(
        title=title,
        trust_name="Bench trust (fictitious)",
        ward_name="Ashdown Ward",
        printed_by=USERNAME,
        printed_at=printed_at,
        subject=subject,
    )


# ------------------------------------------------------------------------------ the LTS review


def lts_rows(*, runs: int, log: Log = print) -> list[ReportRow]:
    """The 180-day LTS review and its bare reportlab twin."""
    inputs = long_lts_inputs()
    heading = _heading(
        "Long-term segregation review", inputs.patient.display_name, inputs.period.end
    )
    log(f"LTS review (180 days): {runs} builds …")
    series, pdf = _timed(runs, lambda: render_lts_review(heading, inputs))
    pages = page_count(pdf)
    counts = (
        f"{len(inputs.reviews)} reviews, {len(inputs.incidents)} incidents, "
        f"{len(inputs.engagement)} engagement entries"
    )
    return [
        ReportRow(
            "LTS review covering 180 days (fixture; render_lts_review)",
            series,
            pages,
            _bare(pages, runs),
            aim_s=LTS_AIM_S,
            note=counts,
        )
    ]


# ------------------------------------------------------------------------------ the oversight


def _cached(scale: float) -> BuiltStores | None:
    """The five-year ward's cached stores if ``python -m bench`` has built them (not built
    here: that takes minutes)."""
    if not (dataset_root(scale) / "manifest.json").is_file():
        return None
    return build_or_load(scale)


def oversight_rows(
    *, runs: int, scale: float = 1.0, built: BuiltStores | None = None, log: Log = print
) -> list[ReportRow]:
    """The five-year oversight report: figures, PDF, both; reading its records from the
    encrypted store when ``built`` (or a cached dataset) is there."""
    period = last_full_months(local_date(NOW), months=OVERSIGHT_MONTHS)
    rows: list[ReportRow] = []
    built = built or _cached(scale)
    if built is not None:
        log("oversight: reading the five-year ward from a scratch copy of the encrypted store …")
        read, records = _read_from_store(built, runs, period)
        rows.append(
            ReportRow(
                "Oversight, reading its records from the encrypted store (as the command does)",
                read,
                note="not counted in the build time above",
            )
        )
    else:
        log("oversight: generating the five-year ward in memory (no cached store) …")
        ward = generate(scale)
        by_kind: dict[type, list[Any]] = {}
        for record in ward.records:
            by_kind.setdefault(type(record), []).append(record)

        def of(cls: type) -> list[Any]:
            return by_kind.get(cls, [])

        records = OversightRecords(
            wards=of(Ward),
            patients=of(Patient),
            spells=of(HospitalSpell),
            incidents=of(UseOfForceIncident),
            isolation=IsolationRecords(
                seclusions=of(SeclusionEpisode),
                observations=of(SeclusionObservation),
                seclusion_reviews=of(SeclusionReview),
                lts_episodes=of(LtsEpisode),
                lts_reviews=of(LtsReview),
            ),
        )
    ward_id = records.wards[0].id

    def figures() -> OversightFigures:
        return oversight_figures(records, period, as_of=NOW, ward_id=ward_id, suppress=True)

    log(f"oversight (five years, {len(records.incidents):,} incidents): {runs} builds …")
    figures_series, made = _timed(runs, figures)
    heading = _heading(title(made), subject_line(made), NOW)
    pdf_series, pdf = _timed(runs, lambda: oversight_pdf(made, heading))
    both = Series([f + p for f, p in zip(figures_series.samples, pdf_series.samples, strict=True)])
    pages = page_count(pdf)
    what = (
        f"{len(records.incidents):,} incidents, {len(records.isolation.seclusions):,} "
        f"seclusions, {len(records.isolation.observations):,} observations; "
        f"{period.first:%b %Y}–{period.last:%b %Y}; records "
        + ("read from the store" if built is not None else "generated in memory")
    )
    whole = ReportRow(
        "Oversight report, five years (five-year ward): figures + PDF",
        both,
        pages,
        _bare(pages, runs),
        aim_s=OVERSIGHT_AIM_S,
        note=what,
    )
    return [
        whole,
        ReportRow("Oversight, of which the figures (oversight_figures)", figures_series),
        ReportRow(
            "Oversight, of which the PDF (oversight_pdf: tables, charts)",
            pdf_series,
            pages,
            whole.bare,
        ),
        *rows,
    ]


def _read_from_store(
    built: BuiltStores, runs: int, period: Period
) -> tuple[Series, OversightRecords]:
    """Time ``load_records`` (the command's own read) on a scratch copy of the store."""
    scratch = RESULTS / "reports-scratch"
    copy_store(built.encrypted_dir, scratch)
    try:
        with Store.open(scratch, USERNAME, PASSWORD) as store:
            with store.read() as reader:
                ward = next(w for w in reader.find(Ward) if w.id == built.ward_id)
            context = ReportContext(
                store=store,
                account=None,
                ward=ward,
                trust_name="Bench trust",
                printed_at=NOW,
                policy=DEFAULT_POLICY,
            )
            return _timed(runs, lambda: load_records(context, period, all_wards=False))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# ------------------------------------------------------------------------------ both


def run(
    *,
    runs: int = 7,
    oversight_runs: int = 3,
    scale: float = 1.0,
    built: BuiltStores | None = None,
    log: Log = print,
) -> list[ReportRow]:
    """Every report benchmark's rows (see the module docstring)."""
    return [
        *lts_rows(runs=runs, log=log),
        *oversight_rows(runs=oversight_runs, scale=scale, built=built, log=log),
    ]


def main(argv: list[str] | None = None) -> int:
    from bench.report_reports import text

    parser = argparse.ArgumentParser(
        prog="python -m bench.run_reports", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="5 %% of the five-year ward, 2 runs (smoke run)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = (
        run(runs=2, oversight_runs=2, scale=QUICK_SCALE, log=print)
        if args.quick
        else run(log=print)
    )
    print("\n" + text(rows))
    print(f"\nreport bench run: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
