"""The seclusion record (issue 8 item 1; domain.md §3 "Seclusion"): built from the demo
ward's running seclusion (a clock overdue) through ``rpr report seclusion``, and from single
records for a late review, an ended episode and text that looks like markup. Read back with
qpdf, pdffonts and pdftotext; the timeline chart's lanes and times are drawn as text too."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.documents.seclusion import COMMAND, TITLE
from app.models.base import ACTIVE
from app.models.patient import Patient
from app.models.seclusion import SeclusionEpisode, SeclusionObservation, SeclusionReviewKind
from app.reports.document import Heading
from app.reports.seclusion_record import (
    TITLES,
    SeclusionRecordInputs,
    render_seclusion_record,
)
from app.reports.seclusion_timeline import seclusion_lanes
from app.store.store import Store
from tests.demo_store import Passwords
from tests.models import builders
from tests.models.isolation_builders import (
    START,
    ended_seclusion_episode,
    seclusion_observation,
    seclusion_review,
)
from tests.reports.commands import only, runner
from tests.reports.pdf_tools import check_pdf, info, written

LANES = (
    "Observation",
    "Nursing review",
    "Medical review",
    "Internal MDT review",
    "Independent MDT review",
)


only_this_report = only(COMMAND)


def flat(text: str) -> str:
    return " ".join(text.split())


run = runner(COMMAND)


def running_seclusion(
    folder: Path, user: str, password: str
) -> tuple[SeclusionEpisode, Patient, SeclusionObservation]:
    """The demo ward's running seclusion, its patient and its latest observation."""
    with Store.open(folder, user, password) as store, store.read() as reader:
        episode = reader.find(SeclusionEpisode, statuses=[ACTIVE])[0]
        patient = reader.get(Patient, episode.patient_id)
        latest = reader.find(SeclusionObservation, parent_id=episode.id)[-1]
    assert patient is not None
    return episode, patient, latest


def test_the_ward_manager_prints_the_running_seclusion_with_its_overdue_clock(
    demo: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.manager"])
    episode, patient, latest = running_seclusion(folder, "demo.manager", passwords["demo.manager"])
    out = tmp_path / "seclusion.pdf"

    code, said = run(folder, "demo.manager", out, "--episode", str(episode.id), capsys=capsys)

    assert code == 0, said
    assert "Saved seclusion record PDF" in said
    text = flat(check_pdf(out))
    for title in TITLES:
        assert title in text, title
    for lane in LANES:
        assert lane in text
    assert patient.filing_name in text
    assert patient.nhs_number_display is not None
    assert patient.nhs_number_display in text
    assert "Overdue when printed: Observation." in text
    assert "Overdue now" in text
    assert flat(latest.behaviour) in text
    assert episode.authorised_by.name in text
    assert "still running when printed" in text
    assert info(out)["Title"] == TITLE


def test_a_nurse_may_not_print_the_seclusion_record(
    demo: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.nurse"])
    episode, _, _ = running_seclusion(folder, "demo.nurse", passwords["demo.nurse"])
    out = tmp_path / "seclusion.pdf"

    code, said = run(folder, "demo.nurse", out, "--episode", str(episode.id), capsys=capsys)

    assert code != 0
    assert "print review documents" in said
    assert not out.exists()


@pytest.mark.parametrize(
    "case",
    [
        ("seclusion-1", "give the seclusion episode's reference, a record id"),
        (
            "00000000-0000-4000-8000-0000000000ff",
            "there is no seclusion episode with that reference",
        ),
    ],
)
def test_an_unknown_episode_is_refused_naming_the_option(
    demo: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: tuple[str, str],
) -> None:
    reference, words = case
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.manager"])
    out = tmp_path / "seclusion.pdf"

    code, said = run(folder, "demo.manager", out, "--episode", reference, capsys=capsys)

    assert code != 0
    assert f"episode: {words}" in said
    assert not out.exists()


def ended_episode_inputs(behaviour: str) -> SeclusionRecordInputs:
    """Three hours of seclusion: observations every 15 minutes but one 10 minutes late, a
    nursing review 30 minutes late, a medical review on time."""
    episode = ended_seclusion_episode(START, 3)
    # The sixth observation is 10 minutes late (due at 90, done at 100); the rest keep time.
    minutes = (15, 30, 45, 60, 75, 100, 115, 130, 145, 160, 175)
    observations = tuple(
        seclusion_observation(episode, START + timedelta(minutes=m), behaviour=behaviour)
        for m in minutes
    )
    reviews = (
        seclusion_review(episode, SeclusionReviewKind.MEDICAL, START + timedelta(minutes=50)),
        seclusion_review(episode, SeclusionReviewKind.NURSING, START + timedelta(minutes=150)),
    )
    return SeclusionRecordInputs(
        episode=episode,
        patient=builders.patient(),
        ward_name="Rowan Ward",
        at=START + timedelta(days=1),
        observations=observations,
        reviews=reviews,
        episodes_of_patient=(episode,),
    )


def test_an_ended_episode_shows_what_was_late_and_prints_record_text_as_typed(
    tmp_path: Path,
) -> None:
    typed = "Shouting <door> & kicking"
    inputs = ended_episode_inputs(typed)
    heading = Heading(TITLE, "Test trust", "Rowan Ward", "test.manager", inputs.at)

    text = flat(check_pdf(written(tmp_path, render_seclusion_record(heading, inputs))))

    assert typed in text
    assert "Seclusion has ended: the clocks have stopped." in text
    assert "Late by 10 min" in text
    assert "Late by 30 min" in text
    assert "Length of seclusion 3 h 00 min" in text
    for lane in LANES:
        assert lane in text


def test_the_timeline_pairs_each_duty_with_when_the_clock_said_it_was_due() -> None:
    inputs = ended_episode_inputs("Pacing")
    lanes = {
        lane.label: lane
        for lane in seclusion_lanes(inputs.episode, inputs.observations, inputs.reviews, inputs.at)
    }

    nursing = lanes["Nursing review"].marks
    assert [(m.due, m.done, m.late) for m in nursing] == [
        (START + timedelta(hours=2), START + timedelta(minutes=150), True)
    ]
    medical = lanes["Medical review"].marks
    assert [(m.due, m.done, m.late) for m in medical] == [
        (START + timedelta(hours=1), START + timedelta(minutes=50), False)
    ]
    observations = lanes["Observation"].marks
    assert sum(m.late for m in observations) == 1
    assert all(m.done is not None for m in observations)
    # Nothing was missed: each lane's clock was stopped by the end with no duty left open.
    assert not any(m.missed for lane in lanes.values() for m in lane.marks)
