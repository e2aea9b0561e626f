"""An older RPR refuses a store that a newer one has written (issue 9, item 6): the person at
the PC is told what happened and what to do, and nothing in the data folder changes."""

from pathlib import Path

import pytest
from sqlalchemy import text

from app.cli.main import EXIT_USER_ERROR, main
from app.store import migrate
from app.store.store import Store
from tests.cli.conftest import PASSWORD


def _contents(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_status_on_a_store_from_a_newer_rpr_says_what_to_do_and_writes_nothing(
    standalone_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = "9999"
    with Store.open(standalone_store, "local.admin", PASSWORD) as store, store.write() as tx:
        # What a later RPR's migration leaves behind: a schema version this build never knew.
        tx._session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": newer})
    capsys.readouterr()
    before = _contents(standalone_store)

    code = main(["status", "--data-dir", str(standalone_store), "--user", "local.admin"])

    assert code == EXIT_USER_ERROR
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"rpr: This store was last used by a newer version of RPR (schema {newer}; this "
        f"version knows up to {migrate.head_revision()}). Install that version or a later "
        "one. Nothing was changed.\n"
    )
    assert "Traceback" not in captured.err
    assert _contents(standalone_store) == before
