"""First run on an empty folder, enrolling the PC with a real trust server through the window
(issue 7: "the enrolment step of first run"), and a newcomer's first sign-in on an enrolled PC
with a colleague, vouched for by the server (design.md "Encryption at rest and signing in")."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.store.store import Store
from app.ui.session.enrolment import SIGN_IN_REFUSED
from server import admin
from tests.server.harness import PASSWORD, Trust, running_trust
from tests.sync.real_trust import enrol_pc

WAIT = 20_000


@pytest.fixture(scope="module")
def trust() -> Iterator[Trust]:
    with running_trust(sign_in_slow_after=2, sign_in_lock_after=4) as running:
        yield running


def _fill(window, url: str, code: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page = window.set_up.enrol
    page.server_url.setText(url)
    page.code.setText(code)
    page.device_name.setText("Ashdown PC 1")
    page.username.setText(username)
    page.password.setText(password)


def _error_after_click(qtbot: QtBot, button, label) -> str:  # type: ignore[no-untyped-def]
    label.clear()
    button.click()
    qtbot.waitUntil(lambda: bool(label.text()), timeout=WAIT)
    return str(label.text())


def test_an_empty_folder_is_enrolled_and_the_member_of_staff_signed_in(
    qtbot: QtBot, make_window, trust: Trust, tmp_path: Path
) -> None:
    ward = trust.ward()
    nurse = trust.account(ward)
    folder = tmp_path / "ward-pc"
    window = make_window(folder)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.set_up)
    page = window.set_up.enrol

    _fill(window, trust.url, "ABCD-EFGH-JKLM-NPQR", nurse, PASSWORD)
    message = _error_after_click(qtbot, page.button, page.error)
    assert message.startswith("code: ")
    assert "unknown, already used or expired" in message
    assert not page.progress.isVisible()
    assert not folder.exists()

    _fill(window, trust.url, trust.code(ward), nurse, "not the right password")
    message = _error_after_click(qtbot, page.button, page.error)
    assert message.startswith(SIGN_IN_REFUSED)  # does not say which of the two is wrong
    assert page.enrolled.isVisible()
    assert ward.name in page.enrolled.text()
    assert not page.code.isEnabled()  # the code is used: only the sign-in is asked again
    assert page.password.text() == ""
    assert not folder.exists()

    page.password.setText(PASSWORD)
    with qtbot.waitSignal(window.work_shown, timeout=WAIT):
        page.button.click()
    assert window.who.text() == f"Signed in as {nurse}"
    window.close()

    with Store.open(folder, nurse, PASSWORD) as store:
        enrolment = store.sync.enrolment()
    assert enrolment is not None
    assert enrolment.ward_id == ward.id
    assert enrolment.server_url == trust.url


def _type(qtbot: QtBot, field, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace what ``field`` holds by typing, as a person does (select all, type over)."""
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def test_a_pc_set_up_for_a_ward_takes_only_a_code_for_that_ward(
    qtbot: QtBot, make_window, trust: Trust, tmp_path: Path
) -> None:
    ours, theirs = trust.ward(), trust.ward()
    nurse = trust.account(ours)
    their_code = trust.code(theirs)
    folder = tmp_path / "ward-pc"
    window = make_window(folder, ward=ours.code)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.set_up)
    page = window.set_up.enrol
    assert page.ward.isVisible()
    assert f"for ward <b>{ours.code}</b> (the ward setting)" in page.ward.text()

    _type(qtbot, page.server_url, trust.url)
    _type(qtbot, page.code, their_code.lower())
    _type(qtbot, page.device_name, "Oak PC 1")
    _type(qtbot, page.username, nurse)
    _type(qtbot, page.password, PASSWORD)
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(page.error.text()), timeout=WAIT)
    assert page.error.text() == (
        f"code: This PC is set up by trust IT for ward {ours.code} (the ward setting); this "
        "enrolment code is for another ward. Nothing was changed; ask trust IT for a code for "
        f"{ours.code}."
    )
    assert not page.enrolled.isVisible()
    assert page.code.isEnabled()  # nothing was used up: another code may be typed
    assert page.button.isEnabled()
    assert not folder.exists()
    # The refused code still works, for a PC of its own ward.
    assert trust.enrol(their_code, ward_code=theirs.code).status_code == 200

    _type(qtbot, page.code, trust.code(ours))
    _type(qtbot, page.password, PASSWORD)  # cleared after the refusal
    with qtbot.waitSignal(window.work_shown, timeout=WAIT):
        qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    window.close()
    with Store.open(folder, nurse, PASSWORD) as store:
        enrolment = store.sync.enrolment()
    assert enrolment is not None
    assert enrolment.ward_id == ours.id


