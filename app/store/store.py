"""The encrypted ward store: open, create, recover, read, write, verify.

Threading: a ``Store`` may be shared by threads; every ``read()``/``write()`` has its own
session and connection from a small pool. Each ``write()`` is one ``BEGIN IMMEDIATE``
transaction — one per user action — committed with ``synchronous=FULL`` before it returns.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Self, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.models.base import Record
from app.models.clock import utc_now
from app.models.errors import Locked, StoreDamaged, UserFacingError
from app.store import migrate
from app.store.audit import (
    AuditAction,
    append_event,
)
from app.store.engine import checkpoint, make_engine
from app.store.integrity import (
    OPEN_CHECK_TABLES,
    BackgroundIntegrityCheck,
    IntegrityResult,
    checked_read_only,
    integrity_problems,
    wal_left_behind,
)
from app.store.keyslots import KdfParams, KeySlotFile, generate_data_key, normalise_username
from app.store.layout import StoreFiles
from app.store.records import RecordReader
from app.store.revisions import RevisionWriter
from app.store.schema import AuditRow, MetaRow, RecordRow, RevisionRow
from app.store.verification import VerifyReport, verify_store

if TYPE_CHECKING:
    from types import TracebackType

    from sqlalchemy import Engine

    from app.models.revision import Revision

log = logging.getLogger("rpr.store")
R = TypeVar("R", bound=Record)

DRAFT = "draft"
AWAITING_SIGN_OFF = "submitted"


class WriteTransaction(RevisionWriter):
    """One user action's worth of changes: revisions, audit events, reads of what it sees."""

    def __init__(self, session: Session, *, actor: str, device_id: uuid.UUID) -> None:
        super().__init__(session, actor=actor, device_id=device_id)
        self.reader = RecordReader(session)

    def event(
        self,
        action: AuditAction,
        *,
        subject_kind: str | None = None,
        subject_id: uuid.UUID | None = None,
        detail: str | None = None,
    ) -> None:
        """Add an audit event (printed, exported …). ``detail``: fixed wording, no patient data."""
        append_event(
            self._session,
            actor=self._actor,
            device_id=self._device_id,
            action=action,
            subject_kind=subject_kind,
            subject_id=subject_id,
            detail=detail,
        )


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """What the store holds, without patient data (for ``rpr status`` and support)."""

    store_id: str
    device_id: str
    created_at: datetime
    demo: bool
    schema_version: str | None
    records_by_kind: dict[str, int]
    drafts: int
    awaiting_sign_off: int
    conflicted: int
    voided: int
    revisions: int
    audit_events: int
    users: tuple[str, ...]


