"""Page images of every report, from a fresh demo ward, for the README (issue 8 acceptance).

    make report-pages       # or: .venv/bin/python -m scripts.report_pages

Builds the demo ward in a temporary folder, finds the records the reports are about (the
incident amended after sign-off, the running seclusion, the running long-term segregation),
makes each report registered with ``rpr report`` through the command line as the demo ward
manager, and turns the first page of each PDF (the first two of a long one) into a PNG with
``pdftoppm -r 70`` in ``docs/reports/``, with ``docs/reports/README.md`` listing them. A report
not registered yet is skipped and says so; run the script again once it has landed. The CSV
export has no page: the listing shows its first lines instead. Everything in the demo is
fictitious.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

from app.cli.main import main as rpr
from app.cli.prompts import PASSWORD_ENV
from app.documents.registry import REPORTS
from app.models.base import ACTIVE
from app.models.clock import local_date, utc_now
from app.models.incident import UseOfForceIncident
from app.models.revision import RevisionAction
from app.models.seclusion import SeclusionEpisode
from app.models.segregation import LtsEpisode, LtsReview
from app.store.store import Store

OUT = Path(__file__).resolve().parent.parent / "docs" / "reports"
USER = "demo.manager"
RESOLUTION = 70  # dots per inch: an A4 page is 579 × 819 pixels
#: A PDF of at least this many pages is "long": its first two pages are shown.
LONG = 4
CSV_LINES = 4


@dataclass(frozen=True, slots=True)
class Ids:
    """The demo records the reports are about."""

    amended_incident: UUID
    seclusion: UUID
    lts: UUID
    lts_review: UUID


@dataclass(frozen=True, slots=True)
class Job:
    """One document to make: the ``rpr report`` kind, the name of its images, its selectors
    and what the listing says about it."""

    kind: str
    name: str
    title: str
    args: tuple[str, ...]
    #: The selectors as the listing shows them (``--incident ID``).
    usage: str
    description: str
    suffix: str = ".pdf"


def _demo(folder: Path) -> str:
    """Build the demo ward in ``folder``; the ward manager's password."""
    result = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "demo-data", "--data-dir", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(rf"^\s+{re.escape(USER)}\s.*?\s(\S+)$", result.stdout, re.MULTILINE)
    if found is None:
        raise SystemExit("the demo ward did not print the manager's password")
    return found[1]


def _ids(folder: Path, password: str) -> Ids:
    with Store.open(folder, USER, password) as store, store.read() as reader:
        amended = next(
            incident
            for incident in reader.find(UseOfForceIncident)
            if any(r.action is RevisionAction.AMEND for r in reader.history(incident.id))
        )
        seclusion = reader.find(SeclusionEpisode, statuses=[ACTIVE])[0]
        lts = reader.find(LtsEpisode, statuses=[ACTIVE])[0]
        review = max(reader.find(LtsReview, parent_id=lts.id), key=lambda r: r.held_at)
    return Ids(amended.id, seclusion.id, lts.id, review.id)


def _last_month(today: date) -> str:
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def _jobs(ids: Ids) -> list[Job]:
    incident = ("--incident", str(ids.amended_incident))
    return [
        Job(
            "incident",
            "incident",
            "Use-of-force record",
            incident,
            "--incident ID",
            "Use-of-force record of one incident: every statutory item (a)–(p) with its "
            "answer, the types of force, staff, their accounts, revisions and sign-off "
            "(here the incident amended after sign-off).",
        ),
        Job(
            "handover",
            "handover",
            "Shift handover",
            (),
            "",
            "Shift handover: every active restriction on the ward and what falls due in the "
            "next 12 hours.",
        ),
        Job(
            "seclusion",
            "seclusion",
            "Seclusion record",
            ("--episode", str(ids.seclusion)),
            "--episode ID",
            "Seclusion record of an episode, with the timeline chart of observations and "
            "reviews against when each was due (here the seclusion still running).",
        ),
        Job(
            "lts-review",
            "lts-review",
            "Long-term segregation review",
            ("--episode", str(ids.lts)),
            "--episode ID",
            "Long-term segregation review for the weekly MDT and the external reviewer: "
            "identity, episode, compliance strip, care, plan to end it, decision, sign-off "
            "lines and the appendix (the last 28 days).",
        ),
        Job(
            "oversight",
            "oversight",
            "Oversight report",
            (),
            "",
            "Oversight report for the last 12 full months: incidents and interventions by "
            "type, reason and month, rates per 1,000 occupied bed days, rate ratios by "
            "ethnicity, sex, age band and disability, with counts under 5 hidden.",
        ),
        Job(
            "patient-copy",
            "patient-copy",
            "Patient copy",
            incident,
            "--incident ID",
            "Patient copy of the incident in plain English: what happened, why, their rights "
            "and who they can talk to.",
        ),
        Job(
            "patient-copy",
            "patient-copy-easy-read",
            "Patient copy, easy read",
            (*incident, "--easy-read"),
            "--incident ID --easy-read",
            "Patient copy in easy read: large type, short sentences, a picture by each heading.",
        ),
        Job(
            "patient-copy-lts",
            "patient-copy-lts",
            "Patient copy at an LTS review",
            ("--review", str(ids.lts_review)),
            "--review ID",
            "Patient copy at a long-term segregation review in plain English: why they are "
            "kept apart, what the review decided, what will help them come out, their rights.",
        ),
        Job(
            "patient-copy-lts",
            "patient-copy-lts-easy-read",
            "Patient copy at an LTS review, easy read",
            ("--review", str(ids.lts_review), "--easy-read"),
            "--review ID --easy-read",
            "The same in easy read, with a picture by each heading.",
        ),
        Job(
            "mhsds",
            "mhsds-mhs505",
            "MHSDS export",
            ("--month", _last_month(local_date(utc_now()))),
            "--month YYYY-MM",
            "MHSDS export (CSV, no pages): the MHS505 rows of last month; its first lines.",
            suffix=".csv",
        ),
    ]


