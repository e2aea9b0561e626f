"""Support commands: status, verify, recover, and setting up a standalone PC.

Every command that takes ``--user`` checks it before anything else: the folder must hold a
complete store and the username an account on this PC — before a password is asked for, so a
password typed into the username's place is refused without being shown, logged or audited.
"""

from __future__ import annotations

from pathlib import Path

from app.cli.prompts import read_key_file, read_passphrase, read_password
from app.cli.sync_commands import print_sync_facts
from app.models.errors import UserFacingError
from app.store.keyslots import (
    generate_recovery_key_pair,
    normalise_username,
    public_key_fingerprint,
    write_file_atomically,
)
from app.store.layout import inspect_folder
from app.store.opening import load_slots
from app.store.passwords import check_new_password
from app.store.store import Store


def account_on_this_pc(data_dir: Path, username: str) -> str:
    """The validated username of an account with a key slot in ``data_dir``'s store.

    Refuses, naming what is wrong but never repeating what was typed: a folder holding only
    part of a store (naming the missing file), a malformed username or one without an account
    here ("There is no account with that username on this PC.")."""
    _, slots = load_slots(data_dir)
    return slots.require_account(username)


def status(data_dir: Path, username: str) -> int:
    """Print what the store holds and where sync stands, without patient data; 1 if a check
    found a problem or sync needs a person (a refusal, a count mismatch, an audit-log
    warning)."""
    name = account_on_this_pc(data_dir, username)
    with Store.open(data_dir, name, read_password(name)) as store:
        facts = store.status()
        sync_facts = store.sync.facts()
    print(f"Store {facts.store_id}{'  (DEMO DATA)' if facts.demo else ''}")
    print(f"  folder          {data_dir}{'  (read-only copy)' if facts.read_only else ''}")
    print(f"  schema version  {facts.schema_version}")
    print(f"  created         {facts.created_at:%Y-%m-%d %H:%M} UTC on device {facts.device_id}")
    print(f"  accounts on PC  {', '.join(facts.users)}")
    print("  records by kind")
    for kind, count in sorted(facts.records_by_kind.items()):
        print(f"    {kind:<24}{count:>8}")
    print(f"  drafts                  {facts.drafts:>8}")
    print(f"  awaiting sign-off       {facts.awaiting_sign_off:>8}")
    print(f"  conflicted              {facts.conflicted:>8}")
    print(f"  voided                  {facts.voided:>8}")
    print(f"  revisions               {facts.revisions:>8}")
    print(f"  audit events            {facts.audit_events:>8}")
    print(f"  whole-file check        {'intact' if not facts.integrity_problems else 'DAMAGED'}")
    print(f"  key slots               {'intact' if not facts.key_slot_problems else 'DAMAGED'}")
    sync_problems = print_sync_facts(sync_facts)
    if sync_problems:
        print("Sync needs attention:")
        for problem in sync_problems:
            print(f"  - {problem}")
    if facts.ok:
        return 1 if sync_problems else 0
    print("Problems found (run `rpr verify` for the full check; nothing was written):")
    for problem in (*facts.integrity_problems, *facts.key_slot_problems):
        print(f"  - {problem}")
    return 1


def verify(data_dir: Path, username: str) -> int:
    """Check every page, hash, chain, index, trigger and key slot; 0 when intact. Works on a
    store too damaged to open and on a read-only copy, writing nothing to either."""
    name = account_on_this_pc(data_dir, username)
    report = Store.verify_folder(data_dir, name, read_password(name))
    print(
        f"Checked {report.revisions_checked} revisions and "
        f"{report.audit_events_checked} audit events."
    )
    if report.ok:
        print("The store is intact.")
        if not report.recorded:
            print(
                "(The check was not recorded in the audit log: the store cannot be written "
                "here — a read-only copy, a full disk or a busy store.)"
            )
        return 0
    print(f"{len(report.problems)} problem(s) found (nothing was written to the store):")
    for problem in report.problems:
        print(f"  - {problem}")
    return 1


def recover(data_dir: Path, recovery_key_file: Path, username: str) -> int:
    """Open with the trust's recovery private key and give ``username`` a new password. The
    key is proved on the store before a new password is asked for."""
    name = account_on_this_pc(data_dir, username)
    private_pem = read_key_file(recovery_key_file, "recovery private key")
    passphrase = (
        read_passphrase("Passphrase of the recovery key: ") if b"ENCRYPTED" in private_pem else None
    )
    with Store.open_with_recovery(data_dir, private_pem, passphrase) as store:
        print(f"Set a new password for {name}.")
        new_password = read_password(name, confirm=True)
        check_new_password(new_password, name)
        store.reset_password(name, new_password)
    print(f"{name} can sign in with the new password. The recovery is in the audit log.")
    return 0


def init(data_dir: Path, username: str, recovery_public_key_file: Path) -> int:
    """Set up an empty store for a standalone PC with a local administrator account."""
    name = normalise_username(username)
    inspect_folder(data_dir).require_empty_for_setup()
    public_pem, fingerprint = read_recovery_public_key(recovery_public_key_file)
    print(f"Set a password for the local administrator {name}.")
    password = read_password(name, confirm=True)
    check_new_password(password, name)
    Store.create(
        data_dir, username=name, password=password, recovery_public_key_pem=public_pem
    ).close()
    print(f"Store created in {data_dir}; recovery key {fingerprint}.")
    return 0


def read_recovery_public_key(path: Path) -> tuple[bytes, str]:
    """The trust's recovery public key from ``path`` and its fingerprint, checked before
    anything is made, so a wrong file leaves no half-made store behind."""
    public_pem = read_key_file(path, "recovery public key")
    try:
        return public_pem, public_key_fingerprint(public_pem)
    except UserFacingError as exc:
        raise UserFacingError(f"{path}: {exc} Nothing was changed.") from None


def recovery_keygen(out: Path) -> int:
    """Make the trust's recovery key pair: ``out`` (private, passphrase-protected) and
    ``out.pub`` (public, deployed to every ward PC). Keep the private key offline."""
    for path in (out, out.with_name(out.name + ".pub")):
        if path.exists():
            print(f"{path} already exists; nothing was written.")
            return 2
    if not out.parent.is_dir():
        raise UserFacingError(f"The folder {out.parent} does not exist; nothing was written.")
    passphrase = read_passphrase("Passphrase to protect the private key (required): ", confirm=True)
    if not passphrase:
        print("A passphrase is required for the recovery private key; nothing was written.")
        return 2
    private_pem, public_pem = generate_recovery_key_pair(passphrase=passphrase)
    write_file_atomically(out, private_pem, overwrite=False)
    write_file_atomically(out.with_name(out.name + ".pub"), public_pem, overwrite=False)
    print(f"Private key: {out} (keep offline, with its passphrase, in the trust's safe)")
    print(f"Public key:  {out}.pub  fingerprint {public_key_fingerprint(public_pem)}")
    return 0
