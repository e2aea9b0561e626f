"""Controls the patient and staff forms share: a combo box over a model's option list that
starts unanswered, a date typed as dd/mm/yyyy, and an instant typed on the ward's wall clock.

Option lists come from the models (each enum with its ``label``); nothing here adds, drops,
orders by guess or pre-selects an answer (domain.md §6: never force disclosure, never guess).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QWidget

from app.models.clock import LONDON, as_utc, to_local
from app.models.errors import UserFacingError
from app.ui.widgets import named

#: The first entry of every optional question: no answer recorded yet.
NOT_ANSWERED = "— not answered yet —"
#: How instants are typed and shown on forms (the ward's wall clock).
TIME_FORMAT = "dd/MM/yyyy HH:mm"

E = TypeVar("E", bound=Enum)

_DAY = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\s*$")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


class Labelled(Protocol):
    """An option with plain wording (every code list of the models has ``label``)."""

    @property
    def label(self) -> str: ...


def enum_options(members: Iterable[Any]) -> list[tuple[str, object]]:
    """(label, value) for every member, in the model's own order."""
    return [(member.label, member) for member in members]


class ChoiceBox(QComboBox):
    """A combo box whose value is one of ``options`` or, when ``blank`` is given, ``None``
    (shown as ``blank``, always first and selected until someone answers)."""

    def __init__(
        self,
        name: str,
        options: Sequence[tuple[str, object]],
        *,
        blank: str | None = NOT_ANSWERED,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, name)
        self._values: list[object] = []
        if blank is not None:
            self.addItem(blank)
            self._values.append(None)
        for label, value in options:
            self.addItem(label)
            self._values.append(value)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)

    def value(self) -> object:
        """The chosen value (``None``: not answered yet)."""
        index = self.currentIndex()
        return self._values[index] if 0 <= index < len(self._values) else None

    def set_value(self, value: object) -> None:
        """Show ``value`` (``None`` or an unknown value: the blank entry, or the first)."""
        for index, candidate in enumerate(self._values):
            if candidate == value:
                self.setCurrentIndex(index)
                return
        self.setCurrentIndex(0)

    def options(self) -> list[object]:
        """Every value offered, in order (``None`` first when unanswered is offered)."""
        return list(self._values)


def enum_value(box: ChoiceBox, kind: type[E]) -> E | None:
    """The box's value as a member of ``kind`` (``None``: not answered)."""
    value = box.value()
    return value if isinstance(value, kind) else None


# ------------------------------------------------------------------------------------ dates


def parse_day(text: str, field: str) -> date | None:
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd); ``None`` for nothing typed. Raises
    :class:`UserFacingError` naming ``field`` and the format (never what was typed)."""
    if not text.strip():
        return None
    found = _DAY.match(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
    elif iso := _ISO_DAY.match(text):
        year, month, day = (int(part) for part in iso.groups())
    else:
        raise UserFacingError(f"{field}: must be a date written dd/mm/yyyy")
    try:
        return date(year, month, day)
    except ValueError:
        raise UserFacingError(f"{field}: is not a date on the calendar") from None


def show_day(value: date | None) -> str:
    """dd/mm/yyyy, or nothing."""
    return "" if value is None else value.strftime("%d/%m/%Y")


# ---------------------------------------------------------------------------------- instants


def time_edit(name: str) -> QDateTimeEdit:
    """An instant typed on the ward's wall clock (Europe/London), to the minute, with a
    calendar. Its fields hold wall-clock parts: the PC's own time zone plays no part."""
    edit = named(QDateTimeEdit(), name)
    edit.setTimeZone(QTimeZone.utc())
    edit.setDisplayFormat(TIME_FORMAT)
    edit.setCalendarPopup(True)
    return edit


def set_instant(edit: QDateTimeEdit, value: datetime) -> None:
    """Show ``value`` (aware) as Europe/London wall time, to the minute."""
    local = to_local(value).replace(second=0, microsecond=0, tzinfo=None)
    wall = QDateTime(
        QDate(local.year, local.month, local.day),
        QTime(local.hour, local.minute),
        QTimeZone.utc(),  # wall-clock parts, read back as such: see time_edit
    )
    edit.setDateTime(wall)


def instant_of(edit: QDateTimeEdit) -> datetime:
    """The instant the edit shows, read as Europe/London wall time (an ambiguous time on the
    October change is its first occurrence), in UTC."""
    shown = edit.dateTime()
    day, clock = shown.date(), shown.time()
    wall = datetime(
        day.year(), day.month(), day.day(), clock.hour(), clock.minute(), tzinfo=LONDON, fold=0
    )
    return as_utc(wall)
