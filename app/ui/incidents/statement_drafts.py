"""Accounts and additions being typed on the "My accounts to give" screen, kept as drafts so
nothing typed is lost to a lock, a switch of user or a killed client (issue 6: "never lose a
word"; design.md "Records are revisions").

The screen has one set of fields per form (:data:`ACCOUNT_DRAFT`: role, holds and what was
done; :data:`ADDITION_DRAFT`: an addition to a given account) and shows one incident in each
at a time. :class:`StatementDrafts` keeps, per form and incident, a
:class:`~app.ui.incidents.kept_draft.KeptFormDraft` (``parent_id`` = the incident, the member
of staff under :data:`STAFF_KEY`): saved a moment after each change and at least every few
seconds, at once when another incident is chosen (what was typed is held for it meanwhile) and
when the window locks. When an incident is shown again — now or at a later sign-in of the same
person — what was typed for it is put back. Giving the account closes its draft; emptying the
fields discards it (closed too). Nothing is deleted, and a given account is never a draft.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit

from app.models.clock import format_local
from app.models.codes import InterventionType
from app.models.incident import UseOfForceIncident
from app.ui.context import ScreenContext
from app.ui.incidents.kept_draft import KeptFormDraft
from app.ui.incidents.statement_queries import (
    ACCOUNT_DRAFT,
    ADDITION_DRAFT,
    STAFF_KEY,
    MyAccounts,
)

DRAFT_FORMS = (ACCOUNT_DRAFT, ADDITION_DRAFT)
#: Texts of one form's fields, by field name (fields left empty are left out).
Texts = dict[str, str]


class StatementDrafts(QObject):
    """The drafts of one statements screen, over its fields: ``role``, ``holds`` and
    ``account`` (an account), ``addition`` (an addition). GUI thread only."""

    #: A draft was kept (carries its revision).
    kept = Signal(object)
    #: A draft could not be kept (carries the message).
    refused = Signal(str)

    def __init__(
        self,
        ctx: ScreenContext,
        fields: tuple[QLineEdit, HoldsList, QPlainTextEdit, QPlainTextEdit],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.role, self.holds, self.account, self.addition = fields
        self.accounts = MyAccounts(owed=(), given=())
        self.filling = False
        #: The incident whose account (or addition) the fields hold now, by form.
        self._shown: dict[str, UseOfForceIncident | None] = dict.fromkeys(DRAFT_FORMS)
        #: What was typed for incidents not shown now.
        self._held: dict[tuple[str, UUID], Texts] = {}
        self._keepers: dict[tuple[str, UUID], KeptFormDraft] = {}

    def shown(self, form: str) -> UseOfForceIncident | None:
        """The incident the fields of ``form`` are about now."""
        return self._shown[form]

    def _read(self, form: str) -> Texts:
        """What the fields of ``form`` hold, leaving out those left empty."""
        if form == ACCOUNT_DRAFT:
            texts = {"role": self.role.text(), "holds": self.holds.codes_text()}
            texts["account"] = self.account.toPlainText()
        else:
            texts = {"addition": self.addition.toPlainText()}
        return {key: text for key, text in texts.items() if text.strip()}

    def put(self, form: str, texts: Texts) -> None:
        """Show ``texts`` in the fields of ``form`` (not counted as typing)."""
        self.filling = True
        try:
            if form == ADDITION_DRAFT:
                self.addition.setPlainText(texts.get("addition", ""))
            else:
                self.role.setText(texts.get("role", ""))
                self.account.setPlainText(texts.get("account", ""))
                self.holds.tick(texts.get("holds", ""))
        finally:
            self.filling = False

    def _values(self, form: str, incident_id: UUID) -> Texts:
        """The texts a draft of ``form`` for ``incident_id`` keeps now (nothing: no draft)."""
        shown = self._shown[form]
        if shown is not None and shown.id == incident_id:
            texts = self._read(form)
        else:
            texts = self._held.get((form, incident_id), {})
        staff = self._ctx.facts.staff
        return {**texts, STAFF_KEY: str(staff.id)} if texts and staff else {}

    def keeper(self, form: str, incident: UseOfForceIncident) -> KeptFormDraft:
        """The draft of ``form`` for ``incident`` (carrying on with the one kept, if any)."""
        key = (form, incident.id)
        keeper = self._keepers.get(key)
        if keeper is None:
            keeper = KeptFormDraft(
                self._ctx,
                form,
                incident,
                lambda: self._values(form, incident.id),
                kept=self.accounts.draft_for(form, incident.id),
                parent=self,
            )
            keeper.saved.connect(self.kept.emit)
            keeper.refused.connect(self.refused.emit)
            self._keepers[key] = keeper
        return keeper

    def typed(self, form: str) -> None:
        """A field of ``form`` changed: keep it in a moment (all emptied: the draft closes)."""
        incident = self._shown[form]
        if self.filling or incident is None:
            return
        keeper = self.keeper(form, incident)
        if self._read(form):
            keeper.changed()
        else:
            keeper.close()

    def leave(self, form: str, incident: UseOfForceIncident | None) -> Texts:
        """``incident`` is chosen next for ``form``: hold and keep what was typed for the one
        shown until now. Returns what the fields hold if it is the same incident again."""
        texts = self._read(form)
        shown = self._shown[form]
        if shown is None or (incident is not None and incident.id == shown.id):
            return texts
        self._held[(form, shown.id)] = texts
        self._shown[form] = None  # from here its draft reads what is held
        if (keeper := self._keepers.get((form, shown.id))) is not None:
            keeper.flush()
        return {}

    def enter(self, form: str, incident: UseOfForceIncident | None, texts: Texts) -> str | None:
        """Show ``incident`` in the fields of ``form``: ``texts`` if it is shown already,
        else what was typed for it earlier, or the draft the store kept. Returns a note for
        the person ("" for none; None when the same incident stays shown)."""
        if incident is not None and self._shown[form] is not None:
            self._shown[form] = incident  # the same one, perhaps read again
            self.put(form, texts)
            return None
        note, texts = "", {}
        if incident is not None and (form, incident.id) in self._held:
            texts = self._held[(form, incident.id)]  # typed (or emptied) here since sign-in
        elif incident is not None and (kept := self.accounts.draft_for(form, incident.id)):
            texts = {k: v for k, v in kept[0].values.items() if k != STAFF_KEY}
            when = format_local(kept[0].saved_at)
            note = f"Carried on from what you typed at {when}, kept as a draft: check it."
        self._shown[form] = incident
        self.put(form, texts)
        return note

    def given(self, form: str, incident: UseOfForceIncident) -> None:
        """The statement typed for ``incident`` was saved: close its draft (with what was
        given) and empty the fields if they still show it."""
        self.keeper(form, incident).close()
        self._held[(form, incident.id)] = {}  # the kept draft is closed: never put back
        shown = self._shown[form]
        if shown is not None and shown.id == incident.id:
            self.put(form, {})

    def flush(self) -> None:
        """Keep everything typed as drafts now (the window is locking)."""
        for keeper in self._keepers.values():
            keeper.flush()


class HoldsList(QListWidget):
    """The types of force of the incident, each ticked (Space) if the person took part in it;
    the ticks read and put back as text (the codes, comma-separated) for a draft."""

    def show_kinds(self, kinds: Iterable[InterventionType]) -> None:
        """List ``kinds``, none ticked."""
        self.clear()
        for kind in kinds:
            item = QListWidgetItem(f"{kind.value} {kind.label}")
            item.setData(Qt.ItemDataRole.UserRole, kind.value)  # Qt keeps the code as text
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)

    def chosen(self) -> tuple[InterventionType, ...]:
        """The types ticked."""
        items = (self.item(i) for i in range(self.count()))
        return tuple(
            InterventionType(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        )

    def codes_text(self) -> str:
        """The ticked types' codes, for a draft."""
        return ",".join(kind.value for kind in self.chosen())

    def tick(self, codes_text: str) -> None:
        """Tick exactly the types a draft's :meth:`codes_text` names."""
        ticked = set(codes_text.split(","))
        for item in (self.item(i) for i in range(self.count())):
            code = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Checked if code in ticked else Qt.CheckState.Unchecked)
