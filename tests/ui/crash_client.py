"""A real ward client for the crash test: ``python -m tests.ui.crash_client FOLDER`` with the
username and the password on the first two lines of stdin.

It starts the window offscreen on FOLDER, signs in, opens a new incident form through the
navigator (as another screen would), types :data:`TYPED` into "how force was used", waits until
the draft autosave reports it saved, prints ``SAVED <incident id>`` and keeps running until it
is killed. Nothing here sleeps: each step waits for the condition it needs.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.models.policy import DEFAULT_POLICY
from app.models.revision import Revision
from app.store.keyslot_crypto import KdfPolicy, set_kdf_policy
from app.ui.incidents.page import IncidentsPage
from app.ui.main_window import MainWindow
from tests.conftest import FAST_KDF

TYPED = "Held by both arms in a standing hold; released after four minutes."
WAIT_MS = 30_000


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Run the event loop until ``condition`` holds (checked as events arrive)."""
    if condition():
        return
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(20)
    check.timeout.connect(lambda: loop.quit() if condition() else None)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    check.start()
    deadline.start(WAIT_MS)
    loop.exec()
    check.stop()
    if not condition():
        raise SystemExit(f"crash client: gave up waiting for {what}")


def main() -> int:
    folder = Path(sys.argv[1])
    username = sys.stdin.readline().strip()
    password = sys.stdin.readline().rstrip("\n")
    set_kdf_policy(KdfPolicy(default=FAST_KDF, minimum=FAST_KDF))
    app = QApplication(sys.argv[:1])
    window = MainWindow(folder, policy=DEFAULT_POLICY, idle_lock_minutes=60)
    window.show()
    wait_until(lambda: window.stack.currentWidget() is window.sign_in, "the sign-in screen")
    window.sign_in.username.setText(username)
    window.sign_in.password.setText(password)
    QTest.keyClick(window.sign_in.password, Qt.Key.Key_Return)
    wait_until(lambda: window.work is not None, "signing in")
    work = window.work
    assert work is not None
    work.tabs.setCurrentIndex(  # the Incidents tab, as a nurse would click it
        next(i for i in range(work.tabs.count()) if "Incidents" in work.tabs.tabText(i))
    )
    page = next(s for s in work.screens() if isinstance(s, IncidentsPage))
    wait_until(lambda: bool(page.patients), "the ward's patients")
    work.navigator.new_incident_requested.emit(page.patients[0].id)
    wait_until(lambda: page.form is not None, "the new incident form")
    form = page.form
    assert form is not None
    saved: list[Revision] = []
    form.autosave.saved.connect(saved.append)
    form.why.how.setFocus()
    QTest.keyClicks(form.why.how, TYPED)
    wait_until(
        lambda: any(json.loads(r.payload).get("how_force_was_used") == TYPED for r in saved),
        "the draft autosave",
    )
    print(f"SAVED {form.record_id}", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
