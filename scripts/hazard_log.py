"""The clinical safety hazard log (docs/safety/hazard-log.toml): reading it, checking its
shape, and the DCB0129 risk matrix its risks must follow.

The log is what a trust's clinical safety officer reads, so this module refuses a log that
claims more than it shows: every problem is reported at once, each naming the hazard it
belongs to. Whether the tests a control names really exist and run is checked by
:mod:`scripts.hazard_evidence`.

DCB0129 risk matrix (DCB0129 Implementation Guidance, as published by NHS England, e.g. in
the UK Core hazard log of NHS England's FHIR guides): risk 1–5 from the severity of the harm and
its likelihood. Risk 1 and 2 are acceptable; 3 is undesirable (acceptable only when further
reduction is impractical); 4 needs mandatory control; 5 is unacceptable. A residual risk of
3 or more must carry a written justification.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LOG = ROOT / "docs" / "safety" / "hazard-log.toml"
SCHEMA_VERSION = 1

SEVERITIES = ("minor", "significant", "considerable", "major", "catastrophic")
LIKELIHOODS = ("very low", "low", "medium", "high", "very high")

#: DCB0129 risk matrix: RISK_MATRIX[likelihood][severity], severities in SEVERITIES order.
RISK_MATRIX: Mapping[str, tuple[int, int, int, int, int]] = {
    "very high": (3, 4, 4, 5, 5),
    "high": (2, 3, 3, 4, 5),
    "medium": (2, 2, 3, 3, 4),
    "low": (1, 2, 2, 3, 4),
    "very low": (1, 1, 2, 2, 3),
}

RISK_MEANING = {
    1: "Acceptable, no further action required.",
    2: "Acceptable where the cost of further reduction outweighs the benefit gained.",
    3: "Undesirable: to be reduced; acceptable only when further reduction is impractical.",
    4: "Mandatory elimination or control to reduce the risk to an acceptable level.",
    5: "Unacceptable.",
}

#: What each severity means (DCB0129 guidance, paraphrased): the harm and how many it affects.
SEVERITY_MEANING = {
    "catastrophic": "Death, or permanent life-changing incapacity, of several patients.",
    "major": "Death or permanent life-changing incapacity of one patient; severe injury, "
    "severe incapacity or severe psychological trauma of several.",
    "considerable": "Severe injury or severe psychological trauma of one patient, with recovery "
    "expected; lasting minor injury or significant psychological trauma of several.",
    "significant": "Lasting minor injury or significant psychological trauma of one patient; "
    "minor injury, upset or inconvenience of several.",
    "minor": "Minor injury or psychological upset of one patient with recovery expected in the "
    "short term; inconvenience.",
}

#: What each likelihood means (DCB0129 guidance, paraphrased).
LIKELIHOOD_MEANING = {
    "very high": "Certain or almost certain; highly likely to occur.",
    "high": "Not certain but very possible; reasonably expected in most cases.",
    "medium": "Possible.",
    "low": "Could occur, but in the great majority of occasions will not.",
    "very low": "Negligible or nearly negligible possibility of occurring.",
}

#: Residual risks from this level up are above the acceptable band: they need a justification.
FIRST_UNACCEPTABLE_RISK = 3

CONTROL_KINDS = ("design", "test", "training", "documentation")
#: Control kinds whose claim must be shown by automated tests.
TESTED_KINDS = frozenset({"design", "test"})
FEATURE_STATES = ("built", "partly built", "not yet built")

HAZARD_ID = re.compile(r"H-\d{3}")
#: A pytest node id: a test file, then classes / a function, optionally with a parameter id.
TEST_ID = re.compile(r"[\w./-]+\.py(::\w+)+(\[[^\]\s]+\])?")
#: A justification shorter than this is a placeholder, not a reason.
MIN_JUSTIFICATION = 60

_DOCUMENT_TEXT = (
    "title",
    "system",
    "log_version",
    "status",
    "clinical_safety_officer",
    "scope",
    "intended_use",
)
_DOCUMENT_LISTS = ("standards", "not_intended_for", "sources")
_HAZARD_TEXT = ("id", "title", "area", "feature_state", "cause", "effect")
_HAZARD_KEYS = frozenset(
    {*_HAZARD_TEXT, "initial", "residual", "control", "justification", "open_actions"}
)
_ASSESSMENT_KEYS = frozenset({"severity", "likelihood", "risk"})
_CONTROL_KEYS = frozenset({"kind", "description", "tests"})


def risk_of(severity: str, likelihood: str) -> int:
    """The DCB0129 risk (1–5) of a harm of ``severity`` at ``likelihood``."""
    return RISK_MATRIX[likelihood][SEVERITIES.index(severity)]


@dataclass(frozen=True)
class Assessment:
    """A severity and likelihood with the risk the matrix gives them."""

    severity: str
    likelihood: str
    risk: int

    @property
    def acceptable(self) -> bool:
        """Below the band that needs a justification (DCB0129 risk 1 or 2)."""
        return self.risk < FIRST_UNACCEPTABLE_RISK


@dataclass(frozen=True)
class Control:
    """One control of a hazard; design and test controls name the tests that show it."""

    kind: str
    description: str
    tests: tuple[str, ...]


@dataclass(frozen=True)
class Hazard:
    """One entry of the log."""

    id: str
    title: str
    area: str
    feature_state: str
    cause: str
    effect: str
    initial: Assessment
    residual: Assessment
    controls: tuple[Control, ...]
    justification: str
    open_actions: tuple[str, ...]

    @property
    def test_ids(self) -> tuple[str, ...]:
        """Every test id its controls name, each once, in order."""
        return tuple(dict.fromkeys(t for c in self.controls for t in c.tests))


@dataclass(frozen=True)
class HazardLog:
    """The whole log: the document's own facts and the hazards."""

    document: Mapping[str, Any]
    hazards: tuple[Hazard, ...]

    def tests_by_id(self) -> dict[str, list[str]]:
        """Each listed test id with the hazards that name it."""
        named: dict[str, list[str]] = {}
        for hazard in self.hazards:
            for test_id in hazard.test_ids:
                named.setdefault(test_id, []).append(hazard.id)
        return named