class Store:
    """An open, unlocked store. Make one with :meth:`create`, :meth:`open` or
    :meth:`open_with_recovery`; close it (or use it as a context manager) when done."""

    def __init__(
        self, files: StoreFiles, slots: KeySlotFile, data_key: bytes, engine: Engine, actor: str
    ) -> None:
        self.files = files
        self.actor = actor
        self._slots = slots
        self._data_key = data_key
        self._engine = engine
        self._write_engine = engine.execution_options(rpr_write=True)
        self.store_id = self._meta("store_id")
        self.device_id = uuid.UUID(self._meta("device_id"))
        self._background_check: BackgroundIntegrityCheck | None = None
        self._integrity_checked: IntegrityResult | None = None
        self._closed = False

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
    ) -> Self:
        """Make a new empty store in ``data_dir`` with a first account and the recovery slot.

        Refuses a folder that already holds a store. The store is built under set-up names
        and renamed into place when complete (the database last), so a crash or a refused
        input during set-up leaves no store, and ``create`` can simply be run again.
        ``encrypted=False`` makes a plain SQLite file with the same schema: the benchmarks'
        baseline, never used for clinical data (such a store cannot be opened again).
        """
        username = normalise_username(username)
        files = StoreFiles(data_dir)
        try:
            files.prepare_setup()
        except FileExistsError:
            raise UserFacingError(f"A store already exists in {data_dir}.") from None
        data_key = generate_data_key()
        setup_slots = KeySlotFile.create(files.setup_keyslots, data_key, recovery_public_key_pem)
        setup_slots.add_user(data_key, username, password, kdf=kdf or KdfParams())
        key = data_key if encrypted else None
        engine = make_engine(files.setup_db, key)
        try:
            with Session(engine.execution_options(rpr_write=True)) as session, session.begin():
                migrate.upgrade(session.connection())
                device_id = uuid.uuid4()
                for name, value in (
                    ("store_id", setup_slots.store_id),
                    ("device_id", str(device_id)),
                    ("created_at", utc_now().isoformat()),
                    ("demo", "yes" if demo else "no"),
                ):
                    session.add(MetaRow(key=name, value=value))
                session.flush()
                for action, detail in (
                    (AuditAction.STORE_CREATED, None),
                    (AuditAction.KEY_SLOT_ADDED, f"password slot for {username}"),
                ):
                    append_event(
                        session, actor=username, device_id=device_id, action=action, detail=detail
                    )
            checkpoint(engine)
        finally:
            engine.dispose()
        files.finish_setup()
        log.info("store created (schema %s)", migrate.head_revision())
        slots = KeySlotFile.load(files.keyslots)
        return cls(files, slots, data_key, make_engine(files.db, key), username)

    @classmethod
    def open(cls, data_dir: Path, username: str, password: str) -> Self:
        """Unlock with a staff member's password. A wrong password raises :class:`Locked` at
        once and writes nothing: every file in the folder stays byte-identical."""
        files, slots = cls._slots_of(data_dir)
        data_key = slots.unlock(username, password)
        actor = normalise_username(username)
        return cls._open_unlocked(files, slots, data_key, actor, AuditAction.STORE_OPENED)

    @classmethod
    def open_with_recovery(
        cls, data_dir: Path, private_key_pem: bytes, passphrase: bytes | None, *, actor: str
    ) -> Self:
        """Unlock with the trust's recovery private key (every password lost)."""
        files, slots = cls._slots_of(data_dir)
        data_key = slots.unlock_with_recovery(private_key_pem, passphrase)
        return cls._open_unlocked(files, slots, data_key, actor, AuditAction.RECOVERY_USED)

    @classmethod
    def _slots_of(cls, data_dir: Path) -> tuple[StoreFiles, KeySlotFile]:
        files = StoreFiles(data_dir)
        if not files.exists():
            raise Locked(f"There is no store in {data_dir}.")
        return files, KeySlotFile.load(files.keyslots)

    @classmethod
    def _open_unlocked(
        cls,
        files: StoreFiles,
        slots: KeySlotFile,
        data_key: bytes,
        actor: str,
        action: AuditAction,
    ) -> Self:
        unclean = wal_left_behind(files.db)
        engine = make_engine(files.db, data_key)
        try:
            # Check in a read transaction: other writers (a support command, the client) are
            # not held up while a whole-file check runs.
            with engine.connect() as connection:
                problems = checked_read_only(
                    connection,
                    partial(integrity_problems, tables=None if unclean else OPEN_CHECK_TABLES),
                )
            if problems:
                raise StoreDamaged("The store failed its integrity check: " + "; ".join(problems))
            with Session(engine.execution_options(rpr_write=True)) as session, session.begin():
                if migrate.upgrade(session.connection()):
                    log.info("store migrated to schema %s", migrate.head_revision())
                store_id = session.get(MetaRow, "store_id")
                device = session.get(MetaRow, "device_id")
                if store_id is None or device is None:
                    raise StoreDamaged("The store is missing its identity.")
                if store_id.value != slots.store_id:
                    raise StoreDamaged("The key slots belong to a different store.")
                append_event(session, actor=actor, device_id=uuid.UUID(device.value), action=action)
        except BaseException:
            engine.dispose()
            raise
        log.info(
            "store %s opened by %s (%s; %s check)",
            slots.store_id,
            actor,
            action.value,
            "whole-file" if unclean else "background",
        )
        store = cls(files, slots, data_key, engine, actor)
        if unclean:
            store._integrity_checked = IntegrityResult(())
        else:
            store._background_check = BackgroundIntegrityCheck(engine)
            store._background_check.start()
        return store

    def close(self) -> None:
        """Stop any background check, release every connection and forget the data key. The
        store refuses any further use."""
        if self._closed:
            return
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
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            yield RecordReader(session)

    @contextmanager
    def write(self) -> Iterator[WriteTransaction]:
        """One write transaction. Everything done inside is saved together or not at all; it
        is durable when the ``with`` block exits without an exception. Refused once an
        integrity check has found the file damaged."""
        self._require_open()
        checked = self.integrity()
        if checked is not None and not checked.ok:
            raise StoreDamaged(
                "The store failed its integrity check; nothing more can be saved on this PC "
                "until trust IT has looked at it. What was saved before is kept."
            )
        with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
            yield WriteTransaction(session, actor=self.actor, device_id=self.device_id)

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

    def add_user(self, username: str, password: str, *, kdf: KdfParams | None = None) -> None:
        """Give ``username`` a key slot on this PC (their first sign-in here). Refuses an
        account that already has one: that is :meth:`change_password` or
        :meth:`reset_password`."""
        self._require_open()
        username = normalise_username(username)
        if self._slots.has_user(username):
            raise UserFacingError(f"{username} can already sign in on this PC.")
        self._slots.add_user(self._data_key, username, password, kdf=kdf or KdfParams())
        self.record_event(AuditAction.KEY_SLOT_ADDED, detail=f"password slot for {username}")

    def reset_password(self, username: str, password: str, *, kdf: KdfParams | None = None) -> None:
        """Replace ``username``'s key slot without the old password (recovery, or an
        administrator's reset: the caller decides who may). Audited."""
        self._require_open()
        username = normalise_username(username)
        self._slots.add_user(self._data_key, username, password, kdf=kdf or KdfParams())
        self.record_event(AuditAction.PASSWORD_CHANGED, detail=f"password reset for {username}")

    def change_password(self, username: str, old_password: str, new_password: str) -> None:
        """Re-wrap ``username``'s slot under a new password (the old one must be right)."""
        self._require_open()
        username = normalise_username(username)
        self._slots.change_password(username, old_password, new_password)
        self.record_event(AuditAction.PASSWORD_CHANGED, detail=f"password slot for {username}")

    def remove_user(self, username: str) -> None:
        """Remove ``username``'s key slot from this PC (records stay reachable by others and
        by the recovery key)."""
        self._require_open()
        username = normalise_username(username)
        self._slots.remove_user(username)
        self.record_event(AuditAction.KEY_SLOT_REMOVED, detail=f"password slot for {username}")

    # -- checks and facts ------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Check every revision's content hash, the audit chain, and that each revision is
        vouched for by the chain. Records a ``store.verified`` event afterwards."""
        report = verify_store(self._engine)
        # A damaged store may refuse the write that records the check; the report still stands.
        with contextlib.suppress(StoreDamaged, DBAPIError):
            self.record_event(
                AuditAction.VERIFIED,
                detail=f"{len(report.problems)} problems" if report.problems else "intact",
            )
        return report

    def status(self) -> StoreStatus:
        """Counts and facts for support; no patient data."""
        with Session(self._engine) as session, session.begin():
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
                schema_version=migrate.current_revision(session.connection()),
                records_by_kind=reader.counts_by_kind(),
                drafts=count_where(live, RecordRow.status == DRAFT),
                awaiting_sign_off=count_where(live, RecordRow.status == AWAITING_SIGN_OFF),
                conflicted=count_where(RecordRow.tip_count > 1),
                voided=count_where(RecordRow.voided.is_(True)),
                revisions=session.scalar(select(func.count()).select_from(RevisionRow)) or 0,
                audit_events=session.scalar(select(func.count()).select_from(AuditRow)) or 0,
                users=self.users(),
            )

    def _meta(self, key: str, session: Session | None = None) -> str:
        if session is None:
            with Session(self._engine) as own, own.begin():
                return self._meta(key, own)
        row = session.get(MetaRow, key)
        if row is None:
            raise StoreDamaged(f"The store is missing its {key.replace('_', ' ')}.")
        return row.value
