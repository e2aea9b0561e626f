"""Steps of the patients screen tests: opening the screen, choosing a patient as a nurse
would, and the facts a test needs from the store (free test NHS numbers, a patient's stays)."""

from collections.abc import Callable
from uuid import UUID

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.admission import HospitalSpell
from app.models.nhs_number import TEST_PREFIX, check_digit
from app.models.patient import Patient
from app.ui.context import ScreenContext
from app.ui.patients.loading import PatientRow
from app.ui.patients.model import Column
from app.ui.patients.page import PatientsPage, patients_screen
from tests.ui.screen_steps import WAIT, read


def open_page(qtbot: QtBot, ctx: ScreenContext) -> PatientsPage:
    page = patients_screen(ctx)
    assert isinstance(page, PatientsPage)
    qtbot.addWidget(page)
    page.resize(1300, 900)
    page.show()
    with qtbot.waitSignal(page.list_loaded, timeout=WAIT):
        pass
    return page


def row_named(page: PatientsPage, name: str) -> int:
    for row in range(page.proxy.rowCount()):
        if page.proxy.index(row, Column.NAME).data() == name:
            return row
    raise AssertionError(f"{name} is not listed")


def choose(qtbot: QtBot, page: PatientsPage, name: str) -> None:
    """Click the patient's row and wait for them to be read."""
    index = page.proxy.index(row_named(page, name), Column.NAME)
    page.table.scrollTo(index)
    with qtbot.waitSignal(page.editor.loaded, timeout=WAIT):
        qtbot.mouseClick(
            page.table.viewport(),
            Qt.MouseButton.LeftButton,
            pos=page.table.visualRect(index).center(),
        )


def fresh_nhs_numbers(taken: set[str], count: int) -> list[str]:
    numbers = []
    for n in range(100_000, 999_999):
        nine = f"{TEST_PREFIX}{n:06d}"
        digit = check_digit(nine)
        if digit is not None and nine + str(digit) not in taken:
            numbers.append(nine + str(digit))
            if len(numbers) == count:
                return numbers
    raise AssertionError("no free test numbers")


def taken_numbers(ctx: ScreenContext) -> set[str]:
    return read(ctx, lambda r: {p.nhs_number for p in r.find(Patient) if p.nhs_number})


def patient_called(ctx: ScreenContext, family: str) -> Patient:
    return read(ctx, lambda r: next(p for p in r.find(Patient) if p.family_name == family))


def spells_of(ctx: ScreenContext, patient_id: UUID) -> list[HospitalSpell]:
    return read(ctx, lambda r: r.find(HospitalSpell, patient_id=patient_id))


def first_row(page: PatientsPage, test: Callable[[PatientRow], bool]) -> PatientRow:
    rows = [page.proxy.row_of(page.proxy.index(i, 0)) for i in range(page.proxy.rowCount())]
    return next(r for r in rows if r is not None and test(r))
