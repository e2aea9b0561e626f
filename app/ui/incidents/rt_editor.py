"""Rapid tranquillisation with one type 14 use of force: drug, dose, route, time, site, whether
oral medication was offered first, the risk factors, and the post-RT observation clock
(domain.md §3 "Other restraint rules"; the clock is :mod:`app.models.restraint_rules`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from app.models.base import Answer
from app.models.clock import format_local
from app.models.errors import UserFacingError
from app.models.incident_parts import DoseUnit, RapidTranquillisation, RtRiskFactor, RtRoute
from app.models.policy import ClinicalPolicy
from app.models.restraint_rules import rt_monitoring_due_at, rt_monitoring_interval
from app.ui.incidents.inputs import ChoiceCombo, line, set_text, text_of
from app.ui.incidents.time_field import TimeField
from app.ui.incidents.wording import span
from app.ui.widgets import OVERDUE_COLOUR, named

RISK_WORDS: dict[RtRiskFactor, str] = {
    RtRiskFactor.MAXIMUM_DOSE_EXCEEDED: "Maximum dose exceeded",
    RtRiskFactor.ASLEEP_OR_SEDATED: "Asleep or sedated",
    RtRiskFactor.ALCOHOL_OR_DRUGS: "Has taken alcohol or drugs",
    RtRiskFactor.PHYSICAL_HEALTH_PROBLEM: "Physical health problem",
    RtRiskFactor.HARMED: "Was harmed",
}
CHECKS = "pulse, blood pressure, respiratory rate, temperature, hydration and consciousness"


class RtEditor(QGroupBox):
    """The details of one rapid tranquillisation; :meth:`value` is None until all are given."""

    changed = Signal()

    def __init__(
        self, now: Callable[[], datetime], policy: ClinicalPolicy, parent: QWidget | None = None
    ) -> None:
        super().__init__("Rapid tranquillisation", parent)
        self._now = now
        self._policy = policy
        self.drug = line("Rapid tranquillisation drug", "e.g. Lorazepam")
        self.dose = line("Rapid tranquillisation dose amount", "e.g. 2")
        self.unit = ChoiceCombo("Dose unit", [(u.value, u) for u in DoseUnit], blank="(unit)")
        self.route = ChoiceCombo(
            "Route",
            [("Intramuscular", RtRoute.INTRAMUSCULAR), ("Intravenous", RtRoute.INTRAVENOUS)],
        )
        self.site = line("Injection site", "e.g. Left upper outer buttock")
        self.given_at = TimeField("Time the injection was given", now)
        self.oral_first = ChoiceCombo(
            "Oral medication offered first",
            [("Yes", Answer.YES), ("No", Answer.NO), ("Not known", Answer.NOT_KNOWN)],
        )
        self.risks = {
            factor: named(QCheckBox(words), f"Risk factor: {words}")
            for factor, words in RISK_WORDS.items()
        }
        self.clock = named(QLabel(), "Post-RT observation clock")
        self.clock.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Drug", self.drug)
        form.addRow("Dose", self.dose)
        form.addRow("Unit", self.unit)
        form.addRow("Route", self.route)
        form.addRow("Site", self.site)
        form.addRow("Given at", self.given_at)
        form.addRow("Oral offered first", self.oral_first)
        risks = QVBoxLayout()
        for box in self.risks.values():
            risks.addWidget(box)
        form.addRow("Checks every 15 min if", risks)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.clock)
        for field in (self.drug, self.dose, self.site):
            field.textEdited.connect(lambda _t: self._changed())
        for combo in (self.unit, self.route, self.oral_first):
            combo.currentIndexChanged.connect(lambda _i: self._changed())
        self.given_at.changed.connect(self._changed)
        for box in self.risks.values():
            box.toggled.connect(lambda _on: self._changed())
        self.refresh()

    def _changed(self) -> None:
        self.refresh()
        self.changed.emit()

    def _dose(self) -> Decimal | None:
        text = text_of(self.dose)
        if text is None:
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            return None

    def missing(self) -> list[str]:
        """The details not given yet, in words."""
        parts = {
            "drug": text_of(self.drug),
            "dose": self._dose(),
            "unit": self.unit.value(),
            "route": self.route.value(),
            "site": text_of(self.site),
            "time given": self.given_at.value(),
            "whether oral medication was offered first": self.oral_first.value(),
        }
        return [name for name, value in parts.items() if value is None]

    def value(self) -> RapidTranquillisation | None:
        """The details, once every one is given (raises ``InvalidRecord`` for a wrong one)."""
        if self.missing():
            return None
        return RapidTranquillisation.build(
            drug=text_of(self.drug),
            dose_amount=self._dose(),
            dose_unit=self.unit.value(),
            route=self.route.value(),
            site=text_of(self.site),
            given_at=self.given_at.value(),
            oral_offered_first=self.oral_first.value(),
            risk_factors=tuple(f for f, box in self.risks.items() if box.isChecked()),
        )

    def load(self, rt: RapidTranquillisation | None) -> None:
        """Show ``rt`` (None: empty)."""
        set_text(self.drug, rt.drug if rt else None)
        set_text(self.dose, f"{rt.dose_amount.normalize():f}" if rt else None)
        set_text(self.site, rt.site if rt else None)
        self.unit.set_value(rt.dose_unit if rt else None)
        self.route.set_value(rt.route if rt else None)
        self.oral_first.set_value(rt.oral_offered_first if rt else None)
        self.given_at.set_value(rt.given_at if rt else None)
        for factor, box in self.risks.items():
            box.setChecked(rt is not None and factor in rt.risk_factors)
        self.refresh()

    # -- unfinished details, kept beside the record ---------------------------------------

    def unfinished_texts(self) -> dict[str, str]:
        """What was typed while the details are not yet complete (or one is wrong), by part
        name, so a draft keeps it (:mod:`app.ui.incidents.kept_draft`); empty when nothing was
        typed or the details are complete (then they are part of the record itself)."""
        try:
            if self.value() is not None:
                return {}
        except UserFacingError:
            pass  # a wrong detail: keep what was typed so it can be put right
        given = self.given_at.value()
        texts = {
            "drug": self.drug.text().strip(),
            "dose": self.dose.text().strip(),
            "unit": _choice_text(self.unit),
            "route": _choice_text(self.route),
            "site": self.site.text().strip(),
            "given": given.isoformat() if given else self.given_at.editor.text().strip(),
            "oral": _choice_text(self.oral_first),
            "risks": ",".join(f.value for f, box in self.risks.items() if box.isChecked()),
        }
        return {part: text for part, text in texts.items() if text}

    def restore_texts(self, texts: Mapping[str, str]) -> None:
        """Show details kept by :meth:`unfinished_texts` (no :attr:`changed`)."""
        set_text(self.drug, texts.get("drug"))
        set_text(self.dose, texts.get("dose"))
        set_text(self.site, texts.get("site"))
        for combo, part in ((self.unit, "unit"), (self.route, "route"), (self.oral_first, "oral")):
            combo.blockSignals(True)  # noqa: FBT003 - Qt's API
            combo.set_value(_choice_value(combo, texts.get(part)))
            combo.blockSignals(False)  # noqa: FBT003 - Qt's API
        given = texts.get("given", "")
        try:
            at = datetime.fromisoformat(given)
        except ValueError:  # kept as typed (it was not a time yet)
            self.given_at.set_typed(given)
        else:
            self.given_at.set_value(at if at.tzinfo is not None else None)
        ticked = set(texts.get("risks", "").split(","))
        for factor, box in self.risks.items():
            box.blockSignals(True)  # noqa: FBT003 - Qt's API
            box.setChecked(factor.value in ticked)
            box.blockSignals(False)  # noqa: FBT003 - Qt's API
        self.refresh()

    def refresh(self) -> None:
        """Word the post-RT observation clock for now."""
        try:
            rt = self.value()
        except UserFacingError:  # a wrong detail: the form says which
            rt = None
        if rt is None:
            missing = ", ".join(self.missing()) or "a detail that is not right"
            self.clock.setText(
                f"Post-RT checks of {CHECKS}: the clock shows once every detail is given "
                f"(still needed: {missing})."
            )
            self.clock.setStyleSheet("")
            return
        every = rt_monitoring_interval(rt, self._policy)
        due = rt_monitoring_due_at(rt, None, self._policy)
        now = self._now()
        why = " (a risk factor applies)" if rt.risk_factors else ""
        if due < now:
            when = f"first check was due {format_local(due)} — OVERDUE by {span(now - due)}"
            self.clock.setStyleSheet(f"color: {OVERDUE_COLOUR}; font-weight: bold;")
        else:
            when = f"first check due {format_local(due)} (in {span(due - now)})"
            self.clock.setStyleSheet("")
        self.clock.setText(f"Post-RT checks of {CHECKS}: every {span(every)}{why}; {when}.")

    def inputs(self) -> list[QWidget]:
        """Inputs in Tab order."""
        return [
            self.drug,
            self.dose,
            self.unit,
            self.route,
            self.site,
            self.given_at.editor,
            self.oral_first,
            *self.risks.values(),
        ]

    def first_missing(self) -> QWidget:
        """The first input still to fill in."""
        order = {
            "drug": self.drug,
            "dose": self.dose,
            "unit": self.unit,
            "route": self.route,
            "site": self.site,
            "time given": self.given_at.editor,
            "whether oral medication was offered first": self.oral_first,
        }
        missing = self.missing()
        return order[missing[0]] if missing else self.drug

    def set_editable(self, editable: bool) -> None:
        """Allow changes (or not)."""
        for widget in self.inputs():
            widget.setEnabled(editable)


def _choice_text(combo: ChoiceCombo) -> str:
    """A choice as draft text: the enum's value, or "" while not answered."""
    value = combo.value()
    return "" if value is None else _text_of_value(value)


def _choice_value(combo: ChoiceCombo, text: str | None) -> object:
    """The choice of ``combo`` whose draft text is ``text`` (None if none is)."""
    return next((v for v in combo.choice_values() if _text_of_value(v) == text), None)


def _text_of_value(value: object) -> str:
    return str(getattr(value, "value", value))
