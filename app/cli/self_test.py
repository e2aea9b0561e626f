"""``rpr self-test``: prove on this PC that the store works end to end.

Opens a temporary store, migrates it, writes a record, reads it back, reopens it with its
password, checks the file on disk is encrypted, refuses a wrong password, verifies the audit
chain and hashes, then removes the temporary folder. Each step is named, so a failure says
which one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from app.models.errors import Locked, RprError
from app.models.people import Ward
from app.store import migrate
from app.store.keyslots import KdfParams, generate_recovery_key_pair
from app.store.store import Store

#: The first 16 bytes of every plain SQLite file. A SQLCipher file starts with a random salt.
SQLITE_HEADER = b"SQLite format 3\x00"
_USER = "self.test"
_PASSWORD = "self-test passphrase"  # noqa: S105 - a throwaway store deleted at the end


def check_file_is_encrypted(db: Path) -> None:
    """Raise :class:`AssertionError` unless ``db`` looks encrypted: a build whose SQLCipher
    silently fell back to plain SQLite would pass every other step while writing plaintext."""
    with db.open("rb") as file:
        head = file.read(len(SQLITE_HEADER))
    if len(head) < len(SQLITE_HEADER):
        raise AssertionError("the store file is empty")
    if head == SQLITE_HEADER:
        raise AssertionError(
            "the store file is plain SQLite, not encrypted: this build's SQLCipher is not working"
        )


def run_self_test(*, kdf: KdfParams | None = None) -> int:
    """Run every step; print each as it passes; return 0 or 1 naming the failed step."""
    with tempfile.TemporaryDirectory(prefix="rpr-self-test-") as tmp:
        data_dir = Path(tmp) / "store"
        ward = Ward.build(name="Self-test ward", code="TEST-1", number_of_beds=1, site="Test")
        _, public_pem = generate_recovery_key_pair()
        state: dict[str, Store] = {}

        def create() -> None:
            state["store"] = Store.create(
                data_dir,
                username=_USER,
                password=_PASSWORD,
                recovery_public_key_pem=public_pem,
                kdf=kdf,
            )

        def check_schema() -> None:
            found = state["store"].status().schema_version
            if found != migrate.head_revision():
                raise AssertionError(f"schema {found}, expected {migrate.head_revision()}")

        def write_and_read() -> None:
            state["store"].save(ward)
            if state["store"].get(Ward, ward.id) != ward:
                raise AssertionError("the record read back differs from the one written")

        def reopen() -> None:
            state["store"].close()
            state["store"] = Store.open(data_dir, _USER, _PASSWORD)
            if state["store"].get(Ward, ward.id) != ward:
                raise AssertionError("the record did not survive closing the store")

        def file_is_encrypted() -> None:
            check_file_is_encrypted(state["store"].files.db)

        def refuse_wrong_password() -> None:
            try:
                Store.open(data_dir, _USER, "not the password").close()
            except Locked:
                return
            raise AssertionError("a wrong password opened the store")

        def verify() -> None:
            report = state["store"].verify()
            if not report.ok:
                raise AssertionError("; ".join(report.problems))

        steps: list[tuple[str, Callable[[], None]]] = [
            ("create an encrypted store", create),
            ("apply migrations", check_schema),
            ("write a record and read it back", write_and_read),
            ("reopen with the password", reopen),
            ("check the store file is encrypted", file_is_encrypted),
            ("refuse a wrong password", refuse_wrong_password),
            ("verify hashes and the audit chain", verify),
        ]
        try:
            for name, step in steps:
                try:
                    step()
                except (AssertionError, RprError, OSError) as exc:
                    print(f"FAILED: {name} — {exc}")
                    return 1
                print(f"ok    {name}")
        finally:
            if "store" in state:
                state["store"].close()
    print("Self-test passed.")
    return 0
