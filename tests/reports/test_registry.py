"""Every document is registered once, and the window's table of rights (which it reads without
importing the documents) says what each document itself requires."""

from app.documents.registry import REPORTS
from app.documents.rights import RIGHTS


def test_the_windows_table_of_rights_matches_each_document() -> None:
    assert {r.name: r.permission for r in REPORTS} == RIGHTS
    assert len({r.name for r in REPORTS}) == len(REPORTS)
