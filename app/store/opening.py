"""From a data folder and a credential to an open, checked store — or a clear refusal that
changed nothing.

Opening (design.md "Encryption at rest and signing in"), in this order:
1. the folder must hold both files of a store (:func:`load_slots`); the username must have a
   slot here, checked before a password is even asked for;
2. the key slot unlocks (Argon2id): a wrong password fails here, having read one file;
3. the database file is checked without SQLite (empty or cut short: refused), then read on a
   connection that cannot write (``Access.INSPECT``): which key opens it (during a change of
   key, the next or the current one), its identity, its schema version, and its integrity —
   the whole file after an unclean shutdown or before a migration, otherwise the identity table
   at once and the rest on a background thread. Any refusal here leaves every file as it was;
4. only then, if the folder may be written: a key change left half-done by a crash is finished
   or dropped, the signing-in account's slot is brought up to date, and a store from an older
   RPR is migrated. A copy that cannot be written opens read-only, writing nothing.
The open itself is recorded in the audit log once the whole file is known intact (by the first
save, or on closing), so nothing is ever written onto a damaged file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app.models.clock import utc_now
from app.models.errors import DiskFull, Locked, StoreDamaged, StoreReadOnly, UserFacingError
from app.store import migrate
from app.store.audit import AuditAction, append_event, identity_detail
from app.store.engine import Access, checkpoint, key_opens, make_engine
from app.store.failures import store_failures
from app.store.integrity import (
    OPEN_CHECK_TABLES,
    BackgroundIntegrityCheck,
    IntegrityResult,
    checked_read_only,
    integrity_problems,
)
from app.store.keyslot_crypto import kdf_policy, load_recovery_public_key, require_strong_enough
from app.store.keyslots import KeySlotFile, UnlockedKeys, generate_data_key, normalise_username
from app.store.layout import StoreFiles, fsync_directory, inspect_folder, make_private_folder
from app.store.passwords import check_new_password
from app.store.schema import MetaRow
from app.store.sharing import make_folder, modes_for, open_new
from app.store.sync_facts import Enrolment, save_enrolment
from app.store.transaction import WriteTransaction

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.store.keyslot_crypto import KdfParams

log = logging.getLogger("rpr.store")

#: The audit actor of anything done with the trust's recovery key (not a username: it cannot
#: collide with an account's).
RECOVERY_ACTOR = "(recovery key)"


@dataclass(frozen=True, slots=True, repr=False)
class OpenedStore:
    """Everything a :class:`~app.store.store.Store` is made from."""

    files: StoreFiles
    slots: KeySlotFile
    data_key: bytes
    engine: Engine
    actor: str
    read_only: bool
    opened_at: datetime
    #: The audit event still to record for this open (None: nothing to record).
    open_action: AuditAction | None
    #: The whole-file check's result when it was made before opening, else None …
    integrity: IntegrityResult | None
    #: … and then this check is running in the background (None for a read-only copy too).
    background: BackgroundIntegrityCheck | None


def load_slots(data_dir: Path) -> tuple[StoreFiles, KeySlotFile]:
    """The store's files and its key slots; :class:`StoreIncomplete` naming what is missing
    when the folder holds only part of a store. Reads only."""
    contents = inspect_folder(data_dir)
    contents.require_complete()
    return contents.files, KeySlotFile.load(contents.files.keyslots)


# ---------------------------------------------------------------- opening


@dataclass(frozen=True, slots=True)
class _Checked:
    needs_migration: bool
    whole_file_checked: bool


def choose_key(files: StoreFiles, slots: KeySlotFile, keys: UnlockedKeys, access: Access) -> bytes:
    """The one of ``keys`` that opens the database (the next key first, during a key change).

    Raises :class:`Locked` for an account whose removal has reached the store, and
    :class:`StoreDamaged` when no key opens it (page 1 damaged, or another store's file)."""
    for key in keys.candidates():
        if key_opens(files.db, key, access):
            return key
    rotation = slots.rotation
    if rotation is not None and keys.username == rotation.removes:
        raise Locked("That account has been removed from this PC.")
    raise StoreDamaged(
        "The store file does not match its key slots, or its first page is damaged. Nothing "
        "was changed. Restore rpr.db and keyslots.json together from the last backup."
    )


def _check_before_open(
    connection: Connection, slots: KeySlotFile, *, whole_file: bool, writable: bool
) -> _Checked:
    """Everything checked before anything may be written (see the module docstring)."""
    # An unclean file (whole_file) has saves in its WAL, which the per-page check cannot see.
    problems = integrity_problems(connection, tables=None if whole_file else OPEN_CHECK_TABLES)
    if problems:
        raise _damaged(problems)
    meta = dict(connection.execute(select(MetaRow.key, MetaRow.value)).all())
    if "store_id" not in meta or "device_id" not in meta:
        raise StoreDamaged("The store is missing its identity. Nothing was changed.")
    if meta["store_id"] != slots.store_id:
        raise StoreDamaged(
            "The key slots belong to a different store than rpr.db. Restore the two files "
            "together from the same backup. Nothing was changed."
        )
    current = migrate.current_revision(connection)
    needs_migration = migrate.needs_upgrade(current)
    if needs_migration and not writable:
        raise StoreReadOnly(
            f"This read-only copy was made by an older RPR (schema {current}); it can be read "
            "after copying the folder somewhere that can be written. Nothing was changed."
        )
    if needs_migration and not whole_file:
        # A migration writes: the whole file must be known intact first.
        problems = integrity_problems(connection, pages=True)
        if problems:
            raise _damaged(problems)
        whole_file = True
    return _Checked(needs_migration, whole_file)


def _damaged(problems: list[str]) -> StoreDamaged:
    return StoreDamaged(
        "The store failed its integrity check (" + "; ".join(problems[:3]) + "). Nothing was "
        "written to it. Ask trust IT to check it (verify) and, if need be, restore the last "
        "backup."
    )


def _settle_rotation(slots: KeySlotFile, keys: UnlockedKeys, key: bytes) -> None:
    """Finish a key change the store has reached, or drop one it has not (a crash between
    the steps of ``Store.remove_user``). A failure to write the file is logged: until it is
    written the file still opens the store, and the next open tries again."""
    if slots.rotation is None:
        return
    try:
        if key == keys.following:
            slots.finish_rotation(key)
        else:
            slots.abandon_rotation()
    except UserFacingError:
        log.warning("a key change left by an earlier session could not be settled yet")


def open_unlocked(
    files: StoreFiles,
    slots: KeySlotFile,
    keys: UnlockedKeys,
    actor: str,
    action: AuditAction,
    *,
    password: str | None = None,
) -> OpenedStore:
    """Open the store whose key slots ``keys`` came from (see the module docstring)."""
    opened_at = utc_now()
    with store_failures():
        files.check_database_file()
        writable = files.writable()
        access = Access.INSPECT if writable else Access.READ_ONLY
        key = choose_key(files, slots, keys, access)
        whole_file = files.wal_has_content()
        checking = make_engine(files.db, key, access)
        try:
            with checking.connect() as connection:
                checked = checked_read_only(
                    connection,
                    partial(
                        _check_before_open, slots=slots, whole_file=whole_file, writable=writable
                    ),
                )
        except BaseException:
            checking.dispose()
            raise
    if not writable:
        log.info("store %s opened read-only by %s", slots.store_id, actor)
        return _opened(
            files,
            slots,
            key,
            checking,
            actor=actor,
            opened_at=opened_at,
            action=None,
            checked=checked,
        )
    checking.dispose()
    _settle_rotation(slots, keys, key)
    if password is not None:
        try:
            slots.upgrade(UnlockedKeys(keys.username, key, None), password)
        except UserFacingError:
            log.warning("the key slot of %s could not be brought up to date yet", actor)
    engine = make_engine(files.db, key)
    try:
        # The working connection first (it puts a file not yet in WAL mode into it, which needs
        # the file to itself), then the background check's.
        with store_failures(), engine.connect():
            pass
        if checked.needs_migration:
            with store_failures(), _write_session(engine) as session, session.begin():
                migrate.upgrade(session.connection())
            log.info("store migrated to schema %s", migrate.head_revision())
    except BaseException:
        engine.dispose()
        raise
    log.info(
        "store %s opened by %s (%s; %s check)",
        slots.store_id,
        actor,
        action.value,
        "whole-file" if checked.whole_file_checked else "background",
    )
    return _opened(
        files, slots, key, engine, actor=actor, opened_at=opened_at, action=action, checked=checked
    )


def _opened(
    files: StoreFiles,
    slots: KeySlotFile,
    key: bytes,
    engine: Engine,
    *,
    actor: str,
    opened_at: datetime,
    action: AuditAction | None,
    checked: _Checked,
) -> OpenedStore:
    """The open store; its whole-file check starts now unless it was made before opening
    (then the WAL held saves, or a migration needed it). ``action`` None: read-only, nothing
    will be recorded."""
    background: BackgroundIntegrityCheck | None = None
    if not checked.whole_file_checked:
        # Not checked before opening: the WAL held nothing, so every page can be checked.
        background = BackgroundIntegrityCheck(engine, pages=True)
        background.start()
    return OpenedStore(
        files=files,
        slots=slots,
        data_key=key,
        engine=engine,
        actor=actor,
        read_only=action is None,
        opened_at=opened_at,
        open_action=action,
        integrity=IntegrityResult(()) if checked.whole_file_checked else None,
        background=background,
    )


def _write_session(engine: Engine) -> Session:
    return Session(engine.execution_options(rpr_write=True), expire_on_commit=False)


# ---------------------------------------------------------------- set-up


@dataclass(frozen=True, slots=True, repr=False)
class NewStore:
    """What set-up makes: the first account, more accounts, and the content to save in the
    same transaction as the store's creation (the demo ward), so that set-up is all or
    nothing."""

    username: str
    password: str
    recovery_public_key_pem: bytes
    kdf: KdfParams | None = None
    demo: bool = False
    encrypted: bool = True
    more_users: Mapping[str, str] = field(default_factory=dict)
    populate: Callable[[WriteTransaction], None] | None = None
    #: The enrolment of a PC enrolled with the trust server: its device id is the store's.
    enrolment: Enrolment | None = None


def _checked_accounts(new: NewStore) -> dict[str, str]:
    """Every account's normalised username and its password, all checked before anything is
    written."""
    accounts = {normalise_username(new.username): new.password}
    for username, password in dict(new.more_users).items():
        accounts[normalise_username(username)] = password
    for username, password in accounts.items():
        check_new_password(password, username)
    return accounts


class _SetUp:
    """Building a store under set-up names, remembering exactly what it made so a failure
    removes that and nothing else (the folder held no part of a store when it began)."""

    def __init__(self, files: StoreFiles) -> None:
        self.files = files
        self.folders: list[Path] = []
        self.made_db = False
        self.placed_keyslots = False

    def begin(self) -> None:
        self.folders = make_private_folder(self.files.root)
        modes = modes_for(self.files.root)
        if not self.files.logs.exists():
            make_folder(self.files.logs, modes)
            self.folders.append(self.files.logs)
        # Owner-only (or the ward's group's, in a shared folder) from its creation, before
        # SQLite writes to it (its -wal and -shm get the same mode).
        fd = open_new(self.files.setup_db, os.O_EXCL | os.O_WRONLY, modes)
        os.close(fd)
        self.made_db = True

    def finish(self) -> None:
        """Rename the key slots, then the database, into place (the database last: its
        presence is what makes the store exist) and make the renames durable."""
        files = self.files
        for companion in files.setup_parts()[1:-1]:
            if companion.exists() and companion.stat().st_size > 0:
                raise RuntimeError("set-up database was not checkpointed before renaming")
            companion.unlink(missing_ok=True)
        files.setup_keyslots.replace(files.keyslots)
        self.placed_keyslots = True
        files.setup_db.replace(files.db)
        fsync_directory(files.root)

    def undo(self) -> None:
        """Remove what this set-up made; never anything else."""
        if self.made_db:
            for part in self.files.setup_parts():
                with contextlib.suppress(OSError):
                    part.unlink(missing_ok=True)
        if self.placed_keyslots and not self.files.db.exists():
            with contextlib.suppress(OSError):
                self.files.keyslots.unlink()
        for folder in reversed(self.folders):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty


def create_store(data_dir: Path, new: NewStore) -> OpenedStore:
    """Make a new store in ``data_dir`` (see ``Store.create``)."""
    accounts = _checked_accounts(new)
    first = normalise_username(new.username)
    params = new.kdf or kdf_policy().default
    require_strong_enough(params)
    load_recovery_public_key(new.recovery_public_key_pem)
    inspect_folder(data_dir).require_empty_for_setup()
    files = StoreFiles(data_dir)
    setup = _SetUp(files)
    try:
        with store_failures():
            setup.begin()
            data_key = generate_data_key()
            setup_slots = KeySlotFile.create(
                files.setup_keyslots, data_key, new.recovery_public_key_pem
            )
            for username, password in accounts.items():
                setup_slots.add_user(data_key, username, password, kdf=params)
            key = data_key if new.encrypted else None
            _build_database(files, key, store_id=setup_slots.store_id, accounts=accounts, new=new)
            setup.finish()
    except DiskFull:
        setup.undo()
        raise DiskFull(
            f"The disk is full, so the store could not be set up in {data_dir}; nothing was "
            "left behind. Free some space on the disk, then run set-up again."
        ) from None
    except BaseException:
        setup.undo()
        raise
    log.info("store created (schema %s)", migrate.head_revision())
    slots = KeySlotFile.load(files.keyslots)
    engine = make_engine(files.db, key)
    return OpenedStore(
        files=files,
        slots=slots,
        data_key=data_key,
        engine=engine,
        actor=first,
        read_only=False,
        opened_at=utc_now(),
        open_action=None,
        integrity=IntegrityResult(()),
        background=None,
    )


def _build_database(
    files: StoreFiles,
    key: bytes | None,
    *,
    store_id: str,
    accounts: Mapping[str, str],
    new: NewStore,
) -> None:
    first = normalise_username(new.username)
    engine = make_engine(files.setup_db, key)
    try:
        with _write_session(engine) as session, session.begin():
            migrate.upgrade(session.connection())
            device_id = new.enrolment.device_id if new.enrolment else uuid.uuid4()
            meta = {
                "store_id": store_id,
                "device_id": str(device_id),
                "created_at": utc_now().isoformat(),
                "demo": "yes" if new.demo else "no",
            }
            session.add_all(MetaRow(key=name, value=value) for name, value in meta.items())
            session.flush()
            append_event(
                session,
                actor=first,
                device_id=device_id,
                action=AuditAction.STORE_CREATED,
                detail=identity_detail(meta),
            )
            for username in accounts:
                append_event(
                    session,
                    actor=first,
                    device_id=device_id,
                    action=AuditAction.KEY_SLOT_ADDED,
                    detail=f"password slot for {username}",
                )
            if new.enrolment is not None:
                save_enrolment(session, new.enrolment, actor=first, device_id=device_id)
            if new.populate is not None:
                new.populate(WriteTransaction(session, actor=first, device_id=device_id))
        checkpoint(engine)
    finally:
        engine.dispose()
