"""``rpr report mhsds`` on the demo ward: the CSV of each table, records that cannot be exported
listed by id and reason only, ids unchanged by an amendment, and refusals."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from app.documents.mhsds import COMMAND
from app.models.clock import local_date, utc_now
from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus
from app.models.mhsds import MHS505_COLUMNS, MHS515_COLUMNS, ReportingMonth, mhsds_id
from app.models.mhsds_export import VALID_REASON_CODES, VALID_TYPE_CODES
from app.models.patient import Patient
from app.store.store import Store
from tests.demo_store import Passwords
from tests.reports.commands import only, runner

only_this_report = only(COMMAND)


def last_month() -> ReportingMonth:
    today = local_date(utc_now())
    return ReportingMonth(today.year - (today.month == 1), (today.month - 2) % 12 + 1)


run = runner(COMMAND)


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


def month_incidents(store: Store, month: ReportingMonth) -> list[UseOfForceIncident]:
    with store.read() as reader:
        return reader.find(
            UseOfForceIncident, starts_from=month.starts_at, starts_before=month.ends_at
        )


def test_both_tables_for_last_month(
    demo: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.manager"])
    month = last_month()
    with Store.open(folder, "demo.manager", passwords["demo.manager"]) as store:
        incidents = month_incidents(store, month)
        signed = [i for i in incidents if i.status is IncidentStatus.SIGNED_OFF]
        assert len(signed) >= 2, "the demo ward should have signed-off incidents last month"
        voided, amended = signed[0], signed[1]
        store.void(voided.id, "Entered on the wrong patient")
        with store.read() as reader:
            base = reader.state(amended.id)
        assert base is not None
        store.save(
            amended.model_copy(update={"outcome": "Corrected: settled within ten minutes."}),
            base=base.revision_id,
            reason="Outcome corrected after review",
        )
        with store.read() as reader:
            names = [p.family_name for p in reader.find(Patient) if p.family_name]

    first, second = tmp_path / "mhs505.csv", tmp_path / "mhs515.csv"
    code, said = run(folder, "demo.manager", first, "--month", str(month), capsys=capsys)
    assert code == 0, said
    code_515, said_515 = run(
        folder, "demo.manager", second, "--month", str(month), "--table", "mhs515", capsys=capsys
    )
    assert code_515 == 0, said_515

    incident_rows, type_rows = rows_of(first), rows_of(second)
    assert tuple(incident_rows[0]) == MHS505_COLUMNS
    assert tuple(type_rows[0]) == MHS515_COLUMNS
    assert first.read_bytes().count(b"\r\n") == len(incident_rows)
    exported_ids = [row[1] for row in incident_rows[1:]]
    assert mhsds_id(amended.id) in exported_ids
    assert mhsds_id(voided.id) not in exported_ids
    assert {row[6] for row in incident_rows[1:]} <= VALID_REASON_CODES
    assert {row[2] for row in type_rows[1:]} <= VALID_TYPE_CODES
    assert {row[1] for row in type_rows[1:]} == set(exported_ids)
    wanted = {mhsds_id(u.id) for i in signed[1:] for u in i.force_uses}
    assert {row[0] for row in type_rows[1:]} == wanted

    # Every record of the month not exported is listed by id, with why; no patient's name.
    assert f"{voided.id}: voided" in said
    for incident in incidents:
        if incident.status is not IncidentStatus.SIGNED_OFF:
            assert str(incident.id) in said
    assert not any(name in said for name in names)
    assert "Exported MHSDS MHS505 export" in said


def test_a_nurse_may_not_export(
    demo: tuple[Path, Passwords],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.nurse"])
    out = tmp_path / "mhs505.csv"
    code, said = run(folder, "demo.nurse", out, "--month", str(last_month()), capsys=capsys)
    assert code != 0
    assert "view ward figures" in said
    assert not out.exists()


@pytest.fixture
def as_manager(demo: tuple[Path, Passwords], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo ward's folder, with the ward manager's password in ``RPR_PASSWORD``."""
    folder, passwords = demo
    monkeypatch.setenv("RPR_PASSWORD", passwords["demo.manager"])
    return folder


@pytest.mark.parametrize(
    ("month", "words"),
    [("2026-13", "between 01 and 12"), ("November", "YYYY-MM"), ("2999-01", "not begun")],
)
def test_a_bad_month_is_refused_naming_the_option(
    as_manager: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], month: str, words: str
) -> None:
    folder = as_manager
    out = tmp_path / "mhs505.csv"
    code, said = run(folder, "demo.manager", out, "--month", month, capsys=capsys)
    assert code != 0
    assert "month:" in said
    assert words in said
    assert not out.exists()


def test_an_empty_month_gives_the_header_and_says_so(
    as_manager: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = as_manager
    out = tmp_path / "mhs505.csv"
    code, said = run(folder, "demo.manager", out, "--month", "2001-01", capsys=capsys)
    assert code == 0, said
    assert rows_of(out) == [list(MHS505_COLUMNS)]
    assert "No use-of-force incident on this ward started in 2001-01" in said
