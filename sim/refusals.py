"""What makes a command impossible: the only reasons `Exercise.submit` refuses.

Breaking a rule is never a reason (that is what the exercise is for); an unknown id, a
decision that is not open, an incident that is not there, an agency that has left, are.
"""

from __future__ import annotations

from typing import Any

from sim import commands as cmd
from sim.references import unknown
from sim.rules import World
from sim.state import State

ENDED = "the exercise has ended — only notes and ratings can still be recorded"


def refusal(world: World, state: State, c: Any) -> str | None:
    """Why this command cannot be carried out now, or None when it can."""
    if state.ended and not isinstance(c, cmd.AFTER_END):
        return ENDED
    checks = _CHECKS.get(type(c))
    return checks(world, state, c) if checks else None


def choice_refusal(world: World, state: State, decision_id: str, incident: str | None,
                   option: str) -> str | None:
    """Why a decision (instance) cannot take this option now: `refusal` of the `decide`
    command that would take it, asked without making one (a headless policy answers
    thousands of decisions a year, and builds the command only to journal it)."""
    return ENDED if state.ended else _choice(world, state, decision_id, incident, option)


def _known(what: str, value: str | None, ids: list[str]) -> str | None:
    return unknown(what, value, ids) if value is not None and value not in ids else None


def _agency(world: World, state: State, agency: str) -> str | None:
    if agency not in world.agencies:
        return unknown("agency", agency, world.agencies)
    if agency in state.withdrawn:
        return f"{agency} has withdrawn from the exercise and cannot act until it returns"
    return None


def _incident(world: World, state: State, incident: str) -> str | None:
    ids = [i.id for i in world.scenario.incidents]
    if incident not in ids and incident not in state.incidents:
        return unknown("incident", incident, ids + list(state.incidents))
    if incident not in state.incidents:
        return f"incident {incident} has not appeared yet"
    if not state.incidents[incident].present:
        return f"incident {incident} is gone"
    return None


def _decide(world: World, state: State, c: cmd.Decide) -> str | None:
    return _choice(world, state, c.decision, c.incident, c.option)


def _choice(world: World, state: State, decision_id: str, incident: str | None,
            option: str) -> str | None:
    decision = world.decisions.get(decision_id)
    if decision is None:
        return unknown("decision", decision_id, list(world.decisions))
    key = state.instance_of(decision_id, incident)
    if key in state.decided:
        made = state.decided[key]
        return f"decision {key} is closed: '{made.option}' was taken ({made.by})"
    if key not in state.open_decisions:
        several = [k for k, d in state.open_decisions.items() if d.decision == decision_id]
        if several:
            return (f"decision {decision_id} is open for several incidents ({', '.join(several)})"
                    " — say which incident")
        return f"decision {key} has not opened yet"
    if decision.option(option) is None:
        return unknown("option", option, [o.id for o in decision.options])
    return None


def _fire(world: World, state: State, c: cmd.FireInject) -> str | None:
    return _still_to_come(world, state, c.inject)


def _hold(world: World, state: State, c: cmd.HoldInject) -> str | None:
    reason = _still_to_come(world, state, c.inject)
    if reason:
        return reason
    inject = next(i for i in world.scenario.injects if i.id == c.inject)
    if inject.at is None and inject.when is None:
        return f"inject {c.inject} is a contingency inject: it waits for you already"
    if c.inject in state.held:
        return f"inject {c.inject} is already held (since T+{state.held[c.inject].t:g}m)"
    return None


def _release(world: World, state: State, c: cmd.ReleaseInject) -> str | None:
    reason = _still_to_come(world, state, c.inject)
    if reason:
        return reason
    if c.inject not in state.held:
        return f"inject {c.inject} is not held: only a held inject can be released"
    return None


def _still_to_come(world: World, state: State, inject: str) -> str | None:
    """Why an inject is not on the MSEL still to come: unknown, or delivered already."""
    ids = [i.id for i in world.scenario.injects]
    if inject not in ids:
        return unknown("inject", inject, ids)
    if inject in state.delivered:
        return f"inject {inject} was already delivered at T+{state.delivered[inject].t:g}m"
    return None


def _adhoc(world: World, state: State, c: cmd.AdHocInject) -> str | None:
    return next((_known("agency", a, list(world.agencies)) for a in c.to
                 if a not in world.agencies), None)


def _move(world: World, state: State, c: Any) -> str | None:
    reason = _agency(world, state, c.agency) or _incident(world, state, c.incident)
    if reason:
        return reason
    for target in ("to", "by", "with_"):
        if hasattr(c, target) and getattr(c, target) not in world.agencies:
            return unknown("agency", getattr(c, target), world.agencies)
    if isinstance(c, cmd.HandOff) and c.to == c.agency:
        return f"{c.agency} cannot hand an incident off to itself"
    if isinstance(c, cmd.Share):
        return _known("data", c.data, list(world.data))
    return _known("action", getattr(c, "action", None), list(world.actions))


def _objective(world: World, state: State, c: Any) -> str | None:
    return _known("objective", c.objective, [o.id for o in world.scenario.objectives])


def _pause(world: World, state: State, c: cmd.Pause) -> str | None:
    return "the clock is already paused" if state.paused else None


def _resume(world: World, state: State, c: cmd.Resume) -> str | None:
    return None if state.paused else "the clock is not paused"


_CHECKS = {
    cmd.Decide: _decide, cmd.FireInject: _fire, cmd.HoldInject: _hold,
    cmd.ReleaseInject: _release, cmd.AdHocInject: _adhoc,
    cmd.AssumeLead: _move, cmd.HandOff: _move, cmd.Notify: _move, cmd.Share: _move,
    cmd.Request: _move,
    cmd.Coordinate: _move, cmd.Act: _move, cmd.Note: _objective, cmd.Rate: _objective,
    cmd.Pause: _pause, cmd.Resume: _resume,
}
