"""About this PC: the settings trust IT manage are shown as managed by the organisation, with
the file they came from, and nothing in the panel can be edited (issue 9, item 4)."""

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.config import load_settings, settings_sources
from app.models.policy import DEFAULT_POLICY
from app.ui.about_pc import MANAGED, AboutThisPc
from app.ui.main_window import MainWindow

EDITORS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox, QCheckBox)


def _open(window: MainWindow, qtbot: QtBot) -> AboutThisPc:
    assert window.about_action.isEnabled()  # while locked too: settings are no patient data
    window.about_action.trigger()
    dialogs = window.findChildren(AboutThisPc)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.waitExposed(dialog)
    return dialog


def test_a_managed_setting_shows_its_file_and_cannot_be_edited(
    make_window: Callable[[Path], MainWindow],
    settings_files: tuple[Path, Path],
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    machine, user = settings_files
    machine.write_text("idle_lock_minutes = 5\nserver_url = 'https://rpr.trust.example'\n")
    user.write_text("idle_lock_minutes = 240\nlog_level = 'debug'\n")
    window = make_window(tmp_path / "ward")
    dialog = _open(window, qtbot)

    rows = {row[0]: row[1:] for row in dialog.rows()}
    organisation = f"set by your organisation ({machine})"
    assert rows["idle_lock_minutes"] == ("5", MANAGED, organisation)
    assert rows["server_url"] == ("https://rpr.trust.example", MANAGED, organisation)
    assert rows["log_level"] == ("DEBUG", "", f"this user's settings ({user})")
    assert rows["trust_ca_certificate"] == ("not set", "", "default")
    assert rows["policy.seclusion.observation_interval"] == ("15 minutes", "", "default")
    # The user's try at the idle lock is ignored, and the panel says so.
    assert dialog.ignored.isVisible()
    assert dialog.ignored.text() == (
        f"Ignored idle_lock_minutes in this user's settings ({user}): only your "
        "organisation's settings file may set it."
    )

    # Nothing can be edited: no editor anywhere, no editable cell, no way to start one.
    editors = [w for w in dialog.findChildren(QWidget) if isinstance(w, EDITORS)]
    assert [type(w).__name__ for w in editors] == []
    buttons = [b.text() for b in dialog.findChildren(QAbstractButton) if b.isVisible()]
    assert [b.replace("&", "") for b in buttons] == ["Close"]
    table = dialog.table
    assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            item = table.item(row, column)
            assert item is not None
            assert not item.flags() & Qt.ItemFlag.ItemIsEditable
    cell = table.item(0, 1)
    assert cell is not None
    table.editItem(cell)
    assert table.state() != QAbstractItemView.State.EditingState
    assert dialog.findChildren(QLineEdit) == []

    dialog.close()
    qtbot.waitUntil(lambda: window.findChildren(AboutThisPc) == [])


def test_settings_in_the_installers_rpr_table_show_as_managed_with_the_ward(
    make_window: Callable[[Path], MainWindow],
    settings_files: tuple[Path, Path],
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    machine, user = settings_files
    window = make_window(tmp_path / "ward")
    dialog = _open(window, qtbot)
    assert {row[0]: row[1:] for row in dialog.rows()}["ward"] == ("not set", "", "default")
    dialog.close()
    qtbot.waitUntil(lambda: window.findChildren(AboutThisPc) == [])

    # As the Windows installer writes the file: every key in an [rpr] section.
    machine.write_text("[rpr]\nsettings_version=1\nward='OAK'\nidle_lock_minutes=5\n")
    user.write_text("ward = 'ELM-7'\n")
    dialog = _open(window, qtbot)
    rows = {row[0]: row[1:] for row in dialog.rows()}
    organisation = f"set by your organisation ({machine})"
    assert rows["ward"] == ("OAK", MANAGED, organisation)
    assert rows["idle_lock_minutes"] == ("5", MANAGED, organisation)
    assert dialog.ignored.text() == (
        f"Ignored ward in this user's settings ({user}): only your organisation's settings "
        "file may set it."
    )
    dialog.close()


def test_the_window_shows_the_settings_it_was_started_with(
    settings_files: tuple[Path, Path], qtbot: QtBot, tmp_path: Path
) -> None:
    machine, _ = settings_files
    machine.write_text(f"idle_lock_minutes = 5\ndata_dir = '{tmp_path / 'machine'}'\n")
    settings = load_settings(data_dir=tmp_path / "cli")
    window = MainWindow(
        settings.data_dir,
        policy=DEFAULT_POLICY,
        idle_lock_minutes=settings.idle_lock_minutes,
        settings=settings_sources(settings),
    )
    qtbot.addWidget(window)
    window.show()
    machine.write_text("idle_lock_minutes = 30\n")  # changed since: the panel shows the start
    try:
        dialog = _open(window, qtbot)
        rows = {row[0]: row[1:] for row in dialog.rows()}
        assert rows["idle_lock_minutes"] == ("5", MANAGED, f"set by your organisation ({machine})")
        assert rows["data_dir"] == (
            str(tmp_path / "cli"),
            "",
            "given when RPR was started (command line)",
        )
        assert not dialog.ignored.isVisible()
        dialog.close()
    finally:
        window.close()


def test_settings_that_cannot_be_read_are_a_message_not_a_panel(
    make_window: Callable[[Path], MainWindow],
    settings_files: tuple[Path, Path],
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window(tmp_path / "ward")
    settings_files[0].write_text("idle_lock_minutes = [\n")
    shown: list[str] = []
    monkeypatch.setattr(window, "_show_failure", shown.append)
    assert window.show_about_pc() is None
    assert shown == [
        f"The settings file {settings_files[0]} is not valid TOML (at end of document)."
    ]
    assert window.findChildren(AboutThisPc) == []
