"""The MHSDS CSV files match rows written out by hand (issue 8 acceptance: "MHSDS rows match a
fixture exactly"), and a corrected record re-exports under the same ids."""

from __future__ import annotations

import csv
import io

from app.models.codes import InterventionReason
from app.models.mhsds import MhsdsTable
from app.models.mhsds_export import StoredIncident, export_month
from app.reports.mhsds_csv import mhsds_csv
from tests.models.mhsds_builders import MAY_2024, afternoon, month_of_records, spell

# Ids: the spell X4UJ…, the incidents FXBF… (00:30 BST, 30 April in UTC) and 5E5M… (15:00 BST);
# the types UGBI… (seclusion), UP2U… (standing), 6IGW… (prone), 3YE4… (rapid tranquillisation).
EXPECTED_MHS505 = (
    "HospProvSpellID,RestrictiveIntIncID,StartDateRestrictiveIntInc,StartTimeRestrictiveIntInc,"
    "EndDateRestrictiveIntInc,EndTimeRestrictiveIntInc,RestrictiveIntReason,"
    "PostIncReviewPatientInd,PostIncReviewPatientNotHeldReason,PostIncReviewStaffInd\r\n"
    "X4UJJ7DFCFYM7MBVCF5W,FXBFBWDJHZW3EVQE4AP4,2024-05-01,00:30:00,2024-05-01,01:10:00,11,N,,Y\r\n"
    "X4UJJ7DFCFYM7MBVCF5W,5E5MZUR76GW4GNMLSWD3,2024-05-01,15:00:00,2024-05-01,15:25:00,10,Y,,Y\r\n"
)

EXPECTED_MHS515 = (
    "RestrictiveIntTypeID,RestrictiveIntIncID,RestrictiveIntType,StartDateRestrictiveIntType,"
    "StartTimeRestrictiveIntType,EndDateRestrictiveIntType,EndTimeRestrictiveIntType,"
    "PatientInjuryInd,StaffInjuryInd,OtherPersonInjuryInd\r\n"
    "UGBIVRAH2ULISBCP6Y5P,FXBFBWDJHZW3EVQE4AP4,05,2024-05-01,00:30:00,2024-05-01,01:10:00,Y,N,N\r\n"
    "UP2UFDAKQ3KUVTF7H3LA,5E5MZUR76GW4GNMLSWD3,07,2024-05-01,15:00:00,2024-05-01,15:04:00,N,N,N\r\n"
    "6IGWROKQ7ARIYOFDE2IN,5E5MZUR76GW4GNMLSWD3,01,2024-05-01,15:04:00,2024-05-01,15:07:00,N,N,N\r\n"
    "3YE44I4RGFSDYBQM3TKT,5E5MZUR76GW4GNMLSWD3,14,2024-05-01,15:15:00,2024-05-01,15:17:00,N,N,N\r\n"
)


def test_mhs505_file_matches_the_hand_written_fixture() -> None:
    export = export_month(MAY_2024, month_of_records(), [spell()])
    assert mhsds_csv(export, MhsdsTable.MHS505) == EXPECTED_MHS505.encode("ascii")


def test_mhs515_file_matches_the_hand_written_fixture() -> None:
    export = export_month(MAY_2024, month_of_records(), [spell()])
    assert mhsds_csv(export, MhsdsTable.MHS515) == EXPECTED_MHS515.encode("ascii")


def test_an_amended_record_re_exports_under_the_same_ids() -> None:
    amended = afternoon(
        reason=InterventionReason.PREVENT_OTHERWISE_DANGEROUS_BEHAVIOUR,
        how_force_was_used="Corrected after review: a standing hold, then a brief prone hold.",
    )
    first = export_month(MAY_2024, [StoredIncident(afternoon())], [spell()])
    again = export_month(MAY_2024, [StoredIncident(amended)], [spell()])
    assert [r.incident_id for r in again.mhs505] == [r.incident_id for r in first.mhs505]
    assert [r.type_id for r in again.mhs515] == [r.type_id for r in first.mhs515]
    assert [r.reason for r in again.mhs505] == ["17"]
    assert mhsds_csv(again, MhsdsTable.MHS505).decode().splitlines()[1] == (
        "X4UJJ7DFCFYM7MBVCF5W,5E5MZUR76GW4GNMLSWD3,2024-05-01,15:00:00,2024-05-01,15:25:00,17,Y,,Y"
    )


def test_a_month_with_nothing_to_export_is_the_header_alone() -> None:
    export = export_month(MAY_2024, [], [spell()])
    for table in MhsdsTable:
        content = mhsds_csv(export, table)
        assert content == (",".join(table.columns) + "\r\n").encode("ascii")


def test_the_file_reads_back_with_the_csv_module() -> None:
    export = export_month(MAY_2024, month_of_records(), [spell()])
    text = mhsds_csv(export, MhsdsTable.MHS515).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(MhsdsTable.MHS515.columns)
    assert all(len(row) == len(rows[0]) for row in rows)
    assert not text.startswith("\ufeff")
