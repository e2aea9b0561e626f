"""Admitting a patient to a ward and ending their stay (discharge or transfer out).

A :class:`~app.models.admission.HospitalSpell` is one stay on one ward. The rules here keep
the spells a ward's figures and the national dataset stand on coherent:

- a patient is in one bed at a time: a new stay may not begin while another is open, nor
  before an earlier one ended (occupied bed days count a patient once per midnight,
  domain.md §4.4);
- a stay may not end while a seclusion or long-term segregation of the patient on that ward is
  still running: its end must be recorded first (domain.md §3: who decided, when), and every
  restrictive intervention must lie within a hospital spell (MHSDS, domain.md §4);
- an NHS number is one person's consistent identifier (domain.md §2 item g, §5), so no two
  patient records may hold the same one.

Each rule is a plain function that returns the reason an action is refused (naming the field
and the rule, never a value), or ``None`` when it is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from app.models.admission import HospitalSpell
from app.models.clock import as_utc
from app.models.errors import RuleViolation
from app.models.nhs_number import normalise
from app.models.seclusion import SeclusionEpisode
from app.models.segregation import LtsEpisode

#: Seclusion and long-term segregation episodes, the isolation that must end before the stay.
Isolation = SeclusionEpisode | LtsEpisode

STAY_STILL_OPEN = (
    "admitted at: the patient is still admitted (on this or another ward); "
    "discharge or transfer them out first"
)
STAY_OVERLAPS = (
    "admitted at: must not be before the patient left an earlier stay; "
    "a patient is in one bed at a time"
)
STAY_ALREADY_ENDED = "discharged at: this stay has already ended"
LEFT_BEFORE_ADMITTED = "discharged at: must not be before the patient was admitted"
TRANSFER_NEEDS_PLACE = "transferred to: say which ward or hospital the patient went to"
NHS_NUMBER_IN_USE = (
    "NHS number: another patient on this PC has this NHS number; "
    "find that patient and admit them rather than adding them again"
)


def admission_problem(
    spells: Iterable[HospitalSpell], patient_id: UUID, admitted_at: datetime
) -> str | None:
    """Why ``patient_id`` cannot be admitted at ``admitted_at`` given their ``spells`` on
    any ward (others' spells are ignored), or ``None``: no stay may still be open, and none may
    end after the new one begins (domain.md §4.4, one bed at a time).
    """
    at = as_utc(admitted_at)
    theirs = [s for s in spells if s.patient_id == patient_id]
    if any(s.discharged_at is None for s in theirs):
        return STAY_STILL_OPEN
    if any(s.discharged_at is not None and s.discharged_at > at for s in theirs):
        return STAY_OVERLAPS
    return None


def still_running(
    spell: HospitalSpell, left_at: datetime, episodes: Iterable[Isolation]
) -> list[Isolation]:
    """The seclusion and LTS episodes of the spell's patient on the spell's ward that are
    running at ``left_at`` or end after it (domain.md §3)."""
    at = as_utc(left_at)
    return [
        e
        for e in episodes
        if e.patient_id == spell.patient_id
        and e.ward_id == spell.ward_id
        and (e.ended_at is None or e.ended_at > at)
    ]


def _episode_words(episode: Isolation) -> str:
    return "seclusion" if isinstance(episode, SeclusionEpisode) else "long-term segregation"


def end_of_stay_problem(
    spell: HospitalSpell,
    left_at: datetime,
    episodes: Iterable[Isolation] = (),
    *,
    transferred_to: str | None = None,
    transfer: bool = False,
) -> str | None:
    """Why ``spell`` cannot end at ``left_at`` (a transfer out when ``transfer``), or
    ``None``. Refused: a stay that has already ended; an end before the admission; a
    transfer that does not say where to; a seclusion or LTS of the patient on this ward still
    running then (domain.md §3, its end is recorded first; §4, every intervention lies in a
    spell).
    """
    at = as_utc(left_at)
    if spell.discharged_at is not None:
        return STAY_ALREADY_ENDED
    if at < spell.admitted_at:
        return LEFT_BEFORE_ADMITTED
    if transfer and not (transferred_to or "").strip():
        return TRANSFER_NEEDS_PLACE
    running = still_running(spell, at, episodes)
    if running:
        kinds = sorted({_episode_words(e) for e in running})
        return (
            f"discharged at: {' and '.join(kinds)} of this patient on this ward is still "
            "running then; record its end first"
        )
    return None


def end_stay(
    spell: HospitalSpell,
    left_at: datetime,
    episodes: Iterable[Isolation] = (),
    *,
    transferred_to: str | None = None,
    transfer: bool = False,
) -> HospitalSpell:
    """``spell`` ended at ``left_at``: a discharge, or a transfer out to ``transferred_to``
    when ``transfer``. Raises :class:`~app.models.errors.RuleViolation` for
    :func:`end_of_stay_problem`, and :class:`~app.models.errors.InvalidRecord` when the ended
    spell breaks a rule of the record (e.g. a time in the future).
    """
    problem = end_of_stay_problem(
        spell, left_at, episodes, transferred_to=transferred_to, transfer=transfer
    )
    if problem is not None:
        raise RuleViolation(problem)
    return HospitalSpell.build(
        **(
            spell.model_dump()
            | {
                "discharged_at": left_at,
                "transferred_to": transferred_to.strip() if transfer and transferred_to else None,
            }
        )
    )


def nhs_number_in_use(
    nhs_number: str | None, patient_id: UUID, known: Iterable[tuple[UUID, str | None]]
) -> str | None:
    """Why ``nhs_number`` cannot be given to ``patient_id``: another patient among ``known``
    (patient id, NHS number) already holds it (domain.md §2 item g, §5); ``None`` otherwise.
    """
    if nhs_number is None:
        return None
    wanted = normalise(nhs_number)
    for other_id, other_number in known:
        if other_id != patient_id and other_number and normalise(other_number) == wanted:
            return NHS_NUMBER_IN_USE
    return None
