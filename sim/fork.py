"""Forking an exercise at a decision: "what if they had decided otherwise?"

`fork_journal(path, decision, option, out)` writes a new journal of the same scenario and
seed (common random numbers: every entity draws from its own stream, so only what the
decision changes moves). The rule:

- The original's commands are replayed, in order, at their sim times and engine steps.
- The decision takes the other option *where it was originally decided* when a command
  decided it (a player in the console, or a headless policy: same sim time, same step,
  and the same `by`),
  and *as it opened* when it was left to its default or is still open — the engine
  takes a default at the deadline, where no command can come first. Every event before
  that point is identical to the original's.
- After that point the original's later commands are replayed while the fork's events
  still match the original's. From the first event that differs the run goes on
  headless to the end, and each later decision takes, as it opens, the option a person
  or policy took in the original; a decision instance the original never saw is left to
  the original's headless policy (when it was a headless run) or to its default. The
  difference is the decision alone, not a different set of players.
- Forking with the option already taken changes nothing and reproduces the original's
  events exactly (a decision left to its default is left to it again).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sim import commands as cmd
from sim import events as ev
from sim.engine import Accepted, Exercise
from sim.errors import JournalError, TabletopError
from sim.headless import Policy, play_out, policy_for
from sim.journal import CommandRecord, Journal
from sim.references import unknown
from sim.scenario import Scenario
from sim.state import instance_key
from sim.timeline import tplus


class ForkProblem(TabletopError):
    """A fork that cannot be made as asked (unknown decision or option, never opened)."""


@dataclass(frozen=True)
class Fork:
    """What `fork_journal` wrote: where, and at which point the runs part."""

    path: str
    original: str
    decision: str
    option: str
    was: str | None  # the option the original took (None: never decided)
    at: float  # the sim time the fork took its option
    where: str  # "where it was decided" or "as it opened"


def default_path(path: str, decision: str, option: str) -> str:
    """`NAME.fork-D-X.sqlite` beside the original journal."""
    stem, ext = os.path.splitext(path)
    return f"{stem}.fork-{decision.replace('@', '-')}-{option}{ext or '.sqlite'}"


def fork_journal(path: str, decision: str, option: str, out: str | None = None) -> Fork:
    """Replay the journal at `path` to `decision` (an id, or `D-2@incident` for a decision
    that opens per incident), take `option` there, and run on to the end into a new
    journal at `out` (by default beside the original)."""
    source = Journal.open(path, readonly=True)
    try:
        text, seed, variant = source.scenario_text, source.seed, source.variant
        settings = source.settings
        headless = "policy" in source.meta  # a headless run: its policy decides new instances
        choices = source.policy()
        scenario = source.scenario()
        records = [r for r in source.commands() if r.refused is None]
        original = source.events()
    finally:
        source.close()
    opened, made = _check(path, scenario, original, decision, option)
    key = instance_key(opened.decision, opened.incident)
    decider = None if made is None or made.by == "default" else next(
        (r for r in records if isinstance(r.command, cmd.Decide) and r.t == made.t
         and r.command.decision == made.decision and r.command.incident in (None, made.incident)),
        None)
    unchanged_default = made is not None and made.by == "default" and made.option == option
    later = {instance_key(e.decision, e.incident): e.option for e in original
             if isinstance(e, ev.DecisionMade) and e.by != "default"}
    later[key] = None if unchanged_default else option
    fallback = policy_for(scenario, seed, choices) if headless else None
    target = out or default_path(path, key, option)
    journal = Journal.create(target, text, seed, variant, settings)
    try:
        if headless:
            journal.set_policy(choices)
        run = _ForkedRun(Exercise(scenario, seed, journal), original, path)
        at = run.replay(records, decider, None if decider or unchanged_default else opened,
                        option)
        play_out(run.exercise, _continuation(later, fallback))
    except BaseException:
        journal.close()
        for leftover in (target, f"{target}-wal", f"{target}-shm"):
            if os.path.exists(leftover):
                os.remove(leftover)
        raise
    journal.close()
    return Fork(target, path, key, option, made.option if made else None,
                made.t if unchanged_default else opened.t if at is None else at,
                "where it was decided" if decider or unchanged_default else "as it opened")


def _continuation(later: dict[str, str | None], fallback: Policy | None) -> Policy:
    """After the fork point: each decision instance takes the option the original took
    (the forked one, the new option), and one the original never saw is left to the
    original's headless policy, or to its default."""
    def choose(opened: ev.DecisionOpened) -> str | None:
        key = instance_key(opened.decision, opened.incident)
        if key in later:
            return later[key]
        return fallback(opened) if fallback else None

    return choose


