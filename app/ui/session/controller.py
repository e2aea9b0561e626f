"""Who is signed in, and the store they opened: signing in, locking, switching user, and
setting up a standalone ward PC.

The :class:`~app.store.store.Store` is opened, used and closed only on the store worker
(:class:`~app.ui.ops.StoreRunner`); screens capture it with :meth:`Session.require_store`
when they submit work. Locking tells every screen first (:attr:`Session.locking`), so each can
hand its unsaved edit to the worker as a draft, then drops the screens and closes the store
after that work — so nothing the first person typed is lost, and nothing of theirs stays on
screen for the next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.models.errors import Locked, UserFacingError
from app.models.people import (
    AccessRole,
    Permission,
    StaffMember,
    UserAccount,
    Ward,
    sign_in_problem,
)
from app.store.layout import FolderContents, inspect_folder
from app.ui.ops import Changes, StoreRunner
from app.ui.session.enrolment import (
    EnrolmentForm,
    FirstSignIn,
    PendingEnrolment,
    add_vouched_colleague,
    create_enrolled,
    enrol_device,
)

if TYPE_CHECKING:
    # The store (and SQLAlchemy under it) is imported on the store worker when first needed,
    # so the locked window appears without waiting for it.
    from app.store.store import Store, WriteTransaction

#: What a refused sign-in says, whether the username or the password was wrong (design: the
#: sign-in screen must not tell which usernames exist).
WRONG_CREDENTIALS = "That username and password do not open RPR on this PC."


@dataclass(frozen=True, slots=True)
class SignedIn:
    """What the window needs to know about the session that has just begun. ``account`` and
    ``staff`` are the signed-in person's records (None when the store has none for them: the
    permissions are then the ones the screens treat as "no clinical role")."""

    actor: str
    demo: bool
    read_only: bool
    wards: tuple[Ward, ...]
    folder: Path
    account: UserAccount | None = None
    staff: StaffMember | None = None
    #: The PC is enrolled with a trust server, which manages the ward and the sign-in
    #: accounts (server/publish.py): screens offer no changes to them.
    trust_managed: bool = False

    def may(self, permission: Permission) -> bool:
        """Whether the signed-in account may do ``permission`` (domain.md §7)."""
        return self.account is not None and self.account.may(permission)


@dataclass(frozen=True, slots=True)
class StandaloneSetUp:
    """Everything the first-run form collects for a standalone ward PC."""

    ward: Ward
    username: str
    password: str
    recovery_public_key_pem: bytes


def _signed_in(store: Store) -> SignedIn:
    with store.read() as reader:
        wards = tuple(reader.find(Ward))
        account = next((a for a in reader.find(UserAccount) if a.username == store.actor), None)
        staff = (
            reader.get(StaffMember, account.staff_id)
            if account is not None and account.staff_id is not None
            else None
        )
        demo = store.is_demo()
    trust_managed = store.sync.enrolment() is not None
    return SignedIn(
        actor=store.actor,
        demo=demo,
        read_only=store.read_only,
        wards=wards,
        folder=store.files.root,
        account=account,
        staff=staff,
        trust_managed=trust_managed,
    )


def _with_facts(store: Store) -> tuple[Store, SignedIn]:
    """``store`` with what the window needs of it (closed again if that cannot be read)."""
    try:
        return store, _signed_in(store)
    except BaseException:
        store.close()
        raise


class Session(QObject):
    """The signed-in session of the window (at most one at a time)."""

    #: A person signed in; carries :class:`SignedIn`.
    signed_in = Signal(object)
    #: The window must hide everything of the session now (idle, lock now, switch user).
    locking = Signal()
    #: The store is closed: the sign-in screen may be shown.
    locked = Signal()

    def __init__(self, runner: StoreRunner, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.data_dir = data_dir
        self._store: Store | None = None
        self.current: SignedIn | None = None
        #: A device credential issued at enrolment whose store is not made yet (a mistyped
        #: password must not waste the one-time code). Lost if the window closes.
        self.pending_enrolment: PendingEnrolment | None = None

    def require_store(self) -> Store:
        """The open store, for work submitted to the runner (raises :class:`Locked`)."""
        if self._store is None:
            raise Locked("The window is locked; sign in again.")
        return self._store

    def inspect(self, on_done: Callable[[FolderContents], None]) -> None:
        """What the data folder holds (for the first screen), read on the worker."""
        data_dir = self.data_dir
        self._runner.run(lambda: inspect_folder(data_dir), on_done=on_done)

    def sign_in(self, username: str, password: str, on_error: Callable[[str], None]) -> None:
        """Open the store as ``username``; :attr:`signed_in` follows, or ``on_error`` with a
        message that does not say whether the username exists."""
        data_dir = self.data_dir

        def work() -> tuple[Store, SignedIn]:
            from app.store.store import Store  # noqa: PLC0415 - see the imports

            store = Store.open(data_dir, username, password)
            try:
                facts = _signed_in(store)
                problem = sign_in_problem(facts.account)
            except BaseException:
                store.close()
                raise
            if problem is not None:
                store.close()
                raise UserFacingError(problem)
            return store, facts

        def refused(error: UserFacingError) -> None:
            on_error(WRONG_CREDENTIALS if isinstance(error, Locked) else str(error))

        self._runner.run(work, on_done=self._begin, on_error=refused)

    def set_up_standalone(self, setup: StandaloneSetUp, on_error: Callable[[str], None]) -> None:
        """Make the store of a standalone ward PC (its ward and its local administrator) and
        sign the administrator in."""
        data_dir = self.data_dir

        def save_ward(tx: WriteTransaction) -> None:
            tx.save(setup.ward)
            tx.save(
                UserAccount(username=setup.username.strip().lower(), access_role=AccessRole.ADMIN)
            )

        def work() -> tuple[Store, SignedIn]:
            from app.store.store import Store  # noqa: PLC0415 - see the imports

            store = Store.create(
                data_dir,
                username=setup.username,
                password=setup.password,
                recovery_public_key_pem=setup.recovery_public_key_pem,
                populate=save_ward,
            )
            return store, _signed_in(store)

        self._runner.run(work, on_done=self._begin, on_error=lambda e: on_error(str(e)))

    def enrol(
        self,
        form: EnrolmentForm,
        *,
        ca_certificate: Path | None,
        on_enrolled: Callable[[PendingEnrolment], None],
        on_error: Callable[[str], None],
        ward: str | None = None,
    ) -> None:
        """Enrol this PC with the trust's server (unless an earlier attempt already did), then
        the member of staff signs in against it, the store is made and they are signed in
        (see :mod:`app.ui.session.enrolment`). ``on_enrolled`` follows the first step.
        ``ward``: the PC's ``ward`` setting, which the enrolment code must be for."""
        data_dir = self.data_dir

        def create(pending: PendingEnrolment) -> None:
            def work() -> tuple[Store, SignedIn]:
                return _with_facts(create_enrolled(data_dir, pending, form, ca_certificate))

            def done(opened: tuple[Store, SignedIn]) -> None:
                self.pending_enrolment = None
                self._begin(opened)

            self._runner.run(work, on_done=done, on_error=lambda e: on_error(str(e)))

        def enrolled(pending: PendingEnrolment) -> None:
            self.pending_enrolment = pending
            on_enrolled(pending)
            create(pending)

        if self.pending_enrolment is not None:
            create(self.pending_enrolment)
            return

        def first_step() -> PendingEnrolment:
            # Refuse a folder that holds anything before the one-time code is used up.
            inspect_folder(data_dir).require_empty_for_setup()
            return enrol_device(form, ca_certificate, ward)

        self._runner.run(first_step, on_done=enrolled, on_error=lambda e: on_error(str(e)))

    def first_sign_in(
        self,
        first: FirstSignIn,
        *,
        server_url: str | None,
        ca_certificate: Path | None,
        on_error: Callable[[str], None],
    ) -> None:
        """A newcomer's first sign-in on this PC: a colleague who can sign in here opens the
        store, the trust server vouches for the newcomer, their key slot is added (audited
        as the colleague's act), and the newcomer is signed in."""
        data_dir = self.data_dir

        def work() -> tuple[Store, SignedIn]:
            from app.store.store import Store  # noqa: PLC0415 - see the imports

            try:
                colleague = Store.open(data_dir, first.colleague, first.colleague_password)
            except Locked:
                raise UserFacingError(
                    f"colleague: {WRONG_CREDENTIALS} Your colleague signs in with their own "
                    "account on this PC."
                ) from None
            with colleague:
                problem = sign_in_problem(_signed_in(colleague).account)
                if problem is not None:
                    raise UserFacingError(f"colleague: {problem}")
                username = add_vouched_colleague(
                    colleague, first, server_url=server_url, ca_certificate=ca_certificate
                )
            store, facts = _with_facts(Store.open(data_dir, username, first.password))
            problem = sign_in_problem(facts.account)
            if problem is not None:
                store.close()
                raise UserFacingError(problem)
            return store, facts

        self._runner.run(
            work,
            on_done=self._begin,
            on_error=lambda e: on_error(str(e)),
            changes=Changes(accounts=True),
        )

    def _begin(self, opened: tuple[Store, SignedIn]) -> None:
        store, facts = opened
        if self._store is not None:  # pragma: no cover - the sign-in screen is hidden then
            self._runner.run(store.close)
            return
        self._store = store
        self.current = facts
        self.signed_in.emit(facts)

    def lock(self) -> None:
        """Hide the session now; close its store once the screens' last drafts are saved."""
        store = self._store
        if store is None:
            return
        self.locking.emit()  # screens hand their unsaved edits to the runner first
        self._store = None
        self.current = None
        self._runner.run(store.close, on_done=lambda _: self.locked.emit())

    def close(self) -> None:
        """Lock and wait for the store to close (the window is closing)."""
        self.lock()
        self._runner.wait_idle()