def _tool(name: str) -> str:
    """The full path of a poppler tool (refusing to start without it)."""
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is needed: apt-get install poppler-utils")
    return found


def _pages(pdf: Path) -> int:
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE)
    if found is None:
        raise SystemExit(f"pdfinfo could not count the pages of {pdf.name}")
    return int(found[1])


def _images(pdf: Path, name: str) -> tuple[list[str], int]:
    """The PNGs of the first page (two of a long PDF) in ``OUT``; their names and the page
    count."""
    total = _pages(pdf)
    names = []
    for page in range(1, (2 if total >= LONG else 1) + 1):
        target = OUT / f"{name}-{page}"
        subprocess.run(
            [
                *(_tool("pdftoppm"), "-r", str(RESOLUTION), "-png", "-singlefile"),
                *("-f", str(page), "-l", str(page), str(pdf), str(target)),
            ],
            check=True,
        )
        image = target.with_suffix(".png")
        names.append(image.name)
        print(f"wrote docs/reports/{image.name} ({image.stat().st_size:,} bytes)")
    return names, total


def _entry(job: Job, made: Path) -> list[str]:
    """The listing's section for one document made (its images written)."""
    command = f"`rpr report {job.kind}{' ' + job.usage if job.usage else ''}`"
    if job.suffix == ".csv":
        head = made.read_text(encoding="utf-8").splitlines()[:CSV_LINES]
        return [
            f"## {job.title}",
            "",
            f"{command}: {job.description}",
            "",
            "```csv",
            *head,
            "```",
            "",
        ]
    names, total = _images(made, job.name)
    return [
        f"## {job.title}",
        "",
        f"{command} ({total} page{'s' if total != 1 else ''}): {job.description}",
        "",
        *(f"![{job.title}, page {n}]({image})" for n, image in enumerate(names, 1)),
        "",
    ]


def _listing(entries: list[str], skipped: list[str]) -> str:
    lines = [
        "# Report pages",
        "",
        (
            "The first page of each report (the first two of a long one), made from a fresh "
            "demo ward by `python -m scripts.report_pages` (`make report-pages`) as the demo "
            f"ward manager, at {RESOLUTION} dpi. Every person and record in the demo is "
            "fictitious."
        ),
        "",
        *entries,
    ]
    if skipped:
        lines += [
            "",
            "Not registered with `rpr report` when these were made: "
            + ", ".join(f"`{k}`" for k in skipped)
            + ".",
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    for tool in ("pdftoppm", "pdfinfo"):
        _tool(tool)  # before the demo ward is built, not after
    registered = {report.name for report in REPORTS}
    OUT.mkdir(parents=True, exist_ok=True)
    entries: list[str] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="rpr-report-pages-") as tmp:
        folder = Path(tmp) / "demo"
        password = _demo(folder)
        ids = _ids(folder, password)
        os.environ[PASSWORD_ENV] = password
        for job in _jobs(ids):
            if job.kind not in registered:
                print(f"skipped {job.name}: `rpr report {job.kind}` is not registered yet")
                if job.kind not in skipped:
                    skipped.append(job.kind)
                continue
            out = Path(tmp) / f"{job.name}{job.suffix}"
            argv = ["report", job.kind, "--data-dir", str(folder), "--user", USER]
            if rpr([*argv, "--out", str(out), *job.args]) != 0:
                raise SystemExit(f"rpr report {job.kind} failed (see above)")
            for old in OUT.glob(f"{job.name}-*.png"):
                old.unlink()
            entries += _entry(job, out)
    (OUT / "README.md").write_text(_listing(entries, skipped), encoding="utf-8")
    print("wrote docs/reports/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
