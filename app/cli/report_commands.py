"""Every ``rpr report`` subcommand, registered in the order ``rpr report --help`` lists them.

Each report lives in its own module (``app/cli/report_*.py``) and exposes ``COMMAND``, a
:class:`~app.cli.reports.ReportCommand`; adding a report is one import and one line here.
"""

from __future__ import annotations

from app.cli import (
    report_handover,
    report_incident,
    report_mhsds,
    report_oversight,
    report_patient_copy,
    report_seclusion,
    report_segregation,
)
from app.cli.reports import REPORTS

REPORTS.extend(
    [
        report_incident.COMMAND,
        report_handover.COMMAND,
        report_seclusion.COMMAND,
        report_segregation.COMMAND,
        report_patient_copy.COMMAND,
        report_oversight.COMMAND,
        report_mhsds.COMMAND,
    ]
)

REPORTS_LOADED = True
