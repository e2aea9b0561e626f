"""Input widgets the isolation forms share: a date and time on the ward's clock, a day on its
calendar, a text box
in which Ctrl+Enter saves, choices from a list of values, and people from the staff list.

Every widget keeps its value as plain text for drafts (:meth:`value_text`), so an unfinished
form can be kept as a :class:`~app.models.form_draft.FormDraft` and put back exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from PySide6.QtCore import (
    QAbstractListModel,
    QDate,
    QDateTime,
    QElapsedTimer,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimeZone,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QListView,
    QPlainTextEdit,
)

from app.models.clock import as_utc
from app.models.people import StaffMember

Index = QModelIndex | QPersistentModelIndex
LONDON = QTimeZone(b"Europe/London")
_SHIFT = Qt.KeyboardModifier.ShiftModifier


class InstantEdit(QDateTimeEdit):
    """A date and time on the ward's clock (Europe/London), to the minute. An instant set
    from code keeps its seconds until a person changes what is shown (then it is on the
    minute)."""

    def __init__(self, at: datetime) -> None:
        super().__init__()
        self.setTimeZone(LONDON)
        self.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.setCalendarPopup(True)
        self._exact = as_utc(at)
        self.set_instant(at)

    def set_instant(self, at: datetime) -> None:
        """Show ``at``."""
        self._exact = as_utc(at)
        self.setDateTime(QDateTime.fromSecsSinceEpoch(int(self._exact.timestamp()), LONDON))

    def instant(self) -> datetime:
        """The instant shown, in UTC."""
        shown = datetime.fromtimestamp(self.dateTime().toSecsSinceEpoch(), UTC)
        shown = shown.replace(second=0, microsecond=0)
        if shown == self._exact.replace(second=0, microsecond=0):
            return self._exact
        return shown

    def value_text(self) -> str:
        """The instant as ISO text (for a draft)."""
        return self.instant().isoformat()

    def restore_text(self, text: str) -> None:
        """Show the instant of a draft."""
        if text:
            self.set_instant(datetime.fromisoformat(text))


class DateField(QDateEdit):
    """A day on the ward's calendar (dd/mm/yyyy), with a calendar to pick from."""

    def __init__(self, day: date) -> None:
        super().__init__(QDate(day.year, day.month, day.day))
        self.setDisplayFormat("dd/MM/yyyy")
        self.setCalendarPopup(True)

    def day(self) -> date:
        """The day shown."""
        shown = self.date()
        return date(shown.year(), shown.month(), shown.day())

    def value_text(self) -> str:
        """The day as ISO text (for a draft)."""
        return self.date().toString(Qt.DateFormat.ISODate)

    def restore_text(self, text: str) -> None:
        """Show the day of a draft."""
        day = QDate.fromString(text, Qt.DateFormat.ISODate)
        if day.isValid():
            self.setDate(day)


class TextBox(QPlainTextEdit):
    """Several lines of text. Tab moves on; Ctrl+Enter is passed to the form (saves)."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setTabChangesFocus(True)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Ctrl+Enter goes to the form; everything else is typing."""
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            event.ignore()
            return
        super().keyPressEvent(event)

    def value_text(self) -> str:
        """The text (for a draft)."""
        return self.toPlainText()

    def restore_text(self, text: str) -> None:
        """Show a draft's text."""
        self.setPlainText(text)


class ChoiceBox(QComboBox):
    """One of a fixed list of ``(value, wording)`` choices; the value is what is kept."""

    def __init__(self, choices: Iterable[tuple[str, str]], current: str | None = None) -> None:
        super().__init__()
        for value, wording in choices:
            self.addItem(wording, value)
        if current is not None:
            self.restore_text(current)

    def value(self) -> str:
        """The chosen value."""
        data = self.currentData()
        return data if isinstance(data, str) else ""

    def value_text(self) -> str:
        """The chosen value (for a draft)."""
        return self.value()

    def restore_text(self, text: str) -> None:
        """Choose ``text`` if it is one of the values."""
        index = self.findData(text)
        if index >= 0:
            self.setCurrentIndex(index)


def staff_wording(member: StaffMember) -> str:
    """``Priya Nair — Staff nurse``."""
    return f"{member.name} — {member.job_title}"


def _typing_interval() -> int:
    app = QApplication.instance()
    return app.keyboardInputInterval() if isinstance(app, QApplication) else 400


