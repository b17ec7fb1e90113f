"""The players' screen: a live exercise as the players may see it, for a projector or a
second terminal in the room. It follows the exercise's journal read-only while the
controller runs the console: the clock, each inject as it is delivered, and the decisions
open to the cells with their prompts and the time left. It never shows what players must
not see: the MSEL still to come, what the controller expects of them, the objectives the
evaluators score, or the controller's notes."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static

from sim import events as ev
from sim.errors import TabletopError
from sim.journal import Journal
from sim.state import OpenDecision, State
from sim.timeline import counted, start_of, tplus, wall
from tui.widgets.clock import title_and

FOLLOW_SECONDS = 0.5  # how often the journal is read for what the console wrote


def side_by_side(left: str, right: str) -> ComposeResult:
    """Two scrolling panes side by side in `#below`: `#left` showing the Static
    `#left-list`, and the same on the right."""
    with Horizontal(id="below"):
        for pane in (left, right):
            with VerticalScroll(id=pane):
                yield Static(id=f"{pane}-list")


class FollowingApp(App):
    """A screen that follows one live exercise's journal read-only (the console is its only
    writer): every `FOLLOW_SECONDS` it folds what was journaled since, then `shown(fresh)`
    redraws. The clock line is the same on every such screen."""

    def __init__(self, journal_path: str):
        super().__init__()
        self.journal = Journal.open(journal_path, readonly=True)
        try:
            self.scenario = self.journal.scenario()
        except TabletopError:
            self.journal.close()
            raise
        self.start = start_of(self.scenario.clock.start)
        self.state = State()
        self.clock = 0.0

    def on_mount(self) -> None:
        self.follow()
        self.set_interval(FOLLOW_SECONDS, self.follow)

    def on_unmount(self) -> None:
        self.journal.close()

    def follow(self) -> None:
        """Fold what the console has journaled since the last look, and show it."""
        try:
            fresh, reached = self.journal.follow(self.state.seq)
        except TabletopError as error:
            self.exit(return_code=2, message=str(error))
            return
        if not fresh and reached == self.clock and self.state.seq and not self.changed():
            return  # nothing new: leave the screen be
        for event in fresh:
            self.state.apply(event)
        self.clock = max(reached, self.state.t)
        self.query_one("#clock", Static).update(self._clock_line())
        self.shown(fresh)

    def changed(self) -> bool:
        """Whether something besides the journal asks for a redraw."""
        return False

    def shown(self, fresh: list[ev.Event]) -> None:
        """Redraw after `fresh` events were folded."""

    def _clock_line(self) -> Table:
        status = (Text(" ENDED ", "bold white on red") if self.state.ended else
                  Text(" PAUSED for discussion ", "bold black on yellow") if self.state.paused
                  else Text(""))
        return title_and(self.scenario.title, Text.assemble(
            (f"{wall(self.start, self.clock)}  ", "bold"), (tplus(self.clock), "bold"), "  ",
            status))

    def time_left(self, decision: OpenDecision) -> str:
        return f"{counted(round(max(decision.deadline - self.clock, 0.0)), 'minute')} left"


class PlayerDisplay(FollowingApp):
    """Follows one journal; `q` closes the display (the exercise goes on)."""

    TITLE = "tabletop — players' screen"
    ENABLE_COMMAND_PALETTE = False  # the room sees this screen: nothing to change here
    BINDINGS = [Binding("q", "quit", "close the players' screen")]
    CSS = """
    #clock { height: 1; background: $panel; }
    #latest { height: auto; max-height: 50%; border: heavy $accent; padding: 0 1; }
    #below { height: 1fr; }
    #earlier { width: 3fr; border: round $primary; padding: 0 1; }
    #decisions { width: 2fr; border: round $warning; padding: 0 1; }
    """

    def __init__(self, journal_path: str, *, options: bool = True):
        super().__init__(journal_path)
        self.options = options  # show each open decision's options, or its question alone
        self.delivered: list[ev.InjectDelivered] = []

    def compose(self) -> ComposeResult:
        yield Static(id="clock")
        yield Static(id="latest")
        yield from side_by_side("earlier", "decisions")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#latest").border_title = "Latest inject"
        self.query_one("#decisions").border_title = "Decisions for the cells"
        super().on_mount()

    def shown(self, fresh: list[ev.Event]) -> None:
        self.delivered += [e for e in fresh if isinstance(e, ev.InjectDelivered)]
        self.query_one("#latest", Static).update(self._latest())
        self.query_one("#earlier", VerticalScroll).border_title = (
            f"Earlier injects: {max(len(self.delivered) - 1, 0)}")
        self.query_one("#earlier-list", Static).update(self._earlier())
        self.query_one("#decisions-list", Static).update(self._decisions())

    def _heard(self, e: ev.InjectDelivered) -> Text:
        """`M-02 · 02:12 T+12m · to bp-sector` — when an inject came, and to whom."""
        return Text(f"{e.inject} · {wall(self.start, e.t)} {tplus(e.t)} · to "
                    f"{', '.join(e.to)}", style="dim")

    def _latest(self) -> Group | Text:
        if not self.delivered:  # the room reads the situation while it waits
            return Group(Text("No inject yet: the exercise is about to begin.", style="dim"),
                         Text(" ".join(self.scenario.summary.split())))
        latest = self.delivered[-1]
        return Group(self._heard(latest), Text(latest.text, style="bold"))

    def _earlier(self) -> Group | Text:
        earlier = self.delivered[-2::-1]
        if not earlier:
            return Text("—", style="dim")
        return Group(*(Group(self._heard(e), Text(e.text), Text("")) for e in earlier))

    def _decisions(self) -> Group | Text:
        opened = sorted(self.state.open_decisions.values(), key=lambda d: (d.opened, d.decision))
        if not opened:
            return Text("No decision is open.", style="dim")
        prompts = {d.id: d for d in self.scenario.decisions}
        shown = []
        for decision in opened:
            spec = prompts[decision.decision]
            about = f" · {decision.incident}" if decision.incident else ""
            shown += [Text.assemble((f"{decision.decision} · {decision.cell}{about}", "bold"),
                                    f" · {self.time_left(decision)}"),
                      Text(spec.prompt),
                      *(Text(f"  {n}. {option.text}") for n, option in
                        enumerate(spec.options if self.options else (), 1)),
                      Text("")]
        return Group(*shown)
