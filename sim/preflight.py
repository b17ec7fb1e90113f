"""Pre-flight: run the exercise headless before the day and report what would go wrong.

The scenario runs over seeds 1..N, and for each seed once per *decision path* — a choice
of one option for every decision, answered by `sim.headless.fixed_choices` the moment the
decision opens: every combination of options, or past `MAX_PATHS` combinations a seeded
sample that still takes every option at least once — plus one *default-only* run in which
nobody answers, so each decision that opens is closed by its default at its deadline.

What it reports, and how each is measured:
- an objective that no run meets (unreachable), or that every run meets (it measures
  nothing the players decide);
- an inject that never fires in any run (held injects, which only the controller fires,
  are listed but are no problem);
- a decision that never opens; and a decision that *always times out*. In the path runs a
  policy answers every decision at once, so time-outs are measured in the default-only
  runs, where every decision that opens falls to its default — which by itself says
  nothing. A decision always times out when, in every default-only run where it opened,
  it was closed by its default while its cell had withdrawn from the exercise for the
  whole time it was open: a withdrawn agency neither acts nor answers (FORMAT.md), so no
  player could have answered it and its default is all the exercise will ever see;
- a `when` trigger (of an inject, a decision or a standing order) that no event matches;
- the controller's load: injects delivered and decisions opened per 5-minute window, in
  the busiest run for that window, with the peak.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from dataclasses import dataclass, field

from sim import events as ev
from sim.engine import Exercise
from sim.evaluate import evaluate
from sim.headless import fixed_choices, play_out
from sim.scenario import Scenario
from sim.timeline import counted, start_of, tplus, wall

MAX_PATHS = 64  # decision paths per seed before sampling
WINDOW = 5.0  # minutes per window of the controller's load
LOAD_LINES = 24  # windows listed at most (the busiest, when there are more)


@dataclass(frozen=True)
class Finding:
    """One line of the report, about one objective, inject, decision or trigger."""

    section: str  # "Objectives", "Injects", "Decisions" or "Triggers"
    subject: str
    text: str
    problem: bool


@dataclass(frozen=True)
class Window:
    """The controller's load in one 5-minute window, in the busiest run for it."""

    start: float
    injects: int
    decisions: int

    @property
    def total(self) -> int:
        return self.injects + self.decisions


@dataclass
class Preflight:
    scenario: Scenario
    seeds: int
    paths: int  # decision paths run per seed
    combinations: int  # how many paths exist (more than `paths` when sampled)
    runs: int
    findings: list[Finding] = field(default_factory=list)
    load: list[Window] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.problem]

    @property
    def peak(self) -> Window | None:
        return max(self.load, key=lambda w: (w.total, -w.start), default=None)


@dataclass
class _Tally:
    """What the runs showed, counted across all of them."""

    runs: int = 0
    met: Counter = field(default_factory=Counter)
    fired: Counter = field(default_factory=Counter)
    opened: Counter = field(default_factory=Counter)
    matched: Counter = field(default_factory=Counter)
    silent_opened: Counter = field(default_factory=Counter)  # default-only runs where it opened
    unanswerable: Counter = field(default_factory=Counter)  # …and its cell was away throughout
    load: dict[int, tuple[int, int]] = field(default_factory=dict)


def decision_paths(scenario: Scenario, limit: int = MAX_PATHS) -> tuple[list[dict], int]:
    """The decision paths to run, and how many combinations there are in all."""
    options = [[(d.id, o.id) for o in d.options] for d in scenario.decisions]
    total = math.prod(len(o) for o in options) if options else 0
    if total <= limit:
        return [dict(combo) for combo in itertools.product(*options)] if options else [], total
    widest = max(len(o) for o in options)
    paths = [dict(o[i % len(o)] for o in options) for i in range(widest)]  # every option once
    seen = {tuple(p.values()) for p in paths}
    rng = random.Random(f"preflight:{scenario.id}")
    while len(paths) < limit:
        path = dict(rng.choice(o) for o in options)
        if tuple(path.values()) not in seen:
            seen.add(tuple(path.values()))
            paths.append(path)
    return paths, total


