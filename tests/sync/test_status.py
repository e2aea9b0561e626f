"""The sync status line: words carry the state (colour is never the only signal), what is not
yet sent is always counted, and an audit-log warning is never hidden."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

from app.sync.scheduler import SchedulerState
from app.sync.status import Connection, SyncStatus


@dataclass(frozen=True)
class Enrolled:
    server_url: str = "https://rpr.trust.example"
    device_id: object = field(default_factory=uuid4)
    device_token: str = "t" * 40
    ward_name: str = "Willow Ward"
    trust_name: str = "Example NHS Trust"


@dataclass(frozen=True)
class Facts:
    enrolment: Enrolled | None = field(default_factory=Enrolled)
    not_yet_sent: int = 0
    refusals: tuple[object, ...] = ()
    last_sent_at: datetime | None = None
    last_synced_at: datetime | None = None
    chain_warning: str | None = None
    conflicted: int = 0
    counts_match: bool | None = None


LONDON_WINTER = timezone(timedelta(0))


def test_a_pc_that_was_never_enrolled_says_so() -> None:
    status = SyncStatus.of(Facts(enrolment=None))
    assert status.connection is Connection.NOT_ENROLLED
    assert status.summary() == "Not connected to a trust server (this PC keeps every record itself)"


def test_offline_with_edits_waiting() -> None:
    sent = datetime(2026, 12, 6, 14, 2, tzinfo=UTC)
    scheduler = SchedulerState(online=False, failures_in_a_row=2, last_error="offline")
    status = SyncStatus.of(Facts(not_yet_sent=3, last_sent_at=sent), scheduler)
    assert status.connection is Connection.OFFLINE
    now = datetime(2026, 12, 6, 15, 0, tzinfo=LONDON_WINTER)
    assert status.summary(now) == "Offline · 3 not yet sent · last sent: 14:02"
    assert status.last_error == "offline"


def test_online_all_sent_with_conflicts_refusals_and_a_chain_warning() -> None:
    facts = Facts(refusals=(object(),), conflicted=2, chain_warning="shorter")
    status = SyncStatus.of(facts, SchedulerState(online=True))
    assert status.summary() == (
        "Online · all sent · 1 refused by the server · 2 in conflict · last sent: never · "
        "AUDIT LOG WARNING"
    )


def test_before_the_first_try_and_on_another_day() -> None:
    sent = datetime(2026, 12, 1, 9, 5, tzinfo=UTC)
    status = SyncStatus.of(Facts(last_sent_at=sent))
    now = datetime(2026, 12, 6, 15, 0, tzinfo=LONDON_WINTER)
    assert status.connection is Connection.UNKNOWN
    assert status.summary(now) == "Not yet tried · all sent · last sent: 2026-12-01 09:05"
