"""The AAR/IP's content as data, gathered from a journal: what the report says, not how.

`gather(path)` reads a finished (or interrupted) exercise and returns an `AfterAction`:
the overview, the objectives with their evidence, notes and ratings, the timeline, the
MSEL as delivered, decisions, handoffs and waits, the seams broken (violations and lead
gaps, with context), who led each incident over time, and the improvement plan's rows.
`sim.report` renders it as Markdown or HTML; the console's review mode can show it too.
Every sentence about an event comes from `sim.timeline`, so it reads as it did live.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sim import commands as cmd
from sim import events as ev
from sim.aar_lines import (
    LISTED,
    AfterAction,
    DecisionLine,
    ExchangeLine,
    HeldInject,
    Listed,
    Moment,
    ObjectiveLine,
    Overview,
    PlanLine,
    Seam,
)
from sim.collector import collector_paused
from sim.evaluate import COUNTED, evaluate, filters_of
from sim.journal import CommandRecord, Journal, ran_as
from sim.leads import lead_history
from sim.rating import propose
from sim.scenario import Scenario
from sim.state import State, instance_key
from sim.timeline import counted, describe, start_of, tplus, wall

CONTEXT = 3  # events on the same incident shown before a seam
EVIDENCE_SHOWN = 8  # evidence events listed per objective; the seams section has them all
DEFAULT_CAPABILITY = "Operational Coordination"  # the core capability of every interagency seam

# (decision, incident as the command named it, option) → the seat the choice came from
Seats = dict[tuple[str, str | None, str], str]


def gather(path: str) -> AfterAction:
    """Everything the AAR/IP says about the exercise journaled at `path`."""
    journal = Journal.open(path, readonly=True)
    try:
        scenario = journal.scenario()
        with collector_paused():  # a year's events and lines: see `sim.collector`
            events = journal.events()
            return after_action(scenario, events, journal.seed, path, journal.meta,
                                journal.clock, _seats(journal.commands()))
    finally:
        journal.close()


def after_action(scenario: Scenario, events: Sequence[ev.Event], seed: int, path: str,
                 meta: dict[str, str], clock: float, seats: Seats) -> AfterAction:
    """The AAR/IP's content for the events of one run of a scenario (and the seats its
    players' choices came from)."""
    begin = start_of(scenario.clock.start)
    moment = _moments(begin)
    end = max([clock] + [e.t for e in events[-1:]])
    results = evaluate(scenario, events)
    notes = [e for e in events if isinstance(e, ev.Note)]
    rated = {e.objective: e for e in events if isinstance(e, ev.ObjectiveRated)}
    by_seq = {e.seq: e for e in events}
    objectives = [
        ObjectiveLine(r.objective.id, r.objective.text, r.objective.capability or "",
                      r.met, r.detail, [moment(by_seq[s]) for s in r.evidence[:EVIDENCE_SHOWN]],
                      max(len(r.evidence) - EVIDENCE_SHOWN, 0),
                      [n for n in notes if n.objective == r.objective.id],
                      propose(r, events), rated.get(r.objective.id))
        for r in results]
    expected = {i.id: i.expected or "" for i in scenario.injects}
    delivered = [e for e in events if isinstance(e, ev.InjectDelivered)]
    violations = Counter(e.rule for e in events if isinstance(e, ev.Violation))
    return AfterAction(
        overview=_overview(scenario, events, seed, path, meta, begin, end),
        objectives=objectives,
        timeline=Listed([moment(e) for e in events[:LISTED]], len(events)),
        injects=Listed([(moment(e), e, expected.get(e.inject, "")) for e in delivered[:LISTED]],
                       len(delivered)),
        held=_held(events, moment),
        decisions=Listed.of(_decisions(scenario, events, moment, seats)),
        exchanges=Listed.of(_exchanges(events, moment)),
        seams=_seams(events, moment),
        violations=dict(violations),
        leads=lead_history(events, end, scenario.clock.start),
        notes=[(moment(n), n) for n in notes if n.objective is None],
        plan=_plan(scenario, objectives, violations),
        ratings=[(moment(e), e) for e in events if isinstance(e, ev.ObjectiveRated)],
    )


def _moments(begin: datetime):
    """A function turning events into Moments with wall-clock labels from `begin`."""
    def moment(event: ev.Event) -> Moment:
        return Moment(event.seq, event.t, wall(begin, event.t), tplus(event.t), describe(event),
                      event.kind)
    return moment


