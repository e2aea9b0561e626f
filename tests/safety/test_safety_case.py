"""The safety case report builds from the hazard log, lists every hazard with its evidence,
and states each listed test's result at the current commit."""

import shutil
import subprocess
import sys
from pathlib import Path

from scripts.hazard_log import ROOT, read_log
from scripts.safety_case import main
from tests.reports.pdf_tools import check_pdf, info
from tests.safety.fake_project import fake_project


def test_the_report_lists_every_hazard_with_its_evidence(tmp_path: Path) -> None:
    out = tmp_path / "safety" / "safety-case.md"
    assert main(["--out", str(out), "--skip-run"]) == 0
    report = out.read_text("utf-8")
    log = read_log()
    for hazard in log.hazards:
        assert f"| [{hazard.id}](#{hazard.id.lower()}) | {hazard.title} |" in report
        section = report.split(f"### {hazard.id}\n", 1)[1].split("\n### ", 1)[0]
        assert f"**{hazard.title}**" in section
        for test_id in hazard.test_ids:
            assert f"`{test_id}` — not run" in section, (hazard.id, test_id)
        if hazard.residual.risk >= 3:
            assert "Justification of the residual risk:" in section
    for heading in ("Scope", "Intended use", "Clinical safety officer", "Residual risk"):
        assert heading in report
    assert "Role to be filled" in report
    assert "| very low | 1 | 1 | 2 | 2 | 3 |" in report  # the matrix is printed
    git = shutil.which("git")
    assert git is not None
    head = subprocess.run(
        [git, "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    )
    assert f"at commit `{head.stdout.strip()}`" in report


def test_the_report_is_also_a_pdf_in_the_house_style(tmp_path: Path) -> None:
    out = tmp_path / "safety-case.md"
    assert main(["--out", str(out), "--skip-run"]) == 0
    pdf = out.with_suffix(".pdf")
    text = " ".join(check_pdf(pdf).split())  # qpdf --check, every font embedded
    for hazard in read_log().hazards:
        assert hazard.id in text
    for heading in ("1. Summary", "2. Scope", "6. Hazards", "7. Residual risk", "9. Test evidence"):
        assert heading in text
    assert "Page 1 of" in text
    assert info(pdf)["Title"] == "Clinical safety case report"


def test_make_safety_case_runs_the_named_tests_and_reports_each_result(tmp_path: Path) -> None:
    fake = "checks/test_fake.py"
    log = fake_project(
        tmp_path / "project",
        {
            "H-001": [
                f"{fake}::test_passes",
                f"{fake}::test_all_params_pass",
                f"{fake}::TestGroup",
            ],
            "H-002": [f"{fake}::test_fails", f"{fake}::test_passes"],
            "H-003": [f"{fake}::test_skips_inside"],
            "H-004": [f"{fake}::test_gone"],
        },
    )
    out = tmp_path / "report.md"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.safety_case",
            "--out",
            str(out),
            "--log",
            str(log),
            "--root",
            str(tmp_path / "project"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 1, built.stdout + built.stderr  # not every test passed
    assert "H-004: checks/test_fake.py::test_gone does not exist" in built.stderr
    report = out.read_text("utf-8")
    evidence = report.split("## 9. Test evidence of this commit", 1)[1]
    assert f"| `{fake}::test_passes` | passed | H-001, H-002 |" in evidence
    assert f"| `{fake}::test_all_params_pass` | passed | H-001 |" in evidence
    assert f"| `{fake}::TestGroup` | passed | H-001 |" in evidence
    assert f"| `{fake}::test_fails` | FAILED | H-002 |" in evidence
    assert f"| `{fake}::test_skips_inside` | SKIPPED | H-003 |" in evidence
    assert f"| `{fake}::test_gone` | MISSING | H-004 |" in evidence
    assert "unknown (not a git checkout)" in report
    assert (
        "| [H-001](#h-001) | A hazard of the fake project | tests | built | 1 (minor, low) "
        in report
    )
    assert "| 3 passed of 3 |" in report
    assert "| 1 passed, 1 FAILED of 2 |" in report
    assert f"`{fake}::test_gone` — MISSING: {fake}::test_gone does not exist" in report


def test_an_unusable_log_writes_nothing_and_says_why(tmp_path: Path) -> None:
    log = tmp_path / "hazard-log.toml"
    log.write_text("schema_version = 1\n", "utf-8")
    out = tmp_path / "report.md"
    assert main(["--out", str(out), "--log", str(log), "--skip-run"]) == 2
    assert not out.exists()
