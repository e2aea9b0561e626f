"""The factories the work area registers (:mod:`app.ui.screens`): the seclusion screen, the
LTS screen, and both together as one tab.

The work area hands ``show_episode`` to the first screen that has it, so when both isolation
screens are registered as separate tabs an LTS episode would reach the seclusion screen;
:class:`IsolationScreen` (one tab holding both) asks each and shows whichever knows the id.
"""

from __future__ import annotations

from uuid import UUID

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.context import ScreenContext
from app.ui.isolation.episode_page import EpisodePage
from app.ui.isolation.lts_page import SegregationScreen
from app.ui.isolation.seclusion_page import SeclusionScreen
from app.ui.widgets import named


def seclusion_screen(ctx: ScreenContext) -> QWidget:
    """Running and recent seclusions (tab title: ``Se&clusion``)."""
    return SeclusionScreen(ctx)


def segregation_screen(ctx: ScreenContext) -> QWidget:
    """Running and recent long-term segregation (tab title: ``Long-term se&gregation``)."""
    return SegregationScreen(ctx)


def isolation_screen(ctx: ScreenContext) -> QWidget:
    """Both in one tab (tab title: ``Se&clusion and LTS``); see the module docstring."""
    return IsolationScreen(ctx)


class IsolationScreen(QWidget):
    """Seclusion and long-term segregation in one tab, one inner tab each."""

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("isolation-screen")
        self.seclusion = SeclusionScreen(ctx)
        self.segregation = SegregationScreen(ctx)
        self.pages = named(QTabWidget(), "Seclusion or long-term segregation")
        self.pages.addTab(self.seclusion, "Seclusion")
        self.pages.addTab(self.segregation, "Long-term segregation")
        for page in (self.seclusion, self.segregation):
            page.episode_shown.connect(lambda _id, page=page: self._bring_forward(page))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.pages)

    def _bring_forward(self, page: EpisodePage) -> None:
        self.pages.setCurrentWidget(page)

    def show_episode(self, episode_id: UUID) -> None:
        """Show a seclusion or LTS episode on its page (looked up on the store worker)."""
        self.seclusion.show_episode(episode_id)
        self.segregation.show_episode(episode_id)

    def stop(self) -> None:
        """The window is locking."""
        self.seclusion.stop()
        self.segregation.stop()
