"""The right each document takes (domain.md §7), by its name, without importing the documents
themselves (they bring reportlab, which the window loads only when a document is made): the
window decides what to offer from this table, and a test holds it equal to each document's own
``ReportCommand.permission``."""

from __future__ import annotations

from app.models.people import Permission

RIGHTS: dict[str, Permission] = {
    "incident": Permission.RECORD,
    "handover": Permission.RECORD,
    "seclusion": Permission.PRINT_REVIEW_DOCUMENTS,
    "lts-review": Permission.PRINT_REVIEW_DOCUMENTS,
    "patient-copy": Permission.RECORD,
    "patient-copy-lts": Permission.RECORD,
    "oversight": Permission.VIEW_WARD_FIGURES,
    "mhsds": Permission.VIEW_WARD_FIGURES,
}
