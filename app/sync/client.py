"""Connecting the engine to the server this PC is enrolled with (for the command line, the
window and the scheduler)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.models.errors import UserFacingError
from app.sync.engine import SyncEngine, SyncReport
from app.sync.errors import SyncFailed
from app.sync.transport import Transport

if TYPE_CHECKING:
    from pathlib import Path

    from app.sync.local import EnrolmentFact, LocalSyncState


class NotEnrolled(UserFacingError):
    """The store was never enrolled with a trust server, so there is nothing to sync with."""

    def __init__(self) -> None:
        super().__init__(
            "This PC is not enrolled with a trust server, so there is nothing to sync with. "
            "Trust IT enrols a PC with `rpr enrol --server URL --code CODE`."
        )


def device_transport(
    enrolment: EnrolmentFact, *, server_url: str | None, ca_certificate: Path | None
) -> Transport:
    """A transport to the trust server as this enrolled device. ``server_url`` (the
    machine-wide setting) wins over the address recorded at enrolment: IT may move the
    server; the credential stays the same."""
    return Transport(
        server_url or enrolment.server_url,
        token=enrolment.device_token,
        ca_certificate=ca_certificate,
    )


def sync_once(
    state: LocalSyncState,
    *,
    server_url: str | None = None,
    ca_certificate: Path | None = None,
) -> SyncReport:
    """One whole sync of the store behind ``state`` (see :mod:`app.sync.engine`); raises
    :class:`NotEnrolled` for a store that was never enrolled."""
    enrolment = state.enrolment()
    if enrolment is None:
        raise NotEnrolled
    with device_transport(
        enrolment, server_url=server_url, ca_certificate=ca_certificate
    ) as transport:
        return SyncEngine(state, transport).run()


def first_sync(
    state: LocalSyncState, *, server_url: str | None = None, ca_certificate: Path | None = None
) -> SyncReport | SyncFailed:
    """The sync that ends enrolment: the ward, its staff and the accounts the trust publishes
    (and whatever the ward's other PCs sent) arrive before anyone works on the new store.
    A failure is returned, not raised: the PC is enrolled and its store made either way, and
    the scheduler tries again."""
    try:
        return sync_once(state, server_url=server_url, ca_certificate=ca_certificate)
    except SyncFailed as exc:
        return exc
