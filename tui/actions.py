"""The one table of what a facilitator can do, behind keys, footer, help and palette.

Each `ConsoleAction` names an App action once; from this table come the key `Binding`s
(with ids, so `App.set_keymap` can remap them), the help screen's rows and the command
palette's entries. Palette titles start with an HSEEP word (`inject:`, `decision:`,
`move:`, `note:`, `view:`, …) so fuzzy search groups them, and they are filtered by
context: an entry is offered only in the mode (live or review) and situation (a decision
open, the exercise not yet ended, in review a decision to fork at) where it can work.
Entries that depend on the scenario (each open decision's options, each inject still to
come, each log filter) are generated from the state when the palette opens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from sim import commands as cmd
from sim.scenario import Scenario
from sim.timeline import describe, tplus
from tui.widgets.msel import due, held

if TYPE_CHECKING:
    from tui.app import TabletopApp

SPEED = Binding.Group("speed", compact=True)
REVIEW_STEP = Binding.Group("event", compact=True)
REVIEW_MARK = Binding.Group("decision/violation", compact=True)


@dataclass(frozen=True)
class ConsoleAction:
    """One thing the facilitator can do: its key, footer label, palette title and help."""

    id: str
    keys: str
    action: str
    description: str
    title: str
    help: str
    modes: tuple[str, ...] = ("live",)
    needs: str | None = None  # a situation fact (see TabletopApp.situation)
    until_needed: bool = False  # its key works, and shows, only once the situation comes
    show: bool = True
    key_display: str | None = None
    group: Binding.Group | None = None
    priority: bool = False


ACTIONS: tuple[ConsoleAction, ...] = (
    ConsoleAction("clock.toggle", "space", "toggle_clock", "run/pause",
                  "clock: start or pause the exercise clock",
                  "Start the clock, or pause it (a pause is journaled, so the AAR shows it).",
                  needs="not-ended"),
    ConsoleAction("clock.step", "n", "step", "step", "clock: step to the next event",
                  "Advance the clock to the next moment something happens.",
                  needs="not-ended"),
    ConsoleAction("clock.faster", "plus,equals_sign", "faster", "speed",
                  "clock: run faster", "Speed up: 1×, 2×, 5×, 10×, 30×, 60× real time.",
                  key_display="+", group=SPEED),
    ConsoleAction("clock.slower", "minus", "slower", "speed", "clock: run slower",
                  "Slow down, back toward real time.", key_display="-", group=SPEED),
    ConsoleAction("decision.decide", "d", "decide", "decide",
                  "decision: decide the oldest open decision",
                  "Record the player cell's choice for the oldest open decision.",
                  needs="decision-open"),
    ConsoleAction("inject.fire", "i", "inject", "inject", "inject: fire an MSEL inject now",
                  "Deliver an inject from the MSEL now, ahead of its time or held for you.",
                  needs="not-ended"),
    ConsoleAction("move.record", "m", "move", "move", "move: record a player move",
                  "Record what a player cell does outside the script: assume lead, hand "
                  "off, notify, share data, request, coordinate, act.", needs="not-ended"),
    ConsoleAction("note.write", "o", "note", "note", "note: write an evaluator note",
                  "Write a note (author, text, objective) into the journal for the AAR."),
    ConsoleAction("objective.rate", "r", "rate", "rate",
                  "objective: rate an objective (hotwash)",
                  "Once the exercise has ended: confirm or override an objective's proposed "
                  "HSEEP rating (an override needs a reason; the AAR/IP shows both). In "
                  "review too: the rating is added to the journal.",
                  modes=("live", "review"), needs="hotwash", until_needed=True),
    ConsoleAction("review.back", "left", "back", "back", "view: previous event",
                  "Move the review clock back to the previous event.", modes=("review",),
                  key_display="←", group=REVIEW_STEP),
    ConsoleAction("review.forward", "right", "forward", "forward", "view: next event",
                  "Move the review clock on to the next event.", modes=("review",),
                  key_display="→", group=REVIEW_STEP),
    ConsoleAction("review.previous", "left_square_bracket", "landmark(-1)", "previous",
                  "view: previous decision or violation",
                  "Jump back to the previous decision or violation.", modes=("review",),
                  key_display="[", group=REVIEW_MARK),
    ConsoleAction("review.next", "right_square_bracket", "landmark(1)", "next",
                  "view: next decision or violation",
                  "Jump to the next decision or violation.", modes=("review",),
                  key_display="]", group=REVIEW_MARK),
    ConsoleAction("review.jump", "j", "jump", "jump", "view: jump to a time, decision or "
                  "violation", "Pick a time (45m, 1h10m, 02:45) or a landmark to review.",
                  modes=("review",)),
    ConsoleAction("decision.fork", "F", "fork", "fork",
                  "decision: fork here — take another option and compare",
                  "Replay the exercise to the selected decision (the latest at or before the "
                  "review clock, or the log's cursor line), take another option, run on with "
                  "the same seed into a new journal, and compare the two runs.",
                  modes=("review",), needs="decision-selected", key_display="F"),
    ConsoleAction("help", "question_mark,f1", "help", "help", "view: keys and help",
                  "Show every key and what it does.", modes=("live", "review"),
                  key_display="?"),
    ConsoleAction("quit", "q", "quit", "quit", "exercise: quit the console",
                  "Quit; the journal keeps everything, reopen with play --journal FILE.",
                  modes=("live", "review")),
    ConsoleAction("log.filter", "f", "filter_log", "filter", "view: filter the event log",
                  "Show only one incident, one agency or some kinds of event in the log.",
                  modes=("live", "review")),
    ConsoleAction("log.violations", "v", "toggle_violations", "violations",
                  "view: log shows violations only, or all",
                  "Toggle the log between every event and the violations and lead gaps.",
                  modes=("live", "review")),
    ConsoleAction("inject.adhoc", "a", "adhoc_inject", "ad-hoc inject",
                  "inject: write an ad-hoc inject",
                  "Send an inject that is not in the MSEL: to whom, text, optional effect.",
                  needs="not-ended"),
    ConsoleAction("exercise.end", "E", "end_exercise", "end", "exercise: end the exercise now",
                  "End the exercise (asks first); notes can still be written afterwards.",
                  needs="not-ended", key_display="E"),
    ConsoleAction("log.focus", "l", "focus_log", "log", "view: move into the event log",
                  "Focus the log: ↑/↓/PgUp/PgDn scroll it, End follows the newest event.",
                  modes=("live", "review"), show=False),
    ConsoleAction("quit.interrupt", "ctrl+c", "quit", "quit", "", "", modes=("live", "review"),
                  show=False, priority=True),
)
BY_ACTION = {a.action.split("(")[0]: a for a in ACTIONS}


def bindings() -> list[Binding]:
    """The key bindings of every action, each with its registry id."""
    return [Binding(a.keys, a.action, a.description, show=a.show, key_display=a.key_display,
                    priority=a.priority, tooltip=a.help, id=a.id, group=a.group)
            for a in ACTIONS]


def offered(action: ConsoleAction, situation: frozenset[str]) -> bool:
    """Whether an action can work now (its mode, and the situation it needs)."""
    return (any(mode in situation for mode in action.modes)
            and (action.needs is None or action.needs in situation))


def help_rows(mode: str) -> Iterator[tuple[str, str, str]]:
    """(keys, palette title, help) for every action of a mode, for the help screen."""
    for a in ACTIONS:
        if mode in a.modes and a.title:
            keys = a.key_display or a.keys.split(",")[0]
            yield keys, a.title, a.help


# ---------------------------------------------------------------------- the palette


@dataclass(frozen=True)
class Entry:
    """One palette line: what it says, what it does, and a sentence of help."""

    title: str
    run: Callable[[], object]
    help: str


def entries(app: TabletopApp) -> Iterator[Entry]:
    """Everything the palette offers now, static actions first, then scenario entries."""
    situation = app.situation()
    for a in ACTIONS:
        if a.title and offered(a, situation):
            yield Entry(a.title, partial(app.run_action, a.action), a.help)
    session, state = app.session, app.session.state
    if "live" in situation and "not-ended" in situation:
        for opened in sorted(state.open_decisions.values(), key=lambda d: d.opened):
            decision = next(d for d in session.scenario.decisions if d.id == opened.decision)
            yield Entry(f"decision: {decision.id} ({decision.cell}) — choose an option",
                        partial(app.open_decision, decision.id), decision.prompt)
            for option in decision.options:
                command = cmd.Decide(decision=decision.id, option=option.id)
                yield Entry(f"decision: {decision.id} → {option.id}",
                            partial(app.submit, command), option.text)
        for inject in session.scenario.injects:
            if inject.id not in state.delivered:
                to = ", ".join(inject.recipients)
                yield Entry(f"inject: fire {inject.id} now ({due(inject, state)}, to {to})",
                            partial(app.submit, cmd.FireInject(inject=inject.id)), inject.text)
                if inject.id in state.held:
                    yield Entry(f"inject: release {inject.id} (to {to})",
                                partial(app.submit, cmd.ReleaseInject(inject=inject.id)),
                                "Let it fire by itself again: at its time, or now if that "
                                "has passed.")
                elif not held(inject, state):
                    yield Entry(f"inject: hold {inject.id} ({due(inject, state)}, to {to})",
                                partial(app.open_hold, inject.id),
                                "Keep it from firing by itself, saying why; fire it by hand "
                                "later, if ever.")
        for kind, label in moves(session.scenario).items():
            yield Entry(f"move: {label}", partial(app.open_move, kind),
                        f"Record a player move: {label}.")
    if "live" in situation:
        for objective in session.scenario.objectives:
            yield Entry(f"note: on {objective.id}", partial(app.open_note, objective.id),
                        objective.text)
    if "hotwash" in situation:
        for objective in session.scenario.objectives:
            rated = state.ratings.get(objective.id)
            yield Entry(f"objective: rate {objective.id}"
                        + (f" (rated {rated.rating} by {rated.by})" if rated else ""),
                        partial(app.open_rating, objective.id), objective.text)
    for choice in app.filter_menu.choices(state):
        yield Entry(f"view: log shows {choice.label}", partial(app.set_log_filter, choice),
                    "Filter the event log.")
    if "review" in situation:
        for event in session.landmarks:
            yield Entry(f"view: jump to {tplus(event.t)} — {describe(event)}",
                        partial(app.seek, event.t), "Review the exercise as it was then.")


MOVES = {
    "assume_lead": "a cell assumes the lead",
    "handoff": "a cell hands off the lead",
    "notify": "a cell notifies another agency",
    "share": "a cell shares data with another agency",
    "request": "a cell requests an action",
    "coordinate": "a cell asks for coordination",
    "act": "a cell takes an action",
}


def moves(scenario: Scenario) -> dict[str, str]:
    """The moves a player cell can make here: sharing needs the scenario to declare data."""
    return {kind: label for kind, label in MOVES.items() if kind != "share" or scenario.data}


class ConsoleCommands(Provider):
    """The command palette's provider: the registry's entries, filtered by context."""

    async def discover(self) -> Hits:
        for entry in entries(self.app):
            yield DiscoveryHit(entry.title, entry.run, help=entry.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in entries(self.app):
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.title), entry.run, help=entry.help)
