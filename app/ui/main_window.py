"""The ward client's one window: locked screens, the work area of a signed-in session, the
demo banner, and the status bar with the store and the sync state.

The work area is built for each session and destroyed when the window locks, so nothing a
person saw stays in any widget for the next one to find.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.config import SettingsError, SettingsSources, settings_sources
from app.models.clock import utc_now
from app.models.policy import ClinicalPolicy
from app.store.layout import FolderContents
from app.ui.ops import StoreRunner
from app.ui.session.controller import Session, SignedIn, StandaloneSetUp
from app.ui.session.enrolment import EnrolmentForm, FirstSignIn
from app.ui.session.idle import IdleWatcher
from app.ui.session.pages import FolderProblemPage, SetUpPage, SignInPage
from app.ui.sync.controller import SyncController
from app.ui.widgets import named

if TYPE_CHECKING:
    from app.sync.status import SyncStatus
    from app.ui.about_pc import AboutThisPc
    from app.ui.board.page import BoardPage
    from app.ui.incidents.statement_queries import MyAccounts
    from app.ui.screens import ScreenFactory

#: Imported in the background once the locked window is up (see MainWindow._warm_up): the
#: screens, the store and everything they need, so a sign-in does not wait for them.
WARM_UP_MODULES = ("app.store.store", "app.ui.screens", "app.sync.client")

DEMO_BANNER = (
    "DEMO DATA — a fictitious ward for trying RPR. Nothing here is a real patient; do not "
    "record real people in this store."
)
#: What the status bar says of sync while no one is signed in (the store, which knows whether
#: the PC is enrolled, is locked).
SYNC_STATE = "Sync: starts when someone signs in"
#: Work longer than this shows the busy indicator (design: progress on anything > 0.5 s).
BUSY_AFTER_MS = 500


class WorkArea(QWidget):
    """Everything of one signed-in session: the tabs of its screens (:mod:`app.ui.screens`)."""

    def __init__(
        self,
        runner: StoreRunner,
        session: Session,
        facts: SignedIn,
        *,
        policy: ClinicalPolicy,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # Imported here, not with the window: the locked window appears before them.
        from app.ui.context import Navigator, ScreenContext  # noqa: PLC0415
        from app.ui.screens import EAGER_SCREENS, HANDLERS, SCREENS  # noqa: PLC0415

        self.setObjectName("work-area")
        self.tabs = named(QTabWidget(), "Screens")
        self.navigator = Navigator(self)
        self.board: BoardPage | None = None
        self.reminder = named(QLabel(), "Accounts still to give")
        self.reminder.setWordWrap(True)
        self.reminder.setStyleSheet("background: #e8f0fe; padding: 6px;")
        self.reminder.hide()
        self.give_button = named(QPushButton("&Give them now"), "Give my accounts now")
        self.give_button.hide()
        reminder_row = QHBoxLayout()
        reminder_row.addWidget(self.reminder, 1)
        reminder_row.addWidget(self.give_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(reminder_row)
        column.addWidget(self.tabs)
        if not facts.wards:
            self.tabs.addTab(QLabel("This store has no ward yet."), "&Ward board")
            return
        self.context = ScreenContext(
            runner=runner,
            session=session,
            store=session.require_store(),
            facts=facts,
            ward=facts.wards[0],
            policy=policy,
            now=now,
            navigator=self.navigator,
        )
        for title, factory in SCREENS:
            # The board and the accounts still owed are wanted at once; every other screen is
            # built the first time it is shown, so signing in draws the board sooner.
            eager = factory in EAGER_SCREENS
            self.tabs.addTab(factory(self.context) if eager else _NotBuilt(factory), title)
            self._wire(self.tabs.widget(self.tabs.count() - 1))
        self.tabs.currentChanged.connect(self._build)
        for signal_name, method in HANDLERS.items():
            getattr(self.navigator, signal_name).connect(
                lambda value, method=method: self._route(method, value)
            )

    def _wire(self, screen: QWidget | None) -> None:
        from app.ui.board.page import BoardPage  # noqa: PLC0415 - see __init__
        from app.ui.incidents.statements import StatementsPage  # noqa: PLC0415

        if isinstance(screen, BoardPage):
            self.board = screen
        if isinstance(screen, StatementsPage):
            screen.loaded.connect(self._remind)
            self.give_button.clicked.connect(
                lambda _checked=False, page=screen: self.tabs.setCurrentWidget(page)
            )

    def _build(self, index: int) -> QWidget | None:
        """The screen of tab ``index``, built now if it has not been yet."""
        pending = self.tabs.widget(index)
        if not isinstance(pending, _NotBuilt):
            return pending
        screen = pending.factory(self.context)
        title = self.tabs.tabText(index)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)  # noqa: FBT003 - Qt's API
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, screen, title)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(False)  # noqa: FBT003 - Qt's API
        pending.deleteLater()
        self._wire(screen)
        return screen

    def _remind(self, accounts: MyAccounts) -> None:
        """Staff named on an incident are asked for their own account at sign-in, and
        reminded until they have given it (issue: staff accounts of their part)."""
        count = len(accounts.owed)
        self.reminder.setVisible(bool(count))
        self.give_button.setVisible(bool(count))
        if not count:
            return
        self.reminder.setText(
            f"You were named on {count} incident{'s' if count != 1 else ''} and have not yet "
            "given your own account of your part."
        )

    def screens(self) -> list[QWidget]:
        """Every screen built so far, in tab order."""
        widgets = (self.tabs.widget(i) for i in range(self.tabs.count()))
        return [w for w in widgets if w is not None and not isinstance(w, _NotBuilt)]

    def _route(self, method: str, value: object) -> None:
        for index in range(self.tabs.count()):
            screen = self._build(index)
            handler = getattr(screen, method, None)
            if screen is not None and handler is not None:
                self.tabs.setCurrentWidget(screen)
                handler(value)
                return

    def stop(self) -> None:
        """Stop every timer of the session's screens."""
        for screen in self.screens():
            stop = getattr(screen, "stop", None)
            if callable(stop):
                stop()


