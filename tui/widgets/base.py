"""`StateView`: a panel that renders one slice of `State`, repainting only when it changed."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from sim.scenario import Scenario
from sim.state import State


class StateView(Static):
    """A panel drawn from the scenario (the spec) and the state at the console's clock."""

    def __init__(self, scenario: Scenario, **kwargs: Any):
        super().__init__(**kwargs)
        self.scenario = scenario
        self._drawn: Any = None

    def show(self, state: State, clock: float) -> None:
        """Redraw when what this panel depends on changed since the last draw."""
        key = self.depends_on(state, clock)
        if key != self._drawn:
            self._drawn = key
            self.update(self.draw(state, clock))

    def depends_on(self, state: State, clock: float) -> Any:
        """What the drawing depends on: by default, which events have been folded."""
        return (id(state), state.seq)

    def draw(self, state: State, clock: float) -> Any:
        """The renderable for this state (subclasses say what)."""
        raise NotImplementedError
