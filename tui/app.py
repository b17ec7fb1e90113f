"""The console's composition root: `make_console` builds the App that `tabletop play`,
`tabletop review` and every test.

`TabletopApp` holds the session (a live exercise or a journal under review) and the pace of
the clock; its key bindings come from the action registry (`tui.actions`). A Textual
timer advances the engine toward the sim time that wall time × speed calls for, a bounded
batch of steps per tick, and every change reaches the screen as one `ExerciseAdvanced`.
Commands go through `submit`, i.e. `Exercise.submit`: on disk before they show accepted.
In review the journal is read-only but for an evaluator's rating, which is added to it as
`tabletop rate` adds it. Review mode's fork at a decision, and the comparison after it,
come from `tui.forking`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from textual import on
from textual.app import App
from textual.screen import Screen

from sim import commands as cmd
from sim import events as ev
from sim.engine import Accepted, Refused
from sim.errors import TabletopError
from sim.inbox import seat_of
from sim.rating import proposals, record_rating
from sim.timeline import tplus
from sim.variants import Setting
from tui import actions, logfilter
from tui.forking import ForkInReview
from tui.logfilter import LogFilter
from tui.messages import CommandAccepted, CommandRefused, ExerciseAdvanced, PaceChanged
from tui.pace import Pace
from tui.screens.adhoc import AdHocInjectModal
from tui.screens.decision import DecisionModal
from tui.screens.end import EndModal
from tui.screens.exercise import ExerciseScreen
from tui.screens.form import CommandModal
from tui.screens.help import HelpScreen
from tui.screens.hold import HoldModal
from tui.screens.inject import InjectModal
from tui.screens.move import MoveModal
from tui.screens.note import NoteModal
from tui.screens.pickers import FilterModal, JumpModal
from tui.screens.rate import RateModal
from tui.sessions import LANDMARKS, LiveSession, ReviewSession, open_live
from tui.widgets.log import EventLog

TICK_SECONDS = 0.1
SEAT_NOTICE = {"decide": "A player cell decided", "note": "A player cell wrote"}  # else: moved


def make_console(scenario_path: str | None, journal_path: str | None,
                 seed: int | None = None, *, review: bool = False,
                 wall: Callable[[], float] = time.monotonic, variant: str | None = None,
                 settings: Sequence[Setting] = ()) -> TabletopApp:
    """The console on a new exercise (the scenario, or its `variant`, with `settings` put
    in), a reopened journal, or (review) a journal read-only; `wall` is the wall clock
    (seconds) the exercise clock runs against."""
    if review:
        if journal_path is None:
            raise TabletopError("review needs a journal file: tabletop review JOURNAL")
        return TabletopApp(ReviewSession(journal_path), wall)
    return TabletopApp(open_live(scenario_path, journal_path, seed, variant, settings), wall)


class TabletopApp(ForkInReview, App):
    """The facilitator's console."""

    CSS_PATH = ["dialogs.tcss", "app.tcss"]
    BINDINGS = actions.bindings()
    COMMANDS = App.COMMANDS | {actions.ConsoleCommands}

    def __init__(self, session: LiveSession | ReviewSession,
                 wall: Callable[[], float] = time.monotonic):
        super().__init__()
        self.session = session
        self.filter_menu = logfilter.FilterMenu(session.scenario)
        self.pace = Pace()
        self._wall = wall
        self.title = session.scenario.title

    # ------------------------------------------------------------------ wiring

    def get_default_screen(self) -> Screen:
        """The exercise screen, kept so the App can post to it while a modal is on top."""
        self.exercise_screen = ExerciseScreen(self.session)
        return self.exercise_screen

    def on_mount(self) -> None:
        """Start the clock's timer (live only); the clock itself starts paused."""
        if self.session.mode == "live":
            self.set_interval(TICK_SECONDS, self.tick)
        self._paced()

    def on_unmount(self) -> None:
        """Write what the journal is missing, however the console closes."""
        self.session.close()

    def situation(self) -> frozenset[str]:
        """Facts that decide which actions are offered now (see `actions.ConsoleAction`)."""
        facts = {self.session.mode}
        state = self.session.state
        if self.session.mode == "live" and not state.ended:
            facts.add("not-ended")
            if state.open_decisions:
                facts.add("decision-open")
        ended = state.ended if self.session.mode == "live" else self.session.ended
        if ended and self.session.scenario.objectives:
            facts.add("hotwash")
        if self.session.mode == "review" and self.selected_decision() is not None:
            facts.add("decision-selected")
        return frozenset(facts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys of the other mode are neither shown nor run, nor those kept for a situation
        (the hotwash's) before it comes."""
        entry = actions.BY_ACTION.get(action)
        return entry is None or (self.session.mode in entry.modes and (
            not entry.until_needed or actions.offered(entry, self.situation())))

    # ------------------------------------------------------------------ the clock

    def tick(self) -> None:
        """Advance toward where wall time × speed says the clock should be; running or not,
        keep the journal within a moment of the screen (the players' screen follows it)."""
        if self.pace.running:
            self._advanced(self._guard(self.session.advance_to, self.pace.target(self._wall())))
        self._guard(self.session.flush_when_due)
        if self.session.mode == "live":
            self._take_from_seats()

    def _advanced(self, fresh: list[ev.Event]) -> None:
        """Tell the screen; stop the clock (and say so) once the exercise has ended."""
        self.exercise_screen.post_message(
            ExerciseAdvanced(fresh, self.session.state, self.session.clock))
        if any(e.kind == "exercise_ended" for e in fresh):
            self.refresh_bindings()  # the hotwash's keys
        if self.pace.running and self.session.state.ended:
            self.pace.stop()
            self._paced()
            self.notify(f"The exercise has ended ({self.session.state.ended_reason}). Notes can "
                        "still be written (o), objectives rated (r); q quits.", timeout=10)

    def _paced(self) -> None:
        """Tell the screen the clock's pace changed."""
        self.exercise_screen.post_message(PaceChanged(self.pace.running, self.pace.speed))

    def _guard(self, advance: Callable[..., list], *args: Any) -> list:
        """Run the engine; a journal that cannot be written stops the clock, loudly."""
        try:
            return advance(*args)
        except TabletopError as error:
            self.pace.stop()
            self._paced()
            self.notify(str(error), title="The journal cannot be written", severity="error",
                        timeout=60)
            return []

    def action_toggle_clock(self) -> None:
        """Start or pause the clock; pausing (and resuming a pause) is journaled for the AAR."""
        if self.pace.running:
            self.pace.stop()
            self.submit(cmd.Pause())
        elif self.session.state.ended:
            self.notify("The exercise has ended: the clock cannot run again.")
            return
        else:
            if self.session.state.paused and isinstance(self.submit(cmd.Resume()), Refused):
                return
            self.pace.start(self.session.clock, self._wall())
        self._paced()

    def action_faster(self) -> None:
        """One step up the speed ladder."""
        if self.pace.change(1, self.session.clock, self._wall()):
            self._paced()

    def action_slower(self) -> None:
        """One step down the speed ladder."""
        if self.pace.change(-1, self.session.clock, self._wall()):
            self._paced()

    def action_step(self) -> None:
        """Advance to the next moment something happens."""
        if self.session.exercise.next_event_time is None:
            self.notify("Nothing more will happen: the exercise has ended.")
            return
        self._advanced(self._guard(self.session.step))
        if self.pace.running:
            self.pace.start(self.session.clock, self._wall())

    def _take_from_seats(self) -> None:
        """Journal what the cells chose or wrote at their own seats, through `submit` like
        every command, and answer each seat."""
        for sent, asked in self._guard(self.session.seat_requests):
            result = (asked if isinstance(asked, Refused)
                      else self.submit(asked, seat=seat_of(sent.cells)))
            self._guard(self.session.answer_seat, sent, result)
            self.notify(f"From {seat_of(sent.cells)}'s seat: {sent.said}"
                        + (f" — refused: {result.reason}" if isinstance(result, Refused)
                           else ""), title=SEAT_NOTICE.get(sent.command.kind,
                                                           "A player cell moved"))

    # ------------------------------------------------------------------ commands

    def submit(self, command: Any, seat: str | None = None) -> Accepted | Refused:
        """Send a command to the exercise (from a player cells' `seat`, or the console's);
        it is journaled before this returns Accepted."""
        if self.session.mode != "live":
            result: Accepted | Refused = (self._rate_in_review(command)
                                          if isinstance(command, cmd.Rate)
                                          else Refused("review is read-only"))
        else:
            try:
                result = self.session.submit(command, seat)
            except TabletopError as error:
                result = Refused(f"not recorded — {error}")
        if isinstance(result, Refused):
            self.post_message(CommandRefused(command, result.reason))
            return result
        self.post_message(CommandAccepted(command, result.number, result.t))
        self._advanced(result.events)
        return result

    @on(CommandAccepted)
    def accepted(self, message: CommandAccepted) -> None:
        """Confirm a journaled command (pauses show in the clock bar instead)."""
        if not isinstance(message.command, cmd.Pause | cmd.Resume):
            self.notify(f"In the journal at {tplus(message.t)}: {summary(message.command)}")

    @on(CommandRefused)
    def refused(self, message: CommandRefused) -> None:
        """Say why a command from a key or the palette was refused."""
        if not isinstance(self.screen, CommandModal):  # a modal shows it in place
            self.notify(message.reason, title="Refused", severity="error")

    def action_decide(self) -> None:
        """Open the oldest open decision (the one that opened first)."""
        opened = sorted(self.session.state.open_decisions.values(), key=lambda d: d.opened)
        if not opened:
            self.notify("No decision is open right now.")
            return
        self.open_decision(opened[0].decision)

    def open_decision(self, decision_id: str) -> None:
        """Show the decision modal for one open decision."""
        opened = self.session.state.open_decisions.get(decision_id)
        if opened is None:
            self.notify(f"Decision {decision_id} is not open.")
            return
        decision = next(d for d in self.session.scenario.decisions if d.id == decision_id)
        self.push_screen(DecisionModal(decision, opened, self.session.clock))

    def action_inject(self) -> None:
        """List the MSEL injects still to come."""
        self.push_screen(InjectModal(self.session.scenario, self.session.state))

    def open_hold(self, inject_id: str) -> None:
        """Ask why before holding an MSEL inject."""
        inject = next(i for i in self.session.scenario.injects if i.id == inject_id)
        self.push_screen(HoldModal(inject, self.session.state))

    def action_adhoc_inject(self) -> None:
        """Open the ad-hoc inject form."""
        self.push_screen(AdHocInjectModal(self.session.scenario))

    def action_move(self) -> None:
        """Open the player-move form."""
        self.open_move("assume_lead")

    def open_move(self, kind: str) -> None:
        """Show the player-move form, set to one kind of move."""
        self.push_screen(MoveModal(self.session.scenario, self.session.state, kind))

    def action_note(self) -> None:
        """Open the note form."""
        self.open_note(None)

    def open_note(self, objective: str | None) -> None:
        """Show the note form (filed against an objective when given)."""
        self.push_screen(NoteModal(self.session.scenario, objective))

    def action_rate(self) -> None:
        """Open the rating form on the first objective not yet rated."""
        self.open_rating(None)

    def open_rating(self, objective: str | None) -> None:
        """Show the rating form, on its proposal (on an objective, when given); in review,
        at the journal's end, where the ratings so far are."""
        session = self.session
        if session.mode == "review":
            self.seek(session.end_time)
        self.push_screen(RateModal(session.scenario, proposals(session.scenario, session.events),
                                   session.state.ratings, objective))

    def _rate_in_review(self, command: cmd.Rate) -> Accepted | Refused:
        """An evaluator's rating, given while reviewing: added to the journal (as `tabletop
        rate` does), which is then read again."""
        path = self.session.journal_path
        try:
            _, answer = record_rating(path, command.objective, command.rating, command.by,
                                      command.why)
        except TabletopError as error:
            return Refused(str(error))
        self.call_later(self._review_again, path)
        return answer

    async def _review_again(self, path: str) -> None:
        await self.show_review(ReviewSession(path))
        self.seek(self.session.end_time)

    async def show_review(self, session: ReviewSession) -> None:
        """Review `session` in place of the one on screen."""
        self.session.close()
        self.session, self.title = session, session.scenario.title
        await self.exercise_screen.show_session(session)

    def action_end_exercise(self) -> None:
        """Ask before ending the exercise."""
        self.push_screen(EndModal())

    # ------------------------------------------------------------------ the view

    def action_filter_log(self) -> None:
        """Pick what the event log shows."""
        current = self.exercise_screen.query_one(EventLog).filter
        state, menu = self.session.state, self.filter_menu
        filters = [*menu.choices(state), *menu.contacts(state)]
        self.push_screen(FilterModal(filters, current), self._filter_picked)

    def _filter_picked(self, picked: LogFilter | None) -> None:
        """Apply the picked filter (None: the picker was cancelled)."""
        if picked is not None:
            self.set_log_filter(picked)

    def action_toggle_violations(self) -> None:
        """Switch the log between violations and lead gaps only, and everything."""
        shown = self.exercise_screen.query_one(EventLog).filter
        self.set_log_filter(logfilter.ALL if shown == logfilter.VIOLATIONS
                            else logfilter.VIOLATIONS)

    def set_log_filter(self, log_filter: LogFilter) -> None:
        """Show only what the filter matches in the event log."""
        self.exercise_screen.set_log_filter(log_filter)

    def action_focus_log(self) -> None:
        """Move the keyboard into the log, to scroll it."""
        self.exercise_screen.query_one(EventLog).focus()

    def action_help(self) -> None:
        """Show every key of this mode."""
        self.push_screen(HelpScreen(self.session.mode, self.session.journal_path))

    def seek(self, t: float | None) -> None:
        """Review the exercise as it was at sim time `t`."""
        if t is not None and self.session.mode == "review":
            self.session.seek(t)
            self._advanced([])

    def action_back(self) -> None:
        """Review the previous event's moment."""
        self.seek(self.session.neighbour(-1))

    def action_forward(self) -> None:
        """Review the next event's moment."""
        self.seek(self.session.neighbour(1))

    def action_landmark(self, direction: int) -> None:
        """Review the previous (-1) or next (1) decision or violation."""
        self.seek(self.session.neighbour(direction, LANDMARKS))

    def action_jump(self) -> None:
        """Pick a time or a landmark to review."""
        self.push_screen(JumpModal(self.session.landmarks, self.session.scenario.clock.start,
                                   self.session.end_time), self.seek)

    @on(EventLog.Chosen)
    def log_chosen(self, message: EventLog.Chosen) -> None:
        """In review, Enter on a log line moves the clock to that event."""
        self.seek(message.event.t)

    async def action_quit(self) -> None:
        """Write what the journal is missing, then leave."""
        self.session.close()
        self.exit()


def summary(command: Any) -> str:
    """A command in a few words, for the 'in the journal' notice."""
    fields = command.model_dump(by_alias=True, exclude={"kind"}, exclude_defaults=True)
    return command.kind.replace("_", " ") + ": " + ", ".join(
        f"{k} {', '.join(v) if isinstance(v, list | tuple) else v}"
        for k, v in fields.items() if k != "effects")
