"""How the incident screens word statuses, durations and answers (display only: the rules
are the domain's)."""

from __future__ import annotations

from datetime import timedelta

from app.models.incident import UseOfForceIncident
from app.models.incident_parts import IncidentStatus


def span(delta: timedelta) -> str:
    """``45 min``, ``1 h 05 min`` (whole minutes, never negative)."""
    minutes = max(0, int(delta.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


STATUS_WORDS: dict[IncidentStatus, str] = {
    IncidentStatus.DRAFT: "Draft",
    IncidentStatus.SUBMITTED: "Awaiting sign-off",
    IncidentStatus.SIGNED_OFF: "Signed off",
}
RETURNED = "Returned for correction"


def status_word(status: IncidentStatus, *, returned: bool) -> str:
    """The status as the list and the form say it."""
    return RETURNED if returned and status is IncidentStatus.DRAFT else STATUS_WORDS[status]


def incident_status(incident: UseOfForceIncident) -> str:
    """The status of ``incident`` in words."""
    return status_word(incident.status, returned=incident.is_returned)
