"""Enrolling this PC with the trust's server from the window, and a member of staff's first
sign-in on an enrolled PC (design.md "Encryption at rest and signing in"; issue 7 items 3-4).

Everything here is work for the store worker (:class:`~app.ui.ops.StoreRunner`): network and
store calls, never widgets. Messages start with the field they are about (``server:``,
``code:``, ``username or password:``…) and never say whether a username exists.

Enrolment is two steps, as ``rpr enrol``: the one-time code becomes the device credential
(:func:`enrol_device`), then a member of staff signs in against the server and the store is
made with their key slot, the trust's recovery key and the enrolment (:func:`create_enrolled`).
The first step's answer is kept in memory (:class:`PendingEnrolment`) so that a mistyped
password does not waste the code, which works only once.

A first sign-in on an enrolled PC needs the data key to add a key slot, and only an open store
has it: nothing on a locked PC opens it without a person's password (the device credential
itself is inside the encrypted store). So the window takes design.md's other path: a colleague
who can already sign in here opens the store, the server vouches for the newcomer
(``POST /v1/sign-in`` with this PC's credential), and only then is the newcomer's slot added
(:func:`add_vouched_colleague`). Both are needed: a colleague alone cannot add someone the
trust does not know, and the server alone cannot open the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.models.errors import UserFacingError
from app.store.keyslots import normalise_username
from app.store.passwords import password_problem

if TYPE_CHECKING:
    # httpx, SQLAlchemy and the store are imported on the worker when first needed, so the
    # locked window appears without waiting for them.
    from pathlib import Path

    from app.store.store import Store
    from app.store.sync_state import Enrolment
    from app.sync.errors import SyncFailed
    from app.sync.wire import EnrolResponse, SignInResponse

#: The same words for a wrong username and a wrong password (the server answers both alike).
SIGN_IN_REFUSED = (
    "username or password: the trust server did not accept them (it does not say which is "
    "wrong). Check both and try again."
)


@dataclass(frozen=True, slots=True)
class EnrolmentForm:
    """What the "enrol this PC" form collects."""

    server_url: str
    code: str
    device_name: str
    username: str
    password: str


@dataclass(frozen=True, slots=True)
class PendingEnrolment:
    """A device credential the server has issued, not yet kept in a store (held in memory
    only, until a member of staff has signed in)."""

    server_url: str
    enrolled: EnrolResponse

    def enrolment(self) -> Enrolment:
        """What the store keeps of it."""
        from app.store.sync_state import Enrolment  # noqa: PLC0415 - see the imports

        return Enrolment(
            server_url=self.server_url,
            device_id=self.enrolled.device_id,
            device_token=self.enrolled.device_token,
            ward_id=self.enrolled.ward.ward_id,
            ward_name=self.enrolled.ward.name,
            trust_name=self.enrolled.trust_name,
        )


@dataclass(frozen=True, slots=True)
class FirstSignIn:
    """A newcomer's first sign-in on this PC, with a colleague who can already sign in."""

    username: str
    password: str
    colleague: str
    colleague_password: str


def enrol_device(
    form: EnrolmentForm, ca_certificate: Path | None, ward: str | None = None
) -> PendingEnrolment:
    """Step one: the one-time code becomes this PC's device credential. ``ward``: the PC's
    ``ward`` setting; a code issued for another ward is refused, still unused ("code: …")."""
    from app.sync.transport import Transport, checked_server_url  # noqa: PLC0415

    url = checked_server_url(form.server_url)
    if not form.device_name.strip():
        raise UserFacingError("PC name: give this PC a name trust IT will recognise")
    with server_errors(), Transport(url, ca_certificate=ca_certificate) as anonymous:
        enrolled = anonymous.enrol(form.code, form.device_name.strip(), ward=ward)
    return PendingEnrolment(url, enrolled)


