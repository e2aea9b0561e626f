"""The demo ward generator: valid, believable, deterministic, and quick (app/cli/demo_data.py)."""

import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from app.cli.demo.ward import DemoWard, build_demo_ward
from app.models.admission import HospitalSpell, occupied_bed_days, spell_at
from app.models.base import Answer, Record
from app.models.characteristics import ProtectedCharacteristics
from app.models.clock import local_date, local_midnight
from app.models.codes import EthnicCategory, InterventionType
from app.models.completeness import missing_for_sign_off, missing_for_submission, missing_items
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus
from app.models.incident_workflow import check_amendment
from app.models.legal_status import LegalStatus
from app.models.nhs_number import is_test_number, is_valid_nhs_number
from app.models.patient import Patient
from app.models.people import AccessRole, StaffMember, UserAccount
from app.models.refs import ClinicalRole
from app.models.restraint_rules import mechanical_restraint_properly_authorised, prone_uses
from app.models.review_clocks import ClockKind, ClockState
from app.models.revision import RevisionAction
from app.models.seclusion import (
    SeclusionEpisode,
    SeclusionObservation,
    SeclusionReview,
    SeclusionReviewKind,
)
from app.models.seclusion_clock import seclusion_clocks, seclusion_lapses
from app.models.segregation import LtsEngagementEntry, LtsEpisode, LtsReview, LtsReviewKind
from app.models.segregation_clock import lts_clocks, lts_lapses

