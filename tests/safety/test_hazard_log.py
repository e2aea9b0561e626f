"""The hazard log (docs/safety/hazard-log.toml) keeps to its schema and the DCB0129 matrix,
and every test it names as evidence exists and runs — and each of these checks bites, naming
the hazard whose evidence is broken."""

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from scripts.hazard_evidence import check_log, collect, evidence_problems
from scripts.hazard_log import (
    DEFAULT_LOG,
    LIKELIHOODS,
    RISK_MATRIX,
    SEVERITIES,
    read_log,
    risk_of,
    schema_problems,
)
from tests.safety.fake_project import fake_project, run_pytest

REAL = tomllib.loads(DEFAULT_LOG.read_text("utf-8"))


def test_the_log_follows_its_schema_and_the_risk_matrix() -> None:
    assert schema_problems(REAL) == []
    log = read_log()
    ids = [h.id for h in log.hazards]
    assert ids == sorted(set(ids))  # in order, each once: a reader finds H-014 after H-013


def test_every_test_the_log_names_exists_and_runs() -> None:
    problems = check_log()
    assert not problems, "The hazard log names tests that are no evidence:\n" + "\n".join(problems)


def test_the_matrix_is_dcb0129s() -> None:
    # Rows by likelihood, columns minor → catastrophic (DCB0129 Implementation Guidance).
    assert RISK_MATRIX == {
        "very high": (3, 4, 4, 5, 5),
        "high": (2, 3, 3, 4, 5),
        "medium": (2, 2, 3, 3, 4),
        "low": (1, 2, 2, 3, 4),
        "very low": (1, 1, 2, 2, 3),
    }
    for severity in SEVERITIES:  # more likely or more severe is never less risky
        risks = [risk_of(severity, likelihood) for likelihood in LIKELIHOODS]
        assert risks == sorted(risks)
    for likelihood in LIKELIHOODS:
        risks = [risk_of(severity, likelihood) for severity in SEVERITIES]
        assert risks == sorted(risks)


# ------------------------------------------------------------------- a renamed test is caught


def test_renaming_a_listed_test_fails_the_check_naming_its_hazard(tmp_path: Path) -> None:
    log = read_log()
    named = log.tests_by_id()
    test_id, [hazard_id] = next((t, h) for t, h in named.items() if len(h) == 1)
    renamed = test_id + "_renamed"
    copied = tmp_path / "hazard-log.toml"
    copied.write_text(DEFAULT_LOG.read_text("utf-8").replace(f'"{test_id}"', f'"{renamed}"'))
    problems = check_log(copied)
    path = test_id.split("::")[0]
    # (Any other problem of the real log is test_every_test_the_log_names_exists_and_runs's.)
    assert [p for p in problems if renamed in p] == [
        f"{hazard_id}: {renamed} does not exist (no such test in {path})"
    ]


# ------------------------------------------------------------------------ schema rules bite


JUSTIFIED = "Not yet released; RPR must not be deployed for this use until it is built and tested."


def _sound_log() -> dict[str, Any]:
    """A log with two sound hazards: H-001 acceptable, H-002 above the band and justified."""

    def hazard(number: int, residual: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"H-00{number}",
            "title": "A title",
            "area": "store",
            "feature_state": "built",
            "cause": "A cause.",
            "effect": "An effect.",
            "initial": {"severity": "major", "likelihood": "medium", "risk": 3},
            "residual": residual,
            "control": [
                {"kind": "design", "description": "A control.", "tests": ["tests/a.py::test_b"]},
                {"kind": "training", "description": "Staff are told."},
            ],
        }

    acceptable = hazard(1, {"severity": "major", "likelihood": "very low", "risk": 2})
    above = hazard(2, {"severity": "major", "likelihood": "low", "risk": 3})
    above["justification"] = JUSTIFIED
    return {
        "schema_version": 1,
        "document": copy.deepcopy(REAL["document"]),
        "hazard": [acceptable, above],
    }


