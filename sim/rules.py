"""Jurisdiction, authority, approval, deconfliction and sharing: pure functions of the
scenario, the state and an action (or a share). They never forbid anything; they say which
rules an action breaks, and where an incident lacks a lead with jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.scenario import Action, Agency, Authority, Channel, Data, Decision, Scenario, Zone
from sim.state import IncidentNow, State


@dataclass(frozen=True)
class World:
    """The scenario indexed by id, built once per run."""

    scenario: Scenario
    agencies: dict[str, Agency]
    zones: dict[str, Zone]
    actions: dict[str, Action]
    authorities: dict[str, Authority]
    decisions: dict[str, Decision]
    data: dict[str, Data]
    routes: dict[tuple[str, str], tuple[Channel, ...]]  # (sender, receiver), either way round
    _held: dict[tuple[str, str, str], tuple[Authority, ...]] = field(
        default_factory=dict, compare=False, repr=False)  # authorities_for, as asked so far

    @classmethod
    def of(cls, scenario: Scenario) -> World:
        routes: dict[tuple[str, str], list[Channel]] = {}
        for channel in scenario.channels:
            for a in channel.between:
                for b in channel.between:
                    if a != b:
                        routes.setdefault((a, b), []).append(channel)
        return cls(scenario,
                   {a.id: a for a in scenario.agencies}, {z.id: z for z in scenario.zones},
                   {a.id: a for a in scenario.actions}, {a.id: a for a in scenario.authorities},
                   {d.id: d for d in scenario.decisions}, {d.id: d for d in scenario.data},
                   {pair: tuple(chs) for pair, chs in routes.items()})

    def authorities_for(self, agency: str, action: str, zone: str) -> tuple[Authority, ...]:
        """The authorities the agency holds that allow this action in this zone (remembered:
        the scenario never changes, and every act asks twice)."""
        key = (agency, action, zone)
        if key not in self._held:
            where = self.zones[zone]
            self._held[key] = tuple(
                self.authorities[a] for a in self.agencies[agency].authorities
                if action in self.authorities[a].allows
                and (where.kind in self.authorities[a].in_ or where.id in self.authorities[a].in_))
        return self._held[key]

    def reached(self, verb: Action, where: Zone) -> tuple[Zone, ...]:
        """The zones an action taken in `where` affects: that one, and its neighbours when
        the action spills."""
        if not verb.spills:
            return (where,)
        return (where, *[self.zones[z] for z in where.adjacent])

    def watched_by(self, owner: str, resource: str, zone: str) -> tuple[str, ...]:
        """The zones whose traffic holds back an owner's grant for an action in `zone`:
        that zone, and the adjacent ones where the owner holds the resource (what spills
        there is its to deconflict)."""
        return (zone, *[z for z in self.zones[zone].adjacent
                        if self.zones[z].coordination.get(resource) == owner])

    def channels_between(self, a: str, b: str) -> tuple[Channel, ...]:
        return self.routes.get((a, b), ())


def needs_approval(world: World, agency: str, action: str, zone: str) -> Authority | None:
    """The authority whose approval an action waits for, or None when one allows it freely."""
    held = world.authorities_for(agency, action, zone)
    if not held or any(a.approval is None for a in held):
        return None
    return held[0]


def broken_rules(world: World, state: State, agency: str, action: str, incident: str,
                 zone: str, approved: bool) -> list[tuple[str, str]]:
    """(rule, detail) for every rule this action breaks, in a fixed order."""
    where, verb = world.zones[zone], world.actions[action]
    broken: list[tuple[str, str]] = []
    held = world.authorities_for(agency, action, zone)
    if not held:
        broken.append(("authority", f"{agency} holds no authority to {action} in {zone} "
                                    f"({where.kind})"))
    if not verb.remote and agency not in where.jurisdiction:
        holders = ", ".join(where.jurisdiction) or "nobody"
        broken.append(("jurisdiction", f"{agency} has no jurisdiction in {zone} (held by "
                                       f"{holders})"))
    approvers = [a.approval.by for a in held if a.approval]
    if held and not approved and len(approvers) == len(held):
        broken.append(("approval", f"{held[0].id} needs approval by {approvers[0]}, "
                                   "and none was given"))
    if verb.touches:
        for reached in world.reached(verb, where):
            broken += _unconflicted(state, agency, verb, incident, zone, reached)
    return broken


def _unconflicted(state: State, agency: str, verb: Action, incident: str, zone: str,
                  reached: Zone) -> list[tuple[str, str]]:
    """The deconfliction the action lacks in a zone it reaches: an owner's grant for each
    resource it touches there (asked from the zone where it is taken), and no traffic."""
    broken = []
    spilled = "" if reached.id == zone else f" (spilling over from {zone})"
    for resource in verb.touches:
        owner = reached.coordination.get(resource)
        held_by_owner = [r for r, holder in reached.coordination.items() if holder == owner]
        # FORMAT.md: "no grant from that owner covers it" — one grant covers all it owns here
        if owner and owner != agency and not any((incident, owner, r, zone) in state.grants
                                                 for r in held_by_owner):
            broken.append(("deconfliction", f"{resource} in {reached.id} is not deconflicted "
                                            f"with {owner}{spilled}"))
    if state.traffic.get(reached.id):
        broken.append(("deconfliction", f"traffic is active in {reached.id}{spilled}"))
    return broken


def sharing_problem(world: World, data: str, to: str) -> str | None:
    """Why passing `data` to the agency `to` breaks the sharing rule, or None: data with
    `recipients` may go to those agencies only."""
    allowed = world.data[data].recipients
    if allowed is None or to in allowed:
        return None
    return f"{data} reached {to}, but may go only to {', '.join(allowed) or 'no agency'}"


def gap_zone(world: World, state: State, now: IncidentNow) -> str | None:
    """The zone where a detected incident lacks a lead with jurisdiction there, if any."""
    if not now.present or now.detected_by is None:
        return None
    holders = world.zones[now.zone].jurisdiction
    if not holders:
        return None
    if now.lead is None or now.lead not in holders or now.lead in state.withdrawn:
        return now.zone
    return None