NOW = datetime(2025, 11, 20, 14, 37, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo() -> DemoWard:
    started = time.perf_counter()
    ward = build_demo_ward(NOW)
    print(f"\nbuild_demo_ward(6 months): {time.perf_counter() - started:.3f} s")
    return ward


def _patients(demo: DemoWard) -> dict[UUID, Patient]:
    return {p.id: p for p in demo.current(Patient)}


# ------------------------------------------------------------------------- validity


def test_builds_six_months_quickly() -> None:
    started = time.perf_counter()
    build_demo_ward(NOW)
    elapsed = time.perf_counter() - started
    print(f"\nbuild time: {elapsed:.3f} s")
    assert elapsed < 3.0


def test_every_step_validates_again(demo: DemoWard) -> None:
    for record, _ in demo.steps:
        again = type(record).model_validate(record.model_dump())
        assert again == record
        assert type(record).model_validate_json(record.model_dump_json()) == record


#: Dates that plan ahead (a review date, a target, a due day) may be after today.
PLANNED_DATES = {"review_on", "target_on", "due_on"}


def _dated(value: Any, name: str = "") -> Iterator[tuple[str, Any]]:
    """Every value of a record's dump with the name of the field that holds it."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _dated(item, key)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _dated(item, name)
    else:
        yield name, value


def test_every_instant_is_on_or_before_now_and_aware(demo: DemoWard) -> None:
    planned = 0
    for record, _ in demo.steps:
        for name, value in _dated(record.model_dump()):
            if isinstance(value, datetime):
                assert value.tzinfo is not None
                assert value <= NOW, (type(record).__name__, value)
            elif isinstance(value, date) and value > local_date(NOW):
                assert name in PLANNED_DATES, (type(record).__name__, name, value)
                planned += 1
        if isinstance(record, LtsEngagementEntry):
            assert record.ended_at <= NOW
    assert planned > 0  # the check above has dates after today to look at


def test_versions_of_each_record_follow_on(demo: DemoWard) -> None:
    versions: dict[UUID, list[tuple[Record, str | None]]] = defaultdict(list)
    for record, reason in demo.steps:
        versions[record.id].append((record, reason))
    order = {IncidentStatus.DRAFT: 0, IncidentStatus.SUBMITTED: 1, IncidentStatus.SIGNED_OFF: 2}
    amendments = 0
    for history in versions.values():
        assert len({type(r) for r, _ in history}) == 1
        assert history[0][1] is None
        for (before, _), (after, reason) in pairwise(history):
            assert after != before
            assert (reason is not None) == before.is_signed_off()
            if isinstance(before, UseOfForceIncident):
                assert isinstance(after, UseOfForceIncident)
                assert order[after.status] >= order[before.status]
                if reason is not None:
                    check_amendment(before, after, reason)
                    amendments += 1
    assert amendments == 1


def test_saved_in_order_through_the_store_gives_a_clean_history(
    demo: DemoWard, tmp_path: Path
) -> None:
    from app.cli.demo.command import save_steps
    from app.store.keyslots import KdfParams, generate_recovery_key_pair
    from app.store.store import Store

    store = Store.create(
        tmp_path / "ward",
        username="demo.admin",
        password="a demo passphrase",
        recovery_public_key_pem=generate_recovery_key_pair()[1],
        kdf=KdfParams(time_cost=1, memory_kib=1024, parallelism=1),
        demo=True,
    )
    with store:
        with store.write() as tx:
            save_steps(tx, demo.steps)
        with store.read() as reader:
            counts = reader.counts_by_kind()
            assert reader.conflicted_ids() == []
            history = reader.history(demo.amended_incident_id)
        assert counts == Counter(r.KIND for r in demo.latest().values())
        assert [r.action for r in history] == [
            RevisionAction.CREATE,
            RevisionAction.EDIT,
            RevisionAction.EDIT,
            RevisionAction.AMEND,
        ]
        assert history[-1].reason


def test_builds_with_the_real_clock_and_other_periods() -> None:
    for months in (1, 12):
        ward = build_demo_ward(datetime.now(UTC), seed=7, months=months)
        for record, _ in ward.steps:
            type(record).model_validate(record.model_dump())
        assert ward.current(SeclusionEpisode)
        assert ward.current(LtsEpisode)


def test_refuses_a_naive_now_and_silly_periods() -> None:
    with pytest.raises(ValueError, match="time zone"):
        build_demo_ward(datetime(2025, 11, 20, 14, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="months"):
        build_demo_ward(NOW, months=0)


def test_same_now_and_seed_give_the_same_ward(demo: DemoWard) -> None:
    assert build_demo_ward(NOW) == demo
    assert build_demo_ward(NOW, seed=99).steps != demo.steps


_DIGEST = """
import hashlib
from datetime import datetime
from app.cli.demo.ward import build_demo_ward
ward = build_demo_ward(datetime.fromisoformat("2025-11-20T14:37:12+00:00"), months=1)
digest = hashlib.sha256()
for record, reason in ward.steps:
    digest.update(record.model_dump_json().encode() + repr(reason).encode())
print(digest.hexdigest())
"""


def test_same_ward_in_another_process_with_other_string_hashing() -> None:
    digests = {
        subprocess.run(
            [sys.executable, "-c", _DIGEST],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(digests) == 1
    assert "" not in digests


# ------------------------------------------------------------------ people and spells


def test_accounts_are_the_three_demo_accounts_linked_as_the_models_require(
    demo: DemoWard,
) -> None:
    staff = {s.id: s for s in demo.current(StaffMember)}
    roles = {a.username: a.access_role for a in demo.accounts}
    assert roles == {
        "demo.nurse": AccessRole.NURSE,
        "demo.manager": AccessRole.WARD_MANAGER,
        "demo.admin": AccessRole.ADMIN,
    }
    by_name = {a.username: a for a in demo.accounts}
    nurse_id = by_name["demo.nurse"].staff_id
    manager_id = by_name["demo.manager"].staff_id
    assert nurse_id is not None
    assert manager_id is not None
    assert staff[nurse_id].role is ClinicalRole.REGISTERED_NURSE
    assert staff[manager_id].role is ClinicalRole.WARD_MANAGER
    assert by_name["demo.admin"].staff_id is None
    saved = {a.id for a in demo.current(UserAccount)}
    assert {a.id for a in (*demo.accounts, *demo.colleague_accounts)} == saved
    assert all(a.staff_id in staff for a in demo.colleague_accounts)


def test_staff_cover_the_ward_roles(demo: DemoWard) -> None:
    roles = Counter(s.role for s in demo.staff)
    assert 12 <= len(demo.staff) <= 16
    assert roles[ClinicalRole.REGISTERED_NURSE] >= 3
    assert roles[ClinicalRole.HEALTHCARE_SUPPORT_WORKER] >= 3
    for role in (
        ClinicalRole.WARD_MANAGER,
        ClinicalRole.RESPONSIBLE_CLINICIAN,
        ClinicalRole.DOCTOR,
        ClinicalRole.APPROVED_CLINICIAN,
    ):
        assert roles[role] == 1


def test_patients_are_varied_and_use_test_nhs_numbers(demo: DemoWard) -> None:
    patients = demo.current(Patient)
    assert 20 <= len(patients) <= 25
    numbers = [p.nhs_number for p in patients]
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert number is not None
        assert is_valid_nhs_number(number)
        assert is_test_number(number)
    ethnicities = {p.characteristics.ethnicity for p in patients}
    assert len(ethnicities) >= 8
    assert ethnicities == set(EthnicCategory)  # every category, Z and 99 included
    assert any(p.learning_disability is Answer.YES for p in patients)
    assert sum(p.autism is Answer.YES for p in patients) >= 2
    legal = Counter(p.legal_status for p in patients)
    assert legal[LegalStatus.S2] + legal[LegalStatus.S3] > len(patients) / 2
    assert legal[LegalStatus.INFORMAL] >= 2
    assert legal[LegalStatus.S37_41] == 1
    assert any(p.mental_disorder is not None and not p.mental_disorder.known for p in patients)
    undisclosed = [
        name
        for p in patients
        for name in ProtectedCharacteristics.model_fields
        if getattr(p.characteristics, name) in {"not_stated", "not_known", "Z", "99"}
    ]
    assert len(undisclosed) >= 5
    assert sum(bool(p.care_plan_contacts) for p in patients) > len(patients) / 2
    ages = [p.age_at(NOW) for p in patients]
    assert min(a for a in ages if a is not None) < 25
    assert max(a for a in ages if a is not None) > 55


def test_spells_fill_the_ward_without_overfilling_it(demo: DemoWard) -> None:
    spells = demo.current(HospitalSpell)
    assert {s.patient_id for s in spells} == {p.id for p in demo.patients}
    assert any(s.discharged_at is not None for s in spells)
    day = local_date(demo.period_start)
    while day < local_date(NOW):
        midnight = local_midnight(day + timedelta(days=1))
        assert sum(s.covers(midnight) for s in spells) <= demo.ward.number_of_beds
        day += timedelta(days=1)
    bed_days = occupied_bed_days(spells, local_date(demo.period_start), local_date(NOW), as_of=NOW)
    days = (NOW - demo.period_start).days
    assert days * 8 < bed_days < days * demo.ward.number_of_beds


# --------------------------------------------------------------------------- incidents


def test_incidents_are_mostly_signed_off_with_recent_drafts_and_submissions(
    demo: DemoWard,
) -> None:
    incidents = demo.current(UseOfForceIncident)
    days = (NOW - demo.period_start).days
    assert days < len(incidents) < 2 * days
    status = Counter(i.status for i in incidents)
    assert status[IncidentStatus.SIGNED_OFF] > 0.9 * len(incidents)
    assert status[IncidentStatus.SUBMITTED] >= 2
    assert status[IncidentStatus.DRAFT] >= 2
    recent = NOW - timedelta(days=10)
    assert all(
        i.started_at > recent for i in incidents if i.status is not IncidentStatus.SIGNED_OFF
    )


def test_signed_off_incidents_are_complete_and_drafts_are_not(demo: DemoWard) -> None:
    patients = _patients(demo)
    spells = demo.current(HospitalSpell)
    for incident in demo.current(UseOfForceIncident):
        patient = patients[incident.patient_id]
        assert spell_at(spells, incident.patient_id, incident.started_at) is not None
        if incident.status is IncidentStatus.DRAFT:
            assert missing_items(incident, patient)
        else:
            assert missing_for_submission(incident, patient) == []
            assert incident.submitted_by is not None
            assert incident.submitted_by.role.is_registered_nurse
        if incident.status is IncidentStatus.SIGNED_OFF:
            assert missing_for_sign_off(incident) == []
            assert incident.signed_off_by != incident.submitted_by


def test_incidents_mix_types_reasons_and_patients(demo: DemoWard) -> None:
    incidents = demo.current(UseOfForceIncident)
    types = Counter(t for i in incidents for t in i.intervention_types)
    assert types[InterventionType.PHYSICAL_STANDING] > types[InterventionType.PHYSICAL_PRONE]
    for kind in (
        InterventionType.PHYSICAL_RESTRICTIVE_ESCORT,
        InterventionType.PHYSICAL_SEATED,
        InterventionType.PHYSICAL_SUPINE,
        InterventionType.PHYSICAL_SIDE,
        InterventionType.CHEMICAL_INJECTION_RT,
        InterventionType.MECHANICAL,
        InterventionType.SECLUSION,
    ):
        assert types[kind] >= 1, kind
    prone = [u for i in incidents for u in prone_uses(i) if u.duration is not None]
    over = [u for u in prone if u.duration is not None and u.duration > timedelta(minutes=10)]
    assert 1 <= len(over) < len(prone) / 2
    for incident in incidents:
        for use in incident.force_uses:
            assert mechanical_restraint_properly_authorised(use)
            if use.intervention_type.is_rapid_tranquillisation:
                assert use.rapid_tranquillisation is not None
    assert len({i.reason for i in incidents}) >= 6
    per_patient = Counter(i.patient_id for i in incidents).most_common()
    top_four = sum(n for _, n in per_patient[:4])
    assert top_four > 0.4 * len(incidents)
    assert all(2 <= len(i.staff_involved) <= 5 for i in incidents)


# --------------------------------------------------------------------------- seclusion


def _seclusion_records(
    demo: DemoWard,
) -> tuple[list[SeclusionEpisode], list[SeclusionObservation], list[SeclusionReview]]:
    return (
        demo.current(SeclusionEpisode),
        demo.current(SeclusionObservation),
        demo.current(SeclusionReview),
    )


def test_one_seclusion_is_running_now_and_the_board_shows_red(demo: DemoWard) -> None:
    episodes, observations, reviews = _seclusion_records(demo)
    active = [e for e in episodes if e.is_active_at(NOW)]
    assert [e.id for e in active] == [demo.active_seclusion_id]
    episode = active[0]
    assert timedelta(hours=2) < NOW - episode.started_at < timedelta(hours=6)
    clocks = seclusion_clocks(
        episode,
        observations,
        reviews,
        NOW,
        episodes_of_patient=[e for e in episodes if e.patient_id == episode.patient_id],
    )
    assert any(c.state is ClockState.OVERDUE for c in clocks)
    nearly = [c for c in clocks if c.next_due is not None and c.next_due - NOW < timedelta(hours=1)]
    assert len(nearly) >= 2
    incident = demo.latest()[demo.active_seclusion_incident_id]
    assert isinstance(incident, UseOfForceIncident)
    assert episode.incident_id == incident.id
    assert incident.status is IncidentStatus.DRAFT
    assert InterventionType.SECLUSION in incident.intervention_types
    assert incident.ended_at is None


def test_past_seclusions_are_ended_reviewed_on_time_and_linked(demo: DemoWard) -> None:
    episodes, observations, reviews = _seclusion_records(demo)
    incidents = {i.id: i for i in demo.current(UseOfForceIncident)}
    past = [e for e in episodes if e.id != demo.active_seclusion_id]
    assert len(past) >= 6
    assert any(
        e.ended_at is not None and e.ended_at - e.started_at > timedelta(hours=8) for e in past
    )
    for episode in past:
        assert episode.ended_at is not None
        assert episode.ended_by is not None
        assert episode.care_plan.unanswered_sections() == ()
        others = [e for e in episodes if e.patient_id == episode.patient_id]
        assert (
            seclusion_lapses(episode, observations, reviews, NOW, episodes_of_patient=others) == ()
        )
        assert episode.incident_id is not None
        incident = incidents[episode.incident_id]
        use = next(
            u for u in incident.force_uses if u.intervention_type is InterventionType.SECLUSION
        )
        assert (use.started_at, use.ended_at) == (episode.started_at, episode.ended_at)
        kinds = {r.kind for r in reviews if r.episode_id == episode.id}
        assert (
            SeclusionReviewKind.NURSING in kinds
            or episode.ended_at - episode.started_at < timedelta(hours=2)
        )
        if episode.ended_at - episode.started_at > timedelta(hours=8):
            assert SeclusionReviewKind.INDEPENDENT_MDT in kinds
        if episode.ended_at - episode.started_at > timedelta(hours=20):
            assert SeclusionReviewKind.INTERNAL_MDT in kinds
    assert sum(1 for o in observations if o.episode_id == demo.active_seclusion_id) >= 10


# ------------------------------------------------------------------ long-term segregation


def test_one_lts_episode_is_running_with_its_daily_review_due_soon(demo: DemoWard) -> None:
    episodes = demo.current(LtsEpisode)
    assert [e.id for e in episodes if e.is_active_at(NOW)] == [demo.lts_episode_id]
    episode = episodes[0]
    assert episode.patient_id == demo.lts_patient_id
    assert timedelta(weeks=3) < NOW - episode.started_at < timedelta(weeks=8)
    assert episode.imha_told is Answer.YES
    assert any(p.role is ClinicalRole.COMMISSIONER for p in episode.decision_attendees)
    assert episode.care_plan.unanswered_sections() == ()
    reviews = demo.current(LtsReview)
    clocks = {c.kind: c for c in lts_clocks(episode, reviews, NOW, needs_icetr=True)}
    ac = clocks[ClockKind.LTS_APPROVED_CLINICIAN]
    assert ac.state is ClockState.DUE
    assert ac.last_done is not None
    assert timedelta(hours=19) < NOW - ac.last_done < timedelta(hours=21)
    assert clocks[ClockKind.LTS_MDT].state is ClockState.DUE
    assert clocks[ClockKind.LTS_ICETR].state is ClockState.NOT_NEEDED
    assert lts_lapses(episode, reviews, NOW, needs_icetr=True) == ()
    kinds = Counter(r.kind for r in reviews)
    assert kinds[LtsReviewKind.APPROVED_CLINICIAN] >= 20
    assert kinds[LtsReviewKind.MDT] >= 3
    assert kinds[LtsReviewKind.EXTERNAL] == 1
    engagement = demo.current(LtsEngagementEntry)
    assert len({e.kind for e in engagement}) == 4
    assert len(engagement) > 2 * (NOW - episode.started_at).days