class WordSearch:
    """Finding a row by the start of any word of it ("sami" finds "Dr Sami Haddad"); keys
    typed in quick succession add up, as in Qt's own keyboard search."""

    def __init__(self) -> None:
        self._typed = ""
        self._typing = QElapsedTimer()

    def find(self, texts: Sequence[str], typed: str, start: int) -> int | None:
        """The first of ``texts`` from ``start`` on (wrapping) with a word starting with what
        has been typed so far."""
        if self._typing.isValid() and self._typing.elapsed() < _typing_interval():
            self._typed += typed
        else:
            self._typed = typed
        self._typing.start()
        wanted = f" {self._typed.casefold()}"
        for offset in range(len(texts)):
            at = (max(start, 0) + offset) % len(texts)
            if wanted in f" {texts[at]}".casefold():
                return at
        return None


class StaffChoice(ChoiceBox):
    """One person from the staff list; typing part of a name chooses them."""

    def __init__(self, staff: Sequence[StaffMember], current: UUID | None = None) -> None:
        super().__init__((str(m.id), staff_wording(m)) for m in staff)
        self._staff = {str(m.id): m for m in staff}
        self._search = WordSearch()
        if current is not None:
            self.restore_text(str(current))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Letters search the names (any word); other keys as a combo box has them."""
        text = event.text()
        if text.isprintable() and text.strip() and not event.modifiers() & ~_SHIFT:
            texts = [self.itemText(i) for i in range(self.count())]
            found = self._search.find(texts, text, self.currentIndex())
            if found is not None:
                self.setCurrentIndex(found)
            event.accept()
            return
        super().keyPressEvent(event)

    def member(self) -> StaffMember | None:
        """The chosen person."""
        return self._staff.get(self.value())


class StaffChecklistModel(QAbstractListModel):
    """The staff list with a tick box per person (frozen rows; the ticks are the form's)."""

    def __init__(self, staff: Sequence[StaffMember], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = tuple(staff)
        self._ticked: set[UUID] = set()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        """People on the list (a list: no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Name and job title, the tick, the staff id."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        member = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return staff_wording(member)
        if role == Qt.ItemDataRole.CheckStateRole:
            ticked = member.id in self._ticked
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.UserRole:
            return str(member.id)
        return None

    def setData(  # noqa: N802 - Qt's API
        self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        """Tick or untick one person."""
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        member = self._rows[index.row()]
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._ticked.add(member.id)
        else:
            self._ticked.discard(member.id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        """People can be ticked."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def ticked(self) -> tuple[StaffMember, ...]:
        """The people ticked, in list order."""
        return tuple(m for m in self._rows if m.id in self._ticked)

    def set_ticked(self, ids: Iterable[UUID]) -> None:
        """Tick exactly ``ids`` (those on the list)."""
        self._ticked = {i for i in ids if any(m.id == i for m in self._rows)}
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))


class StaffChecklist(QListView):
    """People from the staff list, ticked with Space; typing a name jumps to it."""

    def __init__(self, staff: Sequence[StaffMember], ticked: Iterable[UUID] = ()) -> None:
        super().__init__()
        self.people = StaffChecklistModel(staff, self)  # a view does not own its model
        self.setModel(self.people)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._search = WordSearch()
        self.people.set_ticked(ticked)
        if self.people.rowCount():
            self.setCurrentIndex(self.people.index(0))
        rows = min(max(self.people.rowCount(), 3), 8)
        self.setMinimumHeight(self.sizeHintForRow(0) * rows + 2 * self.frameWidth())

    def keyboardSearch(self, search: str) -> None:  # noqa: N802 - Qt's name
        """Typing goes to the first person with a word of their name starting with what was
        typed ("sami" finds "Dr Sami Haddad")."""
        texts = [str(self.people.index(n).data()) for n in range(self.people.rowCount())]
        found = self._search.find(texts, search, self.currentIndex().row())
        if found is not None:
            self.setCurrentIndex(self.people.index(found))

    def value_text(self) -> str:
        """The ids ticked (for a draft)."""
        return ",".join(str(m.id) for m in self.people.ticked())

    def restore_text(self, text: str) -> None:
        """Tick the people of a draft."""
        self.people.set_ticked(UUID(part) for part in text.split(",") if part)