def create_enrolled(
    data_dir: Path, pending: PendingEnrolment, form: EnrolmentForm, ca_certificate: Path | None
) -> Store:
    """Step two: the member of staff signs in against the server; the store is made with
    their key slot, the trust's recovery public key and the enrolment, synced once (the ward,
    its staff and the accounts arrive) and returned open."""
    from app.store.store import Store  # noqa: PLC0415 - heavy; imported on the worker
    from app.sync.client import first_sync  # noqa: PLC0415 - see the imports

    username = _checked_password(form.username, form.password)
    vouch(
        pending.server_url, pending.enrolled.device_token, username, form.password, ca_certificate
    )
    store = Store.create(
        data_dir,
        username=username,
        password=form.password,
        recovery_public_key_pem=pending.enrolled.recovery_public_key_pem.encode(),
        enrolment=pending.enrolment(),
    )
    # The ward and the accounts arrive now; when this fails the sync scheduler tries again.
    first_sync(store.sync, ca_certificate=ca_certificate)
    return store


def vouch(
    server_url: str, token: str, username: str, password: str, ca_certificate: Path | None
) -> SignInResponse:
    """The server checks the person's password and vouches for them on this device."""
    from app.sync.transport import Transport  # noqa: PLC0415 - see the imports

    with (
        server_errors(),
        Transport(server_url, token=token, ca_certificate=ca_certificate) as device,
    ):
        return device.sign_in(username, password)


def add_vouched_colleague(
    store: Store, first: FirstSignIn, *, server_url: str | None, ca_certificate: Path | None
) -> str:
    """On ``store`` (opened by the colleague): the server vouches for the newcomer, then
    their key slot is added. Returns the newcomer's username."""
    enrolment = store.sync.enrolment()
    if enrolment is None:
        raise UserFacingError(
            "This PC is not enrolled with the trust server, so it cannot check a new person's "
            "sign-in: the ward's administrator adds accounts on a standalone PC."
        )
    username = _checked_password(first.username, first.password)
    if username in store.users():
        raise UserFacingError(
            f"username: {username} can already sign in on this PC; use the sign-in above."
        )
    url = server_url or enrolment.server_url
    vouch(url, enrolment.device_token, username, first.password, ca_certificate)
    store.add_user(username, first.password)
    return username


def _checked_password(username: str, password: str) -> str:
    """The username normalised, if the password may protect a key slot on this PC."""
    name = normalise_username(username)
    problem = password_problem(password, name)
    if problem is not None:
        raise UserFacingError(
            f"{problem}: this PC's store cannot be protected with it. Change the password "
            "with trust IT first."
        )
    return name


class server_errors:  # noqa: N801 - used as a context manager, like contextlib's
    """Turns the sync client's errors into first-run words, each naming its field."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        from app.sync.errors import SyncFailed  # noqa: PLC0415 - see the imports

        if isinstance(exc, SyncFailed):
            raise UserFacingError(_message(exc)) from None


def _message(exc: SyncFailed) -> str:
    from app.sync.errors import (  # noqa: PLC0415 - see the imports
        KEPT,
        ClockSkewRefused,
        CredentialRefused,
        ServerUnreachable,
    )
    from app.sync.wire import ErrorCode  # noqa: PLC0415

    text = str(exc).replace(KEPT, "").replace("; sync will try again.", ".").strip()
    text = text.replace("sync will try again", "try again later").strip()
    if isinstance(exc, ServerUnreachable):
        return f"server: {text} Check the address and this PC's network; nothing was changed."
    if isinstance(exc, ClockSkewRefused):
        return f"this PC's clock: {text}"
    if isinstance(exc, CredentialRefused) and exc.code is ErrorCode.SIGN_IN_FAILED:
        return SIGN_IN_REFUSED
    fields = {
        ErrorCode.CODE_INVALID: "code",
        ErrorCode.WARD_MISMATCH: "code",
        ErrorCode.SLOW_DOWN: "username or password",
        ErrorCode.ACCOUNT_LOCKED: "username or password",
    }
    field = fields.get(exc.code, "server") if exc.code is not None else "server"
    return f"{field}: {text}"
