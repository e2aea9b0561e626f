"""Where a store lives on disk: its files, what a folder holds of a store, making folders private.

A store is two files that only work together — ``rpr.db`` (SQLCipher) and ``keyslots.json`` (the
wrapped data keys) — plus SQLite's ``-wal``/``-shm`` companions while it is in use. Set-up must
never write into a folder that holds any part of one (a folder missing one of the two files is
a store waiting for its backup, not an empty folder), and every command names what is missing
(:func:`inspect_folder`, :meth:`FolderContents.require_complete`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from app.models.errors import StoreDamaged, StoreIncomplete, UserFacingError
from app.store.sharing import make_folder, modes_for

DB_NAME = "rpr.db"
KEYSLOTS_NAME = "keyslots.json"
LOGS_NAME = "logs"
#: A store is built under these names and renamed into place when complete, so a crash during
#: set-up never leaves a half-made store that looks like a real one.
SETUP_PREFIX = "setup-"
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
#: SQLCipher 4's page size: an encrypted store is always a whole number of pages.
PAGE_BYTES = 4096
_BACKUP_HINT = "(the two files are always backed up and restored together)"


@dataclass(frozen=True, slots=True)
class StoreFiles:
    """The files of one store in its data folder."""

    root: Path

    @property
    def db(self) -> Path:
        """The SQLCipher file (its ``-wal`` and ``-shm`` companions sit beside it)."""
        return self.root / DB_NAME

    @property
    def wal(self) -> Path:
        """SQLite's write-ahead log: saves not yet copied into :attr:`db`."""
        return self.root / (DB_NAME + "-wal")

    @property
    def shm(self) -> Path:
        """SQLite's shared-memory index of the WAL (rebuilt by every first connection)."""
        return self.root / (DB_NAME + "-shm")

    @property
    def keyslots(self) -> Path:
        """The wrapped data keys (no patient data, no plaintext key)."""
        return self.root / KEYSLOTS_NAME

    @property
    def logs(self) -> Path:
        """Operational logs (no patient data)."""
        return self.root / LOGS_NAME

    @property
    def setup_db(self) -> Path:
        """Where the database is built before it is renamed to :attr:`db`."""
        return self.root / (SETUP_PREFIX + DB_NAME)

    @property
    def setup_keyslots(self) -> Path:
        """Where the key slots are written before they are renamed to :attr:`keyslots`."""
        return self.root / (SETUP_PREFIX + KEYSLOTS_NAME)

    def setup_parts(self) -> tuple[Path, ...]:
        """Every file set-up makes before the store exists (removed again if set-up fails)."""
        companions = (self.setup_db.with_name(self.setup_db.name + s) for s in SQLITE_COMPANIONS)
        return (self.setup_db, *companions, self.setup_keyslots)

    def exists(self) -> bool:
        """True when a complete store is here (both files, as regular files)."""
        return inspect_folder(self.root).is_complete

    def wal_has_content(self) -> bool:
        """True when the WAL holds saves not yet in the main file: the last session ended
        uncleanly (crash, power cut) or another program has the store open right now."""
        try:
            return self.wal.stat().st_size > 0
        except FileNotFoundError:
            return False

    def writable(self) -> bool:
        """Whether this process may write the store here: the folder (SQLite makes its WAL
        and shm files there), the database and the key-slot file. Asked of the file system
        (read-only mounts, immutable files, permissions) without changing anything."""
        if not os.access(self.root, os.W_OK | os.X_OK):
            return False
        for path in (self.db, self.keyslots):
            try:
                # Opening for writing changes neither content nor times; it is the only
                # question that read-only mounts, immutable files and ACLs all answer.
                fd = os.open(path, os.O_WRONLY | getattr(os, "O_BINARY", 0))
            except OSError:
                return False
            os.close(fd)
        return True

    def check_database_file(self) -> None:
        """Refuse, before SQLite touches it, a database file that cannot be a store: empty, or
        not a whole number of SQLCipher pages (cut short by a full disk or an interrupted
        copy). SQLite would otherwise treat an empty file as a new database and write to it."""
        size = self.db.stat().st_size
        if size == 0:
            raise StoreDamaged(
                f"The store's database {self.db} is empty: it was cut short (a full disk, or a "
                f"copy that did not finish). Restore {DB_NAME} and {KEYSLOTS_NAME} from the last "
                f"backup {_BACKUP_HINT}. Nothing was changed."
            )
        if size % PAGE_BYTES:
            raise StoreDamaged(
                f"The store's database {self.db} is cut short ({size} bytes is not a whole number "
                f"of pages). Restore {DB_NAME} and {KEYSLOTS_NAME} from the last backup "
                f"{_BACKUP_HINT}. Nothing was changed."
            )