class HazardLogError(Exception):
    """The log cannot be read or does not follow its schema; ``problems`` says each way."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(problems))
        self.path = path
        self.problems = problems


def read_log(path: Path = DEFAULT_LOG) -> HazardLog:
    """The log at ``path``, or :class:`HazardLogError` listing every problem with it."""
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise HazardLogError(path, [f"cannot be read ({exc.strerror})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise HazardLogError(path, [f"is not valid TOML ({exc})"]) from None
    problems = schema_problems(raw)
    if problems:
        raise HazardLogError(path, problems)
    return HazardLog(document=raw["document"], hazards=tuple(_hazard(h) for h in raw["hazard"]))


def schema_problems(raw: Mapping[str, Any]) -> list[str]:
    """Every way ``raw`` (the parsed TOML) breaks the log's schema; empty when it is sound."""
    problems: list[str] = []
    if raw.get("schema_version") != SCHEMA_VERSION:
        problems.append(f"schema_version must be {SCHEMA_VERSION}")
    document = raw.get("document")
    if not isinstance(document, dict):
        problems.append("[document] is missing")
    else:
        problems += [f"[document] {p}" for p in _document_problems(document)]
    hazards = raw.get("hazard")
    if not isinstance(hazards, list) or not hazards:
        problems.append("there is no [[hazard]]")
        return problems
    seen: set[str] = set()
    for number, hazard in enumerate(hazards, start=1):
        name = str(hazard.get("id") or f"hazard #{number} (no id)")
        if name in seen:
            problems.append(f"{name}: the id is used by more than one hazard")
        seen.add(name)
        problems += [f"{name}: {p}" for p in _hazard_problems(hazard)]
    return problems


def _document_problems(document: Mapping[str, Any]) -> list[str]:
    problems = [f"{key} is missing or empty" for key in _DOCUMENT_TEXT if not _text(document, key)]
    for key in _DOCUMENT_LISTS:
        value = document.get(key)
        if not (isinstance(value, list) and value and all(_is_text(v) for v in value)):
            problems.append(f"{key} must be a list of text")
    return problems


