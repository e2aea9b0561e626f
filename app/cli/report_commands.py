"""Every ``rpr report`` subcommand, registered in the order ``rpr report --help`` lists them.

Each report lives in its own module (``app/cli/report_*.py``) and exposes ``COMMAND``, a
:class:`~app.cli.reports.ReportCommand`; adding a report is one line here.
"""

from __future__ import annotations

from app.cli.reports import REPORTS

#: The report modules, in the order they are listed.
_MODULES: tuple[str, ...] = ()

for _module in _MODULES:
    REPORTS.append(__import__(f"app.cli.{_module}", fromlist=["COMMAND"]).COMMAND)

REPORTS_LOADED = True
