"""SQLite, SQLCipher and file-system failures turned into the project's own errors.

Every path through the store that touches the file runs inside :func:`store_failures`, so a
damaged page, a held lock, a full disk, a read-only copy or a failing disk reaches a person as
one clear sentence (a :class:`UserFacingError` subclass), never as a driver's exception. The
sentences name the condition and what to do; they never hold SQL, values or page contents.

Errors that are programming mistakes rather than conditions of the machine (a constraint or a
trigger refusing an UPDATE, SQL that does not parse) are left as they are: they are bugs, and the
command line's boundary logs them as such.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlcipher3
from sqlalchemy.exc import DBAPIError

from app.models.errors import (
    DiskFull,
    StoreBusy,
    StoreDamaged,
    StoreReadOnly,
    StoreUnavailable,
    UserFacingError,
)

# SQLite's primary result codes (https://sqlite.org/rescode.html).
_PERM, _BUSY, _LOCKED, _NOMEM, _READONLY = 3, 5, 6, 7, 8
_IOERR, _CORRUPT, _FULL, _CANTOPEN, _PROTOCOL, _NOTADB = 10, 11, 13, 14, 15, 26
_IOERR_SHMSIZE = _IOERR | (19 << 8)

DAMAGED = (
    "The store file is damaged: part of it fails its authentication check. Nothing was "
    "written to it. Ask trust IT to check it (verify) and, if need be, restore the last backup."
)
BUSY = (
    "The store is busy: another program on this PC is saving to it. Nothing was saved by this "
    "action, and nothing saved before is lost; try again in a moment."
)
FULL = (
    "The disk holding the store is full. This action was not saved; everything saved before "
    "it is kept. Free some space on the disk (or ask trust IT), then try again."
)
READ_ONLY = (
    "The store cannot be changed here: it is a read-only copy, or a folder this account may "
    "not change. Nothing was saved."
)


def _unavailable(what: str) -> StoreUnavailable:
    return StoreUnavailable(
        f"The store could not be used: {what}. Nothing was saved by this action, and nothing "
        "saved before is lost. Try again; if it keeps happening, ask trust IT to check the disk."
    )


_BY_CODE: dict[int, Callable[[], UserFacingError]] = {
    _BUSY: lambda: StoreBusy(BUSY),
    _LOCKED: lambda: StoreBusy(BUSY),
    _FULL: lambda: DiskFull(FULL),
    _READONLY: lambda: StoreReadOnly(READ_ONLY),
    _CORRUPT: lambda: StoreDamaged(DAMAGED),
    _NOTADB: lambda: StoreDamaged(DAMAGED),
    _IOERR: lambda: _unavailable("the disk failed while reading or writing it"),
    _CANTOPEN: lambda: _unavailable(
        "its file could not be opened (permissions, or a missing file)"
    ),
    _NOMEM: lambda: _unavailable("the PC ran out of memory"),
    _PERM: lambda: _unavailable("the operating system refused access to it"),
    _PROTOCOL: lambda: _unavailable("the operating system refused access to it"),
}


def sqlite_failure(exc: BaseException | None) -> UserFacingError | None:
    """The project's error for a driver error, or None when it is a programming error.

    Both drivers (sqlcipher3 and the standard ``sqlite3``) carry SQLite's result code.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    if code == _IOERR_SHMSIZE:  # growing the shared-memory file: the disk is full
        return DiskFull(FULL)
    make = _BY_CODE.get(code & 0xFF)
    return make() if make else None


def os_failure(exc: OSError) -> UserFacingError:
    """The project's error for a failed file operation on the store's files."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(FULL)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StoreReadOnly(READ_ONLY)
    return _unavailable((exc.strerror or "a file operation failed").lower())


@contextmanager
def store_failures() -> Iterator[None]:
    """Run a block that touches the store; raise the project's error for any failure of the
    file, the disk or the lock (see the module docstring)."""
    try:
        yield
    except DBAPIError as exc:
        translated = sqlite_failure(exc.orig)
        if translated is None:
            raise
        raise translated from None
    except (sqlcipher3.dbapi2.Error, sqlite3.Error) as exc:
        translated = sqlite_failure(exc)
        if translated is None:
            raise
        raise translated from None
    except OSError as exc:
        raise os_failure(exc) from None
