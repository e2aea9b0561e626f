"""The encrypted ward store: open, create, recover, read, write, verify, manage accounts.

Threading: a ``Store`` may be shared by threads; every ``read()``/``write()`` has its own
session and connection from a small pool. Each ``write()`` is one ``BEGIN IMMEDIATE``
transaction — one per user action — committed with ``synchronous=FULL`` before it returns.

Failures of the file, the disk or the lock reach callers as the project's own errors (see
:mod:`app.store.failures`); how a store is opened, and what is checked before anything is
written, is in :mod:`app.store.opening`.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models.base import Record
from app.models.errors import Locked, StoreDamaged, StoreReadOnly, UserFacingError
from app.store import migrate
from app.store.audit import AuditAction, append_event
from app.store.engine import Access, key_opens, make_engine, rekey
from app.store.failures import READ_ONLY, store_failures
from app.store.integrity import IntegrityResult
from app.store.keyslots import KdfParams, normalise_username
from app.store.opening import (
    RECOVERY_ACTOR,
    NewStore,
    OpenedStore,
    create_store,
    load_slots,
    open_unlocked,
)
from app.store.records import RecordReader
from app.store.schema import AuditRow, MetaRow, RecordRow, RevisionRow
from app.store.sync_state import Enrolment, SyncState
from app.store.transaction import WriteTransaction
from app.store.verification import VerifyReport, verify_files

if TYPE_CHECKING:
    from types import TracebackType

    from sqlalchemy import Engine

    from app.models.revision import Revision
    from app.store.layout import StoreFiles

__all__ = ["RECOVERY_ACTOR", "Store", "StoreStatus", "WriteTransaction"]

log = logging.getLogger("rpr.store")
R = TypeVar("R", bound=Record)

DRAFT = "draft"
AWAITING_SIGN_OFF = "submitted"


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """What the store holds, without patient data (for ``rpr status`` and support)."""

    store_id: str
    device_id: str
    created_at: datetime
    demo: bool
    read_only: bool
    schema_version: str | None
    records_by_kind: dict[str, int]
    drafts: int
    awaiting_sign_off: int
    conflicted: int
    voided: int
    revisions: int
    audit_events: int
    users: tuple[str, ...]
    #: The whole-file check's findings (empty: intact).
    integrity_problems: tuple[str, ...]
    #: Damaged key slots, checked under the data key (empty: every slot intact).
    key_slot_problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when neither the file nor the key slots show a problem."""
        return not self.integrity_problems and not self.key_slot_problems


