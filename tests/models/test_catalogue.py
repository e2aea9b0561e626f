"""Every record class of the domain is known to the store, whatever was imported first."""

import importlib
import pkgutil
import subprocess
import sys

import app.models
from app.models.base import Record
from app.models.catalogue import CLINICAL_RECORDS


def _all_record_classes() -> set[type[Record]]:
    for module in pkgutil.iter_modules(app.models.__path__):
        importlib.import_module(f"app.models.{module.name}")
    found: set[type[Record]] = set()
    pending = [Record]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("app.models.") and sub.__dict__.get("KIND"):
                found.add(sub)
    return found


def test_the_catalogue_lists_every_record_class() -> None:
    assert set(CLINICAL_RECORDS) == _all_record_classes()
    assert len({cls.KIND for cls in CLINICAL_RECORDS}) == len(CLINICAL_RECORDS)


def test_record_class_knows_every_kind_in_a_fresh_process() -> None:
    code = (
        "from app.models.base import record_class;"
        "print(record_class('ward').__name__, record_class('lts_engagement').__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["Ward", "LtsEngagementEntry"]
