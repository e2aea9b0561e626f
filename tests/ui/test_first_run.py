"""First run on an empty folder: a standalone ward PC, set up through the form."""

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.models.people import Ward
from app.store.keyslots import generate_recovery_key_pair
from app.store.store import Store


def _fill(window, key_file: Path, *, password: str = "local admin passphrase") -> None:  # type: ignore[no-untyped-def]
    page = window.set_up
    page.ward_name.setText("Rowan Ward")
    page.ward_code.setText("row-2")
    page.site.setText("Hillside Hospital")
    page.beds.setValue(14)
    page.username.setText("local.admin")
    page.password.setText(password)
    page.confirm.setText(password)
    page.recovery_key.setText(str(key_file))


def test_an_empty_folder_is_set_up_as_a_standalone_ward_pc(
    qtbot: QtBot, make_window, tmp_path: Path
) -> None:
    key_file = tmp_path / "trust-recovery.pem.pub"
    key_file.write_bytes(generate_recovery_key_pair()[1])
    folder = tmp_path / "ward-pc"
    window = make_window(folder)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.set_up)

    _fill(window, key_file, password="short")
    window.set_up.button.click()
    assert "password: must be at least 10 characters" in window.set_up.error.text()
    assert not folder.exists()  # nothing made for a refused form

    _fill(window, key_file)
    with qtbot.waitSignal(window.work_shown, timeout=10_000):
        window.set_up.button.click()
    assert window.who.text() == "Signed in as local.admin"
    assert not window.banner.isVisible()  # a real store, not a demo
    assert window.work is not None
    assert window.work.board is not None
    window.close()

    with (
        Store.open(folder, "local.admin", "local admin passphrase") as store,
        store.read() as reader,
    ):
        [ward] = reader.find(Ward)
    assert (ward.name, ward.code, ward.number_of_beds) == ("Rowan Ward", "ROW-2", 14)


def test_a_folder_holding_part_of_a_store_is_named_and_not_offered_set_up(
    qtbot: QtBot, make_window, tmp_path: Path
) -> None:
    folder = tmp_path / "ward-pc"
    folder.mkdir()
    (folder / "rpr.db").write_bytes(b"\0" * 4096)
    window = make_window(folder)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.problem)
    assert "missing its key-slot file keyslots.json" in window.problem.message.text()
    assert sorted(p.name for p in folder.iterdir()) == ["rpr.db"]
