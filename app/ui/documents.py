"""Saving a document from the window (issue 8: "preview, print and save-as go into the ward
client"): the same documents as ``rpr report`` (app/documents), made on the store worker,
written only to the file the person chose, audited as printed, then opened in the PC's PDF
viewer — where it is previewed and printed with the printer settings the trust deploys.

A screen owns a :class:`DocumentButton` per document it offers; the button is shown only to
someone with the right the document takes (domain.md §7), and says what it saved, or why not,
in its ``note`` label. ``choose_path`` and ``open_file`` are attributes so a test can answer
the save dialog and see what would be opened without a desktop.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QWidget

from app.documents.rights import RIGHTS
from app.models.errors import UserFacingError
from app.ui.ops import Changes
from app.ui.widgets import named

if TYPE_CHECKING:
    from app.documents.base import Made, ReportCommand
    from app.ui.context import ScreenContext


def report_named(name: str) -> ReportCommand:
    """The document called ``name`` (as ``rpr report NAME``). The documents are imported
    here, on first use (on the store worker), not when the window starts: they bring
    reportlab, which the board does not need."""
    from app.documents.registry import REPORTS  # noqa: PLC0415 - see above

    return next(r for r in REPORTS if r.name == name)


def ask_for_path(owner: QWidget, title: str, suggested: str) -> Path | None:
    """The save dialog; None when cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(
        owner, title, str(Path.home() / suggested), "PDF documents (*.pdf)"
    )
    return Path(chosen) if chosen else None


def open_in_viewer(path: Path) -> None:
    """Open ``path`` in the PC's PDF viewer (preview and print there)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class DocumentButton(QPushButton):
    """A "Save as PDF…" button for one document. ``options_now`` gives the document's options
    when clicked (e.g. the record shown), or None when there is nothing to print yet;
    ``file_name`` suggests the file's name."""

    #: The document was saved and audited (carries the path).
    saved = Signal(object)

    def __init__(
        self,
        ctx: ScreenContext,
        report_name: str,
        text: str,
        *,
        options_now: Callable[[], dict[str, object] | None],
        file_name: Callable[[], str],
        saves: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``saves``: the kind of record the document notes itself with, if any (the screens
        showing it are told to read again)."""
        super().__init__(text, parent)
        named(self, text.replace("&", "").rstrip("…. "))
        self.setAutoDefault(True)
        self._ctx = ctx
        self.report_name = report_name
        self._saves = saves
        self._options_now = options_now
        self._file_name = file_name
        self.choose_path: Callable[[QWidget, str, str], Path | None] = ask_for_path
        self.open_file: Callable[[Path], None] = open_in_viewer
        self.note = named(QLabel(), f"{self.accessibleName()}: what happened")
        self.note.setWordWrap(True)
        self.allowed = ctx.may(RIGHTS[report_name])
        if not self.allowed:  # (showing a widget with no parent yet would open a window)
            self.hide()
            self.note.hide()
        self.clicked.connect(self.save)

    def save(self) -> None:
        """Ask where, make the document on the store worker, deliver it, open it."""
        given = self._options_now()
        if not self.allowed or given is None:
            return
        path = self.choose_path(self, "Save as PDF", self._file_name())
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        ctx, name = self._ctx, self.report_name
        store, policy = ctx.store, ctx.policy

        def work() -> Made:
            from app.documents.base import (  # noqa: PLC0415 - see report_named
                deliver_made,
                options,
                report_context,
            )

            report = report_named(name)
            made = report.make(report_context(store, policy, report), options(report, **given))
            deliver_made(store, path, made)
            return made

        def done(made: Made) -> None:
            self.setEnabled(True)
            self.note.setText(f"Saved {made.document} to {path}; opening it to preview or print.")
            self.saved.emit(path)
            self.open_file(path)

        def failed(error: UserFacingError) -> None:
            self.setEnabled(True)
            self.note.setText(str(error))

        self.setEnabled(False)
        self.note.setText("Making the document…")
        kinds = frozenset({self._saves}) if self._saves else frozenset()
        ctx.runner.run(work, on_done=done, on_error=failed, owner=self, changes=Changes(kinds))
