"""The AAR/IP's lines: what each of its sections lists, as plain frozen data (`sim.aar`
gathers them from a journal; `sim.report` and `sim.aar_docx` lay them out), and the few
sentences every format says alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sim import events as ev
from sim.leads import LeadHistory
from sim.rating import Proposal
from sim.values import duration_text

T = TypeVar("T")
LISTED = 1000  # rows a long section lists (a year-long analysis run has 100,000s of events)


@dataclass(frozen=True)
class Moment:
    """An event as people read it: wall clock, T+ and one sentence."""

    seq: int
    t: float
    wall: str
    tplus: str
    text: str
    kind: str


@dataclass(frozen=True)
class Overview:
    title: str
    scenario_id: str
    summary: str
    date: str
    start: str
    planned: str
    played: str
    status: str
    seed: int
    journal: str
    conducted: str
    version: str
    variant: str
    agencies: list[tuple[str, str, str]]  # id, name, kind


@dataclass(frozen=True)
class ObjectiveLine:
    id: str
    text: str
    capability: str
    met: bool
    detail: str
    evidence: list[Moment]  # the first EVIDENCE_SHOWN of them
    more_evidence: int  # how many more events decided it
    notes: list[ev.Note]
    proposed: Proposal
    rated: ev.ObjectiveRated | None


@dataclass(frozen=True)
class DecisionLine:
    id: str
    cell: str
    prompt: str
    opened: str
    decided: str
    option: str
    option_text: str
    by: str  # player, policy, default, "still open" or "—" (did not open)
    took: float | None
    deadline: float
    seat: str | None = None  # the player cells' seat a player's choice came from, if one

    @property
    def decided_by(self) -> str:
        """Who took it, in words: `a player, at the seat of bp-sector`, `a policy`."""
        said = DECIDED_BY[self.by]
        return f"{said}, at the seat of {self.seat}" if self.seat else said


@dataclass(frozen=True)
class ExchangeLine:
    """A request and its answer: a handoff, a coordination or an approval."""

    kind: str
    incident: str
    asked_by: str
    asked_of: str
    about: str
    requested: Moment
    answer: Moment | None
    outcome: str

    @property
    def waited(self) -> float | None:
        return None if self.answer is None else self.answer.t - self.requested.t


@dataclass(frozen=True)
class Seam:
    """A violation or a lead gap, with what surrounded it."""

    kind: str  # "violation" or "lead gap"
    rule: str
    moment: Moment
    incident: str
    agency: str
    zone: str
    detail: str
    lead: str
    context: list[Moment]


DECIDED_BY = {"player": "a player", "policy": "a policy", "default": "default (deadline passed)",
              "still open": "still open", "—": "—"}  # a decision line's `by`, in words
HELD_INJECTS = "Held by the controller, so that they did not fire by themselves:"


@dataclass(frozen=True)
class HeldInject:
    """An MSEL inject the controller held, why, when it was released, and when it was
    delivered (None: never)."""

    inject: str
    why: str
    held_for: float | None  # minutes, when held for a while
    held: Moment
    released: Moment | None
    delivered: Moment | None

    @property
    def sentence(self) -> str:
        """`M-02 held at 21:07 T+7m (the players are already on it); fired by hand at 21:40
        T+40m`, `… held at 21:07 T+7m for 15m; released at 21:22 T+22m; delivered at 21:25
        T+25m`, or `…; never delivered`."""
        held_for = f" for {duration_text(self.held_for)}" if self.held_for else ""
        why = f" ({self.why})" if self.why else ""
        said = [f"{self.inject} held at {_clock(self.held)}{held_for}{why}"]
        released, delivered = self.released, self.delivered
        if released is not None and (delivered is None or delivered.seq > released.seq):
            said.append(f"released at {_clock(released)}")
            if delivered is not None:
                said.append(f"delivered at {_clock(delivered)}")
        elif delivered is not None:
            said.append(f"fired by hand at {_clock(delivered)}")
        if delivered is None:
            said.append("never delivered")
        return "; ".join(said)


def _clock(moment: Moment) -> str:
    return f"{moment.wall} {moment.tplus}"


@dataclass(frozen=True)
class PlanLine:
    """One row of the improvement plan: the issue and its capability; the rest is the
    reviewers' to fill in."""

    issue: str
    capability: str
    corrective_action: str = ""
    responsible_agency: str = ""
    due: str = ""


@dataclass(frozen=True)
class Listed(Generic[T]):
    """The first LISTED items of what may be a long list, and how many there are in all."""

    items: list[T]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)

    @classmethod
    def of(cls, items: Sequence[T]) -> Listed[T]:
        return cls(list(items[:LISTED]), len(items))


@dataclass(frozen=True)
class AfterAction:
    overview: Overview
    objectives: list[ObjectiveLine]
    timeline: Listed[Moment]
    injects: Listed[tuple[Moment, ev.InjectDelivered, str]]  # moment, event, expected action
    held: list[HeldInject]
    decisions: Listed[DecisionLine]
    exchanges: Listed[ExchangeLine]
    seams: Listed[Seam]
    violations: dict[str, int]  # how many times each rule was broken, in the order first broken
    leads: LeadHistory
    notes: list[tuple[Moment, ev.Note]]
    plan: list[PlanLine]
    ratings: list[tuple[Moment, ev.ObjectiveRated]]