def _overview(scenario: Scenario, events: Sequence[ev.Event], seed: int, path: str,
              meta: dict[str, str], begin: datetime, end: float) -> Overview:
    ended = next((e for e in events if isinstance(e, ev.ExerciseEnded)), None)
    status = (f"ended at {tplus(ended.t)} ({ended.reason})" if ended else
              f"not finished: the journal stops at {tplus(end)}")
    dated = "T" in scenario.clock.start or "-" in scenario.clock.start
    return Overview(
        title=scenario.title, scenario_id=scenario.id, summary=scenario.summary.strip(),
        date=begin.strftime("%d %B %Y") if dated else "not set in the scenario",
        start=wall(begin, 0.0), planned=tplus(scenario.clock.duration)[2:],
        played=tplus(ended.t if ended else end)[2:], status=status, seed=seed, journal=path,
        conducted=meta.get("created", ""), version=meta.get("tabletop_version", ""),
        variant=ran_as(meta),
        agencies=[(a.id, a.name or a.id, a.kind or "") for a in scenario.agencies])


def _held(events: Sequence[ev.Event], moment) -> list[HeldInject]:
    """Each hold of an MSEL inject, with the release that ended it and the delivery."""
    def first(kind: type, inject: str, after: int = 0) -> Moment | None:
        return next((moment(e) for e in events if isinstance(e, kind) and e.inject == inject
                     and e.seq > after), None)

    return [HeldInject(e.inject, e.why, e.for_, moment(e),
                       first(ev.InjectReleased, e.inject, e.seq),
                       first(ev.InjectDelivered, e.inject))
            for e in events if isinstance(e, ev.InjectHeld)]


def _seats(records: Sequence[CommandRecord]) -> Seats:
    """The seat each choice taken at a player cells' seat came from."""
    return {(r.command.decision, r.command.incident, r.command.option): r.seat
            for r in records
            if r.seat and r.refused is None and isinstance(r.command, cmd.Decide)}


def _decisions(scenario: Scenario, events: Sequence[ev.Event], moment,
               seats: Seats) -> list[DecisionLine]:
    """One line per time a decision opened (once, or once per incident), and one for each
    decision that never opened."""
    made = {instance_key(e.decision, e.incident): e for e in events
            if isinstance(e, ev.DecisionMade)}
    specs = {d.id: d for d in scenario.decisions}
    lines = []
    for o in (e for e in events if isinstance(e, ev.DecisionOpened)):
        key, d = instance_key(o.decision, o.incident), specs[o.decision]
        m = made.get(key)
        option = d.option(m.option) if m else None
        opened, taken = moment(o), moment(m) if m else None
        lines.append(DecisionLine(
            key, d.cell, d.prompt.strip(), f"{opened.wall} {opened.tplus}",
            f"{taken.wall} {taken.tplus}" if taken else "—",
            m.option if m else "—", option.text if option else "",
            m.by if m else "still open", m.t - o.t if m else None, d.deadline,
            _seat_of(m, seats) if m else None))
    seen = {line.id.partition("@")[0] for line in lines}
    lines += [DecisionLine(d.id, d.cell, d.prompt.strip(), "did not open", "—", "—", "", "—",
                           None, d.deadline) for d in scenario.decisions if d.id not in seen]
    return lines


def _seat_of(made: ev.DecisionMade, seats: Seats) -> str | None:
    """The seat a player's choice came from: its command named the incident, or the only
    instance open."""
    if made.by != "player":
        return None
    return (seats.get((made.decision, made.incident, made.option))
            or seats.get((made.decision, None, made.option)))


_ASKED = {  # request kind → (what the exchange is called, the fields its answer repeats)
    "handoff_requested": ("handoff", ("incident", "from", "to")),
    "coordination_requested": ("coordination", ("incident", "agency", "with", "domain")),
    "approval_requested": ("approval", ("incident", "agency", "by", "authority", "action")),
}
_ANSWERS = {"handoff_accepted": "handoff_requested", "handoff_declined": "handoff_requested",
            "coordination_granted": "coordination_requested",
            "approval_granted": "approval_requested"}


