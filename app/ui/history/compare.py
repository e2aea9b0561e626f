"""A conflicted record's versions side by side, and resolving them (design.md: two revisions
from one base are kept, the record shows as conflicted, and a person resolves it with a
revision whose parents are both).

Every field is listed with its value in each version; fields that differ say DIFFERENT (and
are bold, the word in red). A nurse in charge / ward manager resolves by keeping one version
as it is, or by combining: for each differing field, "Keep" names the version whose value the
resolution takes (the newest version's, until changed). Either way a reason is asked for; the
store requires one when a signed-off or voided version is set aside, and says so if it is
missing. Keeping a version that voided the record voids it (the void joins every version).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models.base import Record
from app.models.errors import UserFacingError
from app.models.record_diff import combine_versions
from app.models.revision import RevisionAction
from app.models.revision_rules import RESOLVE_PERMISSION, resolution_needs_reason
from app.ui.context import ScreenContext
from app.ui.history.loading import Conflict, Version, resolve_conflict, void_versions
from app.ui.history.models import ComparisonModel
from app.ui.history.reason import ReasonDialog, write_with_reason
from app.ui.history.views import fit, table_view
from app.ui.ops import Changes
from app.ui.widgets import error_label, named

INTRO = (
    "These versions were saved from the same starting point (on two PCs, or by two people), "
    "so neither replaced the other. Every version is kept. Keep one as it is, or combine "
    "them: pick, for each field marked DIFFERENT, the version whose value to keep."
)
NOT_ALLOWED = (
    "Only a nurse in charge or ward manager can resolve a conflict. You can see every "
    "version here; they stay as they are until then."
)
READ_ONLY = "This is a read-only copy of the store: nothing can be saved here."
RESOLVE_TITLE = "Resolve a conflict"
REASON_REQUIRED = (
    "A reason is required: {which} signed off or voided, and resolving sets that aside. "
    "Every version stays in the record's history."
)
REASON_OPTIONAL = (
    "Say why the record is resolved this way (optional). Every version stays in the "
    "record's history."
)


class ComparePanel(QWidget):
    """Side by side, choose or combine, resolve."""

    #: A resolution was saved (carries the :class:`~app.models.revision.Revision`).
    resolved = Signal(object)

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._conflict: Conflict | None = None
        self.dialog: ReasonDialog | None = None
        self.intro = named(QLabel(INTRO), "About conflicts")
        self.intro.setWordWrap(True)
        self.headings = named(QLabel(), "Versions")
        self.headings.setWordWrap(True)
        self.only_differing = named(
            QCheckBox("Show only the fields that &differ"), "Show only the fields that differ"
        )
        self.model = ComparisonModel()
        self.table = table_view("Versions side by side")
        self.table.setModel(self.model)
        self.keep = named(QComboBox(), "Keep for the selected field")
        keep_label = QLabel("&Keep for the selected field:")
        keep_label.setBuddy(self.keep)
        self.keep_buttons: list[QPushButton] = []
        self._buttons_row = QHBoxLayout()
        self.combine = named(
            QPushButton("Save the &combined version…"), "Save the combined version"
        )
        self.note = named(QLabel(), "Who can resolve")
        self.note.setWordWrap(True)
        self.message = error_label()

        keep_row = QHBoxLayout()
        keep_row.addWidget(keep_label)
        keep_row.addWidget(self.keep, 1)
        keep_row.addWidget(self.combine)
        column = QVBoxLayout(self)
        column.addWidget(self.intro)
        column.addWidget(self.headings)
        column.addWidget(self.only_differing)
        column.addWidget(self.table, 1)
        column.addLayout(keep_row)
        column.addLayout(self._buttons_row)
        column.addWidget(self.note)
        column.addWidget(self.message)

        self.only_differing.toggled.connect(self._filter)
        self.only_differing.setChecked(True)  # the differences first; every field on request
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._sync_keep())
        self.keep.activated.connect(self._keep_chosen)
        self.combine.clicked.connect(self._save_combined)

    @property
    def may_resolve(self) -> bool:
        """The signed-in person may resolve, and the store can be written."""
        return self._ctx.may(RESOLVE_PERMISSION) and not self._ctx.facts.read_only

    # -- showing -----------------------------------------------------------------------------

    def show_conflict(self, conflict: Conflict | None) -> None:
        """Compare ``conflict``'s versions (None: nothing to compare)."""
        same = (
            conflict is not None
            and self._conflict is not None
            and {v.revision_id for v in conflict.versions}
            == {v.revision_id for v in self._conflict.versions}
        )
        self._conflict = conflict
        self.message.clear()
        if same:
            return  # the same versions: keep the choices made so far
        versions = conflict.versions if conflict else ()
        keep = len(versions) - 1
        self.model.set_versions(versions, conflict.fields if conflict else (), keep=keep)
        self.headings.setText("\n".join(v.heading for v in versions))
        self.keep.clear()
        for version in versions:
            self.keep.addItem(f"{version.letter}: version {version.number}")
        self._build_buttons(versions)
        allowed = self.may_resolve and conflict is not None
        self.combine.setEnabled(allowed)
        for button in self.keep_buttons:
            button.setEnabled(allowed)
        self.note.setText(
            ""
            if allowed or conflict is None
            else (READ_ONLY if self._ctx.may(RESOLVE_PERMISSION) else NOT_ALLOWED)
        )
        fit(self.table)
        if self.model.rowCount():
            self.table.selectRow(0)
        self._sync_keep()

    def _build_buttons(self, versions: tuple[Version, ...]) -> None:
        while self._buttons_row.count():
            item = self._buttons_row.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.deleteLater()
        self.keep_buttons = []
        for index, version in enumerate(versions):
            text = f"Keep version &{version.letter} as it is…"
            if version.action is RevisionAction.VOID:
                text = f"Keep version &{version.letter}: void the record…"
            button = named(QPushButton(text), text.replace("&", "").removesuffix("…"))
            button.setToolTip(version.heading)
            button.clicked.connect(lambda _=False, i=index: self._keep_version(i))
            self._buttons_row.addWidget(button)
            self.keep_buttons.append(button)
        self._buttons_row.addStretch(1)

    def _filter(self, only: bool) -> None:
        self.model.set_only_differing(only)
        fit(self.table)
        if self.model.rowCount():
            self.table.selectRow(0)
        self._sync_keep()

    def _current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def _sync_keep(self) -> None:
        choice = self.model.choice_of(self._current_row())
        self.keep.setEnabled(choice is not None and self.may_resolve)
        if choice is not None:
            self.keep.setCurrentIndex(choice)

    def _keep_chosen(self, version: int) -> None:
        row = self._current_row()
        if self.model.choice_of(row) is not None:
            self.model.choose(row, version)

    # -- resolving ---------------------------------------------------------------------------

    def _keep_version(self, index: int) -> None:
        conflict = self._conflict
        if conflict is None or not self.may_resolve:
            return
        version = conflict.versions[index]
        self.model.choose_all(index)
        if version.action is RevisionAction.VOID:
            self._void(conflict, version)
        else:
            self._resolve(conflict, version.record, f"Keep version {version.letter} as it is")

    def _save_combined(self) -> None:
        conflict = self._conflict
        if conflict is None or not self.may_resolve:
            return
        self.message.clear()
        try:
            record = combine_versions(
                [v.record for v in conflict.versions],
                self.model.choices(),
                start=len(conflict.versions) - 1,
            )
        except UserFacingError as error:
            self.message.setText(f"These choices cannot be combined: {error}")
            return
        self._resolve(conflict, record, "Save the combined version")

    def _resolve(self, conflict: Conflict, record: Record, action: str) -> None:
        store = self._ctx.store
        expected = frozenset(v.revision_id for v in conflict.versions)
        settled = [v.letter for v in conflict.versions if v.settled]
        if resolution_needs_reason((v.action, v.record) for v in conflict.versions):
            which = "version " + " and ".join(settled) + (" was" if len(settled) == 1 else " were")
            prompt = REASON_REQUIRED.format(which=which)
        else:
            prompt = REASON_OPTIONAL
        self.dialog = write_with_reason(
            self._ctx.runner,
            self,
            title=RESOLVE_TITLE,
            prompt=f"{action}. {prompt}",
            action="&Resolve",
            work=lambda reason: resolve_conflict(store, record, expected, reason or None),
            changes=Changes(kinds=frozenset({record.KIND})),
            on_done=self.resolved.emit,
        )

    def _void(self, conflict: Conflict, version: Version) -> None:
        store = self._ctx.store
        expected = frozenset(v.revision_id for v in conflict.versions)
        self.dialog = write_with_reason(
            self._ctx.runner,
            self,
            title=RESOLVE_TITLE,
            prompt=(
                f"Version {version.letter} voided this record. Keeping it voids the record "
                "and joins every version; a reason is required. Nothing is deleted."
            ),
            action="&Void the record",
            work=lambda reason: void_versions(store, conflict.record_id, expected, reason),
            changes=Changes(kinds=frozenset({version.record.KIND})),
            on_done=self.resolved.emit,
        )
