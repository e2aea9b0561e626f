"""``rpr demo-data``: make a store holding the generated demo ward and three demo accounts.

Set-up is all or nothing: the ward is saved in the same transaction that creates the store, so a
failure (a full disk, say) leaves no store behind — never one whose passwords were not shown.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from pathlib import Path
from uuid import UUID

from app.cli.demo.ward import build_demo_ward
from app.cli.prompts import generate_password
from app.cli.support import read_recovery_public_key
from app.models.base import Record
from app.models.clock import utc_now
from app.models.errors import UserFacingError
from app.store.keyslots import (
    generate_recovery_key_pair,
    public_key_fingerprint,
    write_file_atomically,
)
from app.store.layout import inspect_folder, make_private_folder
from app.store.store import Store, WriteTransaction

DEMO_ADMIN = "demo.admin"


def demo_recovery_key_path(data_dir: Path) -> Path:
    """Where the demo's recovery private key is written: beside the data folder, never in it."""
    return data_dir.parent / f"{data_dir.name}-recovery-key.pem"


def demo_passwords_path(data_dir: Path) -> Path:
    """Where the demo accounts' passwords are kept, beside the data folder (demo only), so a
    second ``make run`` can still sign in."""
    return data_dir.parent / f"{data_dir.name}-passwords.txt"


def save_steps(tx: WriteTransaction, steps: Iterable[tuple[Record, str | None]]) -> None:
    """Save every version in order, each based on the one saved before it."""
    latest: dict[UUID, UUID] = {}
    for record, reason in steps:
        revision = tx.save(record, base=latest.get(record.id), reason=reason)
        latest[record.id] = revision.revision_id


def build_demo_store(data_dir: Path, recovery_public_key_file: Path | None) -> int:
    """Build the demo ward in ``data_dir`` and print the demo accounts' passwords once."""
    contents = inspect_folder(data_dir)
    if contents.is_complete:
        raise UserFacingError(
            f"A store already exists in {data_dir}; "
            "`make demo-reset` throws the demo away and builds a new one."
        )
    contents.require_empty_for_setup()
    started = time.perf_counter()
    if recovery_public_key_file is not None:
        public_pem, _ = read_recovery_public_key(recovery_public_key_file)
        private_pem = None
    else:
        private_pem, public_pem = generate_recovery_key_pair()
    demo = build_demo_ward(utc_now())
    passwords = {account.username: generate_password() for account in demo.accounts}
    make_private_folder(data_dir.parent)
    with Store.create(
        data_dir,
        username=DEMO_ADMIN,
        password=passwords[DEMO_ADMIN],
        recovery_public_key_pem=public_pem,
        demo=True,
        more_users={name: pw for name, pw in passwords.items() if name != DEMO_ADMIN},
        populate=lambda tx: save_steps(tx, demo.steps),
    ) as store:
        facts = store.status()
    print(
        f"Demo ward '{demo.ward.name}' built in {data_dir} ({time.perf_counter() - started:.1f} s)."
    )
    print(
        f"  {sum(facts.records_by_kind.values())} records, {facts.revisions} revisions; "
        f"{facts.drafts} drafts, {facts.awaiting_sign_off} awaiting sign-off."
    )
    print(
        f"  Recovery: {_recovery_note(data_dir, private_pem, recovery_public_key_file)}, "
        f"{public_key_fingerprint(public_pem)}."
    )
    lines = [
        f"  {account.username:<14} {account.access_role.label:<36} {passwords[account.username]}"
        for account in demo.accounts
    ]
    kept = _keep_passwords(data_dir, lines)
    print(f"Demo accounts (fictitious ward; {kept}):")
    for line in lines:
        print(line)
    return 0


def _keep_passwords(data_dir: Path, lines: list[str]) -> str:
    """Write the demo passwords beside the folder (owner-only) and say where."""
    path = demo_passwords_path(data_dir)
    text = (
        "RPR demo ward: fictitious accounts for trying RPR. Never use these for real people.\n"
        + "\n".join(lines)
        + "\n"
    )
    try:
        write_file_atomically(path, text.encode("utf-8"), overwrite=True)
    except OSError as exc:
        print(
            f"rpr: warning: the demo passwords could not be kept ({exc.strerror}).",
            file=sys.stderr,
        )
        return "these passwords are shown only now"
    return f"also kept in {path}"


def _recovery_note(data_dir: Path, private_pem: bytes | None, given: Path | None) -> str:
    """Write the demo's recovery private key beside the folder (demo only: a real trust's key
    never sits on a ward PC) and say where; or name the trust's key that was given."""
    if private_pem is None:
        return f"the recovery key in {given}"
    path = demo_recovery_key_path(data_dir)
    try:
        write_file_atomically(path, private_pem, overwrite=True)
    except OSError as exc:
        print(
            f"rpr: warning: the demo recovery key could not be written ({exc.strerror}).",
            file=sys.stderr,
        )
        return "a demo recovery key that could not be saved"
    return f"a demo recovery key written to {path} (demo only)"