def _exchanges(events: Sequence[ev.Event], moment) -> list[ExchangeLine]:
    """Each handoff, coordination and approval request paired with its answer."""
    asked: list[ev.Event] = []
    answered: dict[int, ev.Event] = {}
    waiting: dict[tuple, list[int]] = defaultdict(list)
    for e in events:
        kind = _ANSWERS.get(e.kind, e.kind)
        if kind not in _ASKED:
            continue
        key = (kind, *(ev.fields_of(e)[k] for k in _ASKED[kind][1]))
        if e.kind == kind:
            waiting[key].append(len(asked))
            asked.append(e)
        elif waiting[key]:
            answered[waiting[key].pop(0)] = e
    return [_exchange(e, answered.get(n), moment) for n, e in enumerate(asked)]


def _exchange(asked: ev.Event, answer: ev.Event | None, moment) -> ExchangeLine:
    name, mine = _ASKED[asked.kind][0], ev.fields_of(asked)
    if name == "handoff":
        who, of, about = mine["from"], mine["to"], "the lead"
    elif name == "coordination":
        who, of, about = mine["agency"], mine["with"], f"{mine['domain']} in {mine['zone']}"
    else:
        who, of, about = mine["agency"], mine["by"], f"'{mine['action']}' ({mine['authority']})"
    outcome = ("no answer before the incident left or the exercise ended" if answer is None
               else answer.kind.rsplit("_", 1)[1]
               + (f": {answer.reason}" if isinstance(answer, ev.HandoffDeclined) else ""))
    return ExchangeLine(name, asked.incident, who, of, about, moment(asked),
                        moment(answer) if answer else None, outcome)


def _seams(events: Sequence[ev.Event], moment) -> Listed[Seam]:
    """Every violation and lead gap (the first LISTED of them in full), with the lead at
    the time and the events on the incident just before."""
    state = State()
    seams: list[Seam] = []
    total = 0
    recent: dict[str, deque[ev.Event]] = defaultdict(lambda: deque(maxlen=CONTEXT))
    open_gaps: dict[tuple[str, str], tuple[int, float]] = {}
    for e in events:
        state.apply(e)
        incident = getattr(e, "incident", None)
        if isinstance(e, ev.LeadGapClosed) and (incident, e.zone) in open_gaps:
            n, since = open_gaps.pop((incident, e.zone))
            seams[n] = replace(seams[n], detail=seams[n].detail.replace(
                "still open at the end", f"closed after {e.t - since:.1f} min"))
        if isinstance(e, ev.Violation | ev.LeadGap):
            total += 1
            if len(seams) < LISTED:
                seams.append(_seam(e, state, [moment(c) for c in recent[incident]], moment))
                if isinstance(e, ev.LeadGap):
                    open_gaps[(incident, e.zone)] = (len(seams) - 1, e.t)
        if incident is not None and not isinstance(e, ev.Violation):
            recent[incident].append(e)
    return Listed(seams, total)


def _seam(e: ev.Violation | ev.LeadGap, state: State, context: list[Moment], moment) -> Seam:
    now = state.incidents.get(e.incident)
    lead = now.lead if now and now.lead else "nobody"
    if isinstance(e, ev.Violation):
        return Seam("violation", e.rule, moment(e), e.incident, e.agency, e.zone, e.detail,
                    lead, context)
    return Seam("lead gap", "lead gap", moment(e), e.incident, "", e.zone,
                f"no lead with jurisdiction in {e.zone}; still open at the end", lead, context)


def _plan(scenario: Scenario, objectives: list[ObjectiveLine],
          violations: Counter[str]) -> list[PlanLine]:
    """One row per objective not met and one per kind of violation, capability filled in."""
    rows = [PlanLine(f"{o.id} not met: {o.text} ({o.detail})",
                     o.capability or f"{DEFAULT_CAPABILITY} (assumed: the scenario names none)")
            for o in objectives if not o.met]
    rows += [PlanLine(f"{rule} rule broken {counted(n, 'time')} (see 'Seams broken')",
                      _capability_of_rule(scenario, rule)) for rule, n in violations.items()]
    return rows


def _capability_of_rule(scenario: Scenario, rule: str) -> str:
    """The capability of an objective that watches this rule; else Operational
    Coordination, the core capability every interagency seam belongs to."""
    for o in scenario.objectives:
        watched = filters_of(o)[0] if o.measure in COUNTED else {}
        rules = watched.get("rule", rule)
        if (watched.get("event") == "violation" and o.capability
                and rule in ((rules,) if isinstance(rules, str) else rules)):
            return o.capability
    return DEFAULT_CAPABILITY