def test_a_pc_with_no_ward_setting_does_not_mention_one(
    qtbot: QtBot, make_window, tmp_path: Path
) -> None:
    window = make_window(tmp_path / "ward-pc")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.set_up)
    assert not window.set_up.enrol.ward.isVisible()


def test_a_server_that_does_not_answer_is_named(
    qtbot: QtBot, make_window, trust: Trust, tmp_path: Path
) -> None:
    folder = tmp_path / "ward-pc"
    window = make_window(folder)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.set_up)
    page = window.set_up.enrol
    _fill(window, "http://127.0.0.1:9", "ABCD-EFGH-JKLM-NPQR", "a.nurse", PASSWORD)
    message = _error_after_click(qtbot, page.button, page.error)
    assert message.startswith("server: ")
    assert "cannot be reached" in message
    _fill(window, "http://rpr.trust.example", "ABCD-EFGH-JKLM-NPQR", "a.nurse", PASSWORD)
    assert _error_after_click(qtbot, page.button, page.error).startswith("server: ")
    page.code.setText("")
    page.password.setText(PASSWORD)  # cleared after each refusal
    assert _error_after_click(qtbot, page.button, page.error) == "code: required"
    assert not folder.exists()


def test_a_newcomer_is_vouched_for_by_the_server_and_let_in_by_a_colleague(
    qtbot: QtBot, make_window, trust: Trust, tmp_path: Path
) -> None:
    ward = trust.ward()
    folder = tmp_path / "ward-pc"
    with enrol_pc(trust, ward, folder) as store:
        colleague = store.users()[0]
    newcomer = trust.account(ward)
    window = make_window(folder)
    window.runner.wait_idle()  # the first screen is chosen (the sign-in page shows already)
    QApplication.processEvents()
    page = window.sign_in

    # Never signed in here: the usual sign-in does not say whether the name exists.
    page.username.setText(newcomer)
    page.password.setText(PASSWORD)
    assert "do not open RPR" in _error_after_click(qtbot, page.button, page.error)

    page.first_time_button.click()
    assert page.first_time_box.isVisible()
    page.password.setText(PASSWORD)
    page.colleague.setText(colleague)
    page.colleague_password.setText("not their password")
    assert _error_after_click(qtbot, page.button, page.error).startswith("colleague: ")

    for wrong in ("a wrong trust password", "a second wrong one"):  # slow_after=2
        page.password.setText(wrong)
        page.colleague_password.setText(PASSWORD)
        assert _error_after_click(qtbot, page.button, page.error) == SIGN_IN_REFUSED
    page.password.setText("another wrong password")
    page.colleague_password.setText(PASSWORD)
    assert _error_after_click(qtbot, page.button, page.error).startswith(
        "username or password: Too many failed sign-ins: wait"
    )
    with trust.sessions() as session:
        admin.unlock_account(session, newcomer)
        session.commit()

    page.password.setText(PASSWORD)
    page.colleague_password.setText(PASSWORD)
    with qtbot.waitSignal(window.work_shown, timeout=WAIT):
        page.button.click()
    assert window.who.text() == f"Signed in as {newcomer}"

    # From now on the newcomer's own key slot opens the store (no colleague, no server).
    window.switch_user()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in)
    assert not page.first_time_box.isVisible()
    page.username.setText(newcomer)
    page.password.setText(PASSWORD)
    with qtbot.waitSignal(window.work_shown, timeout=WAIT):
        page.button.click()
    window.close()
    with Store.open(folder, colleague, PASSWORD) as store:
        assert set(store.users()) == {colleague, newcomer}
