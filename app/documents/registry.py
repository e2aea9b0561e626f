"""Every document, in the order ``rpr report --help`` and the window list them.

Each lives in its own module of ``app/documents`` and exposes ``COMMAND``, a
:class:`~app.documents.base.ReportCommand`; adding one is one import and one line here.
"""

from __future__ import annotations

from app.documents import (
    handover,
    incident,
    mhsds,
    oversight,
    patient_copy,
    patient_copy_lts,
    seclusion,
    segregation,
)
from app.documents.base import ReportCommand

#: Every document, in the order ``rpr report --help`` and the window list them.
REPORTS: list[ReportCommand] = [
    incident.COMMAND,
    handover.COMMAND,
    seclusion.COMMAND,
    segregation.COMMAND,
    patient_copy.COMMAND,
    patient_copy_lts.COMMAND,
    oversight.COMMAND,
    mhsds.COMMAND,
]
