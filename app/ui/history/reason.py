"""Asking for a reason: amending a signed-off record, voiding one, resolving a conflict that
sets a signed-off or voided version aside (design.md "Records are revisions").

Two ways to use it:

- :func:`ask_reason` — a modal question: the reason typed (possibly empty: the store decides
  whether it will do), or None when the person cancels. The caller saves and shows any
  refusal itself.
- :func:`write_with_reason` — the dialog stays open while the store works: a refusal (an empty
  reason, say) is shown in the dialog with the store's own words naming the rule, and the
  person can correct it; the dialog closes once the store has accepted the change.
  :func:`save_amendment` is that, for a change to a signed-off record.

Enter confirms, Escape cancels; the reason field has the focus.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models.base import Record
from app.models.errors import UserFacingError
from app.models.revision import Revision
from app.ui.context import ScreenContext
from app.ui.ops import Changes, StoreRunner
from app.ui.widgets import error_label, named

T = TypeVar("T")

AMEND_TITLE = "Amend a signed-off record"
AMEND_PROMPT = (
    "This record has been signed off. Say why it is being changed: the signed-off version "
    "stays in its history, and your reason is kept with the change."
)


class ReasonDialog(QDialog):
    """A reason for a change that needs one. With ``keep_open``, confirming emits
    :attr:`submitted` and leaves the dialog open until the caller closes it."""

    #: The reason was confirmed (``keep_open`` only); carries the reason.
    submitted = Signal(str)

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        prompt: str,
        *,
        action: str = "&Save",
        keep_open: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self._keep_open = keep_open
        self._busy = False
        self.prompt = named(QLabel(prompt), "What the reason is for")
        self.prompt.setWordWrap(True)
        self.reason = named(QLineEdit(), "Reason")
        self.reason.setMaxLength(2_000)
        label = QLabel("&Reason:")
        label.setBuddy(self.reason)
        self.message = error_label()
        self.confirm = named(QPushButton(action), action.replace("&", ""))
        self.confirm.setDefault(True)
        self.cancel = named(QPushButton("Cancel"), "Cancel")
        self.confirm.clicked.connect(self._confirm)
        self.cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.confirm)
        buttons.addWidget(self.cancel)
        column = QVBoxLayout(self)
        column.addWidget(self.prompt)
        column.addWidget(label)
        column.addWidget(self.reason)
        column.addWidget(self.message)
        column.addLayout(buttons)
        self.setTabOrder(self.reason, self.confirm)
        self.setTabOrder(self.confirm, self.cancel)
        self.reason.setFocus()

    def reason_text(self) -> str:
        """The reason as typed, without surrounding spaces."""
        return self.reason.text().strip()

    def _confirm(self) -> None:
        if self._keep_open:
            self.message.clear()
            self.submitted.emit(self.reason_text())
        else:
            self.accept()

    def set_busy(self, busy: bool) -> None:
        """While the store works, the reason cannot change and nothing can be pressed."""
        self._busy = busy
        self.reason.setReadOnly(busy)
        self.confirm.setEnabled(not busy)
        self.cancel.setEnabled(not busy)

    def reject(self) -> None:
        """Cancel (Escape) — not while the store is saving: its answer is awaited."""
        if not self._busy:
            super().reject()

    def show_error(self, message: str) -> None:
        """Say why the store refused, and let the reason be corrected."""
        self.set_busy(False)
        self.message.setText(message)
        self.reason.setFocus()
        self.reason.selectAll()


def ask_reason(
    parent: QWidget | None, title: str, prompt: str, *, action: str = "&Save"
) -> str | None:
    """Ask for a reason (modal): the reason typed, or None if the person cancelled."""
    dialog = ReasonDialog(parent, title, prompt, action=action)
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.reason_text() if accepted else None
    finally:
        dialog.deleteLater()


def write_with_reason(
    runner: StoreRunner,
    parent: QWidget | None,
    *,
    title: str,
    prompt: str,
    work: Callable[[str], T],
    changes: Changes,
    action: str = "&Save",
    on_done: Callable[[T], None] | None = None,
) -> ReasonDialog:
    """Open a reason dialog (window-modal, not blocking) whose confirmation runs
    ``work(reason)`` on the store worker. A refusal is shown in the dialog; success closes it
    and calls ``on_done``. Returns the open dialog."""
    dialog = ReasonDialog(parent, title, prompt, action=action, keep_open=True)

    def done(result: T) -> None:
        dialog.accept()
        dialog.deleteLater()
        if on_done is not None:
            on_done(result)

    def failed(error: UserFacingError) -> None:
        dialog.show_error(str(error))

    def submit(reason: str) -> None:
        dialog.set_busy(True)
        runner.run(
            lambda: work(reason), on_done=done, on_error=failed, changes=changes, owner=dialog
        )

    dialog.submitted.connect(submit)
    dialog.rejected.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def save_amendment(
    ctx: ScreenContext,
    parent: QWidget | None,
    record: Record,
    *,
    base: UUID,
    on_saved: Callable[[Revision], None] | None = None,
) -> ReasonDialog:
    """Save ``record``, a change to a signed-off record whose current version is ``base``,
    as an amendment: the reason is asked for first, and the store's refusal (an empty
    reason, a version changed meanwhile) is shown in the dialog."""
    store = ctx.store
    return write_with_reason(
        ctx.runner,
        parent,
        title=AMEND_TITLE,
        prompt=AMEND_PROMPT,
        action="&Save amendment",
        work=lambda reason: store.save(record, base=base, reason=reason),
        changes=Changes(kinds=frozenset({record.KIND})),
        on_done=on_saved,
    )
