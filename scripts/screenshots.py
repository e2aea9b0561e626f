"""Screenshots of the ward client's main screens, from a fresh demo ward, for the README.

    make screenshots        # under Xvfb (installs it if missing), writes docs/screenshots/

Run it on a real (or virtual) display: it drives the real window, signs in as the demo ward
manager, opens each screen as a person would (through the work area's navigator) and saves
``QWidget.grab()`` of the whole window once each screen has drawn its data.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from app.models.base import ACTIVE
from app.models.incident import UseOfForceIncident
from app.models.policy import DEFAULT_POLICY
from app.models.seclusion import SeclusionEpisode
from app.models.segregation import LtsEpisode
from app.store.store import Store
from app.ui.main_window import MainWindow

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
USER = "demo.manager"


def _demo(folder: Path) -> str:
    """Build the demo ward in ``folder``; the ward manager's password."""
    result = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "demo-data", "--data-dir", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(rf"^\s+{re.escape(USER)}\s.*\s(\S+)$", result.stdout, re.MULTILINE)
    if found is None:
        raise SystemExit("the demo ward did not print the manager's password")
    return found[1]


def _ids(folder: Path, password: str) -> tuple[UUID, UUID, UUID]:
    """A draft incident, the running seclusion and the running LTS of the demo ward."""
    with Store.open(folder, USER, password) as store, store.read() as reader:
        draft = reader.find(UseOfForceIncident, statuses=["draft"])[0]
        seclusion = reader.find(SeclusionEpisode, statuses=[ACTIVE])[0]
        lts = reader.find(LtsEpisode, statuses=[ACTIVE])[0]
    return draft.id, seclusion.id, lts.id


def _settle(app: QApplication, ms: int = 1500) -> None:
    """Let the window draw what its screens loaded (they load on the store worker)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    app.processEvents()


def _wait_for(app: QApplication, done: Callable[[], bool], limit_ms: int = 30_000) -> None:
    waited = 0
    while not done() and waited < limit_ms:
        _settle(app, 100)
        waited += 100
    if not done():
        raise SystemExit("the window did not reach the expected state")


def main() -> int:
    app = QApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rpr-screenshots-") as tmp:
        folder = Path(tmp) / "demo"
        password = _demo(folder)
        draft, seclusion, lts = _ids(folder, password)
        window = MainWindow(folder, policy=DEFAULT_POLICY, idle_lock_minutes=60)
        window.resize(1400, 860)
        window.show()
        _wait_for(app, lambda: window.stack.currentWidget() is window.sign_in)
        window.grab().save(str(OUT / "sign-in.png"))
        window.sign_in.username.setText(USER)
        window.sign_in.password.setText(password)
        window.sign_in.button.click()
        _wait_for(app, lambda: window.work is not None)
        work = window.work
        assert work is not None  # noqa: S101 - waited for just above
        navigator = work.navigator

        def shoot(name: str, ask: Callable[[], None] | None = None, tab: str = "") -> None:
            if ask is not None:
                ask()
            if tab:
                for index in range(work.tabs.count()):
                    if work.tabs.tabText(index).replace("&", "").startswith(tab):
                        work.tabs.setCurrentIndex(index)
            _settle(app)
            window.grab().save(str(OUT / f"{name}.png"))
            print(f"wrote docs/screenshots/{name}.png")

        shoot("ward-board", tab="Ward board")
        shoot("incident-form", lambda: navigator.incident_requested.emit(draft))
        shoot("seclusion", lambda: navigator.episode_requested.emit(seclusion))
        shoot("segregation", lambda: navigator.episode_requested.emit(lts))
        shoot("handover", tab="Shift handover")
        shoot("restrictions", tab="Blanket and patient restrictions")
        shoot("patients", tab="Patients")
        shoot("history-and-conflicts", tab="History and conflicts")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
