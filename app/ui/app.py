"""Starting the ward client: the Qt application, the window, the event loop."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.config import RprSettings, settings_sources
from app.ui.main_window import MainWindow


def run_client(data_dir: Path, settings: RprSettings) -> int:
    """Show the window on ``data_dir`` (locked) and run until it is closed."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)  # noqa: S101 - made just above if missing
    app.setApplicationName("RPR")
    app.setApplicationDisplayName("RPR — Restrictive Practice Recorder")
    window = MainWindow(
        data_dir,
        policy=settings.policy,
        idle_lock_minutes=settings.idle_lock_minutes,
        server_url=settings.server_url,
        trust_ca_certificate=settings.trust_ca_certificate,
        settings=settings_sources(settings),
    )
    window.show()
    return app.exec()
