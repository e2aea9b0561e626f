"""Drafts save themselves: after a pause, and at least every few seconds while typing goes on,
never twice for the same content, each save based on the one before."""

from uuid import uuid4

from pytestqt.qtbot import QtBot

from app.models.people import Ward
from app.ui.forms import DraftAutosave, RecordSaver


def test_a_draft_is_saved_while_typing_goes_on_without_a_pause(qtbot: QtBot, signed_in) -> None:  # type: ignore[no-untyped-def]
    ctx = signed_in("demo.manager")
    saver = RecordSaver(ctx)
    typed = {"name": "Rowan Ward"}
    ward_id = uuid4()  # the same record throughout, as a form keeps its record's id
    draft = DraftAutosave(
        saver,
        lambda: Ward.build(
            id=ward_id, name=typed["name"], code="ROW-9", number_of_beds=8, site="Hillside"
        ),
        delay_ms=60_000,  # a pause long enough never to come: only the at-least rule saves
        at_least_ms=200,
    )
    saved = []
    refused: list[str] = []
    draft.saved.connect(saved.append)
    draft.refused.connect(refused.append)

    def keep_typing() -> bool:
        typed["name"] = "Rowan Ward" if typed["name"].endswith("s") else "Rowan Wards"
        draft.changed()
        return bool(saved)

    qtbot.waitUntil(keep_typing, timeout=10_000)
    first = saved[0]
    assert first.parents == ()  # a new record
    ctx.runner.wait_idle()  # any save still queued has run
    qtbot.waitUntil(lambda: len(ctx.runner._jobs) == 0)
    with qtbot.waitSignal(draft.saved, timeout=10_000) as last:
        typed["name"] = "Rowan Ward (south)"
        draft.flush()
    assert last.args[0].parents == (saved[-2].revision_id,)  # based on the save before it
    with qtbot.assertNotEmitted(draft.saved, wait=300):
        draft.flush()  # nothing new: no save
    assert not refused
