"""The frame every isolation form shares: fields in a scrolling form, Enter saves, Escape
cancels, the refusal said in words on the form, and the unfinished form kept as a draft.

Saving: :meth:`FormPanel.submit` builds the record on the GUI thread (a refused record names
the field and the rule in :attr:`FormPanel.message`) and saves it with a
:class:`~app.ui.forms.RecordSaver` — a new record for an observation, review or engagement
entry; a change to an episode names the revision the form started from (``record_base``).
While a save runs, further submits are ignored (a second Enter never saves twice).

Drafts: what the person typed is kept as a :class:`~app.models.form_draft.FormDraft` by a
:class:`~app.ui.forms.DraftAutosave` a moment after each change and at once on
:meth:`FormPanel.keep_draft` (the window is locking). A form that still holds only what it
was opened with keeps no draft. Saving the record, or cancelling, closes the draft.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID, uuid4

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.base import Record
from app.models.errors import UserFacingError
from app.models.form_draft import DraftStatus, FormDraft
from app.models.revision import Revision
from app.ui.context import ScreenContext
from app.ui.forms import DraftAutosave, RecordSaver
from app.ui.isolation.wording import local_time
from app.ui.widgets import error_label, named

W = TypeVar("W", bound=QWidget)


class FormPanel(QWidget):
    """A form of the isolation screens. Subclasses add their fields with :meth:`add_row`,
    then call :meth:`ready`; they implement :meth:`build_record`."""

    #: The record was saved (carries its :class:`Revision`).
    saved = Signal(object)
    #: The form is done with, saved or cancelled: the screen shows the episode again.
    closed = Signal()

    #: The form's name in drafts (``FormDraft.form``).
    FORM = ""
    #: Saving this form starts a new episode (the screen then shows it).
    STARTS_EPISODE = False

    def __init__(
        self,
        ctx: ScreenContext,
        title: str,
        *,
        patient_id: UUID | None,
        parent_id: UUID | None,
        record_base: UUID | None = None,
        draft: tuple[FormDraft, UUID] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName(f"form-{self.FORM}")
        self.ctx = ctx
        self.patient_id = patient_id
        self._parent_id = parent_id
        self._saver = RecordSaver(ctx, base=record_base)
        self._restored = draft[0] if draft else None
        self._draft_id = draft[0].id if draft else uuid4()
        self._draft_saver = RecordSaver(ctx, base=draft[1] if draft else None)
        self._autosave = DraftAutosave(self._draft_saver, self._draft, parent=self)
        self._draft_started = draft is not None
        self._last_values: dict[str, str] | None = None
        self._last_draft: FormDraft | None = None
        self._initial: dict[str, str] = {}
        self._fields: dict[str, Any] = {}
        self._busy = False
        self.was_saved = False

        self.heading = QLabel(f"<h3>{title}</h3>")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.hide()
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        body = QWidget()
        body.setLayout(self.form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.message = error_label()
        self.save_button = named(QPushButton("&Save"), "Save")
        self.save_button.setToolTip("Enter saves (Ctrl+Enter in a box of several lines)")
        self.cancel_button = named(QPushButton("Cancel"), "Cancel")
        self.cancel_button.setToolTip("Escape cancels")
        self.cancel_button.setAutoDefault(True)  # Enter on Cancel cancels, it does not save
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.intro)
        column.addWidget(scroll, 1)
        column.addWidget(self.message)
        column.addLayout(buttons)
        self.save_button.clicked.connect(self.submit)
        self._autosave.refused.connect(self._draft_refused)
        self.cancel_button.clicked.connect(self.cancel)

    # -- building --------------------------------------------------------------------------

    def add_row(self, key: str, label: str, widget: W, name: str | None = None) -> W:
        """Add ``widget`` under ``label`` (with its Alt+key); ``key`` names it in drafts."""
        plain = label.replace("&", "")
        named(widget, name or plain)
        caption = QLabel(label)
        caption.setBuddy(widget)
        caption.setWordWrap(True)
        self.form.addRow(caption, widget)
        self._fields[key] = widget
        return widget

    def add_check(self, key: str, text: str) -> QCheckBox:
        """A yes/no tick box (its own text carries the Alt+key)."""
        box = named(QCheckBox(text), text.replace("&", ""))
        self.form.addRow("", box)
        self._fields[key] = box
        return box

    def start_focus(self) -> None:
        """Put the cursor where the person starts typing (the first field)."""
        first = next(iter(self._fields.values()), None)
        if isinstance(first, QWidget):
            first.setFocus()

    def draft_patient_id(self) -> UUID | None:
        """The patient a draft of this form belongs to."""
        return self.patient_id

    def say(self, text: str) -> None:
        """A line under the title (what the form is for, or where its values came from)."""
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def ready(self) -> None:
        """Fields are in place: put back a draft, remember the starting values, and watch
        every field for changes."""
        if self._restored is not None:
            self.restore(self._restored.values)
            when = local_time(self._restored.saved_at, self.ctx.now())
            self.say(f"Carried on from the draft kept at {when}. Check it, then save.")
        self._initial = self.values()
        for widget in self._fields.values():
            _on_change(widget, self._autosave.changed)

    # -- values ----------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        """What each field holds, as text (for a draft)."""
        return {key: widget.value_text() if hasattr(widget, "value_text") else _text(widget)
                for key, widget in self._fields.items()}  # fmt: skip

    def restore(self, values: dict[str, str]) -> None:
        """Put a draft's values back into the fields."""
        for key, text in values.items():
            widget = self._fields.get(key)
            if widget is None:
                continue
            if hasattr(widget, "restore_text"):
                widget.restore_text(text)
            else:
                _set_text(widget, text)

    def field(self, key: str) -> Any:
        """The widget added under ``key``."""
        return self._fields[key]

    # -- saving ----------------------------------------------------------------------------

    def build_record(self) -> Record:
        """The record the form holds (raises a user-facing error naming what is wrong)."""
        raise NotImplementedError

    def submit(self) -> None:
        """Save the record (Enter). Ignored while a save is running."""
        if self._busy:
            return
        try:
            record = self.build_record()
        except UserFacingError as error:
            self.message.setText(str(error))
            return
        self._busy = True
        self.save_button.setEnabled(False)
        self.message.clear()
        self._saver.save(record, on_saved=self._saved, on_error=self._refused, owner=self)

    def _saved(self, revision: Revision) -> None:
        self.was_saved = True
        self._autosave.forget()
        self._close_draft()
        self.saved.emit(revision)
        self.closed.emit()

    def _refused(self, error: UserFacingError) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        self.message.setText(str(error))

    def cancel(self) -> None:
        """Leave without saving (Escape); a draft kept so far is closed."""
        self._autosave.forget()
        self._close_draft()
        self.closed.emit()

    def keep_draft(self) -> None:
        """Keep what was typed as a draft now (the window is locking)."""
        if not self._busy:
            self._autosave.flush()

    # -- drafts ----------------------------------------------------------------------------

    def _draft_record(self, values: dict[str, str], status: DraftStatus) -> FormDraft:
        return FormDraft.build(
            id=self._draft_id,
            ward_id=self.ctx.ward_id,
            patient_id=self.draft_patient_id(),
            parent_id=self._parent_id,
            form=self.FORM,
            values=values,
            saved_at=self.ctx.now(),
            status=status,
        )

    def _draft(self) -> FormDraft | None:
        values = self.values()
        if values == self._initial and not self._draft_started:
            return None  # nothing typed yet: nothing to keep
        if values == self._last_values and self._last_draft is not None:
            return self._last_draft
        self._draft_started = True
        self._last_values = values
        self._last_draft = self._draft_record(values, DraftStatus.OPEN)
        return self._last_draft

    def _close_draft(self) -> None:
        if not self._draft_started:
            return
        try:
            closed = self._draft_record(self.values(), DraftStatus.CLOSED)
        except UserFacingError:  # a value the draft cannot hold: close it as it was kept
            if self._last_draft is None:
                return
            closed = self._last_draft.closed(self.ctx.now())
        self._draft_saver.save(closed, owner=self)

    def _draft_refused(self, message: str) -> None:
        self.message.setText(f"The draft could not be kept: {message}")

    @property
    def draft_id(self) -> UUID:
        """The id of this form's draft (kept or not)."""
        return self._draft_id

    # -- keys ------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Enter saves, Escape cancels."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
            event.accept()
        elif event.key() == Qt.Key.Key_Escape:
            self.cancel()
            event.accept()
        else:
            super().keyPressEvent(event)


