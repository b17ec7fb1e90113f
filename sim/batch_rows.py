"""One run as one tidy row: the measures an analyst compares across seeds and policy variants.

`measures(scenario, events)` turns a run's events into flat numbers, named so a CSV reads
without a legend: each objective met (`met_O-1`: 1 or 0, scored by `sim.evaluate`); how
many incidents appeared, were never detected, or never had a lead; the median over
incidents of the minutes from detection to the first lead (0 when led before detected);
lead gaps (count, and total minutes — a gap still open at the end counts up to the end;
leads and gaps come from `sim.leads`, as in the AAR/IP's chart); violations
by rule (`violations_authority`, … one column per rule); handoffs (count, median minutes
from request to answer, declined); and decisions taken by default because nobody chose.
A measure with nothing to measure (a median over no handoffs) is `None`, an empty CSV cell.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from statistics import median

from sim import events as ev
from sim.collector import collector_paused
from sim.evaluate import evaluate
from sim.leads import lead_history
from sim.references import RULES
from sim.scenario import Scenario

Row = dict[str, int | float | str | None]
# A row's first columns name its run (`sim.batch.run_seeds`); the measures follow them.
IDENTITY = ("variant", "seed", "scenario_hash", "tabletop_version", "decide", "set")
MET = "met_"  # an objective's column: 1 when the run met it, else 0 (a share over runs)


def measures(scenario: Scenario, events: Sequence[ev.Event]) -> Row:
    """The row of measures for one run's events (all of them, from the start)."""
    with collector_paused():  # a year's spans and lists: see `sim.collector`
        return _measures(scenario, events)


def _measures(scenario: Scenario, events: Sequence[ev.Event]) -> Row:
    end = events[-1].t if events else 0.0
    history = lead_history(events, end, scenario.clock.start)
    first_lead: dict[str, float] = {}
    for span in history.leads:
        first_lead[span.incident] = min(span.start, first_lead.get(span.incident, span.start))
    detected: dict[str, float] = {}
    violations: Counter[str] = Counter()
    asked: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    answer_minutes: list[float] = []
    handoffs = declined = by_default = 0
    for e in events:
        kind = e.kind
        if kind == "detected":
            detected.setdefault(e.incident, e.t)
        elif kind == "violation":
            violations[e.rule] += 1
        elif kind == "handoff_requested":
            asked[(e.incident, e.from_, e.to)].append(e.t)
            handoffs += 1
        elif kind in ("handoff_accepted", "handoff_declined"):
            declined += kind == "handoff_declined"
            waiting = asked.get((e.incident, e.from_, e.to))
            if waiting:
                answer_minutes.append(e.t - waiting.pop(0))
        elif kind == "decision_made" and e.by == "default":
            by_default += 1
    to_lead = [max(0.0, first_lead[i] - t) for i, t in detected.items() if i in first_lead]
    met = {f"{MET}{r.objective.id}": int(r.met) for r in evaluate(scenario, events)}
    return {
        **met,
        "incidents": len(history.incidents),
        "undetected": sum(1 for i in history.incidents if i not in detected),
        "never_led": sum(1 for i in history.incidents if i not in first_lead),
        "first_lead_min": median(to_lead) if to_lead else None,
        "lead_gaps": len(history.gaps),
        "lead_gap_min": sum(gap.end - gap.start for gap in history.gaps),
        **{f"violations_{rule}": violations[rule] for rule in RULES},
        "handoffs": handoffs,
        "handoff_median_min": median(answer_minutes) if answer_minutes else None,
        "handoffs_declined": declined,
        "decisions_by_default": by_default,
    }
