"""Delivering a document the program made (a PDF, a CSV export) to the one file the user chose,
and recording that it left the store (issue 8 item 7; docs/security.md "What leaves the store").

- The bytes are written straight to the chosen file, created owner-only (0600): no temporary
  copy anywhere else, so nothing with patient data is left behind if the program is killed.
- Then the audit log records ``printed`` or ``exported``, naming what kind of document, the
  record it is about, its size and SHA-256 — never the file's name (a name someone typed may
  hold a patient's name) and nothing from inside it.
- If the event cannot be recorded (a read-only copy of the store, a damaged one), the file is
  removed again and the error raised: a document that the audit log does not know about must
  not exist.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from typing import TYPE_CHECKING

from app.models.errors import UserFacingError
from app.store.audit import AuditAction

if TYPE_CHECKING:
    import uuid
    from pathlib import Path

    from app.store.store import Store


def _write(path: Path, content: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        raise UserFacingError(
            f"{path}: cannot be written ({exc.strerror or 'refused'}); nothing was saved there."
        ) from None
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError as exc:
        os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        raise UserFacingError(
            f"{path}: could not be written in full ({exc.strerror or 'refused'}); the part "
            "written was removed."
        ) from None
    os.close(fd)


def deliver(
    store: Store,
    path: Path,
    content: bytes,
    *,
    document: str,
    exported: bool = False,
    subject_kind: str | None = None,
    subject_id: uuid.UUID | None = None,
) -> str:
    """Write ``content`` to ``path`` and audit it (see the module docstring). ``document``
    names the kind of document (e.g. "use-of-force record PDF"). Returns the SHA-256."""
    digest = hashlib.sha256(content).hexdigest()
    _write(path, content)
    try:
        store.record_event(
            AuditAction.EXPORTED if exported else AuditAction.PRINTED,
            subject_kind=subject_kind,
            subject_id=subject_id,
            detail=f"{document}; {len(content)} bytes; sha256 {digest}",
        )
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return digest
