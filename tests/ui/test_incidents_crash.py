"""SIGKILL of a real client while an incident form is open loses at most the last few seconds
of typing: the draft is there at the next sign-in."""

import os
import signal
import subprocess
import sys
from pathlib import Path
from uuid import UUID

from pytestqt.qtbot import QtBot

from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus
from app.store.store import Store
from tests.ui.conftest import Passwords
from tests.ui.crash_client import TYPED
from tests.ui.incident_steps import open_page

ROOT = Path(__file__).resolve().parents[2]


def test_a_killed_client_keeps_the_draft_typed_before_the_kill(
    qtbot: QtBot, signed_in, demo: tuple[Path, Passwords], tmp_path: Path
) -> None:
    folder, passwords = demo
    errors = tmp_path / "client-stderr.txt"
    with errors.open("w") as stderr:
        client = subprocess.Popen(
            [sys.executable, "-m", "tests.ui.crash_client", str(folder)],
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
        line = client.stdout.readline()  # blocks until the client says the draft is saved
        assert line.startswith("SAVED "), f"client said {line!r}; stderr: {errors.read_text()}"
        incident_id = UUID(line.split()[1])
        os.kill(client.pid, signal.SIGKILL)
    finally:
        client.kill()
        client.wait(timeout=60)
        client.stdout.close()
    assert client.returncode == -signal.SIGKILL

    with Store.open(folder, "demo.nurse", passwords["demo.nurse"]) as store:
        draft = store.get(UseOfForceIncident, incident_id)
    assert draft is not None
    assert draft.status is IncidentStatus.DRAFT
    assert draft.how_force_was_used == TYPED

    # at the next sign-in the draft is in the list
    page = open_page(qtbot, signed_in("demo.nurse"))
    assert incident_id in [row.incident_id for row in page.model.rows()]
