"""SIGKILL of a real client while a staff member types their account of their part loses at
most the last few seconds of typing: the draft is there, and back in the form, at the next
sign-in."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.models.form_draft import FormDraft
from app.store.store import Store
from app.ui.incidents.statement_queries import ACCOUNT_DRAFT
from app.ui.incidents.statements import StatementsPage
from tests.ui.conftest import Passwords
from tests.ui.lock_steps import WAIT, click_row, drafts_of
from tests.ui.statement_crash_client import TYPED
from tests.ui.statement_steps import name_me_on_a_new_incident

ROOT = Path(__file__).resolve().parents[2]


def test_a_killed_client_keeps_the_account_typed_before_the_kill(
    qtbot: QtBot, signed_in, demo: tuple[Path, Passwords], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder, passwords = demo
    setup = signed_in("demo.nurse")
    incident = name_me_on_a_new_incident(qtbot, setup)
    with qtbot.waitSignal(setup.session.locked, timeout=WAIT):
        setup.session.lock()  # the store is closed before the client opens it

    errors = tmp_path / "client-stderr.txt"
    with errors.open("w") as stderr:
        client = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.ui.statement_crash_client",
                str(folder),
                str(incident.id),
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=os.environ | {"QT_QPA_PLATFORM": "offscreen"},
        )
    assert client.stdin is not None
    assert client.stdout is not None
    try:
        client.stdin.write(f"demo.nurse\n{passwords['demo.nurse']}\n")
        client.stdin.close()
        line = client.stdout.readline()  # blocks until the client says the draft is kept
        assert line.strip() == "KEPT", f"client said {line!r}; stderr: {errors.read_text()}"
        os.kill(client.pid, signal.SIGKILL)
    finally:
        client.kill()
        client.wait(timeout=60)
        client.stdout.close()
    assert client.returncode == -signal.SIGKILL

    with Store.open(folder, "demo.nurse", passwords["demo.nurse"]) as store, store.read() as r:
        kept: list[FormDraft] = drafts_of(r, incident.id, ACCOUNT_DRAFT)
    assert [(d.is_open, d.values["account"]) for d in kept] == [(True, TYPED)]

    page = StatementsPage(signed_in("demo.nurse"))
    qtbot.addWidget(page)
    page.resize(1200, 1000)
    page.show()
    qtbot.waitUntil(lambda: page.owed_model.rowCount() > 0, timeout=WAIT)
    owed = [row.incident.id for row in page.owed_model.rows()]
    click_row(qtbot, page.owed, owed.index(incident.id))
    assert page.account.toPlainText() == TYPED