@dataclass(frozen=True, slots=True)
class FolderContents:
    """What a data folder holds of a store (from :func:`inspect_folder`)."""

    files: StoreFiles
    #: Names of store parts present in the folder, whatever kind of file they are.
    present: tuple[str, ...]
    #: Names among :attr:`present` that are not regular files (a folder, a device …).
    not_files: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        """Nothing of a store is here (the folder may not exist, or hold only logs)."""
        return not self.present

    @property
    def is_complete(self) -> bool:
        """Both files of a store are here as regular files."""
        return (
            DB_NAME in self.present
            and KEYSLOTS_NAME in self.present
            and DB_NAME not in self.not_files
            and KEYSLOTS_NAME not in self.not_files
        )

    def problem(self) -> str | None:
        """Why this is not a usable store, as a sentence that says what to do; None when it is
        complete. Never names file contents, only file names."""
        root = self.files.root
        if self.not_files:
            names = ", ".join(self.not_files)
            return (
                f"The data folder {root} holds {names}, which should be a file and is not. Move "
                f"it aside and restore {DB_NAME} and {KEYSLOTS_NAME} from the last backup "
                f"{_BACKUP_HINT}. Nothing was changed."
            )
        has_db, has_slots = DB_NAME in self.present, KEYSLOTS_NAME in self.present
        if has_db and has_slots:
            return None
        if has_db:
            return (
                f"The store in {root} is missing its key-slot file {KEYSLOTS_NAME}, without which "
                f"{DB_NAME} cannot be opened, not even with the recovery key. Restore "
                f"{KEYSLOTS_NAME} from the backup taken with the store {_BACKUP_HINT}. Nothing "
                "was changed."
            )
        if has_slots:
            return (
                f"The store in {root} is missing its database {DB_NAME} ({KEYSLOTS_NAME} is "
                f"there). Restore {DB_NAME} from the backup taken with this {KEYSLOTS_NAME} "
                f"{_BACKUP_HINT}. Nothing was changed."
            )
        setup = [name for name in self.present if name.startswith(SETUP_PREFIX)]
        others = [name for name in self.present if not name.startswith(SETUP_PREFIX)]
        if others:
            return (
                f"The data folder {root} holds {', '.join(others)} but no {DB_NAME}: part of a "
                f"store whose database is missing. Restore {DB_NAME} and {KEYSLOTS_NAME} from "
                f"the last backup {_BACKUP_HINT}. Nothing was changed."
            )
        return (
            f"The data folder {root} holds {', '.join(setup)}, left by a set-up that did not "
            "finish. They hold no records: remove them and run set-up again. Nothing was changed."
        )

    def require_complete(self) -> None:
        """Raise unless a complete store is here: :class:`StoreIncomplete` naming what is
        missing, or a plain message when there is no store at all."""
        if self.is_empty:
            raise StoreIncomplete(f"There is no store in {self.files.root}.")
        problem = self.problem()
        if problem is not None:
            raise StoreIncomplete(problem)

    def require_empty_for_setup(self) -> None:
        """Raise unless set-up may write here: set-up never writes into a folder holding any
        part of a store, not even one it could overwrite."""
        if self.is_empty:
            return
        if self.is_complete:
            raise UserFacingError(
                f"A store already exists in {self.files.root}; set-up never writes over one. "
                "Nothing was changed."
            )
        raise StoreIncomplete(
            f"Set-up will not write into {self.files.root}: it holds part of a store. "
            + (self.problem() or "")
        )


def _is_store_part(name: str) -> bool:
    base = name.removeprefix(SETUP_PREFIX)
    if base in (DB_NAME, KEYSLOTS_NAME):
        return True
    if any(base == DB_NAME + suffix for suffix in SQLITE_COMPANIONS):
        return True
    # Temporary files of an atomic key-slot write (see keyslot_format.write_file_atomically).
    return name.startswith(f".{KEYSLOTS_NAME}.") and name.endswith(".tmp")


def inspect_folder(root: Path) -> FolderContents:
    """What ``root`` holds of a store. Reads the folder listing only; never writes.

    A folder that cannot be listed is a :class:`UserFacingError` naming it and why.
    """
    files = StoreFiles(root)
    try:
        names = sorted(entry.name for entry in root.iterdir())
    except FileNotFoundError:
        return FolderContents(files, (), ())
    except NotADirectoryError:
        raise UserFacingError(f"{root} is not a folder; a store's data folder must be.") from None
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        raise UserFacingError(f"The data folder {root} cannot be read ({reason}).") from None
    present = tuple(name for name in names if _is_store_part(name))
    not_files = []
    for name in present:
        try:
            mode = (root / name).lstat().st_mode
        except FileNotFoundError:  # removed meanwhile (another program closing the store)
            continue
        if not stat.S_ISREG(mode):
            not_files.append(name)
    return FolderContents(files, present, tuple(not_files))


def make_private_folder(path: Path) -> list[Path]:
    """Make ``path`` and any missing parents owner-only (0700) from their creation — or, inside
    a folder shared by the ward's group, shared the same way (2770; see
    :mod:`app.store.sharing`). Returns the folders it created, outermost first, so a failed
    set-up can remove exactly those."""
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    created: list[Path] = []
    for folder in reversed(missing):
        try:
            make_folder(folder, modes_for(folder.parent))
        except FileExistsError:
            continue
        created.append(folder)
    # A folder that was already there keeps its permissions: trust IT may have given the
    # ward's users access to the machine-wide data folder.
    return created


def fsync_directory(directory: Path) -> None:
    """Make renames in ``directory`` durable. Windows cannot open a directory; NTFS journals
    the rename itself."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
