"""Reading what the incident form keeps beside the record (drafts of
:mod:`app.ui.incidents.kept_draft`), as the tests need it."""

from __future__ import annotations

import json
from uuid import UUID

from pytestqt.qtbot import QtBot

from app.models.form_draft import FormDraft
from app.models.revision import Revision
from app.store.store import Store
from app.ui.context import ScreenContext
from tests.ui.incident_steps import on_worker


def kept_beside(qtbot: QtBot, ctx: ScreenContext, incident_id: UUID) -> list[FormDraft]:
    """The drafts kept beside the incident, as the store holds them now."""

    def read(store: Store) -> list[FormDraft]:
        with store.read() as reader:
            return reader.find(FormDraft, parent_id=incident_id)

    return on_worker(qtbot, ctx, read)


def values_hold(revision: Revision, **wanted: str) -> bool:
    """Whether a saved draft holds each text of ``wanted`` under a key ending ``_<part>``."""
    values = json.loads(revision.payload)["values"]
    return all(any(k.endswith(f"_{part}") and v == text for k, v in values.items())
               for part, text in wanted.items())  # fmt: skip