def _no_controls(raw: dict[str, Any]) -> None:
    raw["hazard"][0]["control"] = []


def _design_without_tests(raw: dict[str, Any]) -> None:
    raw["hazard"][0]["control"][0]["tests"] = []


def _test_control_without_tests(raw: dict[str, Any]) -> None:
    control = raw["hazard"][1]["control"][0]
    control["kind"] = "test"
    del control["tests"]


def _unjustified(raw: dict[str, Any]) -> None:
    del raw["hazard"][1]["justification"]


def _placeholder_justification(raw: dict[str, Any]) -> None:
    raw["hazard"][1]["justification"] = "Accepted."


def _wrong_risk(raw: dict[str, Any]) -> None:
    raw["hazard"][0]["residual"]["risk"] = 1


def _residual_above_initial(raw: dict[str, Any]) -> None:
    raw["hazard"][0]["residual"] = {"severity": "major", "likelihood": "high", "risk": 4}


def _duplicate_id(raw: dict[str, Any]) -> None:
    raw["hazard"][1]["id"] = "H-001"


def _misspelt_field(raw: dict[str, Any]) -> None:
    control = raw["hazard"][0]["control"][0]
    control["test"] = control.pop("tests")


def _unknown_severity(raw: dict[str, Any]) -> None:
    raw["hazard"][1]["initial"]["severity"] = "serious"


def _not_a_node_id(raw: dict[str, Any]) -> None:
    raw["hazard"][0]["control"][0]["tests"].append("test_board")


def _missing_effect(raw: dict[str, Any]) -> None:
    raw["hazard"][1]["effect"] = "  "


def _unknown_kind(raw: dict[str, Any]) -> None:
    raw["hazard"][1]["control"][1]["kind"] = "policy"


def test_the_sound_log_of_these_tests_is_sound() -> None:
    assert schema_problems(_sound_log()) == []


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (_no_controls, "H-001: has no control"),
        (_design_without_tests, "H-001: control 1: a design control lists no test"),
        (_test_control_without_tests, "H-002: control 1: a test control lists no test"),
        (_unjustified, "H-002: the residual risk is 3, above the acceptable band, and there is"),
        (_placeholder_justification, "H-002: the residual risk is 3, above the acceptable"),
        (_wrong_risk, "H-001: residual risk is 1 but the DCB0129 matrix gives 2"),
        (_residual_above_initial, "H-001: the residual risk (4) is above the initial (3)"),
        (_duplicate_id, "H-001: the id is used by more than one hazard"),
        (_misspelt_field, "H-001: control 1: unknown field 'test'"),
        (_unknown_severity, "H-002: initial severity must be one of minor, significant"),
        (_not_a_node_id, "H-001: control 1: 'test_board' is not a pytest node id"),
        (_missing_effect, "H-002: effect is missing or empty"),
        (_unknown_kind, "H-002: control 2: kind must be one of design, test, training"),
    ],
)
def test_each_schema_rule_names_the_hazard(break_it: Any, expected: str) -> None:
    raw = _sound_log()
    break_it(raw)
    problems = schema_problems(raw)
    assert any(p.startswith(expected) for p in problems), problems


def test_a_log_that_is_not_toml_is_refused_in_words(tmp_path: Path) -> None:
    broken = tmp_path / "hazard-log.toml"
    broken.write_text('[[hazard]]\nid = "H-001\n')
    assert check_log(broken)[0].startswith("is not valid TOML")


# ---------------------------------------------------------------- collection rules bite


