"""The report benchmarks' table (bench/run_reports.py), as Markdown for docs/benchmarks.md and
as plain text for the console: each document's build time beside its aim, and its pages per
second beside a bare reportlab document of the same page count."""

from __future__ import annotations

from bench.common import fmt_ms, markdown_table, text_table
from bench.run_reports import ReportRow

HEADER = [
    "benchmark",
    "n",
    "pages",
    "median ms",
    "p95 ms",
    "pages/s",
    "bare reportlab, same pages: median ms",
    "bare pages/s",
    "× bare",
    "aim",
    "result",
]


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def _cells(row: ReportRow) -> list[str]:
    bare = row.bare
    times = (
        f"{row.build.median_ms / bare.median_ms:.1f}×" if bare is not None and bare.samples else "–"
    )
    met = {None: "", True: "met", False: "**not met**"}[row.met]
    return [
        row.name,
        str(row.build.n),
        str(row.pages) if row.pages else "–",
        fmt_ms(row.build.median_ms),
        fmt_ms(row.build.p95_ms),
        _rate(row.pages_per_s if row.bare is not None else None),
        fmt_ms(bare.median_ms) if bare is not None else "–",
        _rate(row.bare_pages_per_s),
        times,
        f"< {row.aim_s:g} s" if row.aim_s is not None else "",
        met,
    ]


def cells(rows: list[ReportRow]) -> list[list[str]]:
    """The table: a header and one line a row."""
    return [HEADER, *(_cells(row) for row in rows)]


def _notes(rows: list[ReportRow]) -> list[str]:
    return [f"- {row.name}: {row.note}" for row in rows if row.note]


def text(rows: list[ReportRow]) -> str:
    """The table as plain text, then what each row was built from."""
    return "\n".join([text_table(cells(rows)), "", *_notes(rows)])


def markdown(rows: list[ReportRow]) -> str:
    """The section for docs/benchmarks.md."""
    return "\n".join(
        [
            "## Reports",
            "",
            (
                "Issue 8: the time to build a document, and its pages per second against a bare "
                "reportlab document of the same page count (a `SimpleDocTemplate` of plain "
                "paragraphs in the same embedded font, built in the same process). Median and "
                "p95 of n builds after one warm-up; `python -m bench.run_reports` runs these "
                "alone."
            ),
            "",
            markdown_table(cells(rows)),
            "",
            *_notes(rows),
        ]
    )
