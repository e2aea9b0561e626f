"""What every document command shares: what it is given (:class:`ReportContext`), what it
returns (:class:`Made`) and how it is described (:class:`ReportCommand`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from app.models.base import Record
from app.models.clock import utc_now
from app.models.errors import UserFacingError
from app.models.patient import Patient
from app.models.people import Permission, UserAccount, Ward
from app.models.seclusion import SeclusionEpisode
from app.models.segregation import LtsEpisode
from app.reports.document import Heading
from app.store.printing import deliver

if TYPE_CHECKING:
    from pathlib import Path

    from app.models.policy import ClinicalPolicy
    from app.store.records import RecordReader
    from app.store.store import Store

#: Where a standalone PC's documents say they come from (an enrolled PC names its trust).
STANDALONE_TRUST = "Standalone ward PC (not enrolled with a trust)"
DEMO_TRUST = "RPR demo (fictitious trust)"


@dataclass(frozen=True, slots=True)
class Made:
    """A document made: its bytes, what kind it is (for the audit log), the record it is
    about (None: a ward or period), and whether it is an export (CSV) or a print."""

    content: bytes
    document: str
    subject_kind: str | None = None
    subject_id: UUID | None = None
    exported: bool = False
    #: Lines to show after saving (e.g. records that could not be exported, and why).
    notes: tuple[str, ...] = ()
    #: A record to save once the document is delivered (e.g. that a patient copy was made).
    record: Record | None = None


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What every document is given: the open store, who is printing, the ward, the heading
    facts and the clinical policy (the machine-wide settings')."""

    store: Store
    account: UserAccount | None
    ward: Ward
    trust_name: str
    printed_at: datetime
    policy: ClinicalPolicy

    def heading(self, title: str, subject: str = "") -> Heading:
        """The house-style heading for a document of this ward."""
        return Heading(
            title=title,
            trust_name=self.trust_name,
            ward_name=self.ward.name,
            printed_by=self.store.actor,
            printed_at=self.printed_at,
            subject=subject,
        )


@dataclass(frozen=True, slots=True)
class ReportCommand:
    """One document: its name (``rpr report NAME``), the right it takes, its options (as
    command-line arguments; the window fills the same namespace) and how it is made."""

    name: str
    help: str
    permission: Permission
    add_arguments: Callable[[argparse.ArgumentParser], None]
    make: Callable[[ReportContext, argparse.Namespace], Made]
    #: The file name suggested in the help (``--out``).
    example: str = field(default="report.pdf")
    #: The kind of record saved with the document (:attr:`Made.record`), if any.
    records: str | None = None


def trust_name(store: Store) -> str:
    """What the header says the document comes from."""
    enrolment = store.sync.enrolment()
    if enrolment is not None:
        return enrolment.trust_name
    return DEMO_TRUST if store.is_demo() else STANDALONE_TRUST


def report_context(store: Store, policy: ClinicalPolicy, report: ReportCommand) -> ReportContext:
    """The context for ``report`` on ``store``, once the signed-in person is known to have
    the right it takes (domain.md §7); :class:`UserFacingError` otherwise."""
    with store.read() as reader:
        account = next((a for a in reader.find(UserAccount) if a.username == store.actor), None)
        wards = list(reader.find(Ward))
    if account is None or not account.may(report.permission):
        raise UserFacingError(
            f"user: {store.actor} may not make this document (it takes the right to "
            f"{report.permission.value.replace('_', ' ')}); nothing was written."
        )
    enrolment = store.sync.enrolment()
    ward = next((w for w in wards if enrolment and w.id == enrolment.ward_id), None) or (
        wards[0] if wards else None
    )
    if ward is None:
        raise UserFacingError("This store holds no ward yet; nothing was written.")
    return ReportContext(store, account, ward, trust_name(store), utc_now(), policy)


def record_id(value: str, option: str, what: str) -> UUID:
    """A command's record argument as a record id; refused, naming the option and saying
    what it should be, if it is not one (e.g. ``record_id(args.review, "review", "LTS
    review")``)."""
    try:
        return UUID(value.strip())
    except ValueError:
        raise UserFacingError(
            f"{option}: give the {what}'s reference, a record id such as "
            "1b4e28ba-2fa1-11d2-883f-0016d3cca427; nothing was written."
        ) from None


E = TypeVar("E", SeclusionEpisode, LtsEpisode)


def episode_on_ward(
    reader: RecordReader, model: type[E], episode_id: UUID, ward: Ward, what: str
) -> tuple[E, Patient]:
    """The ``model`` episode ``episode_id`` of ``ward`` and its patient; refused, naming the
    ``episode`` option and ``what`` it should be, if there is no such episode here."""
    episode = reader.get(model, episode_id)
    patient = None
    if episode is not None and episode.ward_id == ward.id:
        patient = reader.get(Patient, episode.patient_id)
    if episode is None or patient is None:
        raise UserFacingError(
            f"episode: there is no {what} episode with that reference on this ward; "
            "nothing was written."
        )
    return episode, patient


def deliver_made(store: Store, path: Path, made: Made) -> None:
    """Write ``made`` to ``path`` with its audit event (app/store/printing.py), then save the
    record it notes, if any. The record is saved only once the file is written and audited."""
    deliver(
        store,
        path,
        made.content,
        document=made.document,
        exported=made.exported,
        subject_kind=made.subject_kind,
        subject_id=made.subject_id,
    )
    if made.record is not None:
        store.save(made.record)


def options(report: ReportCommand, **given: object) -> argparse.Namespace:
    """The options of ``report`` as the command line would parse them when only ``given``
    are typed: how the window asks for a document without a command line."""
    parser = argparse.ArgumentParser(add_help=False)
    report.add_arguments(parser)
    chosen = argparse.Namespace()
    for action in parser._actions:  # argparse keeps its actions there
        if action.default is not argparse.SUPPRESS:
            setattr(chosen, action.dest, action.default)
    for key, value in given.items():
        setattr(chosen, key, value)
    return chosen
