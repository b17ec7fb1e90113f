"""The objectives panel: where each objective stands at the console's clock — met, not met,
or open and why (a `within` clock counting down) — for the evaluators and the hotwash; once
the exercise has ended, with its proposed HSEEP rating and the evaluator's, when given."""

from __future__ import annotations

from collections import Counter

from rich.console import Group
from rich.text import Text

from sim import events as ev
from sim.progress import MET, NOT_MET, OPEN, ObjectiveWatch, Progress
from sim.rating import proposals
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
        proposed = proposals(self.scenario, self.events[:state.seq]) if state.ended else {}
        if proposed:
            self.title += f" · {len(state.ratings)} of {len(standing)} rated"
        width = max(len(p.objective.id) for p in standing)
        lines = []
        for p in standing:
            label, style = VERDICT_STYLE[p.verdict]
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{p.objective.id:<{width}} ", style="bold")
            line.append(f"{label:<7} ", style=style)
            if proposed:
                line.append_text(_rating(proposed[p.objective.id].rating,
                                         state.ratings.get(p.objective.id)))
            line.append(p.detail, style="dim" if p.verdict == OPEN else "")
            lines.append(line)
        return Group(*lines)

    def _announce(self, decided: list[Progress]) -> None:
        for p in decided:
            label, _ = VERDICT_STYLE[p.verdict]
            self.notify(f"{p.objective.text}\n{p.detail}", title=f"{p.objective.id} {label}",
                        severity="information" if p.verdict == MET else "warning",
                        timeout=10, markup=False)


def _rating(proposed: str, rated: ev.ObjectiveRated | None) -> Text:
    """`proposed P` until an evaluator rates; then `rated S by Dana`, and the proposal when
    the rating overrode it."""
    if rated is None:
        return Text(f"proposed {proposed}  ", style="dim")
    text = Text(f"rated {rated.rating}", style="bold")
    text.append(f" by {rated.by}" + (f" (proposed {proposed})" if rated.rating != proposed
                                     else "") + "  ", style="")
    return text
