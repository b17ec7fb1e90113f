"""The main screen: clock bar, incident and agency boards, MSEL panel, event log (and, in
review, the timeline). It renders what the App posts (`ExerciseAdvanced`, `PaceChanged`)
and holds nothing of the exercise itself."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import Screen

from sim.timeline import start_of
from tui.logfilter import LogFilter
from tui.messages import ExerciseAdvanced, PaceChanged
from tui.widgets.boards import AgencyBoard, IncidentBoard
from tui.widgets.clock import ClockBar
from tui.widgets.detail import EventDetail
from tui.widgets.keys import KeyFooter
from tui.widgets.log import EventLog
from tui.widgets.msel import MselPanel
from tui.widgets.objectives import ObjectiveBoard
from tui.widgets.timeline import Timeline

WIDE = 150  # columns from which the boards sit side by side


class ExerciseScreen(Screen):
    """Everything a controller watches, on one screen."""

    def __init__(self, session, **kwargs):
        super().__init__(**kwargs)
        self.session = session

    def compose(self) -> ComposeResult:
        scenario, live = self.session.scenario, self.session.mode == "live"
        start = start_of(scenario.clock.start)
        variant = self.session.variant
        yield ClockBar(scenario.title + (f" — variant {variant}" if variant else ""),
                       scenario.clock.start, self.session.end_time, live, id="clock")
        with Horizontal(id="boards"):
            with Vertical(id="situation"):
                with VerticalScroll(id="incidents-panel", classes="panel") as panel:
                    panel.border_title = "Incidents"
                    yield IncidentBoard(scenario, id="incidents")
                with VerticalScroll(id="agencies-panel", classes="panel") as panel:
                    panel.border_title = "Agencies — incidents led / capacity"
                    yield AgencyBoard(scenario, id="agencies")
            with Vertical(id="plan"):
                with VerticalScroll(id="msel-panel", classes="panel") as panel:
                    panel.border_title = "Decisions and MSEL"
                    yield MselPanel(scenario, live, id="msel")
                with VerticalScroll(id="objectives-panel", classes="panel") as panel:
                    panel.border_title = "Objectives"
                    yield ObjectiveBoard(scenario, self.session.events, live, id="objectives")
        with Vertical(id="log-panel", classes="panel"):
            yield EventLog(self.session.events, start, id="log")
            yield EventDetail(start, id="detail")
        if not live:
            yield Timeline(self.session.landmarks, self.session.end_time, id="timeline")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.render_state(self.session.state, self.session.clock)

    async def show_session(self, session) -> None:
        """Show another session (in review, a fork of the journal) in place of this one."""
        self.session = session
        self.set_focus(None)  # the focused widget is about to go with the old ones
        await self.recompose()
        self.focus_next()
        self.render_state(session.state, session.clock)

    def on_resize(self, event: Resize) -> None:
        """Lay the boards side by side on wide terminals."""
        self.set_class(event.size.width >= WIDE, "-wide")

    @on(ExerciseAdvanced)
    def advanced(self, message: ExerciseAdvanced) -> None:
        self.render_state(message.state, message.clock)

    @on(PaceChanged)
    def paced(self, message: PaceChanged) -> None:
        self.query_one(ClockBar).pace(message.running, message.speed)

    def render_state(self, state, clock: float) -> None:
        """Draw every panel from the state at sim time `clock`."""
        for panel in (IncidentBoard, AgencyBoard, MselPanel, ObjectiveBoard):
            self.query_one(panel).show(state, clock)
        self._title(self.query_one("#objectives-panel"), self.query_one(ObjectiveBoard).title)
        log = self.query_one(EventLog)
        log.show(state.seq)
        self._title_log(log)
        if self.session.mode == "review":
            self.query_one(Timeline).show(state.seq, clock)
        self.query_one(ClockBar).show(state, clock)

    def set_log_filter(self, log_filter: LogFilter) -> None:
        """Show only what the filter matches in the log."""
        log = self.query_one(EventLog)
        log.set_filter(log_filter)
        self._title_log(log)

    def _title_log(self, log: EventLog) -> None:
        """Title the log panel with how many events it shows, under which filter."""
        if log.filter.by == "all":
            title = f"Event log — {log.row_count:,} event{'s' if log.row_count != 1 else ''}"
        else:
            title = f"Event log — {log.filter.label} ({log.row_count:,} shown) · f: change filter"
        self._title(self.query_one("#log-panel"), title)

    @staticmethod
    def _title(panel, title: str) -> None:
        """Retitle a panel, repainting its border only when the title changed."""
        if panel.border_title != title:
            panel.border_title = title

    @on(EventLog.Highlighted)
    def highlighted(self, message: EventLog.Highlighted) -> None:
        self.query_one(EventDetail).show(message.event)
