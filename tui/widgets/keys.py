"""The footer of keys: Textual's `Footer`, made cheap under modals."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """The footer, rebuilt only when the keys it shows change: not while a modal covers its
    screen (its keys cannot be pressed then) and not when a modal closes on the same keys.
    Each rebuild makes a widget per key, which would slow every modal and filter."""

    _shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        """Rebuild when this screen is on top and its keys differ from those shown."""
        if self.is_attached and self.app.screen is not self.screen:
            return
        shown = tuple((key, b.action, b.description, enabled)
                      for key, (_, b, enabled, _) in self.screen.active_bindings.items())
        if shown != self._shown:
            self._shown = shown
            super().bindings_changed(screen)
