"""Opening an exercise: a new one, one rebuilt from its journal, or one replayed to a
point. Resume, review and fork all follow from one fact: re-running the journaled
commands at their sim times reproduces the journaled events exactly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sim import events as ev
from sim.engine import Exercise, Refused
from sim.errors import JournalError
from sim.journal import CommandRecord, Journal
from sim.loader import load_scenario_text, scenario_hash
from sim.scenario import Scenario
from sim.variants import Setting


def start(scenario_text: str, name: str, seed: int, journal_path: str | None,
          variant: str | None = None, sink: list[ev.Event] | None = None,
          settings: Sequence[Setting] = ()) -> Exercise:
    """A new exercise from scenario text (or one of its variants, with `settings` put in),
    journaled to `journal_path` when given; its first events (at T+0) go to `sink` when
    given."""
    scenario = load_scenario_text(scenario_text, name, variant, settings)
    journal = (Journal.create(journal_path, scenario_text, seed, variant, settings)
               if journal_path else None)
    exercise = Exercise(scenario, seed, journal)
    first = exercise.advance_to(0.0)
    if sink is not None:
        sink += first
    return exercise


def replay(scenario: Scenario, seed: int, records: Iterable[CommandRecord],
           sink: list[ev.Event]) -> Exercise:
    """Re-run accepted commands at their sim times; every event produced goes to `sink`."""
    exercise = Exercise(scenario, seed)
    for record in records:
        if record.refused:
            continue
        sink += exercise.advance_to(record.t)
        if exercise.steps != record.step:
            raise JournalError(f"command {record.n} does not replay at the same point (engine "
                               f"step {exercise.steps}, journal says {record.step}) — the "
                               "journal was written by another version of tabletop")
        result = exercise.submit(record.command)
        if isinstance(result, Refused):
            raise JournalError(f"command {record.n} is refused on replay ({result.reason}) — "
                               "the journal was written by another version of tabletop")
        sink += result.events
    return exercise


def resume(path: str, scenario_text: str | None = None,
           sink: list[ev.Event] | None = None) -> Exercise:
    """Reopen a journal where it stopped, checking that it replays to the same events
    (which go to `sink` when given: a console shows them without reading them again)."""
    journal = Journal.open(path)
    if scenario_text is not None and scenario_hash(scenario_text) != journal.meta["scenario_hash"]:
        journal.close()
        raise JournalError(f"{path} was written for a different version of this scenario (its "
                           "text changed since) — open the journal alone, without the scenario, "
                           "or start a new journal")
    try:
        scenario = journal.scenario()
        produced: list[ev.Event] = []
        exercise = replay(scenario, journal.seed, journal.commands(), produced)
        produced += exercise.advance_to(journal.clock)
        recorded = journal.events()
        check_same(path, recorded, produced)
        exercise.journal = journal
        exercise.append_unwritten(produced[len(recorded):])
        if sink is not None:
            sink += produced
    except BaseException:
        journal.close()  # a refused journal is not left locked
        raise
    return exercise


def check_same(path: str, recorded: list[ev.Event], produced: list[ev.Event]) -> None:
    """Refuse a journal whose events the replay does not reproduce, naming the first."""
    for old, new in zip(recorded, produced, strict=False):
        if (old.t, old.kind, ev.encode(old)) != (new.t, new.kind, ev.encode(new)):
            raise JournalError(f"{path}: event {old.seq} does not replay the same (journal: "
                               f"{old.kind} at T+{old.t:g}, replay: {new.kind} at T+{new.t:g}) — "
                               "was it written by another version of tabletop?")
    if len(produced) < len(recorded):
        raise JournalError(f"{path}: the journal holds {len(recorded)} events but its commands "
                           f"replay to {len(produced)} — the file was changed by hand")
