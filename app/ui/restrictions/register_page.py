"""The ward's blanket restrictions register (issue 10, item 1): every restriction in force with
its review clock (red and OVERDUE when late, "due soon" before), those ended in the last 90
days, and for the chosen one why it is needed, who approved it, who is exempted and how
patients and carers were involved.

Keys: Alt+L the register, Alt+N a new restriction, Alt+R record a review, Alt+X exempt a
patient, Alt+E end it (a reason is required), Alt+Y its history. Nothing is deleted: a review,
an exemption and the end are each a new revision of the restriction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from html import escape
from uuid import UUID

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.models.blanket_restrictions import BlanketRestriction
from app.models.clock import format_local
from app.models.people import StaffMember
from app.models.restriction_words import BLANKET_RESTRICTION_WORDS
from app.models.revision import Revision
from app.store.store import Store
from app.ui.context import ScreenContext
from app.ui.isolation.episode_page import table
from app.ui.isolation.tables import Column, RowsModel
from app.ui.restrictions.page_frame import CANNOT_RECORD, FormHostPage
from app.ui.restrictions.parts import months_after, review_words, today
from app.ui.restrictions.register_forms import ExemptPatientForm, NewBlanketRestrictionForm
from app.ui.restrictions.register_loading import RegisterRow, RegisterView, load_register
from app.ui.restrictions.restriction_forms import BlanketEndForm, BlanketReviewForm
from app.ui.widgets import named

EMPTY = "The ward has no blanket restriction on record. New blanket restriction: Alt+N."


def _status(row: RegisterRow, at: datetime) -> str:
    restriction = row.restriction
    if restriction.ended_at is not None:
        return f"Ended {format_local(restriction.ended_at)}: {restriction.end_reason}"
    return f"In force since {format_local(restriction.started_at)}"


def _review(row: RegisterRow, at: datetime) -> str:
    if not row.in_force:
        return "—"
    return review_words(row.on_board.clock, at, due_soon=row.on_board.due_soon)


def register_columns() -> list[Column[RegisterRow]]:
    """The register's columns."""
    return [
        Column("Restriction", lambda r, _at: r.restriction.title),
        Column("Category", lambda r, _at: r.restriction.category.label),
        Column(
            "Review",
            _review,
            overdue=lambda r, at: r.in_force and r.on_board.clock.overdue_at(at),
            live=True,
        ),
        Column("Exempted", lambda r, _at: str(len(r.restriction.exemptions) or "")),
        Column("Status", _status),
    ]