def _check(path: str, scenario: Scenario, original: list[ev.Event], decision: str,
           option: str) -> tuple[ev.DecisionOpened, ev.DecisionMade | None]:
    """The decision's opening and outcome in the original; refuse what cannot be forked."""
    name, _, incident = decision.partition("@")
    spec = next((d for d in scenario.decisions if d.id == name), None)
    if spec is None:
        raise ForkProblem("--at " + unknown("decision", name, [d.id for d in scenario.decisions]))
    if spec.option(option) is None:
        raise ForkProblem(f"--option: decision {name} " + unknown(
            "option", option, [o.id for o in spec.options]))
    instances = [e for e in original if isinstance(e, ev.DecisionOpened) and e.decision == name
                 and (not incident or e.incident == incident)]
    if not instances:
        raise ForkProblem(f"decision {decision} never opened in {path}, so there is no point "
                          "to fork at — pick a decision that opened (tabletop report JOURNAL "
                          "lists them)")
    if len(instances) > 1:
        keys = ", ".join(instance_key(e.decision, e.incident) for e in instances)
        raise ForkProblem(f"decision {name} opened {len(instances)} times in {path}, once per "
                          f"incident ({keys}) — say which, e.g. --at "
                          f"{instance_key(name, instances[0].incident)}")
    opened = instances[0]
    made = next((e for e in original if isinstance(e, ev.DecisionMade) and e.decision == name
                 and e.incident == opened.incident), None)
    return opened, made


class _ForkedRun:
    """The fork's exercise, replayed command by command against the original's events."""

    def __init__(self, exercise: Exercise, original: list[ev.Event], path: str):
        self.exercise = exercise
        self.original = original
        self.path = path
        self.produced = 0  # events the fork has made so far, all checked against the original
        self.taken: float | None = None  # when the fork took its option
        self.diverged = False

    def replay(self, records: list[CommandRecord], decider: CommandRecord | None,
               opened: ev.DecisionOpened | None, option: str) -> float | None:
        """Re-run the commands, taking `option` at `decider` or as `opened` opens, until the
        fork's events part from the original's; returns when the option was taken."""
        for record in records:
            if opened is not None and self.taken is None:
                self.advance(min(record.t, opened.t))
                self.take_if_open(opened, option)
            self.advance(record.t)
            if self.diverged:
                break
            command, seat = record.command, record.seat
            if record is decider:  # the fork's option, not the seat's
                command, seat = command.model_copy(update={"option": option}), None
                self.taken = self.exercise.clock
            self.submit(command, seat)
            if opened is not None and self.taken is None:
                self.take_if_open(opened, option)
        return self.taken

    def advance(self, t: float) -> None:
        """Advance one instant at a time to `t`, stopping at the first divergence."""
        while not self.diverged and _at_or_before(self.exercise.next_event_time, t):
            self.check(self.exercise.step())
        if not self.diverged:
            self.check(self.exercise.advance_to(t))

    def take_if_open(self, opened: ev.DecisionOpened, option: str) -> None:
        if instance_key(opened.decision, opened.incident) in self.exercise.state.open_decisions:
            self.taken = self.exercise.clock
            self.submit(cmd.Decide(decision=opened.decision, option=option,
                                   incident=opened.incident, by="policy"))

    def submit(self, command: object, seat: str | None = None) -> None:
        answer = self.exercise.submit(command, seat)
        self.check(answer.events if isinstance(answer, Accepted) else [])

    def check(self, fresh: list[ev.Event]) -> None:
        """Compare new events with the original's; before the fork point they must match."""
        for event in fresh:
            old = self.original[self.produced] if self.produced < len(self.original) else None
            self.produced += 1
            if self.diverged or (old is not None and (old.t, old.kind, ev.encode(old)) == (
                    event.t, event.kind, ev.encode(event))):
                continue
            if self.taken is None:
                raise JournalError(f"{self.path}: event {event.seq} does not replay the same "
                                   f"({event.kind} at {tplus(event.t)}) before the fork point — "
                                   "was the journal written by another version of tabletop?")
            self.diverged = True


def _at_or_before(when: float | None, t: float) -> bool:
    return when is not None and when <= t