def test_tests_that_are_missing_skipped_xfailed_or_deselected_are_caught(tmp_path: Path) -> None:
    fake = "checks/test_fake.py"
    log = fake_project(
        tmp_path,
        {
            "H-001": [f"{fake}::test_passes", f"{fake}::test_skipif_false"],
            "H-002": [f"{fake}::test_marked_skip"],
            "H-003": [f"{fake}::test_skipif_true"],
            "H-004": [f"{fake}::test_marked_xfail"],
            "H-005": [f"{fake}::test_deselected"],
            "H-006": [f"{fake}::test_param"],  # one of its parameters is marked skip
            "H-007": [f"{fake}::test_param[1]", f"{fake}::test_all_params_pass"],
            "H-008": [f"{fake}::TestGroup", f"{fake}::TestGroup::test_method"],
            "H-009": [f"{fake}::test_no_such_test"],
            "H-010": ["checks/test_gone.py::test_passes"],
            "H-011": ["checks/test_broken.py::test_x"],
            "H-012": [f"{fake}::test_param[3]"],
        },
    )
    problems = check_log(log, tmp_path)
    assert [p.split(":")[0] for p in problems] == [
        "H-002",
        "H-003",
        "H-004",
        "H-005",
        "H-006",
        "H-009",
        "H-010",
        "H-011",
        "H-012",
    ], problems
    said = dict(p.split(": ", 1) for p in problems)
    assert said["H-002"].endswith(
        "is skipped at collection (" + fake + "::test_marked_skip: not on this PC)"
    )
    assert "condition holds" in said["H-003"]
    assert "is marked xfail" in said["H-004"]
    assert "deselected by the project's pytest options" in said["H-005"]
    assert f"{fake}::test_param[2]: two" in said["H-006"]
    assert said["H-009"] == f"{fake}::test_no_such_test does not exist (no such test in {fake})"
    assert said["H-010"].endswith("(there is no file checks/test_gone.py)")
    assert said["H-011"].startswith("checks/test_broken.py::test_x cannot be collected: ")
    assert said["H-012"].endswith("does not exist (no such test in checks/test_fake.py)")


def test_one_collection_serves_every_hazard_naming_a_test(tmp_path: Path) -> None:
    log_path = fake_project(
        tmp_path,
        {"H-001": ["checks/test_fake.py::test_gone"], "H-002": ["checks/test_fake.py::test_gone"]},
    )
    log = read_log(log_path)
    problems = evidence_problems(log, collect(log.tests_by_id(), tmp_path))
    assert [p.split(":")[0] for p in problems] == ["H-001", "H-002"]


# ------------------------------------------------------------ skips at run time fail the run


def test_a_listed_test_that_skips_while_running_fails_the_session(tmp_path: Path) -> None:
    fake = "checks/test_fake.py"
    fake_project(
        tmp_path,
        {
            "H-001": [f"{fake}::test_passes", f"{fake}::test_skips_inside"],
            "H-002": [f"{fake}::test_xfails_inside"],
        },
    )
    ran = run_pytest(tmp_path, "-p", "tests.safety.guard", fake)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "hazard log: evidence skipped" in ran.stdout
    assert (
        f"H-001: {fake}::test_skips_inside was skipped (no database here), but the hazard log "
        "names it as evidence" in ran.stdout
    )
    assert f"H-002: {fake}::test_xfails_inside xfailed (flaky)" in ran.stdout


def test_skips_of_tests_the_log_does_not_name_are_left_alone(tmp_path: Path) -> None:
    fake = "checks/test_fake.py"
    fake_project(tmp_path, {"H-001": [f"{fake}::test_passes", f"{fake}::TestGroup"]})
    ran = run_pytest(
        tmp_path,
        "-p",
        "tests.safety.guard",
        f"{fake}::test_passes",
        f"{fake}::test_skips_inside",
        f"{fake}::TestGroup",
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "evidence skipped" not in ran.stdout


def test_the_guard_works_across_xdist_workers(tmp_path: Path) -> None:
    fake = "checks/test_fake.py"
    fake_project(tmp_path, {"H-003": [f"{fake}::test_param"]})
    ran = run_pytest(tmp_path, "-p", "tests.safety.guard", "-n", "2", f"{fake}::test_param")
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert f"H-003: {fake}::test_param[2] was skipped (two)" in ran.stdout