def _hazard_problems(hazard: Mapping[str, Any]) -> list[str]:
    problems = [f"unknown field {key!r}" for key in sorted(set(hazard) - _HAZARD_KEYS)]
    problems += [f"{key} is missing or empty" for key in _HAZARD_TEXT if not _text(hazard, key)]
    if _text(hazard, "id") and not HAZARD_ID.fullmatch(hazard["id"]):
        problems.append("id must look like H-001")
    if _text(hazard, "feature_state") and hazard["feature_state"] not in FEATURE_STATES:
        problems.append(f"feature_state must be one of {', '.join(FEATURE_STATES)}")
    for stage in ("initial", "residual"):
        problems += [f"{stage} {p}" for p in _assessment_problems(hazard.get(stage))]
    if not problems:
        initial, residual = hazard["initial"]["risk"], hazard["residual"]["risk"]
        if residual > initial:
            problems.append(f"the residual risk ({residual}) is above the initial ({initial})")
        if residual >= FIRST_UNACCEPTABLE_RISK and len(_text(hazard, "justification")) < (
            MIN_JUSTIFICATION
        ):
            problems.append(
                f"the residual risk is {residual}, above the acceptable band, and there is "
                "no written justification"
            )
    controls = hazard.get("control")
    if not isinstance(controls, list) or not controls:
        problems.append("has no control")
    else:
        for number, control in enumerate(controls, start=1):
            problems += [f"control {number}: {p}" for p in _control_problems(control)]
    actions = hazard.get("open_actions", [])
    if not (isinstance(actions, list) and all(_is_text(a) for a in actions)):
        problems.append("open_actions must be a list of text")
    return problems


def _assessment_problems(assessment: object) -> list[str]:
    if not isinstance(assessment, dict):
        return ["assessment is missing"]
    problems = [f"has unknown field {k!r}" for k in sorted(set(assessment) - _ASSESSMENT_KEYS)]
    severity, likelihood, risk = (assessment.get(k) for k in ("severity", "likelihood", "risk"))
    if severity not in SEVERITIES:
        problems.append(f"severity must be one of {', '.join(SEVERITIES)}")
    if likelihood not in LIKELIHOODS:
        problems.append(f"likelihood must be one of {', '.join(LIKELIHOODS)}")
    if not problems:
        expected = risk_of(str(severity), str(likelihood))
        if risk != expected:
            problems.append(
                f"risk is {risk!r} but the DCB0129 matrix gives {expected} for "
                f"{severity} harm at {likelihood} likelihood"
            )
    return problems


def _control_problems(control: object) -> list[str]:
    if not isinstance(control, dict):
        return ["is not a table"]
    problems = [f"unknown field {key!r}" for key in sorted(set(control) - _CONTROL_KEYS)]
    kind = control.get("kind")
    if kind not in CONTROL_KINDS:
        problems.append(f"kind must be one of {', '.join(CONTROL_KINDS)}")
    if not _text(control, "description"):
        problems.append("description is missing or empty")
    tests = control.get("tests", [])
    if not (isinstance(tests, list) and all(_is_text(t) for t in tests)):
        return [*problems, "tests must be a list of pytest node ids"]
    if kind in TESTED_KINDS and not tests:
        problems.append(f"a {kind} control lists no test that shows it works")
    problems += [f"{t!r} is not a pytest node id" for t in tests if not TEST_ID.fullmatch(t)]
    duplicates = sorted({t for t in tests if tests.count(t) > 1})
    problems += [f"{t} is listed twice" for t in duplicates]
    return problems


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _text(table: Mapping[str, Any], key: str) -> str:
    value = table.get(key)
    return value.strip() if isinstance(value, str) else ""


def _assessment(raw: Mapping[str, Any]) -> Assessment:
    return Assessment(raw["severity"], raw["likelihood"], raw["risk"])


def _hazard(raw: Mapping[str, Any]) -> Hazard:
    return Hazard(
        id=raw["id"],
        title=_text(raw, "title"),
        area=_text(raw, "area"),
        feature_state=raw["feature_state"],
        cause=_text(raw, "cause"),
        effect=_text(raw, "effect"),
        initial=_assessment(raw["initial"]),
        residual=_assessment(raw["residual"]),
        controls=tuple(
            Control(c["kind"], _text(c, "description"), tuple(c.get("tests", [])))
            for c in raw["control"]
        ),
        justification=_text(raw, "justification"),
        open_actions=tuple(raw.get("open_actions", [])),
    )


def one_line(text: str) -> str:
    """``text`` with its line breaks and runs of spaces folded (for tables and messages)."""
    return " ".join(text.split())