class BlanketRegisterPage(FormHostPage):
    """The ward's blanket restrictions and their forms."""

    WATCHES = frozenset({BlanketRestriction.KIND, StaffMember.KIND})
    FORMS = frozenset(
        {
            NewBlanketRestrictionForm.FORM,
            ExemptPatientForm.FORM,
            BlanketReviewForm.FORM,
            BlanketEndForm.FORM,
        }
    )

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._chosen: UUID | None = None
        self.setObjectName("blanket-restrictions")
        self.record_saved.connect(self._choose_saved)
        self.reload()

    def build_overview(self) -> QWidget:
        """The register, the chosen restriction, and the actions."""
        page = QWidget()
        self.model: RowsModel[RegisterRow] = RowsModel(
            register_columns(), key=lambda r: r.record_id, now=self.ctx.now, parent=self
        )
        self.list_view = table("Blanket restrictions register", self.model)
        label = QLabel("Register of b&lanket restrictions")
        label.setBuddy(self.list_view)
        self.read_only = named(QLabel(CANNOT_RECORD), "Read-only")
        if self.can_record:  # (not setVisible: shown while unparented it would be a window)
            self.read_only.hide()
        self.empty = QLabel(EMPTY)
        self.empty.hide()
        self.detail = named(QLabel(), "Chosen restriction")
        self.detail.setWordWrap(True)
        self.new_button = named(QPushButton("&New blanket restriction"), "New blanket restriction")
        self.review_button = named(QPushButton("Record &review"), "Record review")
        self.exempt_button = named(QPushButton("E&xempt a patient"), "Exempt a patient")
        self.end_button = named(QPushButton("&End restriction"), "End restriction")
        self.history_button = named(QPushButton("Histor&y"), "History")
        actions = QHBoxLayout()
        for button, slot in (
            (self.new_button, self.open_new),
            (self.review_button, self.open_review),
            (self.exempt_button, self.open_exemption),
            (self.end_button, self.open_end),
            (self.history_button, self._history),
        ):
            button.clicked.connect(slot)
            button.setAutoDefault(True)
            actions.addWidget(button)
        actions.addStretch(1)
        plain = BLANKET_RESTRICTION_WORDS
        words = QLabel(f"<b>{plain.title}:</b> {escape(plain.definition)}")
        words.setWordWrap(True)
        column = QVBoxLayout(page)
        column.addWidget(words)
        column.addWidget(self.read_only)
        column.addWidget(label)
        column.addWidget(self.list_view, 1)
        column.addWidget(self.empty)
        column.addWidget(self.detail)
        column.addLayout(actions)
        self.list_view.selectionModel().currentRowChanged.connect(self._row_chosen)
        self._enable()
        return page

    # -- reading ---------------------------------------------------------------------------

    def reader(self) -> Callable[[Store], RegisterView]:
        """Reads the register at the time now."""
        ward_id, at, policy, forms = self.ctx.ward_id, self.ctx.now(), self.ctx.policy, self.FORMS
        return lambda store: load_register(store, ward_id, at, policy, forms)

    def show_view(self, view: RegisterView) -> None:
        """Show the register; the chosen restriction stays chosen."""
        self.model.set_rows(view.rows)
        self.empty.setVisible(not view.rows)
        self.list_view.resizeRowsToContents()
        wanted = self._chosen if view.row(self._chosen) else None
        if wanted is None and view.rows:
            wanted = view.rows[0].record_id
        self._choose(wanted)

    def _choose(self, record_id: UUID | None) -> None:
        self._chosen = record_id
        at = None if record_id is None else self.model.row_of(record_id)
        if at is not None and self.list_view.currentIndex().row() != at:
            self.list_view.setCurrentIndex(self.model.index(at, 0))
        self._show_detail()

    def _choose_saved(self, revision: Revision) -> None:
        """A restriction just saved (a new one too) is the one chosen when the register is
        read again."""
        self._chosen = revision.record_id

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current)
        if row is not None and row.record_id != self._chosen:
            self._chosen = row.record_id
            self._show_detail()

    @property
    def chosen_id(self) -> UUID | None:
        """The id of the restriction chosen on the register."""
        return self._chosen

    def chosen(self) -> RegisterRow | None:
        """The restriction chosen on the register."""
        view: RegisterView | None = self.view
        return None if view is None else view.row(self._chosen)

    def _show_detail(self) -> None:
        row, view = self.chosen(), self.view
        self.detail.setText("" if row is None or view is None else _detail(row, view.names))
        self._enable()

    def _enable(self) -> None:
        row = self.chosen()
        changeable = self.can_record and row is not None and row.in_force and not row.conflicted
        self.new_button.setEnabled(self.can_record)
        for button in (self.review_button, self.exempt_button, self.end_button):
            button.setEnabled(changeable)
        self.history_button.setEnabled(row is not None)

    def tick(self) -> None:
        """Re-word the review column."""
        self.model.tick()

    # -- forms -----------------------------------------------------------------------------

    def open_new(self) -> None:
        """A new blanket restriction (Alt+N)."""
        view: RegisterView | None = self.view
        if view is not None:
            draft = self.kept_draft(view.drafts, NewBlanketRestrictionForm.FORM)
            self.open_form(NewBlanketRestrictionForm(self.ctx, view.staff, draft))

    def _changeable(self) -> tuple[RegisterView, RegisterRow] | None:
        row = self.chosen()
        if row is None or not row.in_force or row.conflicted or self.view is None:
            return None
        return self.view, row

    def open_review(self) -> None:
        """A review of the chosen restriction (Alt+R)."""
        found = self._changeable()
        if found is not None:
            view, row = found
            every = self.ctx.policy.restrictions.blanket_review_interval_months
            self.open_form(
                BlanketReviewForm(
                    self.ctx,
                    row.restriction,
                    row.revision_id,
                    view.staff,
                    next_review=months_after(today(self.ctx.now()), every),
                    draft=self.kept_draft(view.drafts, BlanketReviewForm.FORM, row.record_id),
                )
            )

    def open_exemption(self) -> None:
        """Exempt a patient from the chosen restriction (Alt+X)."""
        found = self._changeable()
        if found is not None:
            view, row = found
            draft = self.kept_draft(view.drafts, ExemptPatientForm.FORM, row.record_id)
            self.open_form(
                ExemptPatientForm(self.ctx, row.restriction, row.revision_id, view.patients, draft)
            )

    def open_end(self) -> None:
        """End the chosen restriction (Alt+E)."""
        found = self._changeable()
        if found is not None:
            view, row = found
            draft = self.kept_draft(view.drafts, BlanketEndForm.FORM, row.record_id)
            self.open_form(
                BlanketEndForm(self.ctx, row.restriction, row.revision_id, view.staff, draft)
            )

    def after_form(self) -> None:
        """Back on the register."""
        self.list_view.setFocus()

    def _history(self) -> None:
        if self._chosen is not None:
            self.ctx.navigator.history_requested.emit(self._chosen)

    def forget(self) -> None:
        """Clear the register (the window is locking)."""
        self.model.clear()
        self.detail.clear()


def _detail(row: RegisterRow, names: Mapping[UUID, str]) -> str:
    restriction = row.restriction
    approved = restriction.approved_by
    involvement = restriction.involvement or "not recorded"
    lines = [
        f"<b>{escape(restriction.title)}</b> — {escape(restriction.category.label)}",
        f"<b>Why it is needed:</b> {escape(restriction.reason)}",
        (
            f"<b>Approved</b> {restriction.approved_on:%d/%m/%Y} by {escape(approved.name)} "
            f"({escape(approved.job_title)})"
        ),
        f"<b>Patient and carer involvement:</b> {escape(involvement)}",
    ]
    if restriction.reviewed_at is not None and restriction.reviewed_by is not None:
        lines.append(
            f"<b>Last reviewed</b> {format_local(restriction.reviewed_at)} by "
            f"{escape(restriction.reviewed_by.name)}"
        )
    if restriction.review_on is not None:
        lines.append(f"<b>Review date set:</b> {restriction.review_on:%d/%m/%Y}")
    for exemption in restriction.exemptions:
        name = names.get(exemption.patient_id, "A patient no longer on the ward")
        lines.append(
            f"<b>Exempted:</b> {escape(name)}, assessed {exemption.assessed_on:%d/%m/%Y} — "
            f"{escape(exemption.reason)}"
        )
    if row.conflicted:
        lines.append("<b>Two versions of this restriction wait to be resolved (see History).</b>")
    return "<br>".join(lines)