def preflight(scenario: Scenario, seeds: int = 10) -> Preflight:
    """Run the scenario over seeds 1..`seeds` and every decision path; report the findings."""
    paths, total = decision_paths(scenario)
    tally = _Tally()
    for seed in range(1, seeds + 1):
        _count(scenario, tally, play_out(Exercise(scenario, seed)), silent=True)
        for path in paths:
            _count(scenario, tally, play_out(Exercise(scenario, seed), fixed_choices(path)),
                   silent=False)
    report = Preflight(scenario, seeds, len(paths), total, tally.runs)
    report.findings = (_objectives(scenario, tally) + _injects(scenario, tally)
                       + _decisions(scenario, tally) + _triggers(scenario, tally))
    report.load = [Window(k * WINDOW, i, d) for k, (i, d) in sorted(tally.load.items())]
    return report


def _count(scenario: Scenario, tally: _Tally, events: list[ev.Event], silent: bool) -> None:
    """Add one run to the tally."""
    tally.runs += 1
    tally.met.update(r.objective.id for r in evaluate(scenario, events) if r.met)
    tally.fired.update({e.inject for e in events if isinstance(e, ev.InjectDelivered)})
    tally.opened.update({e.decision for e in events if isinstance(e, ev.DecisionOpened)})
    for item in (*scenario.injects, *scenario.decisions, *scenario.orders):
        if item.when is not None and any(ev.matches(e, item.when) for e in events):
            tally.matched[item.id] += 1
    if silent:
        for decision, unanswerable in _time_outs(scenario, events).items():
            tally.silent_opened[decision] += 1
            tally.unanswerable[decision] += unanswerable
    windows: Counter = Counter()
    for e in events:
        if isinstance(e, ev.InjectDelivered | ev.DecisionOpened):
            windows[(int(e.t // WINDOW), e.kind)] += 1
    for k in {k for k, _ in windows}:
        here = (windows[(k, "inject_delivered")], windows[(k, "decision_opened")])
        if sum(here) > sum(tally.load.get(k, (0, 0))):
            tally.load[k] = here


def _time_outs(scenario: Scenario, events: list[ev.Event]) -> dict[str, bool]:
    """For each decision that opened in a run nobody answered: was every instance of it
    closed by its default while its cell was away from its opening to its deadline?"""
    cells = {d.id: d.cell for d in scenario.decisions}
    away: set[str] = set()
    open_since: dict[tuple, bool] = {}  # instance → cell away all along so far
    result: dict[str, bool] = {}
    for e in events:
        if isinstance(e, ev.AgencyWithdrawn):
            away.add(e.agency)
        elif isinstance(e, ev.AgencyReturned):
            away.discard(e.agency)
            for instance in open_since:
                if cells[instance[0]] == e.agency:
                    open_since[instance] = False
        elif isinstance(e, ev.DecisionOpened):
            open_since[(e.decision, e.incident)] = cells[e.decision] in away
            result.setdefault(e.decision, True)
        elif isinstance(e, ev.DecisionMade):
            all_along = open_since.pop((e.decision, e.incident), False)
            result[e.decision] = result.get(e.decision, True) and all_along and e.by == "default"
    for decision, _ in open_since:  # still open when the exercise ended: it did not time out
        result[decision] = False
    return result


def _share(count: int, runs: int) -> str:
    return f"{count} of {runs} runs ({100 * count / runs:.0f}%)" if runs else "no runs"


def _objectives(scenario: Scenario, tally: _Tally) -> list[Finding]:
    """Each objective: met in some runs, or a problem when in none or in all."""
    found = []
    for objective in scenario.objectives:
        met = tally.met[objective.id]
        if met == 0:
            text, problem = ("PROBLEM: no run meets it — whatever the players decide, it "
                             "cannot be met as written"), True
        elif met == tally.runs:
            text, problem = ("PROBLEM: every run meets it — it measures nothing the players "
                             "decide"), True
        else:
            text, problem = f"met in {_share(met, tally.runs)}", False
        found.append(Finding("Objectives", objective.id, text, problem))
    return found


def _injects(scenario: Scenario, tally: _Tally) -> list[Finding]:
    """The injects that never fire, and why; held injects for the record."""
    found = []
    for inject in scenario.injects:
        if inject.at is None and inject.when is None:
            found.append(Finding("Injects", inject.id, "held: the controller fires it", False))
        elif tally.fired[inject.id] == 0:
            why = (f"its time {tplus(inject.at)} is after the end of the exercise"
                   if inject.at is not None and inject.at > scenario.clock.duration
                   else "its trigger never matches" if not tally.matched[inject.id]
                   else "its trigger matches, but the exercise ends before its delay is over")
            found.append(Finding("Injects", inject.id, f"PROBLEM: never fires — {why}", True))
    return found


def _decisions(scenario: Scenario, tally: _Tally) -> list[Finding]:
    """The decisions that never open or always time out."""
    found = []
    for decision in scenario.decisions:
        if tally.opened[decision.id] == 0:
            why = (f"it opens at {tplus(decision.at)}, after the end of the exercise"
                   if decision.at is not None and decision.at >= scenario.clock.duration
                   else "its trigger never matches" if decision.when is not None
                   and not tally.matched[decision.id] else "the exercise ends first")
            found.append(Finding("Decisions", decision.id, f"PROBLEM: never opens — {why}", True))
        elif tally.silent_opened[decision.id] and (
                tally.unanswerable[decision.id] == tally.silent_opened[decision.id]):
            found.append(Finding(
                "Decisions", decision.id, f"PROBLEM: always times out — {decision.cell} has "
                "withdrawn from the exercise for as long as it is open, so nobody can answer "
                f"it and its default '{decision.default}' is always taken", True))
    return found


def _triggers(scenario: Scenario, tally: _Tally) -> list[Finding]:
    """The `when` filters no event matched in any run."""
    return [Finding("Triggers", item.id, "PROBLEM: its 'when' never matches an event in any "
                    "run: " + ", ".join(f"{k}: {v}" for k, v in item.when.items()), True)
            for item in (*scenario.injects, *scenario.decisions, *scenario.orders)
            if item.when is not None and not tally.matched[item.id]]


def render(report: Preflight) -> str:
    """The report as text for a terminal or a CI log."""
    s = report.scenario
    sampled = (f" (a sample of {report.combinations} combinations)"
               if report.combinations > report.paths else "")
    lines = [f"Pre-flight of {s.id} — {s.title}",
             f"{report.runs} runs: seeds 1..{report.seeds}, each with {report.paths} decision "
             f"paths{sampled} and once with nobody answering", ""]
    width = max((len(f.subject) for f in report.findings), default=0)
    for section in ("Objectives", "Injects", "Decisions", "Triggers"):
        found = [f for f in report.findings if f.section == section]
        if found:
            lines.append(section)
            lines += [f"  {f.subject:<{width}}  {f.text}" for f in found]
            lines.append("")
    lines.append(f"Controller load (injects delivered + decisions opened per {WINDOW:g} "
                 "minutes, busiest run)")
    begin = start_of(s.clock.start)
    shown = report.load
    if len(shown) > LOAD_LINES:
        lines.append(f"  {len(shown)} windows have something for the controller; the "
                     f"{LOAD_LINES} busiest:")
        shown = sorted(sorted(shown, key=lambda w: (-w.total, w.start))[:LOAD_LINES],
                       key=lambda w: w.start)
    for w in shown:
        lines.append(f"  {tplus(w.start):>8} {wall(begin, w.start)}  {'█' * w.total:<12} "
                     f"{counted(w.injects, 'inject')}, {counted(w.decisions, 'decision')}")
    peak = report.peak
    if peak is not None:
        lines.append(f"  peak: {peak.total} in {tplus(peak.start)}–{tplus(peak.start + WINDOW)}")
    flagged = list(dict.fromkeys(f.subject for f in report.problems))
    lines += ["", f"Problems with {counted(len(flagged), 'item')}: {', '.join(flagged)}." if flagged
              else "No problems found."]
    return "\n".join(lines)
