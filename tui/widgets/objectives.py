"""The objectives panel: where each objective stands at the console's clock — met, not met,
or open and why (a `within` clock counting down) — for the evaluators and the hotwash."""

from __future__ import annotations

from collections import Counter

from rich.console import Group
from rich.text import Text

from sim import events as ev
from sim.progress import MET, NOT_MET, OPEN, ObjectiveWatch, Progress
from sim.scenario import Scenario
from sim.state import State
from tui.widgets.base import StateView

VERDICT_STYLE = {MET: ("MET", "bold green"), NOT_MET: ("NOT MET", "bold red"),
                 OPEN: ("open", "yellow")}


class ObjectiveBoard(StateView):
    """One line per objective, in file order; `title` counts them by verdict. Live, an
    objective decided before the end is also announced, so evaluators see it happen."""

    def __init__(self, scenario: Scenario, events: list[ev.Event], live: bool, **kwargs):
        super().__init__(scenario, **kwargs)
        self.events = events  # the session's record, which grows as the exercise runs
        self.watch = ObjectiveWatch(scenario.objectives)
        self.live = live
        self.title = "Objectives"
        self._open: set[str] | None = None  # open at the last drawing (None: not drawn yet)

    def depends_on(self, state: State, clock: float):
        return (id(state), state.seq, int(clock))  # a `within` clock counts down in minutes

    def draw(self, state: State, clock: float):
        self.watch.catch_up(self.events)
        standing = self.watch.at(state.seq, clock, state.ended)
        if self.live and self._open is not None and not state.ended:
            self._announce([p for p in standing if p.objective.id in self._open
                            and p.verdict != OPEN])
        self._open = {p.objective.id for p in standing if p.verdict == OPEN}
        counts = Counter(p.verdict for p in standing)
        self.title = ("Objectives — " + ", ".join(
            f"{counts[v]} {v}" for v in (MET, NOT_MET, OPEN) if counts[v])
            if standing else "Objectives")
        if not standing:
            return Text("This scenario has no objectives.", style="dim")
        width = max(len(p.objective.id) for p in standing)
        lines = []
        for p in standing:
            label, style = VERDICT_STYLE[p.verdict]
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{p.objective.id:<{width}} ", style="bold")
            line.append(f"{label:<7} ", style=style)
            line.append(p.detail, style="dim" if p.verdict == OPEN else "")
            lines.append(line)
        return Group(*lines)

    def _announce(self, decided: list[Progress]) -> None:
        for p in decided:
            label, _ = VERDICT_STYLE[p.verdict]
            self.notify(f"{p.objective.text}\n{p.detail}", title=f"{p.objective.id} {label}",
                        severity="information" if p.verdict == MET else "warning",
                        timeout=10, markup=False)
