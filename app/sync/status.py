"""What the sync indicator and ``rpr status`` show: online or offline, how many revisions are
saved here and not yet sent, when something was last sent, conflicts, and warnings.

Built from the store's facts (:class:`~app.sync.local.SyncFactsView`) and, in the window, the
scheduler's state; plain values, so the window's indicator and the command line word it the
same way (design.md "Sync": what is not yet sent is visible in total).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.sync.local import SyncFactsView
    from app.sync.scheduler import SchedulerState


class Connection(StrEnum):
    """Whether the trust server answered the last time it was asked."""

    NOT_ENROLLED = "not enrolled"
    UNKNOWN = "not yet tried"
    ONLINE = "online"
    OFFLINE = "offline"


#: What the audit-chain warnings mean, for people.
CHAIN_WARNINGS = {
    "shorter": (
        "the trust server has seen a longer audit log from this PC than it holds now: events "
        "were cut from its end. Tell trust IT."
    ),
    "different": (
        "the trust server saw a different audit log from this PC: it was rewritten. Tell trust IT."
    ),
}


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """One sync status line's facts."""

    connection: Connection
    not_yet_sent: int
    refused: int
    conflicts: int
    last_sent_at: datetime | None
    last_synced_at: datetime | None
    counts_match: bool | None
    chain_warning: str | None
    last_error: str | None = None
    syncing: bool = False

    @classmethod
    def of(cls, facts: SyncFactsView, scheduler: SchedulerState | None = None) -> SyncStatus:
        """The status from the store's facts and, when sync runs in this process, the
        scheduler's state."""
        if facts.enrolment is None:
            connection = Connection.NOT_ENROLLED
        elif scheduler is None or scheduler.online is None:
            connection = Connection.UNKNOWN
        else:
            connection = Connection.ONLINE if scheduler.online else Connection.OFFLINE
        return cls(
            connection=connection,
            not_yet_sent=facts.not_yet_sent,
            refused=len(facts.refusals),
            conflicts=facts.conflicted,
            last_sent_at=facts.last_sent_at,
            last_synced_at=facts.last_synced_at,
            counts_match=facts.counts_match,
            chain_warning=facts.chain_warning,
            last_error=scheduler.last_error if scheduler else None,
            syncing=scheduler.running if scheduler else False,
        )

    def summary(self, local_time: datetime | None = None) -> str:
        """A short line for the indicator, e.g. ``Online · 3 not yet sent · last sent: 14:02``
        (times in ``local_time``'s zone when given, else as stored). Words carry the state, so
        colour is never the only signal."""
        if self.connection is Connection.NOT_ENROLLED:
            return "Not connected to a trust server (this PC keeps every record itself)"
        parts = [self.connection.value.capitalize()]
        if self.syncing:
            parts.append("sending and receiving")
        parts.append(f"{self.not_yet_sent} not yet sent" if self.not_yet_sent else "all sent")
        if self.refused:
            parts.append(f"{self.refused} refused by the server")
        if self.conflicts:
            parts.append(f"{self.conflicts} in conflict")
        parts.append(f"last sent: {_when(self.last_sent_at, local_time)}")
        if self.chain_warning:
            parts.append("AUDIT LOG WARNING")
        return " · ".join(parts)


def _when(moment: datetime | None, local_time: datetime | None) -> str:
    if moment is None:
        return "never"
    if local_time is not None and local_time.tzinfo is not None:
        moment = moment.astimezone(local_time.tzinfo)
        if moment.date() == local_time.date():
            return f"{moment:%H:%M}"
    return f"{moment:%Y-%m-%d %H:%M}"
