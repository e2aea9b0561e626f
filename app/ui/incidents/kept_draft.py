"""What the incident form keeps beside the record as a :class:`~app.models.form_draft.FormDraft`,
so nothing typed is lost to a lock, a closed form or a killed client (issue 6, item 9: "never
lose a word"; design.md "Records are revisions").

Two kinds, both with ``parent_id`` = the incident:

- :data:`UNFINISHED_FORM` — while the incident is a draft, what is typed but cannot be part of
  the record yet: rapid-tranquillisation details not all given (the record holds them only
  once complete, domain.md §3) and people not unit staff with only who or why. The incident
  draft itself is saved as the record; this is the rest.
- :data:`AMENDMENT_FORM` — while a signed-off record is being amended: the fields changed (a
  signed-off record cannot become a draft again, and an amendment is saved only with its
  reason), the reason typed so far, the revision the amendment began from, and the unfinished
  details as above. Only the person who typed it gets it back.

Either is *closed* once the real record is saved from it (submitted, or the amendment saved) or
the person discards it (the amendment cancelled); nothing is deleted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from uuid import UUID, uuid4

from PySide6.QtCore import QObject, Signal

from app.models.errors import UserFacingError
from app.models.form_draft import DraftStatus, FormDraft
from app.models.incident import UseOfForceIncident
from app.ui.context import ScreenContext
from app.ui.forms import AUTOSAVE_MS, DraftAutosave, RecordSaver

UNFINISHED_FORM = "incident_unfinished"
AMENDMENT_FORM = "incident_amendment"
#: A kept draft and the revision a change to it must name as its base.
KeptDraft = tuple[FormDraft, UUID]

REASON_KEY = "amendment_reason"
BASE_KEY = "amendment_base"
#: A changed field kept as its text (narratives: no escaping, so the longest one still fits).
TEXT_PREFIX = "t_"
#: A changed field kept as JSON (times, codes, lists of uses, None).
JSON_PREFIX = "j_"


class KeptFormDraft(QObject):
    """One draft kept beside the incident: saved a moment after :meth:`changed`, at once on
    :meth:`flush`, closed by :meth:`close`. ``values`` gives the texts to keep now (called on
    the GUI thread); nothing is saved until it first gives something."""

    #: The draft was saved (carries the revision).
    saved = Signal(object)
    #: The draft could not be kept (carries the message).
    refused = Signal(str)

    def __init__(
        self,
        ctx: ScreenContext,
        form: str,
        incident: UseOfForceIncident,
        values: Callable[[], dict[str, str]],
        *,
        kept: KeptDraft | None = None,
        delay_ms: int = AUTOSAVE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._form = form
        self._incident_id = incident.id
        self._patient_id = incident.patient_id
        self._values = values
        self._delay_ms = delay_ms
        self._last: tuple[dict[str, str], FormDraft] | None = None
        self._start(kept)

    def _start(self, kept: KeptDraft | None) -> None:
        self._id = kept[0].id if kept else uuid4()
        self._started = kept is not None
        self._last = None
        self._saver = RecordSaver(self._ctx, base=kept[1] if kept else None)
        self._autosave = DraftAutosave(
            self._saver, self._build, delay_ms=self._delay_ms, parent=self
        )
        self._autosave.saved.connect(self.saved.emit)
        self._autosave.refused.connect(self.refused.emit)

    def _draft(self, values: dict[str, str], status: DraftStatus) -> FormDraft:
        return FormDraft.build(
            id=self._id,
            ward_id=self._ctx.ward_id,
            patient_id=self._patient_id,
            parent_id=self._incident_id,
            form=self._form,
            values=values,
            saved_at=self._ctx.now(),
            status=status,
        )

    def _build(self) -> FormDraft | None:
        values = self._values()
        if not values and not self._started:
            return None  # nothing typed that needs keeping
        if self._last is not None and self._last[0] == values:
            return self._last[1]  # unchanged: the autosave skips it
        draft = self._draft(values, DraftStatus.OPEN)
        self._started = True
        self._last = (values, draft)
        return draft

    def changed(self) -> None:
        """Something was typed: keep it in a moment."""
        self._autosave.changed()

    def flush(self) -> None:
        """Keep what is typed now (the window is locking, the form closing)."""
        self._autosave.flush()

    def close(self) -> None:
        """The record was saved from the draft, or the person discarded it: close the draft
        (a later draft of the same form is a new one)."""
        self._autosave.forget()
        if self._started:
            closed: FormDraft | None
            try:
                closed = self._draft(self._values(), DraftStatus.CLOSED)
            except UserFacingError:  # a value the draft cannot hold: close it as last kept
                closed = None if self._last is None else self._last[1].closed(self._ctx.now())
            if closed is not None:
                self._saver.save(closed, owner=self)
        self._autosave.deleteLater()
        self._start(None)


# -- an amendment as draft texts ----------------------------------------------------------


def amendment_texts(signed_off: UseOfForceIncident, proposed: UseOfForceIncident) -> dict[str, str]:
    """The fields of ``proposed`` that differ from ``signed_off``, as draft texts."""
    before = signed_off.model_dump(mode="json")
    after = proposed.model_dump(mode="json")
    texts: dict[str, str] = {}
    for name, value in after.items():
        if before.get(name) == value:
            continue
        if isinstance(value, str):
            texts[f"{TEXT_PREFIX}{name}"] = value
        else:
            texts[f"{JSON_PREFIX}{name}"] = json.dumps(value, sort_keys=True)
    return texts


def amended_record(signed_off: UseOfForceIncident, texts: Mapping[str, str]) -> UseOfForceIncident:
    """``signed_off`` with the fields kept by :func:`amendment_texts` put back (raises
    ``UserFacingError`` when they no longer make a record, e.g. after another amendment)."""
    data = signed_off.model_dump(mode="json")
    for key, text in texts.items():
        if key.startswith(TEXT_PREFIX) and key[len(TEXT_PREFIX) :] in data:
            data[key[len(TEXT_PREFIX) :]] = text
        elif key.startswith(JSON_PREFIX) and key[len(JSON_PREFIX) :] in data:
            try:
                data[key[len(JSON_PREFIX) :]] = json.loads(text)
            except ValueError as exc:
                raise UserFacingError("The kept amendment could not be read back.") from exc
    return UseOfForceIncident.build(**data)
