"""What the blanket restrictions register shows, read on the store worker as a frozen snapshot.

Runs on the store worker (``ctx.runner.run``) and returns plain values; no widget is touched.
The review clocks are the ward board's (:mod:`app.models.ward_board_restrictions`), so the
register and the board never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from app.models.admission import HospitalSpell
from app.models.base import ACTIVE, ENDED
from app.models.blanket_restrictions import BlanketRestriction
from app.models.form_draft import DraftStatus, FormDraft
from app.models.patient import Patient
from app.models.people import StaffMember
from app.models.policy import ClinicalPolicy
from app.models.ward_board_restrictions import RestrictionOnBoard, blanket_on_board
from app.store.board import ADMITTED
from app.store.records import RecordReader
from app.store.store import Store
from app.ui.isolation.loading import KeptDraft, PatientChoice, ward_staff

#: Ended restrictions stay on the register this long after they ended.
RECENTLY_ENDED = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One blanket restriction as read: its revision (the base of a change), whether it has
    diverging versions, and its review clock (stopped once ended)."""

    restriction: BlanketRestriction
    revision_id: UUID
    conflicted: bool
    on_board: RestrictionOnBoard

    @property
    def record_id(self) -> UUID:
        """The restriction's id."""
        return self.restriction.id

    @property
    def in_force(self) -> bool:
        """Not ended (as the register was read)."""
        return self.restriction.ended_at is None


@dataclass(frozen=True, slots=True)
class RegisterView:
    """The ward's register: in force (most urgent review first), then those ended recently
    (newest first); the staff and patients its forms offer; names of exempted patients."""

    at: datetime
    rows: tuple[RegisterRow, ...]
    staff: tuple[StaffMember, ...]
    patients: tuple[PatientChoice, ...]
    names: Mapping[UUID, str]
    drafts: tuple[KeptDraft, ...]

    def row(self, record_id: UUID | None) -> RegisterRow | None:
        """The row of ``record_id``."""
        return next((r for r in self.rows if r.record_id == record_id), None)


def kept_drafts(
    reader: RecordReader, ward_id: UUID, forms: frozenset[str]
) -> tuple[KeptDraft, ...]:
    """Open drafts of ``forms`` on the ward, each with the revision it was read at (a
    conflicted draft is left for History and conflicts)."""
    kept = []
    for draft in reader.find(FormDraft, ward_id=ward_id, statuses=[DraftStatus.OPEN.value]):
        if draft.form not in forms:
            continue
        state = reader.state(draft.id)
        if state is not None and not state.conflicted:
            kept.append((draft, state.revision_id))
    return tuple(kept)


def patients_on_ward(
    reader: RecordReader, ward_id: UUID, at: datetime
) -> tuple[PatientChoice, ...]:
    """Patients with an open stay on the ward at ``at``, by name."""
    spells = reader.find(HospitalSpell, ward_id=ward_id, statuses=[ADMITTED], ongoing_at=at)
    patients = reader.get_many(Patient, {s.patient_id for s in spells})
    choices = (PatientChoice(pid, p.display_name) for pid, p in patients.items())
    return tuple(sorted(choices, key=lambda c: c.name.casefold()))


def _row(
    reader: RecordReader, restriction: BlanketRestriction, at: datetime, policy: ClinicalPolicy
) -> RegisterRow | None:
    state = reader.state(restriction.id)
    if state is None or not isinstance(state.record, BlanketRestriction):
        return None
    return RegisterRow(
        restriction=state.record,
        revision_id=state.revision_id,
        conflicted=state.conflicted,
        on_board=blanket_on_board(state.record, at, policy.restrictions),
    )


def load_register(
    store: Store, ward_id: UUID, at: datetime, policy: ClinicalPolicy, forms: frozenset[str]
) -> RegisterView:
    """The register of ``ward_id`` at ``at`` with the open drafts of ``forms``."""
    with store.read() as reader:
        running = reader.find(BlanketRestriction, ward_id=ward_id, statuses=[ACTIVE])
        ended = reader.find(
            BlanketRestriction,
            ward_id=ward_id,
            statuses=[ENDED],
            ends_after=at - RECENTLY_ENDED,
            newest_first=True,
        )
        in_force = [r for r in (_row(reader, x, at, policy) for x in running) if r is not None]
        in_force.sort(key=lambda r: (not r.on_board.overdue, r.on_board.clock.next_due or at))
        over = [r for r in (_row(reader, x, at, policy) for x in ended) if r is not None]
        exempted = {e.patient_id for r in (*in_force, *over) for e in r.restriction.exemptions}
        patients = patients_on_ward(reader, ward_id, at)
        names = {p.patient_id: p.name for p in patients}
        for pid, patient in reader.get_many(Patient, exempted - names.keys()).items():
            names[pid] = patient.display_name
        return RegisterView(
            at=at,
            rows=(*in_force, *over),
            staff=ward_staff(reader, ward_id),
            patients=patients,
            names=names,
            drafts=kept_drafts(reader, ward_id, forms),
        )
