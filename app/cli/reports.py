"""``rpr report KIND …``: make a document from the store and save it where the user says.

Every report is a module in ``app/cli`` that registers a :class:`ReportCommand`: its
arguments, and ``make`` which reads what it needs from the open store (domain objects only)
and returns a :class:`Made` document built by ``app/reports``. This module opens the store as
the person named, checks they may print (domain.md §7: the ward manager prints review
documents; every account may print its own ward's records and the handover — each command
says which right it takes), and delivers the bytes to ``--out`` with the audit event
(app/store/printing.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from app.cli.prompts import read_password
from app.models.clock import utc_now
from app.models.errors import UserFacingError
from app.models.people import Permission, UserAccount, Ward
from app.reports.document import Heading
from app.store.opening import load_slots
from app.store.printing import deliver
from app.store.store import Store

if TYPE_CHECKING:
    from app.config import RprSettings

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
    #: Lines to print after saving (e.g. records that could not be exported, and why).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What every report command is given: the open store, who is printing, the ward, the
    heading facts and the settings."""

    store: Store
    account: UserAccount | None
    ward: Ward
    trust_name: str
    printed_at: datetime
    settings: RprSettings

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
    """One ``rpr report`` subcommand."""

    name: str
    help: str
    permission: Permission
    add_arguments: Callable[[argparse.ArgumentParser], None]
    make: Callable[[ReportContext, argparse.Namespace], Made]
    #: The file name suggested in the help (``--out``).
    example: str = field(default="report.pdf")


#: Every report command, in the order ``rpr report --help`` lists them.
REPORTS: list[ReportCommand] = []


def add_report_commands(parser: argparse.ArgumentParser) -> None:
    """The ``report`` subcommands, each with ``--user`` and ``--out``."""
    kinds = parser.add_subparsers(dest="report", metavar="KIND", required=True)
    for report in REPORTS:
        sub = kinds.add_parser(report.name, help=report.help, description=report.help)
        sub.add_argument("--user", required=True, help="your username")
        sub.add_argument(
            "--out", type=Path, required=True, help=f"the file to write, e.g. {report.example}"
        )
        sub.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
        report.add_arguments(sub)


def _trust_name(store: Store) -> str:
    enrolment = store.sync.enrolment()
    if enrolment is not None:
        return enrolment.trust_name
    return DEMO_TRUST if store.is_demo() else STANDALONE_TRUST


def run_report(args: argparse.Namespace, settings: RprSettings) -> int:
    """Open the store, make the document, deliver it; prints where it went."""
    report = next(r for r in REPORTS if r.name == args.report)
    out: Path = args.out
    if out.exists() and out.is_dir():
        raise UserFacingError(f"out: {out} is a folder; name the file to write.")
    if not out.parent.is_dir():
        raise UserFacingError(f"out: the folder {out.parent} does not exist; nothing was written.")
    name = load_slots(settings.data_dir)[1].require_account(args.user)
    with Store.open(settings.data_dir, name, read_password(name)) as store:
        with store.read() as reader:
            account = next((a for a in reader.find(UserAccount) if a.username == name), None)
            wards = list(reader.find(Ward))
        if account is None or not account.may(report.permission):
            raise UserFacingError(
                f"user: {name} may not make this document (it takes the right to "
                f"{report.permission.value.replace('_', ' ')}); nothing was written."
            )
        enrolment = store.sync.enrolment()
        ward = next((w for w in wards if enrolment and w.id == enrolment.ward_id), None) or (
            wards[0] if wards else None
        )
        if ward is None:
            raise UserFacingError("This store holds no ward yet; nothing was written.")
        context = ReportContext(store, account, ward, _trust_name(store), utc_now(), settings)
        made = report.make(context, args)
        deliver(
            store,
            out,
            made.content,
            document=made.document,
            exported=made.exported,
            subject_kind=made.subject_kind,
            subject_id=made.subject_id,
        )
    what = "Exported" if made.exported else "Saved"
    print(f"{what} {made.document} to {out} ({len(made.content):,} bytes); the audit log says so.")
    for note in made.notes:
        print(note)
    return 0
