"""The MSEL panel: open decisions with the time left to their deadline, then the injects
still to come with when they are due (a time, a trigger, or held for the controller)."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from sim.scenario import Inject
from sim.state import State
from sim.timeline import tplus
from tui.widgets.base import StateView


def due(inject: Inject, state: State) -> str:
    """When an inject is due: `T+12m`, `on lead_assigned +5m`, `held` (a contingency
    inject, or one the controller held: only the controller fires it), or `held to T+27m`
    (held for a while: it fires by itself again then)."""
    hold = state.held.get(inject.id)
    if hold is not None and hold.for_:
        return f"held to {tplus(hold.t + hold.for_)}"
    if held(inject, state):
        return "held"
    if inject.at is not None:
        return tplus(inject.at)
    return f"on {inject.when['event']}" + (f" +{inject.delay:g}m" if inject.delay else "")


def held(inject: Inject, state: State) -> bool:
    """Does the inject wait for the controller's hand?"""
    return inject.id in state.held or (inject.at is None and inject.when is None)


def time_left(minutes: float) -> str:
    """`4m30s left`, or `due now` once the deadline is reached."""
    if minutes <= 0:
        return "due now"
    seconds = int(minutes * 60)
    return f"{seconds // 60}m{seconds % 60:02d}s left"


class MselPanel(StateView):
    """What needs the controller next: decisions awaiting a choice, injects still to come."""

    def __init__(self, scenario, live: bool, **kwargs):
        super().__init__(scenario, **kwargs)
        self.live = live

    def depends_on(self, state: State, clock: float):
        return (id(state), state.seq, int(clock * 60) if state.open_decisions else None)

    def draw(self, state: State, clock: float):
        parts: list = []
        opened = sorted(state.open_decisions.values(), key=lambda d: (d.opened, d.decision))
        for decision in opened:
            left = decision.deadline - clock
            line = Text(f"{decision.decision} ", style="bold cyan", no_wrap=True,
                        overflow="ellipsis")
            line.append(f"{decision.cell} · ")
            line.append(time_left(left), style="bold red" if left < 2 else "bold")
            line.append(f" (due {tplus(decision.deadline)})", style="dim")
            parts.append(line)
        if opened and self.live:
            parts.append(Text.assemble((" d ", "reverse"), " records the oldest decision"))
        if not opened:
            parts.append(Text("No decision open.", style="dim"))
        upcoming = [i for i in self.scenario.injects if i.id not in state.delivered]
        upcoming.sort(key=lambda i: (held(i, state), i.at is None, i.at or 0.0))
        lines = []
        for inject in upcoming:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{due(inject, state)} ", style="magenta")
            line.append(inject.id, style="bold")
            line.append(f" → {', '.join(inject.recipients)}: ")
            line.append(inject.text, style="dim")
            lines.append(line)
        delivered = len(self.scenario.injects) - len(upcoming)
        parts.append(Text(f"Injects to come ({delivered}/{len(self.scenario.injects)} "
                          "delivered)", style="bold"))
        parts.extend(lines or [Text("The MSEL is done.", style="dim")])
        return Group(*parts)
