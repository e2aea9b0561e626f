"""``rpr demo-data``: make a store holding the generated demo ward and three demo accounts."""

from __future__ import annotations

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
from app.store.layout import StoreFiles
from app.store.store import Store, WriteTransaction

DEMO_ADMIN = "demo.admin"


def _recovery_public_key(data_dir: Path, given: Path | None) -> tuple[bytes, str]:
    """The trust's key if given; otherwise a demo pair whose private half is written beside
    (never inside) the data folder, so `rpr recover` can be tried on the demo."""
    if given is not None:
        public_pem, _ = read_recovery_public_key(given)
        return public_pem, f"the recovery key in {given}"
    private_pem, public_pem = generate_recovery_key_pair()
    private_path = data_dir.parent / f"{data_dir.name}-recovery-key.pem"
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    write_file_atomically(private_path, private_pem, overwrite=True)
    return public_pem, f"a demo recovery key written to {private_path} (demo only)"


def save_steps(tx: WriteTransaction, steps: Iterable[tuple[Record, str | None]]) -> None:
    """Save every version in order, each based on the one saved before it."""
    latest: dict[UUID, UUID] = {}
    for record, reason in steps:
        revision = tx.save(record, base=latest.get(record.id), reason=reason)
        latest[record.id] = revision.revision_id


def build_demo_store(data_dir: Path, recovery_public_key_file: Path | None) -> int:
    """Build the demo ward in ``data_dir`` and print the demo accounts' passwords once."""
    if StoreFiles(data_dir).exists():
        raise UserFacingError(
            f"A store already exists in {data_dir}; "
            "`make demo-reset` throws the demo away and builds a new one."
        )
    started = time.perf_counter()
    public_pem, recovery_note = _recovery_public_key(data_dir, recovery_public_key_file)
    demo = build_demo_ward(utc_now())
    passwords = {account.username: generate_password() for account in demo.accounts}
    with Store.create(
        data_dir,
        username=DEMO_ADMIN,
        password=passwords[DEMO_ADMIN],
        recovery_public_key_pem=public_pem,
        demo=True,
    ) as store:
        for account in demo.accounts:
            if account.username != DEMO_ADMIN:
                store.add_user(account.username, passwords[account.username])
        # Building the demo is one action: all of it is saved, or none.
        with store.write() as tx:
            save_steps(tx, demo.steps)
        facts = store.status()
    print(
        f"Demo ward '{demo.ward.name}' built in {data_dir} ({time.perf_counter() - started:.1f} s)."
    )
    print(
        f"  {sum(facts.records_by_kind.values())} records, {facts.revisions} revisions; "
        f"{facts.drafts} drafts, {facts.awaiting_sign_off} awaiting sign-off."
    )
    print(f"  Recovery: {recovery_note}, {public_key_fingerprint(public_pem)}.")
    print("Demo accounts (fictitious ward; these passwords are shown only now):")
    for account in demo.accounts:
        role = account.access_role.label
        print(f"  {account.username:<14} {role:<36} {passwords[account.username]}")
    return 0
