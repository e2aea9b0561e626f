"""The MHSDS restrictive-intervention export as CSV bytes (issue 8 item 6; domain.md §4): one
table per file, a header row of the national item names, then the rows.

Format: the standard library's ``csv`` writer, every value quoted only when it needs it (none
do: ids, codes, dates, times and Y/N are plain ASCII), UTF-8 without a byte-order mark, and
**CRLF** line ends. CRLF is what RFC 4180 defines for CSV and what the trust's Windows tools
(the MHSDS submission route, Excel, data-warehouse loaders) read without a second thought;
Python's ``csv`` reads it back on any platform. No BOM, because loaders take it for part of
the first item's name. The bytes are returned, never written: the command line delivers them
to the one file the user chose, with the audit event.
"""

from __future__ import annotations

import csv
import io

from app.models.mhsds import MhsdsTable
from app.models.mhsds_export import MonthExport


def mhsds_csv(export: MonthExport, table: MhsdsTable) -> bytes:
    """The CSV file of ``table`` for the month of ``export`` (see the module docstring)."""
    rows = export.mhs505 if table is MhsdsTable.MHS505 else export.mhs515
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(table.columns)
    writer.writerows(row.values() for row in rows)
    return out.getvalue().encode("utf-8")
