"""Build the clinical safety case report from the hazard log, with the test evidence of the
current commit.

    make safety-case
    python -m scripts.safety_case --out docs/safety/safety-case.md [--skip-run | --junit FILE]

It writes the Markdown and, beside it, the same report as a PDF in the reports' house style
(``safety-case.pdf``, scripts/safety_case_pdf.py).

The tests every design and test control names are collected (a missing or skipped one is
reported against its hazard), then run once with pytest (Qt offscreen, JUnit XML into a
temporary folder) and each one's result is written beside its hazard. ``--skip-run`` builds
the report without collecting or running anything (every result "not run"); ``--junit`` reads
the results of an earlier run instead.

Exit status: 0 the report was written and every listed test passed (or was not run on
purpose); 1 the report was written but some evidence failed, skipped or is missing; 2 the
hazard log itself is unusable (nothing written).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from scripts.hazard_evidence import collect, evidence_problem, subprocess_env
from scripts.hazard_log import DEFAULT_LOG, ROOT, HazardLog, HazardLogError, read_log
from scripts.safety_case_pdf import safety_case_pdf
from scripts.safety_report import Evidence, Result, render

RUN_TIMEOUT_S = 3600


def git_commit(root: Path) -> tuple[str, bool | None]:
    """The commit checked out at ``root`` and whether the work tree differs from it."""
    git = shutil.which("git")
    if git is None:
        return "unknown (git is not installed)", None
    head = subprocess.run(
        [git, "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    if head.returncode != 0:
        return "unknown (not a git checkout)", None
    status = subprocess.run(
        [git, "-C", str(root), "status", "--porcelain"], capture_output=True, text=True, check=False
    )
    return head.stdout.strip(), bool(status.stdout.strip())


def nodeid_of(classname: str, name: str, root: Path) -> str:
    """The pytest node id of a JUnit test case (``tests.ui.test_board`` + ``test_x[1]``)."""
    parts = classname.split(".")
    for cut in range(1, len(parts) + 1):
        path = "/".join(parts[:cut]) + ".py"
        if (root / path).is_file():
            return "::".join([path, *parts[cut:], name])
    return "::".join([classname.replace(".", "/"), name])


def junit_outcomes(junit: Path, root: Path) -> dict[str, Result]:
    """Each test case of a JUnit XML file: node id → passed, failed or skipped."""
    outcomes: dict[str, Result] = {}
    for case in ET.parse(junit).iter("testcase"):  # noqa: S314 - pytest's own output
        nodeid = nodeid_of(case.get("classname", ""), case.get("name", ""), root)
        if case.find("failure") is not None or case.find("error") is not None:
            outcomes[nodeid] = Result.FAILED
        elif case.find("skipped") is not None:
            outcomes[nodeid] = Result.SKIPPED
        else:
            outcomes[nodeid] = Result.PASSED
    return outcomes


def result_of(test_id: str, outcomes: Mapping[str, Result]) -> Result:
    """One listed test's result: failed or skipped if any of its cases was, passed if all ran
    and passed, not run if none ran."""
    cases = [
        outcome
        for nodeid, outcome in outcomes.items()
        if nodeid == test_id or nodeid.startswith((f"{test_id}[", f"{test_id}::"))
    ]
    for worst in (Result.FAILED, Result.SKIPPED):
        if worst in cases:
            return worst
    return Result.PASSED if cases else Result.NOT_RUN


def run_tests(test_ids: Sequence[str], root: Path, workers: int | None, junit: Path) -> str:
    """Run ``test_ids`` once, writing JUnit XML to ``junit``; the command, as the report
    shows it."""
    options = ["-p", "no:cacheprovider", "-q", f"--junitxml={junit}"]
    if workers:
        options += ["-n", str(workers)]
    print(f"Running the {len(test_ids)} tests the hazard log names…", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "pytest", *options, *test_ids],
        cwd=root,
        env=subprocess_env(),
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    shown = ["QT_QPA_PLATFORM=offscreen python -m pytest", *options, "<test ids>"]
    return " ".join(shown).replace(str(junit), "<temporary folder>/junit.xml")


def gather_evidence(
    log: HazardLog, root: Path, *, skip_run: bool, junit: Path | None, workers: int | None
) -> Evidence:
    """Collect, run (or read) the listed tests and give each its result."""
    commit, dirty = git_commit(root)
    test_ids = list(log.tests_by_id())
    if skip_run:
        how = "Not run for this report (--skip-run): the tests are listed but not shown to pass."
        return Evidence(commit, dirty, how, dict.fromkeys(test_ids, Result.NOT_RUN), {})
    collection = collect(test_ids, root)
    problems = {t: p for t in test_ids if (p := evidence_problem(t, collection)) is not None}
    runnable = [t for t in test_ids if t not in problems]
    outcomes: dict[str, Result] = {}
    if junit is not None:
        how = f"Results read from {junit} (an earlier run); not run for this report."
        outcomes = junit_outcomes(junit, root)
    elif runnable:
        with tempfile.TemporaryDirectory(prefix="rpr-safety-case-") as folder:
            written = Path(folder) / "junit.xml"
            command = run_tests(runnable, root, workers, written)
            if written.is_file():
                outcomes = junit_outcomes(written, root)
        how = f"Run for this report: `{command}`, on the {len(runnable)} test ids that exist."
    else:
        how = "Nothing was run: none of the listed tests can be collected."
    results = {t: (Result.MISSING if t in problems else result_of(t, outcomes)) for t in test_ids}
    return Evidence(commit, dirty, how, results, problems)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the report; see the module docstring for the exit status."""
    parser = argparse.ArgumentParser(prog="python -m scripts.safety_case", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="the Markdown file to write")
    parser.add_argument("--log", type=Path, default=DEFAULT_LOG, help="the hazard log (TOML)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--skip-run", action="store_true", help="do not collect or run tests")
    given.add_argument("--junit", type=Path, help="read results from this JUnit XML file")
    parser.add_argument("--workers", type=int, help="run the tests on this many xdist workers")
    args = parser.parse_args(argv)
    try:
        log = read_log(args.log)
    except HazardLogError as refused:
        print(f"The hazard log {refused.path} cannot be used:", file=sys.stderr)
        for problem in refused.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    evidence = gather_evidence(
        log, args.root, skip_run=args.skip_run, junit=args.junit, workers=args.workers
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    at = datetime.now(UTC)
    markdown = render(log, evidence, at)
    args.out.write_text(markdown, "utf-8")
    pdf = args.out.with_suffix(".pdf")
    pdf.write_bytes(safety_case_pdf(markdown, system=str(log.document["system"]), at=at))
    counts = evidence.counts()
    summary = ", ".join(f"{n} {result.value}" for result, n in counts.items() if n)
    print(f"Wrote {args.out} and {pdf}: {len(log.hazards)} hazards; listed tests: {summary}.")
    for test_id, problem in sorted(evidence.problems.items()):
        print(f"  {', '.join(log.tests_by_id()[test_id])}: {problem}", file=sys.stderr)
    return 0 if args.skip_run or evidence.all_passed else 1


if __name__ == "__main__":
    sys.exit(main())