class Store:
    """An open, unlocked store. Make one with :meth:`create`, :meth:`open` or
    :meth:`open_with_recovery`; close it (or use it as a context manager) when done."""

    def __init__(self, opened: OpenedStore) -> None:
        """Take over a store opened by :mod:`app.store.opening`."""
        self.files: StoreFiles = opened.files
        self.actor = opened.actor
        #: True for a copy that cannot be written here: reads work, saves are refused.
        self.read_only = opened.read_only
        self._slots = opened.slots
        self._data_key = opened.data_key
        self._engine = opened.engine
        self._write_engine = opened.engine.execution_options(rpr_write=True)
        self._opened_at = opened.opened_at
        self._open_action = opened.open_action
        self._integrity_checked = opened.integrity
        self._background_check = opened.background
        self._closed = False
        try:
            with store_failures():
                self.store_id = self._meta("store_id")
                self.device_id = uuid.UUID(self._meta("device_id"))
        except BaseException:
            self._shut()
            raise

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        data_dir: Path,
        *,
        username: str,
        password: str,
        recovery_public_key_pem: bytes,
        kdf: KdfParams | None = None,
        demo: bool = False,
        encrypted: bool = True,
        more_users: Mapping[str, str] | None = None,
        populate: Callable[[WriteTransaction], None] | None = None,
        enrolment: Enrolment | None = None,
    ) -> Self:
        """Make a new store in ``data_dir`` with its accounts, the recovery slot and (through
        ``populate``, in the same transaction) its first content.

        All or nothing: every input is checked before anything is written; a folder holding
        any part of a store is refused, naming what it holds; the store is built under set-up
        names and renamed into place when complete (the database last), and a failure removes
        exactly what this set-up made. ``encrypted=False`` makes a plain SQLite file with the
        same schema: the benchmarks' baseline, never used for clinical data (such a store
        cannot be opened again). ``enrolment``: the store of a PC enrolled with the trust
        server, whose device id becomes the store's (the enrolment is kept inside it).
        """
        new = NewStore(
            username=username,
            password=password,
            recovery_public_key_pem=recovery_public_key_pem,
            kdf=kdf,
            demo=demo,
            encrypted=encrypted,
            more_users=more_users or {},
            populate=populate,
            enrolment=enrolment,
        )
        return cls(create_store(data_dir, new))

    @classmethod
    def open(cls, data_dir: Path, username: str, password: str) -> Self:
        """Unlock with a staff member's password. A wrong password raises :class:`Locked` at
        once; any refusal leaves every file in the folder byte-identical."""
        files, slots = load_slots(data_dir)
        name = slots.require_account(username)
        keys = slots.unlock(name, password)
        return cls(
            open_unlocked(files, slots, keys, name, AuditAction.STORE_OPENED, password=password)
        )

    @classmethod
    def open_with_recovery(
        cls, data_dir: Path, private_key_pem: bytes, passphrase: bytes | None
    ) -> Self:
        """Unlock with the trust's recovery private key (every password lost). Audited as
        :data:`~app.store.opening.RECOVERY_ACTOR`."""
        files, slots = load_slots(data_dir)
        keys = slots.unlock_with_recovery(private_key_pem, passphrase)
        return cls(open_unlocked(files, slots, keys, RECOVERY_ACTOR, AuditAction.RECOVERY_USED))

    @classmethod
    def verify_folder(cls, data_dir: Path, username: str, password: str) -> VerifyReport:
        """Check everything in the store, without opening it for use: works on a store too
        damaged to open and on a read-only copy, and writes nothing unless the store is intact
        and may be written (then a ``store.verified`` event records the check)."""
        files, slots = load_slots(data_dir)
        name = slots.require_account(username)
        keys = slots.unlock(name, password)
        with store_failures():
            files.check_database_file()
            writable = files.writable()
            access = Access.INSPECT if writable else Access.READ_ONLY
            key = next(
                (k for k in keys.candidates() if key_opens(files.db, k, access)), keys.current
            )
        report = verify_files(files, slots, key, access)
        if not report.ok or not writable or report.schema_version != migrate.head_revision():
            return report
        engine = make_engine(files.db, key)
        try:
            with store_failures(), _session(engine, write=True) as session, session.begin():
                device = session.get(MetaRow, "device_id")
                if device is None:  # pragma: no cover - verify would have reported it
                    return report
                append_event(
                    session,
                    actor=name,
                    device_id=uuid.UUID(device.value),
                    action=AuditAction.VERIFIED,
                    detail="intact",
                )
        except UserFacingError:  # a full disk or a held lock: the report still stands
            log.warning("the check of store %s could not be recorded", slots.store_id)
            return report
        finally:
            engine.dispose()
        return replace(report, recorded=True)

    def close(self) -> None:
        """Record the open if it is still to be recorded (waiting for the whole-file check
        when it is still running, so every open is audited or the damage reported), then
        stop, release every connection and forget the data key. The store refuses any further
        use."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._open_action is not None and not self.read_only:
                checked = self.integrity(wait=True)
                if checked is not None and checked.ok:
                    try:
                        with store_failures(), self._write_session() as session, session.begin():
                            self._record_open(session)
                    except UserFacingError:
                        log.warning("the open of store %s could not be recorded", self.store_id)
        finally:
            self._shut()

    def _shut(self) -> None:
        self._closed = True
        if self._background_check is not None:
            self._background_check.cancel()
        self._engine.dispose()
        self._data_key = b""

    def _require_open(self) -> None:
        if self._closed:
            raise Locked("The store is closed; sign in again.")

    def integrity(self, *, wait: bool = False) -> IntegrityResult | None:
        """The whole-file check made at or after open: None while it is still running (or
        ``wait`` for it). See :mod:`app.store.integrity`."""
        if self._integrity_checked is None and self._background_check is not None:
            self._integrity_checked = (
                self._background_check.wait() if wait else self._background_check.result
            )
        return self._integrity_checked

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading and writing -------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[RecordReader]:
        """A consistent snapshot to read from (one read transaction)."""
        self._require_open()
        with store_failures(), _session(self._engine) as session, session.begin():
            yield RecordReader(session)

    @contextmanager
    def write(self) -> Iterator[WriteTransaction]:
        """One write transaction. Everything done inside is saved together or not at all; it
        is durable when the ``with`` block exits without an exception. Waits for the
        whole-file check if it is still running; refused on a read-only copy and once the
        check has found the file damaged."""
        with self._write_parts() as (tx, _):
            yield tx

    @contextmanager
    def _write_parts(self) -> Iterator[tuple[WriteTransaction, Session]]:
        """:meth:`write`'s transaction with its session, for the store's own modules."""
        self._require_open()
        if self.read_only:
            raise StoreReadOnly(READ_ONLY)
        checked = self.integrity(wait=True)
        if checked is None or not checked.ok:
            raise StoreDamaged(
                "The store failed its integrity check; nothing more can be saved on this PC "
                "until trust IT has looked at it. What was saved before is kept."
            )
        with store_failures(), self._write_session() as session, session.begin():
            self._record_open(session)
            yield WriteTransaction(session, actor=self.actor, device_id=self.device_id), session
        self._open_action = None

    @contextmanager
    def _read_session(self) -> Iterator[Session]:
        self._require_open()
        with store_failures(), _session(self._engine) as session, session.begin():
            yield session

    @property
    def sync(self) -> SyncState:
        """The sync client's state in this store: outbox, cursor, enrolment, refusals, the
        last count check (see :mod:`app.store.sync_state`). Its writes obey :meth:`write`'s
        rules (refused on a read-only or damaged copy)."""
        self._require_open()
        return SyncState(self._read_session, self._write_parts)

    def _write_session(self) -> Session:
        return _session(self._write_engine)

    def _record_open(self, session: Session) -> None:
        if self._open_action is not None:
            append_event(
                session,
                actor=self.actor,
                device_id=self.device_id,
                action=self._open_action,
                at=self._opened_at,
            )

    def save(
        self, record: Record, *, base: uuid.UUID | None = None, reason: str | None = None
    ) -> Revision:
        """Save one record as one user action (see :meth:`RevisionWriter.save`)."""
        with self.write() as tx:
            return tx.save(record, base=base, reason=reason)

    def void(self, record_id: uuid.UUID, reason: str) -> Revision:
        """Void one record as one user action."""
        with self.write() as tx:
            return tx.void(record_id, reason)

    def get(self, cls: type[R], record_id: uuid.UUID) -> R | None:
        """The current state of one record, or None."""
        with self.read() as reader:
            return reader.get(cls, record_id)

    def record_event(
        self,
        action: AuditAction,
        *,
        subject_kind: str | None = None,
        subject_id: uuid.UUID | None = None,
        detail: str | None = None,
    ) -> None:
        """Audit something done outside the store (printed, exported)."""
        with self.write() as tx:
            tx.event(action, subject_kind=subject_kind, subject_id=subject_id, detail=detail)

    # -- accounts on this PC ---------------------------------------------------------------

    def users(self) -> tuple[str, ...]:
        """The accounts that can unlock this store on this PC."""
        return tuple(self._slots.users())

    def _require_writable_slots(self) -> None:
        self._require_open()
        if self.read_only:
            raise StoreReadOnly(READ_ONLY)

    def add_user(self, username: str, password: str, *, kdf: KdfParams | None = None) -> None:
        """Give ``username`` a key slot on this PC (their first sign-in here). Refuses an
        account that already has one: that is :meth:`change_password` or
        :meth:`reset_password`. The password must meet the rule of :mod:`app.store.passwords`."""
        self._require_writable_slots()
        username = normalise_username(username)
        if self._slots.has_user(username):
            raise UserFacingError(f"{username} can already sign in on this PC.")
        self._slots.add_user(self._data_key, username, password, kdf=kdf)
        self.record_event(AuditAction.KEY_SLOT_ADDED, detail=f"password slot for {username}")

    def reset_password(self, username: str, password: str, *, kdf: KdfParams | None = None) -> None:
        """Replace the key slot of ``username`` (an account on this PC) without the old
        password (recovery, or an administrator's reset: the caller decides who may). Audited."""
        self._require_writable_slots()
        username = self._slots.require_account(username)
        self._slots.add_user(self._data_key, username, password, kdf=kdf)
        self.record_event(AuditAction.PASSWORD_CHANGED, detail=f"password reset for {username}")

    def change_password(self, username: str, old_password: str, new_password: str) -> None:
        """Make ``username``'s slot again under a new password (the old one must be right)."""
        self._require_writable_slots()
        username = self._slots.require_account(username)
        self._slots.change_password(username, old_password, new_password)
        self.record_event(AuditAction.PASSWORD_CHANGED, detail=f"password slot for {username}")

    def remove_user(self, username: str, *, recovery_public_key_pem: bytes | None = None) -> None:
        """Remove ``username``'s key slot from this PC and change the store's data key, so a
        copy of the old key-slot file opens nothing saved from now on (design.md).

        All or nothing across a crash: a next key is sealed for every other account and the
        recovery key in the key-slot file first; the store is then re-encrypted with it in one
        transaction (the moment the removal happens); then the file drops the old key and the
        removed slot. A crash before the re-encryption commits leaves the account in place; a
        crash after it leaves a file that opens only the new key, tidied at the next open.
        ``recovery_public_key_pem`` is needed only for a key-slot file made by an older RPR.
        """
        self._require_writable_slots()
        name = self._slots.require_account(username)
        if name == self.actor:
            raise UserFacingError(
                "The account signed in now cannot remove itself; sign in as another account."
            )
        checked = self.integrity(wait=True)
        if checked is None or not checked.ok:
            raise StoreDamaged("The store failed its integrity check; its key cannot be changed.")
        next_key = self._slots.begin_rotation(
            self._data_key, name, recovery_public_key_pem=recovery_public_key_pem
        )
        failure: UserFacingError | None = None
        try:
            with store_failures():
                rekey(self._engine, self.files.db, self._data_key, next_key)
        except UserFacingError as exc:  # a full disk, a held lock: before or after the commit?
            failure = exc
        except BaseException:
            if self._settle_rotation(next_key) is not False:
                self._shut()  # the store may be on the next key: sign in again
            raise
        settled = self._settle_rotation(next_key)
        if settled is None:
            self._shut()
            raise Locked(
                "The account's removal could not be confirmed; sign in again, which finishes "
                "or undoes it."
            )
        if not settled:
            raise failure or UserFacingError(
                "The store's key could not be changed, so the account was kept. Nothing else "
                "was changed."
            )
        # Re-encrypted: the removal happened (a failure after the commit only delayed copying
        # the WAL into the main file, which SQLite does later).
        self._data_key = next_key
        self._engine = make_engine(self.files.db, next_key)
        self._write_engine = self._engine.execution_options(rpr_write=True)
        self.record_event(
            AuditAction.KEY_CHANGED, detail=f"password slot for {name} removed; data key changed"
        )
        log.info("removed the key slot for %s and changed the data key", name)

    def _settle_rotation(self, next_key: bytes) -> bool | None:
        """After trying to re-encrypt: finish the key change if the store is on the next key
        (True), drop it if not (False). If that cannot even be told (None), leave it for the
        next open to settle: the key-slot file opens the store either way."""
        try:
            with store_failures():
                on_next = key_opens(self.files.db, next_key, Access.INSPECT)
        except UserFacingError:
            log.warning("could not tell which key the store is on; the next open will settle it")
            return None
        with contextlib.suppress(UserFacingError):
            if on_next:
                self._slots.finish_rotation(next_key)
            else:
                self._slots.abandon_rotation()
        return on_next

    # -- checks and facts ------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Check every page, the structure, each revision's content hash, the audit chain,
        the indexes, the append-only triggers, the store's identity and the key slots. Records
        a ``store.verified`` event when the store is intact and may be written."""
        self._require_open()
        access = Access.READ_ONLY if self.read_only else Access.INSPECT
        report = verify_files(self.files, self._slots, self._data_key, access)
        if report.ok and not self.read_only:
            try:
                self.record_event(AuditAction.VERIFIED, detail="intact")
            except UserFacingError:  # a full disk or a held lock: the report still stands
                log.warning("the check of store %s could not be recorded", self.store_id)
            else:
                report = replace(report, recorded=True)
        return report

    def is_demo(self) -> bool:
        """Whether this is a demo store (fictitious data; the window says so)."""
        self._require_open()
        with store_failures():
            return self._meta("demo") == "yes"

    def key_slot_problems(self) -> tuple[str, ...]:
        """Damaged key slots, checked under the data key (see ``KeySlotFile.problems``)."""
        self._require_open()
        return tuple(self._slots.problems(self._data_key))

    def status(self) -> StoreStatus:
        """Counts and facts for support, with the whole-file check's result (waiting for it)
        and the key slots' state; no patient data."""
        self._require_open()
        checked = self.integrity(wait=True)
        with store_failures(), _session(self._engine) as session, session.begin():
            reader = RecordReader(session)

            def count_where(*conditions: object) -> int:
                query = select(func.count()).select_from(RecordRow).where(*conditions)  # type: ignore[arg-type]
                return session.scalar(query) or 0

            live = RecordRow.voided.is_(False)
            return StoreStatus(
                store_id=self.store_id,
                device_id=str(self.device_id),
                created_at=datetime.fromisoformat(self._meta("created_at", session)),
                demo=self._meta("demo", session) == "yes",
                read_only=self.read_only,
                schema_version=migrate.current_revision(session.connection()),
                records_by_kind=reader.counts_by_kind(),
                drafts=count_where(live, RecordRow.status == DRAFT),
                awaiting_sign_off=count_where(live, RecordRow.status == AWAITING_SIGN_OFF),
                conflicted=count_where(RecordRow.tip_count > 1),
                voided=count_where(RecordRow.voided.is_(True)),
                revisions=session.scalar(select(func.count()).select_from(RevisionRow)) or 0,
                audit_events=session.scalar(select(func.count()).select_from(AuditRow)) or 0,
                users=self.users(),
                integrity_problems=checked.problems if checked else ("not checked",),
                key_slot_problems=self.key_slot_problems(),
            )

    def _meta(self, key: str, session: Session | None = None) -> str:
        if session is None:
            with _session(self._engine) as own, own.begin():
                return self._meta(key, own)
        row = session.get(MetaRow, key)
        if row is None:
            raise StoreDamaged(f"The store is missing its {key.replace('_', ' ')}.")
        return row.value


def _session(engine: Engine, *, write: bool = False) -> Session:
    bound = engine.execution_options(rpr_write=True) if write else engine
    return Session(bound, expire_on_commit=False)
