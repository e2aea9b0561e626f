"""A real ward client for the statements crash test: ``python -m tests.ui.statement_crash_client
FOLDER INCIDENT_ID`` with the username and the password on the first two lines of stdin.

It starts the window offscreen on FOLDER, signs in, opens "My accounts to give", chooses the
incident, types :data:`TYPED` as the account, waits until the draft autosave reports it kept,
prints ``KEPT`` and keeps running until it is killed. Nothing here sleeps."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from uuid import UUID

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.models.policy import DEFAULT_POLICY
from app.models.revision import Revision
from app.store.keyslot_crypto import KdfPolicy, set_kdf_policy
from app.ui.incidents.statements import StatementsPage
from app.ui.main_window import MainWindow
from tests.conftest import FAST_KDF
from tests.ui.crash_client import wait_until

TYPED = "I held his left arm in the standing hold and spoke to him"


def main() -> int:
    folder, incident_id = Path(sys.argv[1]), UUID(sys.argv[2])
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
    page = next(s for s in work.screens() if isinstance(s, StatementsPage))

    def owed() -> list[UUID]:
        return [row.incident.id for row in page.owed_model.rows()]

    wait_until(lambda: incident_id in owed(), "the account owed")
    work.tabs.setCurrentWidget(page)
    page.owed.selectRow(owed().index(incident_id))
    kept: list[Revision] = []
    page.draft_kept.connect(kept.append)
    page.account.setFocus()
    QTest.keyClicks(page.account, TYPED)
    wait_until(
        lambda: any(json.loads(r.payload)["values"].get("account") == TYPED for r in kept),
        "the draft autosave",
    )
    print("KEPT", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
