"""What the patients screen reads, as frozen values made on the store worker (no Qt here).

:func:`load_patient_list` gives the ward's patients as rows for the list; :func:`load_patient`
gives one patient with what the form and the stay actions need (the revision the form starts
from, every stay, and the seclusion and LTS episodes that must end before the stay does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from app.models.admission import HospitalSpell
from app.models.clock import to_local
from app.models.nhs_number import normalise
from app.models.patient import Patient
from app.models.seclusion import SeclusionEpisode
from app.models.segregation import LtsEpisode
from app.models.stays import Isolation
from app.store.store import Store
from app.ui.patients.kept_details import KeptDraft, kept_for_patient, kept_new_patients

#: Patients who left this long ago or less are listed with those on the ward.
RECENTLY_LEFT = timedelta(days=28)


def short_time(value: datetime) -> str:
    """``03 Nov 2025 14:05`` on the ward's wall clock."""
    return to_local(value).strftime("%d %b %Y %H:%M")


@dataclass(frozen=True, slots=True)
class PatientRow:
    """One line of the patients list."""

    patient_id: UUID
    name: str
    nhs_number: str
    date_of_birth: str
    legal_status: str
    stay: str
    on_ward: bool
    #: On the ward, left recently, or never admitted: listed without "earlier patients".
    recent: bool
    #: Name and NHS number digits, case-folded, for the filter.
    search: str


@dataclass(frozen=True, slots=True)
class PatientList:
    """The ward's patients at ``at``: on the ward first (by name), then by who left last."""

    at: datetime
    rows: tuple[PatientRow, ...]
    #: (patient id, NHS number) of every patient on this PC, for the duplicate check.
    nhs_numbers: tuple[tuple[UUID, str | None], ...]
    #: New patients the signed-in person began here and never saved, newest first.
    kept_new: tuple[KeptDraft, ...] = ()


def stay_words(latest: HospitalSpell | None) -> str:
    """Where the patient is, in words, from their latest stay on this ward."""
    if latest is None:
        return "Not admitted"
    if latest.discharged_at is None:
        return f"On the ward since {short_time(latest.admitted_at)}"
    if latest.transferred_to is not None:
        return f"Transferred to {latest.transferred_to} on {short_time(latest.discharged_at)}"
    return f"Discharged {short_time(latest.discharged_at)}"


def _row(patient: Patient, latest: HospitalSpell | None, at: datetime) -> PatientRow:
    on_ward = latest is not None and latest.discharged_at is None
    left = None if latest is None else latest.discharged_at
    recent = latest is None or on_ward or (left is not None and at - left <= RECENTLY_LEFT)
    born = patient.date_of_birth
    return PatientRow(
        patient_id=patient.id,
        name=patient.filing_name,
        nhs_number=patient.nhs_number_display or "",
        date_of_birth="" if born is None else born.strftime("%d/%m/%Y"),
        legal_status="" if patient.legal_status is None else patient.legal_status.short_label,
        stay=stay_words(latest),
        on_ward=on_ward,
        recent=recent,
        search=" ".join(
            [patient.display_name.casefold(), patient.filing_name.casefold()]
            + ([patient.nhs_number] if patient.nhs_number else [])
            + ([patient.local_identifier.casefold()] if patient.local_identifier else [])
        ),
    )


def _order(row: PatientRow, left: datetime | None) -> tuple[int, float, str]:
    if row.on_ward:
        return (0, 0.0, row.name.casefold())
    if left is None:
        return (1, 0.0, row.name.casefold())  # registered here, never admitted
    return (2, -left.timestamp(), row.name.casefold())


def load_patient_list(
    store: Store, ward_id: UUID, at: datetime, actor: str | None = None
) -> PatientList:
    """Every patient of ``ward_id`` (current ward, or a stay there) with their latest stay,
    and the new patients ``actor`` began and did not save."""
    with store.read() as reader:
        everyone = reader.find(Patient)
        spells = reader.find(HospitalSpell, ward_id=ward_id)
        kept_new = () if actor is None else kept_new_patients(reader, ward_id, actor)
    latest: dict[UUID, HospitalSpell] = {}
    for spell in spells:  # ordered by admission: the last one wins
        latest[spell.patient_id] = spell
    ours = [p for p in everyone if p.ward_id == ward_id or p.id in latest]
    keyed = []
    for patient in ours:
        stay = latest.get(patient.id)
        row = _row(patient, stay, at)
        keyed.append((_order(row, None if stay is None else stay.discharged_at), row))
    keyed.sort(key=lambda pair: pair[0])
    return PatientList(
        at=at,
        rows=tuple(row for _, row in keyed),
        nhs_numbers=tuple((p.id, p.nhs_number) for p in everyone),
        kept_new=kept_new,
    )


@dataclass(frozen=True, slots=True)
class PatientDetail:
    """One patient as the form and the stay actions need them."""

    patient: Patient
    #: The revision the form starts from (each change names it as its base).
    revision_id: UUID
    #: Diverging versions wait for a person to resolve them (history screen).
    conflicted: bool
    #: Every stay of the patient on any ward, by admission.
    spells: tuple[HospitalSpell, ...]
    #: The stay on this ward still open, and its revision.
    open_stay: HospitalSpell | None
    open_stay_revision: UUID | None
    #: Seclusion and LTS episodes of the patient running during the open stay or after it.
    episodes: tuple[Isolation, ...]
    #: Changes the signed-in person typed and did not save (given back into the form).
    kept: KeptDraft | None = None

    @property
    def latest_here(self) -> HospitalSpell | None:
        """The last stay on the patient's current ward (for the status line)."""
        here = [s for s in self.spells if s.ward_id == self.patient.ward_id]
        return here[-1] if here else None


def load_patient(
    store: Store, patient_id: UUID, ward_id: UUID, actor: str | None = None
) -> PatientDetail | None:
    """``patient_id`` with their stays, running isolation and the changes ``actor`` typed and
    did not save (``None``: no such patient)."""
    with store.read() as reader:
        state = reader.state(patient_id)
        if state is None or not isinstance(state.record, Patient):
            return None
        spells = tuple(reader.find(HospitalSpell, patient_id=patient_id))
        open_stay = next((s for s in spells if s.ward_id == ward_id and s.is_open), None)
        stay_state = None if open_stay is None else reader.state(open_stay.id)
        episodes: tuple[Isolation, ...] = ()
        if open_stay is not None:
            since = open_stay.admitted_at
            episodes = (
                *reader.find(SeclusionEpisode, patient_id=patient_id, ends_after=since),
                *reader.find(LtsEpisode, patient_id=patient_id, ends_after=since),
            )
        kept = None if actor is None else kept_for_patient(reader, patient_id, actor)
    return PatientDetail(
        patient=state.record,
        revision_id=state.revision_id,
        conflicted=state.conflicted,
        spells=spells,
        open_stay=open_stay,
        open_stay_revision=None if stay_state is None else stay_state.revision_id,
        episodes=episodes,
        kept=kept,
    )


def status_words(detail: PatientDetail) -> str:
    """Where the patient is and what is running for them, in words."""
    words = [stay_words(detail.open_stay or detail.latest_here)]
    words += [
        "In seclusion now" if e.KIND == "seclusion_episode" else "In long-term segregation"
        for e in detail.episodes
        if e.ended_at is None
    ]
    if detail.conflicted:
        words.append(
            "This record has diverging versions (saved on two PCs); a person must resolve them"
        )
    return " · ".join(words)


def digits_of(text: str) -> str:
    """What an NHS number search matches on: the digits typed, spaces dropped."""
    return normalise(text)
