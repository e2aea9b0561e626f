"""End to end on the command line (issue 7, acceptance), every step its own process as trust
IT and ward staff would run it: ``rpr-server admin`` migrates, initialises the trust, adds a
ward and two nurses and issues two codes; ``rpr-server serve`` listens on a loopback port;
``rpr enrol`` makes two ward PCs' stores; records are made on the first; ``rpr sync`` on
both; the second PC holds the first PC's records and ``rpr status`` says all is sent.

Passwords come from a file (``--password-file``) for the server and from ``RPR_PASSWORD``
for the ward client: never from an argument.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

from app.models.patient import Patient
from app.store.store import Store
from tests.models import builders
from tests.postgres import fresh_database
from tests.server.harness import PASSWORD, free_port, served_process

BIN = Path(sys.executable).parent
WARD = "Ashdown Ward"
CODE = re.compile(r"Enrolment code for Ashdown Ward: ([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})")


def run(*command: str, env: dict[str, str]) -> str:
    """Run one command to completion; its output, or a failure showing what it said."""
    done = subprocess.run(
        command, env=os.environ | env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, (
        f"{command[:3]} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout


def test_two_ward_pcs_enrolled_and_synced_on_the_command_line(tmp_path: Path) -> None:
    password_file = tmp_path / "password.txt"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    passphrase_file = tmp_path / "passphrase.txt"
    passphrase_file.write_text("a long recovery passphrase for the safe\n", encoding="utf-8")
    with fresh_database("rpr_cli_e2e") as url:
        server_env = {"RPR_SERVER_DATABASE_URL": url}
        admin = (str(BIN / "rpr-server"), "admin")
        assert "schema version" in run(*admin, "migrate", env=server_env)
        out = run(
            *admin,
            "init-trust",
            "--name",
            "Meadowbank NHS Trust",
            "--recovery-key-out",
            str(tmp_path / "recovery.pem"),
            "--passphrase-file",
            str(passphrase_file),
            env=server_env,
        )
        assert "KEEP IT OFFLINE" in out
        run(
            *admin,
            "add-ward",
            "--name",
            WARD,
            "--code",
            "ASH-1",
            "--beds",
            "18",
            "--site",
            "Meadowbank Hospital",
            env=server_env,
        )
        for username, name in (("bay.nurse", "Robin Ashdown"), ("office.nurse", "Sam Example")):
            run(
                *admin,
                "add-account",
                "--username",
                username,
                "--name",
                name,
                "--role",
                "nurse",
                "--ward",
                WARD,
                "--job-title",
                "Staff nurse",
                "--clinical-role",
                "registered_nurse",
                "--password-file",
                str(password_file),
                env=server_env,
            )
        codes = [
            CODE.search(run(*admin, "issue-code", "--ward", WARD, env=server_env)).group(1)  # type: ignore[union-attr]
            for _ in range(2)
        ]
        port = free_port()
        server_url = f"http://127.0.0.1:{port}"
        with served_process("--port", str(port), env=server_env):
            client_env = {"RPR_PASSWORD": PASSWORD}
            rpr = str(BIN / "rpr")
            pcs = {"bay.nurse": tmp_path / "bay-pc", "office.nurse": tmp_path / "office-pc"}
            for (username, folder), code in zip(pcs.items(), codes, strict=True):
                out = run(
                    rpr,
                    "enrol",
                    "--data-dir",
                    str(folder),
                    "--server",
                    server_url,
                    "--code",
                    code,
                    "--user",
                    username,
                    "--device-name",
                    folder.name,
                    env=client_env,
                )
                assert f"Enrolled at Meadowbank NHS Trust for {WARD}" in out

            # Records made on the bay PC by its nurse (the server vouched for her at enrolment).
            with Store.open(pcs["bay.nurse"], "bay.nurse", PASSWORD) as bay:
                ward_id = bay.sync.enrolment().ward_id  # type: ignore[union-attr]
                for family_name in ("Testperson", "Exampleson", "Sampleton"):
                    bay.save(builders.patient(id=uuid4(), ward_id=ward_id, family_name=family_name))

            out = run(
                rpr,
                "sync",
                "--data-dir",
                str(pcs["bay.nurse"]),
                "--user",
                "bay.nurse",
                env=client_env,
            )
            assert "Sent 3 revision(s); received 0." in out
            out = run(
                rpr,
                "sync",
                "--data-dir",
                str(pcs["office.nurse"]),
                "--user",
                "office.nurse",
                env=client_env,
            )
            assert "Sent 0 revision(s); received 3." in out
            # The ward, two staff records and two accounts (the trust published them), and the
            # three patients.
            assert "Count check: this PC holds the 8 revision(s) the server expects." in out
            status = run(
                rpr,
                "status",
                "--data-dir",
                str(pcs["office.nurse"]),
                "--user",
                "office.nurse",
                env=client_env,
            )
            assert f"trust server            {server_url}" in status
            assert "not yet sent                   0" in status
            assert "count check             matches" in status

        with (
            Store.open(pcs["office.nurse"], "office.nurse", PASSWORD) as office,
            office.read() as reader,
        ):
            assert {p.family_name for p in reader.find(Patient)} == {
                "Testperson",
                "Exampleson",
                "Sampleton",
            }
