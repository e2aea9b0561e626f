"""``rpr report mhsds --user U --out F.csv --month 2026-11 [--table mhs505|mhs515]``: the
ward's MHSDS restrictive-intervention rows for a calendar month (issue 8 item 6; domain.md §4).

One table per run (MHS505 by default; ``--table mhs515`` for the types), so each file has one
header and one shape. The records that cannot be exported are listed after saving, by record
id and reason only: no patient data on the console. The rules are
:mod:`app.models.mhsds_export`; the file format is :mod:`app.reports.mhsds_csv`.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from app.documents.base import Made, ReportCommand, ReportContext
from app.models.admission import HospitalSpell
from app.models.errors import UserFacingError
from app.models.incident import UseOfForceIncident
from app.models.mhsds import MhsdsTable, ReportingMonth
from app.models.mhsds_export import MonthExport, StoredIncident, export_month
from app.models.people import Permission
from app.reports.mhsds_csv import mhsds_csv


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--month", required=True, help="the calendar month of the incidents, as YYYY-MM"
    )
    parser.add_argument(
        "--table",
        choices=[t.value for t in MhsdsTable],
        default=MhsdsTable.MHS505.value,
        help="which table to write: mhs505 (incidents, the default) or mhs515 (types of force)",
    )


def _month(ctx: ReportContext, value: str) -> ReportingMonth:
    try:
        month = ReportingMonth.parse(value)
    except ValueError as exc:
        raise UserFacingError(f"month: {exc}; nothing was written.") from None
    if month.starts_at > ctx.printed_at:
        raise UserFacingError(f"month: {month} has not begun yet; nothing was written.")
    return month


def load_month(ctx: ReportContext, month: ReportingMonth) -> MonthExport:
    """The ward's incidents that started in ``month`` (voided ones too, to report them), with
    the store's facts about each, and the ward's spells; then the export rules."""
    ward_id = ctx.ward.id
    start, end = month.starts_at, month.ends_at
    with ctx.store.read() as reader:
        every = reader.find(
            UseOfForceIncident,
            ward_id=ward_id,
            starts_from=start,
            starts_before=end,
            include_voided=True,
        )
        live = {
            i.id
            for i in reader.find(
                UseOfForceIncident, ward_id=ward_id, starts_from=start, starts_before=end
            )
        }
        conflicted = set(reader.conflicted_ids(ward_id=ward_id))
        spells = reader.find(HospitalSpell, ward_id=ward_id, starts_before=month.ends_at)
    stored = [
        StoredIncident(i, voided=i.id not in live, conflicted=i.id in conflicted) for i in every
    ]
    return export_month(month, stored, spells)


def _notes(export: MonthExport, table: MhsdsTable, printed_at: datetime) -> tuple[str, ...]:
    rows = len(export.mhs505 if table is MhsdsTable.MHS505 else export.mhs515)
    incidents = len(export.mhs505)
    lines = [f"{table.national_name}, {export.month}: {rows} row(s) from {incidents} incident(s)."]
    if export.month.ends_at > printed_at:
        lines.append(f"{export.month} is not over yet: export it again once it is.")
    if not export.mhs505 and not export.not_exported:
        lines.append(f"No use-of-force incident on this ward started in {export.month}.")
    if export.not_exported:
        lines.append(f"Not exported ({len(export.not_exported)} record(s); record id: why):")
        lines.extend(f"  {item.line()}" for item in export.not_exported)
    return tuple(lines)


def make(ctx: ReportContext, args: argparse.Namespace) -> Made:
    """The CSV of one table for the month (see the module docstring)."""
    month = _month(ctx, args.month)
    table = MhsdsTable(args.table)
    export = load_month(ctx, month)
    return Made(
        content=mhsds_csv(export, table),
        document=f"MHSDS {table.value.upper()} export for {month}",
        exported=True,
        notes=_notes(export, table, ctx.printed_at),
    )


COMMAND = ReportCommand(
    name="mhsds",
    help="the national MHSDS restrictive-intervention rows (MHS505 or MHS515) for a month, as CSV",
    permission=Permission.VIEW_WARD_FIGURES,
    add_arguments=_add_arguments,
    make=make,
    example="mhs505-2026-11.csv",
)
