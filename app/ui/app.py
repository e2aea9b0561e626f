"""Starting the ward client: the Qt application, the window, the event loop."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.config import RprSettings, settings_sources
from app.ui.main_window import MainWindow

#: When this environment variable is set, the client prints :data:`ANNOUNCED` on stdout once
#: its window is shown and its event loop runs: how the installer tests and benchmarks know a
#: started program is up without waiting a fixed time. Nothing else is printed or changed.
ANNOUNCE_ENV = "RPR_ANNOUNCE_WINDOW"
ANNOUNCED = "rpr: window shown"


def _announce() -> None:
    sys.stdout.write(ANNOUNCED + "\n")
    sys.stdout.flush()


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
        ward=settings.ward,
        settings=settings_sources(settings),
    )
    window.show()
    if os.environ.get(ANNOUNCE_ENV):
        # Once the event loop runs, the window is on screen: a line for whoever started us.
        QTimer.singleShot(0, _announce)
    return app.exec()