def _text(widget: Any) -> str:
    """A plain Qt field's value as draft text (the isolation fields have ``value_text``).
    Every kind of field a form adds must be here, or its value would be lost on a lock."""
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QAbstractButton):
        return "1" if widget.isChecked() else ""
    if isinstance(widget, QSpinBox):
        return str(widget.value())
    if isinstance(widget, QDateEdit):
        return widget.date().toString(Qt.DateFormat.ISODate)
    if isinstance(widget, QComboBox):
        return widget.currentText()
    raise TypeError(f"a draft cannot keep a {type(widget).__name__}")  # a bug, not input


def _set_text(widget: Any, text: str) -> None:
    if isinstance(widget, QLineEdit):
        widget.setText(text)
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)
    elif isinstance(widget, QAbstractButton):
        widget.setChecked(text == "1")
    elif isinstance(widget, QSpinBox) and text.lstrip("-").isdigit():
        widget.setValue(int(text))
    elif isinstance(widget, QDateEdit):
        day = QDate.fromString(text, Qt.DateFormat.ISODate)
        if day.isValid():
            widget.setDate(day)
    elif isinstance(widget, QComboBox):
        at = widget.findText(text)
        if at >= 0:
            widget.setCurrentIndex(at)


def _on_change(widget: Any, call: Callable[[], None]) -> None:
    """Call ``call`` whenever ``widget``'s value changes."""
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        widget.textChanged.connect(lambda *_: call())
    elif isinstance(widget, QAbstractButton):
        widget.toggled.connect(lambda *_: call())
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(lambda *_: call())
    elif isinstance(widget, QSpinBox):
        widget.valueChanged.connect(lambda *_: call())
    elif isinstance(widget, QDateTimeEdit):  # InstantEdit and QDateEdit
        widget.dateTimeChanged.connect(lambda *_: call())
    elif isinstance(widget, QAbstractItemView):
        widget.model().dataChanged.connect(lambda *_: call())


def put_away(stack: QStackedWidget, form: FormPanel, *, keep_draft: bool = False) -> None:
    """Take ``form`` off ``stack`` and let Qt delete it; with ``keep_draft`` (the window is
    locking) its draft's text is taken first, and its save runs on the worker."""
    if keep_draft:
        form.keep_draft()
    stack.removeWidget(form)
    form.deleteLater()
