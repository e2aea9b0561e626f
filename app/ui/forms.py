"""Saving from forms: one record per user action, and drafts that save themselves.

Every save names its base (the revision the form started from, design.md: a change never
silently follows a version its author has not seen). A form's saves run one after another on
the store worker, so the base is tracked there, where each save's result is known before the
next save starts.

:class:`DraftAutosave` saves a form's draft a couple of seconds after the last change — and at
least every few seconds while someone keeps typing — at once when asked (``flush``: leaving
the form, locking the window), and skips a save when the content has not changed since the
last one (Spyder's autosave habit). A refused draft (a rule
the draft already breaks, say an end before a start) is shown on the form, not in a dialog.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from uuid import UUID

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from app.models.base import Record
from app.models.errors import UserFacingError
from app.models.revision import Revision
from app.ui.context import ScreenContext
from app.ui.ops import Changes

AUTOSAVE_MS = 2_000
#: The longest a change waits while typing goes on (a SIGKILL loses at most this much).
AUTOSAVE_AT_LEAST_MS = 5_000


class RecordSaver:
    """Saves one record's versions in order, each based on the one saved before it."""

    def __init__(self, ctx: ScreenContext, base: UUID | None = None) -> None:
        self._ctx = ctx
        self._lock = threading.Lock()
        self._base = base  # read and written on the store worker

    @property
    def base(self) -> UUID | None:
        """The revision the next save will name as its base."""
        with self._lock:
            return self._base

    def save(
        self,
        record: Record,
        *,
        reason: str | None = None,
        on_saved: Callable[[Revision], None] | None = None,
        on_error: Callable[[UserFacingError], None] | None = None,
        owner: QObject | None = None,
    ) -> None:
        """Save ``record`` on the worker (based on the last revision this saver made)."""
        store = self._ctx.store

        def work() -> Revision:
            with self._lock:
                base = self._base
            revision = store.save(record, base=base, reason=reason)
            with self._lock:
                self._base = revision.revision_id
            return revision

        self._ctx.runner.run(
            work,
            on_done=on_saved,
            on_error=on_error,
            changes=Changes(kinds=frozenset({record.KIND})),
            owner=owner,
        )


class DraftAutosave(QObject):
    """Saves ``build()`` as a draft shortly after each change and on ``flush()``.

    ``build`` returns the record as the form holds it now, or None when there is nothing
    worth saving yet. It is called on the GUI thread.
    """

    #: A draft was saved (carries the :class:`Revision`).
    saved = Signal(object)
    #: A draft could not be saved (carries the message).
    refused = Signal(str)

    def __init__(
        self,
        saver: RecordSaver,
        build: Callable[[], Record | None],
        *,
        delay_ms: int = AUTOSAVE_MS,
        at_least_ms: int = AUTOSAVE_AT_LEAST_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._saver = saver
        self._build = build
        self._last: Record | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        self._at_least_ms = at_least_ms
        self._unsaved_since = QElapsedTimer()

    def changed(self) -> None:
        """A field changed: save in a moment (each change restarts the wait), or now if the
        first unsaved change is already ``at_least_ms`` old."""
        if not self._unsaved_since.isValid():
            self._unsaved_since.start()
        elif self._unsaved_since.hasExpired(self._at_least_ms):
            self.flush()
            return
        self._timer.start()

    def flush(self) -> None:
        """Save now if the form holds something new."""
        self._timer.stop()
        self._unsaved_since.invalidate()
        try:
            record = self._build()
        except UserFacingError as exc:
            self.refused.emit(str(exc))
            return
        if record is None or record == self._last:
            return
        self._last = record
        self._saver.save(
            record,
            on_saved=self.saved.emit,
            on_error=lambda error: self.refused.emit(str(error)),
            owner=self,
        )

    def forget(self) -> None:
        """Stop without saving (the record was saved another way, e.g. submitted)."""
        self._timer.stop()
