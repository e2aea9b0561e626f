"""``rpr report KIND …``: make a document from the store and save it where the user says.

The documents are in ``app/documents`` (shared with the window). This module adds
``--user``, ``--out`` and ``--data-dir`` to each, opens the store as the person named, checks
they may make it, and delivers the bytes to ``--out`` with the audit event
(app/store/printing.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.prompts import read_password
from app.documents import registry
from app.documents.base import deliver_made, report_context
from app.models.errors import UserFacingError
from app.store.opening import load_slots
from app.store.store import Store

if TYPE_CHECKING:
    from app.config import RprSettings

#: Every document, as the command line lists them (app/documents/registry.py).
REPORTS = registry.REPORTS


def add_report_commands(parser: argparse.ArgumentParser) -> None:
    """The ``report`` subcommands, each with ``--user`` and ``--out``."""
    kinds = parser.add_subparsers(dest="report", metavar="KIND", required=True)
    for report in registry.REPORTS:
        sub = kinds.add_parser(report.name, help=report.help, description=report.help)
        sub.add_argument("--user", required=True, help="your username")
        sub.add_argument(
            "--out", type=Path, required=True, help=f"the file to write, e.g. {report.example}"
        )
        sub.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
        report.add_arguments(sub)


def run_report(args: argparse.Namespace, settings: RprSettings) -> int:
    """Open the store, make the document, deliver it; prints where it went."""
    report = next(r for r in registry.REPORTS if r.name == args.report)
    out: Path = args.out
    if out.exists() and out.is_dir():
        raise UserFacingError(f"out: {out} is a folder; name the file to write.")
    if not out.parent.is_dir():
        raise UserFacingError(f"out: the folder {out.parent} does not exist; nothing was written.")
    name = load_slots(settings.data_dir)[1].require_account(args.user)
    with Store.open(settings.data_dir, name, read_password(name)) as store:
        made = report.make(report_context(store, settings.policy, report), args)
        deliver_made(store, out, made)
    what = "Exported" if made.exported else "Saved"
    print(f"{what} {made.document} to {out} ({len(made.content):,} bytes); the audit log says so.")
    for note in made.notes:
        print(note)
    return 0