class _NotBuilt(QWidget):
    """Stands in a tab until its screen is first shown."""

    def __init__(self, factory: ScreenFactory) -> None:
        super().__init__()
        self.factory = factory


class MainWindow(QMainWindow):
    """The ward client window. Starts locked."""

    #: A session's work area is showing (tests wait on it).
    work_shown = Signal()

    def __init__(
        self,
        data_dir: Path,
        *,
        policy: ClinicalPolicy,
        idle_lock_minutes: int,
        now: Callable[[], datetime] = utc_now,
        server_url: str | None = None,
        trust_ca_certificate: Path | None = None,
        ward: str | None = None,
        settings: SettingsSources | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("RPR — Restrictive Practice Recorder")
        self.resize(1200, 760)
        self._policy = policy
        self._now = now
        self.runner = StoreRunner(self)
        self.session = Session(self.runner, data_dir, self)
        self.sync = SyncController(
            self.runner,
            server_url=server_url,
            ca_certificate=trust_ca_certificate,
            now=now,
            parent=self,
        )
        self._server_url = server_url
        self._trust_ca_certificate = trust_ca_certificate
        #: The machine-wide ``ward`` setting: enrolment codes must be for this ward.
        self._ward = ward
        #: Where each setting came from, as at start (None: read when About this PC is opened).
        self._settings = settings
        self.idle = IdleWatcher(idle_lock_minutes, now=now, parent=self)
        self.idle.went_idle.connect(self.lock_now)
        self.work: WorkArea | None = None

        self.banner = named(QLabel(DEMO_BANNER), "Demo data banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff3c4; color: #3d2e00; padding: 6px;")
        self.banner.hide()
        self.sign_in = SignInPage()
        self.set_up = SetUpPage(server_url, ward)
        self.problem = FolderProblemPage()
        self.stack = QStackedWidget()
        for page in (self.sign_in, self.set_up, self.problem):
            self.stack.addWidget(page)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.banner)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_actions()
        self._build_status_bar(data_dir)

        self.sign_in.submitted.connect(self._sign_in)
        self.set_up.submitted.connect(self._set_up)
        self.set_up.enrol.submitted.connect(self._enrol)
        self.sign_in.first_time.connect(self._first_sign_in)
        self.session.signed_in.connect(self._show_work)
        self.session.locking.connect(self._hide_work)
        self.runner.failed.connect(self._show_failure)
        self.runner.busy_changed.connect(self._busy)
        self.sync.status_changed.connect(self._sync_status)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.applicationStateChanged.connect(lambda _state: self.idle.check_now())
        self.session.inspect(self._first_screen)
        self._warm_up()

    @staticmethod
    def _warm_up() -> None:
        """Import what a session needs while the window waits, locked, for someone to sign in
        (imports only: no widget is made off the GUI thread)."""

        def load() -> None:
            for module in WARM_UP_MODULES:
                importlib.import_module(module)

        threading.Thread(target=load, name="rpr-warm-up", daemon=True).start()

    # -- building ------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.lock_action = QAction("&Lock now", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_now)
        self.switch_action = QAction("&Switch user", self)
        self.switch_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.switch_action.triggered.connect(self.switch_user)
        self.send_action = QAction("Send everything &now", self)
        self.send_action.setToolTip(
            "Sends every record saved on this PC to the trust's server now, and receives "
            "what is new (for shift handover)."
        )
        self.send_action.triggered.connect(self.sync.sync_now)
        self.send_action.setEnabled(False)
        self.about_action = QAction("About this &PC", self)
        self.about_action.setToolTip(
            "The settings RPR runs with on this PC and where each came from (read-only)."
        )
        self.about_action.triggered.connect(self.show_about_pc)
        toolbar = QToolBar("Session")
        toolbar.setObjectName("session-toolbar")
        toolbar.setMovable(False)
        for action in (self.lock_action, self.switch_action, self.send_action, self.about_action):
            toolbar.addAction(action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self._session_actions(enabled=False)

    def _build_status_bar(self, data_dir: Path) -> None:
        bar = self.statusBar()
        self.who = named(QLabel("Locked"), "Signed in as")
        self.store_label = named(QLabel(f"Store: {data_dir}"), "Store")
        self.sync_label = named(QLabel(SYNC_STATE), "Sync state")
        self.busy = named(QProgressBar(), "Working")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.hide()
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self.busy.show)
        for widget in (self.who, self.store_label, self.sync_label):
            bar.addWidget(widget)
        bar.addPermanentWidget(self.busy)

    def _session_actions(self, *, enabled: bool) -> None:
        self.lock_action.setEnabled(enabled)
        self.switch_action.setEnabled(enabled)

    # -- locked screens ------------------------------------------------------------------

    def _first_screen(self, contents: FolderContents) -> None:
        if contents.is_complete:
            self.stack.setCurrentWidget(self.sign_in)
            self.sign_in.reset()
        elif contents.is_empty:
            self.stack.setCurrentWidget(self.set_up)
        else:
            self.problem.show_problem(contents.problem() or "")
            self.stack.setCurrentWidget(self.problem)

    def _sign_in(self, username: str, password: str) -> None:
        self.session.sign_in(username, password, on_error=self.sign_in.show_error)

    def _set_up(self, setup: StandaloneSetUp) -> None:
        self.session.set_up_standalone(setup, on_error=self.set_up.show_error)

    def _enrol(self, form: EnrolmentForm) -> None:
        page = self.set_up.enrol
        self.session.enrol(
            form,
            ca_certificate=self._trust_ca_certificate,
            on_enrolled=page.show_enrolled,
            on_error=page.show_error,
            ward=self._ward,
        )

    def _first_sign_in(self, first: FirstSignIn) -> None:
        self.session.first_sign_in(
            first,
            server_url=self._server_url,
            ca_certificate=self._trust_ca_certificate,
            on_error=self.sign_in.show_error,
        )

    # -- the session -----------------------------------------------------------------------

    def _show_work(self, facts: SignedIn) -> None:
        self.work = WorkArea(self.runner, self.session, facts, policy=self._policy, now=self._now)
        self.stack.addWidget(self.work)
        self.stack.setCurrentWidget(self.work)
        self.banner.setVisible(facts.demo)
        read_only = " (read-only copy: nothing can be saved)" if facts.read_only else ""
        self.who.setText(f"Signed in as {facts.actor}{read_only}")
        self._session_actions(enabled=True)
        self.sync.begin(self.session.require_store())
        self.sign_in.reset()
        self.idle.start()
        self.work_shown.emit()

    def _hide_work(self) -> None:
        """Drop every widget of the session (no patient data may remain), show sign-in."""
        self.idle.stop()
        self._session_actions(enabled=False)
        self.sync.end()
        self.send_action.setEnabled(False)
        self.sync_label.setText(SYNC_STATE)
        self.sync_label.setToolTip("")
        if self.work is not None:
            self.work.stop()
            self.stack.removeWidget(self.work)
            self.work.deleteLater()
            self.work = None
        self.who.setText("Locked")
        self.stack.setCurrentWidget(self.sign_in)

    def lock_now(self) -> None:
        """Lock: the same person signs in again to carry on."""
        username = self.session.current.actor if self.session.current else ""
        self.session.lock()
        self.sign_in.username.setText(username)
        self.sign_in.reset(keep_username=True)

    def switch_user(self) -> None:
        """Lock and clear the username: someone else will sign in."""
        self.session.lock()
        self.sign_in.reset()

    def _sync_status(self, status: SyncStatus) -> None:
        """The status line in words (colour is never the only signal); the last failure's
        sentence as its tooltip."""
        self.sync_label.setText(self.sync.summary())
        self.sync_label.setToolTip(status.last_error or "")
        self.send_action.setEnabled(self.sync.enrolled)

    def show_about_pc(self) -> AboutThisPc | None:
        """Show the settings of this PC and where each came from (read-only; open while locked
        too: settings hold no patient data). The dialog, or None if the settings cannot be
        read."""
        from app.ui.about_pc import AboutThisPc  # noqa: PLC0415 - only when asked for

        try:
            sources = self._settings or settings_sources()
        except SettingsError as exc:
            self._show_failure(str(exc))
            return None
        dialog = AboutThisPc(sources, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- errors and the busy indicator -------------------------------------------------------

    def _show_failure(self, message: str) -> None:
        QMessageBox.warning(self, "RPR", message)

    def _busy(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.busy.hide()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Save what can be saved, close the store, stop the worker."""
        self.sync.end()
        self.session.close()
        self.runner.shutdown()
        event.accept()
