"""Proposed HSEEP ratings (P, S, M, U) for the objectives, and the evaluator's word on them.

HSEEP rates each objective, and the core capability it evaluates, on four levels. tabletop
proposes one from the evidence in the journal; an evaluator confirms or overrides it
(`tabletop rate`, journaled as a `Rate` command), and the AAR/IP shows both. The rule:

- **U** (unable to be performed): the objective was not met.
- **M** (performed with major challenges): met, but a rule was broken along the way — a
  `violation` event, i.e. not done in accordance with the applicable authorities and
  agreements, which is HSEEP's mark of major challenges.
- **S** (performed with some challenges): met with no violation, but a lead gap opened
  along the way, or a `within` objective was met in the last quarter of its limit.
- **P** (performed without challenges): met with margin, no violation, no lead gap.

"Along the way" is the objective's window: from its `from` event to its `to` event for
`within`; from the start to its `then` event (or the end) for `before`; the whole
exercise for `never` and `count`. Only events on the incidents the objective's filters name count
(every incident when they name none), only violations of the rule it names when it names
one, and a lead gap counts when it opened after the window began.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sim import commands as cmd
from sim import events as ev
from sim.engine import Accepted, Refused
from sim.errors import TabletopError
from sim.evaluate import Result, evaluate, filters_of, first_matching
from sim.scenario import Objective, Scenario
from sim.session import resume
from sim.timeline import counted, tplus

RATINGS = {
    "P": "Performed without challenges",
    "S": "Performed with some challenges",
    "M": "Performed with major challenges",
    "U": "Unable to be performed",
}
# The rule above, for the AAR/IP's appendix: (rating, when it is proposed).
RULE = (
    ("P", "met with margin to spare, and no violation or lead gap along the way"),
    ("S", "met with no violation, but a lead gap opened along the way, or a 'within' "
          "objective was met in the last quarter of its limit"),
    ("M", "met, but a rule was broken along the way (a violation: not done in accordance "
          "with the applicable authorities and agreements)"),
    ("U", "not met"),
    ("", "'Along the way' is the objective's window: from its 'from' event to its 'to' event "
         "for 'within'; from the start to its 'then' event (or the end) for 'before'; the "
         "whole exercise for 'never' and 'count'. Only the incidents the objective names "
         "count (all when it names none), only the rule it names when it names one, and a "
         "lead gap counts when it opened after the window began."),
)
LATE_SHARE = 0.25  # a `within` objective met with less than this share of its limit to spare


@dataclass(frozen=True)
class Proposal:
    """The rating tabletop proposes for one objective, and why, in a sentence."""

    objective: str
    rating: str
    why: str
    evidence: tuple[int, ...]  # seq of the violations and lead gaps that lowered it


class RatingRefused(TabletopError):
    """A rating an evaluator cannot record as asked."""


def propose(result: Result, events: Sequence[ev.Event]) -> Proposal:
    """The proposed rating of one evaluated objective, from the events of its run."""
    objective = result.objective
    if not result.met:
        return Proposal(objective.id, "U", "the objective was not met", ())
    start, end = _window(objective, events)
    incidents = _named(objective, "incident")
    rules = _named(objective, "rule")
    along = [e for e in events if start <= e.t <= end
             and (not incidents or getattr(e, "incident", None) in incidents)]
    broken = [e for e in along if e.kind == "violation" and (not rules or e.rule in rules)]
    if broken:
        kinds = ", ".join(sorted({e.rule for e in broken}))
        return Proposal(objective.id, "M", f"met, but {counted(len(broken), 'violation')} "
                        f"along the way ({kinds}): {_seqs(broken)}",
                        tuple(e.seq for e in broken))
    gaps = [e for e in along if e.kind == "lead_gap" and e.t > start]
    late = (objective.within is not None and result.margin is not None
            and result.margin < LATE_SHARE * objective.within.limit)
    if gaps or late:
        reasons = ([f"{counted(len(gaps), 'lead gap')} along the way: {_seqs(gaps)}"]
                   if gaps else []) + (
            [f"only {result.margin:.1f} of {objective.within.limit:g} min to spare"]
            if late else [])
        return Proposal(objective.id, "S", "met, with " + "; ".join(reasons),
                        tuple(e.seq for e in gaps))
    spare = f" with {result.margin:.1f} min to spare" if result.margin is not None else ""
    return Proposal(objective.id, "P", f"met{spare}; no violation or lead gap along the way", ())


def proposals(scenario: Scenario, events: Sequence[ev.Event]) -> dict[str, Proposal]:
    """The proposed rating of every objective of a run, by objective id."""
    return {r.objective.id: propose(r, events) for r in evaluate(scenario, events)}


def checked(proposed: Mapping[str, Proposal], objective: str, rating: str, why: str,
            how_to_say_why: str = "add --why TEXT") -> Proposal:
    """The proposal that a rating confirms or overrides, once the rating may be recorded: an
    HSEEP rating of one of the objectives, and a reason for an override, because the AAR/IP
    shows both."""
    if rating not in RATINGS:
        raise RatingRefused(f"'{rating}' is not an HSEEP rating — use P, S, M or U")
    if objective not in proposed:
        known = ", ".join(proposed) or "none"
        raise RatingRefused(f"no objective '{objective}' in this exercise (its objectives: "
                            f"{known})")
    if rating != proposed[objective].rating and not why.strip():
        raise RatingRefused(f"{objective}: the proposed rating is {proposed[objective].rating};"
                            f" overriding it with {rating} needs a reason — {how_to_say_why}")
    return proposed[objective]


def record_rating(path: str, objective: str, rating: str, by: str,
                  why: str = "") -> tuple[Proposal, Accepted]:
    """Journal an evaluator's rating of an objective (see `checked`), once the exercise has
    ended: a proposal weighs the whole of it. Returns the proposal it confirmed or overrode,
    and the journal's answer."""
    events: list[ev.Event] = []
    exercise = resume(path, sink=events)
    try:
        if not exercise.state.ended:
            raise RatingRefused(f"{path}: the exercise has not ended, so its objectives cannot "
                                "be rated yet — end it in the console (tabletop play --journal "
                                "FILE, then E), or finish a headless run with tabletop resume "
                                "FILE")
        try:
            proposal = checked(proposals(exercise.scenario, events), objective, rating, why)
        except RatingRefused as refused:
            raise RatingRefused(f"{path}: {refused}") from None
        answer = exercise.submit(cmd.Rate(objective=objective, rating=rating, by=by, why=why))
        if isinstance(answer, Refused):
            raise RatingRefused(f"{path}: the rating was refused: {answer.reason}")
        exercise.flush()
        return proposal, answer
    finally:
        exercise.journal.close()


def _window(objective: Objective, events: Sequence[ev.Event]) -> tuple[float, float]:
    """The sim times where the objective's window opens and closes."""
    if objective.within is not None:
        within = objective.within
        return (first_matching(events, within.from_).t, first_matching(events, within.to).t)
    if objective.before is not None:
        then = first_matching(events, objective.before.then)
        return 0.0, then.t if then is not None else math.inf
    return 0.0, math.inf


def _named(objective: Objective, field: str) -> set[str]:
    """The values of a field (incident, rule) that the objective's filters name."""
    named: set[str] = set()
    for event_filter in filters_of(objective):
        value = event_filter.get(field)
        named |= {value} if isinstance(value, str) else set(value or ())
    return named


def _seqs(events: Sequence[ev.Event]) -> str:
    return ", ".join(f"#{e.seq} at {tplus(e.t)}" for e in events)
