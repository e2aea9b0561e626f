"""What blanket and individual restrictions share: a period that is ended with a reason, and a
review date with its clock (issue 10, items 1 and 2).

Not in domain.md: national guidance on reducing restrictive practice asks that every
restriction be justified, reviewed regularly and ended once it is no longer needed. The
intervals are :class:`~app.models.policy.RestrictionPolicy` *(configurable; verify)*.

The review clock of a restriction, computed at an instant ``at``:

- due at the **earlier** of the review date set on the record (due by the end of that ward
  day: overdue from the midnight that ends it) and the policy's longest interval counted from
  the start, then from the last review — calendar days or months on the ward's wall clock, so
  a review due at 10:00 stays at 10:00 across a clock change
  (:func:`~app.models.clock.add_local_calendar`). The policy interval is the longest a
  restriction may go unreviewed; an earlier date set by the approver or the last review
  brings it forward (our decision);
- overdue strictly after the due instant, as every :class:`~app.models.review_clocks.ReviewClock`;
  **due soon** when running, not overdue and due within the policy's warning days;
- stopped once the restriction has ended.

A review is recorded on the restriction itself (a new revision setting ``reviewed_at``,
``reviewed_by`` and usually a new ``review_on``): its history keeps every earlier review.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import model_validator

from app.models.base import ACTIVE, ENDED, PastInstant, Record, RequiredText
from app.models.clock import add_local_calendar, as_utc, local_date, local_midnight
from app.models.refs import PersonRef
from app.models.review_clocks import ClockKind, ClockState, ReviewClock

_ONE_DAY = timedelta(days=1)


class ReviewedRestriction(Record):
    """Base of a restriction that runs from ``started_at`` until it is ended, and is reviewed.
    Not a record kind itself (it has no ``KIND``).

    Contract:
    - ending is a new revision setting ``ended_at``, ``ended_by`` and ``end_reason``
      together; an end with no reason is refused naming ``end_reason``; nothing is deleted
      (a restriction entered in error is voided by the store, with a reason);
    - a restriction cannot end before it started;
    - the last review (``reviewed_at`` with ``reviewed_by``) is given together, not before
      the start nor after the end;
    - ``review_on``, the next review date, is not before the ward day of the start or of the
      last review (a review must set a new date or clear the old one).
    """

    started_at: PastInstant
    review_on: date | None = None
    reviewed_at: PastInstant | None = None
    reviewed_by: PersonRef | None = None
    ended_at: PastInstant | None = None
    ended_by: PersonRef | None = None
    end_reason: RequiredText | None = None

    @model_validator(mode="after")
    def _period_rules(self) -> ReviewedRestriction:
        ended = self.ended_at is not None
        if ended and self.end_reason is None:
            raise ValueError("end_reason: is required when a restriction ends")
        if ended and self.ended_by is None:
            raise ValueError("ended_by: who ended the restriction is required once it ends")
        if not ended and (self.end_reason is not None or self.ended_by is not None):
            field = "end_reason" if self.end_reason is not None else "ended_by"
            raise ValueError(f"{field}: is only recorded when the restriction ends")
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError("ended_at: must not be before the restriction started")
        if (self.reviewed_at is None) != (self.reviewed_by is None):
            field = "reviewed_by" if self.reviewed_by is None else "reviewed_at"
            raise ValueError(f"{field}: when and by whom it was reviewed are given together")
        if self.reviewed_at is not None:
            if self.reviewed_at < self.started_at:
                raise ValueError("reviewed_at: must not be before the restriction started")
            if self.ended_at is not None and self.reviewed_at > self.ended_at:
                raise ValueError("reviewed_at: must not be after the restriction ended")
        counted_from = self.reviewed_at or self.started_at
        if self.review_on is not None and self.review_on < local_date(counted_from):
            raise ValueError(
                "review_on: must not be before the day it started or was last reviewed"
            )
        return self

    @property
    def status(self) -> str:
        """``active`` or ``ended`` (the store indexes it)."""
        return ENDED if self.ended_at is not None else ACTIVE

    def is_active_at(self, at: datetime) -> bool:
        """True while the restriction applied at ``at`` (start inclusive, end exclusive)."""
        at = as_utc(at)
        return self.started_at <= at and (self.ended_at is None or at < self.ended_at)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def restriction_review_clock(
    restriction: ReviewedRestriction,
    at: datetime,
    *,
    kind: ClockKind,
    every_days: int = 0,
    every_months: int = 0,
) -> ReviewClock:
    """The review clock of ``restriction`` at ``at`` (see the module docstring): the policy
    interval is ``every_days`` days plus ``every_months`` calendar months on the wall clock.
    """
    at = as_utc(at)
    last = restriction.reviewed_at
    interval = " and ".join(
        _plural(n, unit) for n, unit in ((every_months, "month"), (every_days, "day")) if n
    )
    basis = (
        f"at least every {interval} on the ward clock, from the start and then from the last "
        "review, or by the review date set if that is earlier"
    )
    if restriction.ended_at is not None and restriction.ended_at <= at:
        return ReviewClock(kind=kind, state=ClockState.STOPPED, basis=basis, last_done=last)
    due = add_local_calendar(last or restriction.started_at, days=every_days, months=every_months)
    if restriction.review_on is not None:
        due = min(due, local_midnight(restriction.review_on + _ONE_DAY))
    state = ClockState.OVERDUE if at > due else ClockState.DUE
    return ReviewClock(kind=kind, state=state, basis=basis, last_done=last, next_due=due)


def due_soon(clock: ReviewClock, at: datetime, within: timedelta) -> bool:
    """The clock is running, not overdue at ``at``, and due no later than ``at + within``
    (the board's amber before the red of overdue)."""
    if clock.next_due is None or clock.overdue_at(at):
        return False
    return clock.next_due - as_utc(at) <= within
