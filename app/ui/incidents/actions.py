"""The buttons and lines under the form: the record's status, saving and submitting, the
manager's sign-off or return with a comment, and amending a signed-off record with a reason.
Which of them show is decided by the form (:class:`~app.ui.incidents.form.IncidentForm`)."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.incidents.inputs import line, narrative
from app.ui.widgets import SOON_COLOUR, error_label, named


def button(text: str, name: str) -> QPushButton:
    """A button with its accessible name (``text`` may carry an Alt+key)."""
    return named(QPushButton(text), name)


class FormActions(QWidget):
    """Everything under the form's fields."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = named(QLabel(), "Record status")
        self.status.setWordWrap(True)
        self.message = error_label()
        self.hint = named(QLabel(), "Note")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {SOON_COLOUR};")
        self.save = button("Save draft now (Ctrl+S)", "Save draft now")
        self.submit = button("Submit for sign-off (Ctrl+Enter)", "Submit for sign-off")
        self.close_button = button("C&lose the form", "Close the form")
        self.history = button("Open the record's history", "Open the record's history")
        self.comment = narrative(
            "Comment for the nurse", "What to put right (needed to return the record)"
        )
        self.sign_off = button("Si&gn off", "Sign off")
        self.return_ = button("Return to the nurse with this comment", "Return to the nurse")
        self.amend = button("Amend this signed-off record", "Amend this signed-off record")
        self.reason = line("Reason for the amendment", "Why the signed-off record is changed")
        self.save_amendment = button("Save the amendment", "Save the amendment")
        self.cancel_amendment = button("Cancel the amendment", "Cancel the amendment")

        self.review_box = QWidget()
        review = QGridLayout(self.review_box)
        review.setContentsMargins(0, 0, 0, 0)
        review.addWidget(QLabel("Review by the ward manager:"), 0, 0, 1, 2)
        review.addWidget(self.comment, 1, 0, 1, 2)
        review.addWidget(self.sign_off, 2, 0)
        review.addWidget(self.return_, 2, 1)
        self.amend_box = QWidget()
        amending = QHBoxLayout(self.amend_box)
        amending.setContentsMargins(0, 0, 0, 0)
        amending.addWidget(QLabel("Reason:"))
        amending.addWidget(self.reason, 1)
        amending.addWidget(self.save_amendment)
        amending.addWidget(self.cancel_amendment)

        buttons = QHBoxLayout()
        for widget in (self.save, self.submit, self.amend, self.history):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        self._buttons = buttons
        self.documents = QHBoxLayout()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.status)
        column.addWidget(self.hint)
        column.addWidget(self.message)
        column.addWidget(self.review_box)
        column.addWidget(self.amend_box)
        column.addLayout(buttons)
        column.addLayout(self.documents)
        self._column = column

    def add_document(self, save: QWidget, note: QWidget) -> None:
        """A "save as PDF" button on the row under the others, its note below the rows."""
        self.documents.addWidget(save)
        self._column.addWidget(note)

    def add_document_note(self, note: QWidget) -> None:
        """A line about the documents below the rows."""
        self._column.addWidget(note)

    def inputs(self) -> list[QWidget]:
        """Inputs in Tab order (hidden ones are skipped by Tab)."""
        return [
            self.comment,
            self.sign_off,
            self.return_,
            self.reason,
            self.save_amendment,
            self.cancel_amendment,
            self.save,
            self.submit,
            self.amend,
            self.history,
            self.close_button,
        ]
