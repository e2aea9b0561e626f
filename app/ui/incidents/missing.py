"""The live panel of what the record still lacks: the statutory items (a)–(p)
(:func:`app.models.completeness.missing_items`), the details needed to submit, and the debrief
answers needed for sign-off. Each line is a link: Enter or a click takes the focus to the
field that answers it. The panel empties as the items are answered."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel, QListView, QVBoxLayout, QWidget

from app.models.completeness import (
    MissingItem,
    missing_details,
    missing_for_sign_off,
    missing_items,
)
from app.models.incident import UseOfForceIncident
from app.models.patient import Patient
from app.ui.widgets import named

Index = QModelIndex | QPersistentModelIndex
#: The role holding a line's item key (a statutory letter or a detail key).
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1

SIGN_OFF_PREFIX = "Before sign-off: "


def everything_missing(
    incident: UseOfForceIncident, patient: Patient | None
) -> tuple[MissingItem, ...]:
    """What the panel lists, in order: the statutory items, the details for submitting, and
    (for the manager's sign-off) the debrief answers — all from the domain's rules."""
    return (
        *missing_items(incident, patient),
        *missing_details(incident),
        *missing_for_sign_off(incident),
    )


def line_text(item: MissingItem) -> str:
    """How one line reads."""
    sign_off_only = item.item.startswith("post_incident_review")
    return f"{SIGN_OFF_PREFIX if sign_off_only else ''}{item}"


class MissingItemsModel(QAbstractListModel):
    """One line per missing item, over a frozen tuple."""

    def __init__(self) -> None:
        super().__init__()
        self._items: tuple[MissingItem, ...] = ()

    def set_items(self, items: Sequence[MissingItem]) -> None:
        """Show ``items`` (replaced whole; nothing happens if they are the same)."""
        items = tuple(items)
        if items == self._items:
            return
        self.beginResetModel()
        self._items = items
        self.endResetModel()

    def items(self) -> tuple[MissingItem, ...]:
        """The items shown."""
        return self._items

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """How many items are missing (a list: no children)."""
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The line's words, and its item key."""
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return line_text(item)
        if role == ITEM_ROLE:
            return item.item
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Lines can be selected (and activated), not edited."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class MissingPanel(QWidget):
    """The panel: a heading that says how many, and the list of links."""

    #: A line was activated; carries its :class:`MissingItem`.
    item_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = named(QLabel(), "Still missing")
        self.heading.setWordWrap(True)
        self.model = MissingItemsModel()
        self.view = named(QListView(), "Missing items (Enter goes to the field)")
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.heading)
        column.addWidget(self.view, 1)
        self.view.activated.connect(self._chosen)
        self.view.clicked.connect(self._chosen)
        self.show_items(())

    def show_items(self, items: Sequence[MissingItem]) -> None:
        """Show what is still missing."""
        self.model.set_items(items)
        statutory = sum(item.statutory for item in items)
        if not items:
            self.heading.setText(
                "<b>Complete:</b> every statutory item (a)–(p) is answered, with the details "
                "and the debriefs."
            )
        elif statutory:
            self.heading.setText(
                f"<b>Still missing: {statutory} statutory item{'s' if statutory != 1 else ''}"
                f"</b>{' and more' if len(items) > statutory else ''} — Enter on a line goes "
                "to its field"
            )
        else:
            self.heading.setText("<b>Every statutory item (a)–(p) is answered.</b> Still needed:")
        self.view.setVisible(bool(items))

    def _chosen(self, index: QModelIndex) -> None:
        row = index.row()
        items = self.model.items()
        if 0 <= row < len(items):
            self.item_chosen.emit(items[row])
