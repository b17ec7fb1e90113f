"""Analysis at scale, in the format: incident streams, standing orders, per-incident
decisions, headless policies and policy variants."""

import pytest
from conftest import WORLD, having, run, world

from sim import commands as cmd
from sim import events as ev
from sim.engine import Exercise
from sim.errors import ScenarioError
from sim.headless import play_out, policy_for
from sim.journal import Journal
from sim.loader import load_scenario_text
from sim.session import replay

STREAM = """
streams:
  - id: drones
    every: {min: 5m, mode: 10m, max: 20m}
    until: 100m
    routes:
      - {weight: 3, path: [{zone: far, dwell: 10m}, {zone: strip, dwell: {median: 5m, p90: 15m}}]}
      - {weight: 1, path: [{zone: strip, dwell: 20m}, {zone: town, dwell: 5m}]}
    detected_by: tf
"""


def test_stream_starts_incidents_over_its_window_on_its_routes():
    """Drones arrive every 5–20 minutes until 100 minutes, numbered, on one of two routes."""
    events = run(world(STREAM))
    arrivals = [e for e in having(events, "detected") if e.incident.startswith("drones-")]
    assert 5 <= len(arrivals) <= 20
    assert [e.incident for e in arrivals] == [f"drones-{n}" for n in range(1, len(arrivals) + 1)]
    assert all(e.t <= 100.0 for e in arrivals)
    assert {e.zone for e in arrivals} == {"far", "strip"}
    firsts = {e.incident: e.zone for e in arrivals}
    for entered in having(events, "zone_entered"):
        if firsts.get(entered.incident) == "far" and entered.zone != "far":
            assert entered.zone == "strip"  # the first route goes far → strip, never town


def test_stream_is_the_same_for_the_same_seed_and_differs_for_another():
    """A stream's arrivals come from its own random stream: seeded, reproducible."""
    times = [[e.t for e in having(run(world(STREAM), seed=s), "detected")] for s in (4, 4, 5)]
    assert times[0] == times[1] != times[2]


def test_standing_order_acts_on_every_matching_event_with_its_incident():
    """The sector's SOP: assume the lead of every contact the task force detects."""
    text = world(STREAM, """
        orders:
          - id: sector-leads
            agency: tf
            when: {event: detected, by: tf}
            do: [assume_lead]
        """, replace={"capacity: 2, respond: 3m": "capacity: 50, respond: 3m"})
    events = run(text)
    detected = [e for e in having(events, "detected")]
    led = {e.incident: e.t for e in having(events, "lead_assigned", agency="tf")}
    assert set(led) == {e.incident for e in detected}
    assert all(led[e.incident] == e.t + 3.0 for e in detected)


def test_order_for_the_lead_hands_off_when_the_contact_enters_town():
    """`agency: lead` is whoever leads the incident then: bp hands c1 to the sheriff."""
    text = world("""
        orders:
          - id: town-to-sheriff
            agency: lead
            when: {event: zone_entered, zone: town}
            do: [{handoff: {to: sheriff}}]
        """)
    events = run(text, moves=[(21.0, cmd.AssumeLead(agency="bp", incident="c1"))])
    assert [(e.from_, e.to, e.t) for e in having(events, "handoff_requested")] == [
        ("bp", "sheriff", 42.0)]
    assert [e.agency for e in having(events, "lead_assigned")] == ["bp", "sheriff"]


def test_decision_opens_once_per_incident_and_each_is_decided_on_its_own():
    """A `when` decision without an incident in its filter opens for each contact."""
    text = world(STREAM, """
        decisions:
          - id: D-1
            when: {event: zone_entered, zone: strip}
            cell: bp
            prompt: A contact is in the strip.
            options:
              - {id: watch, text: Watch.}
              - {id: warn, text: Warn., do: [{act: warn}]}
            default: watch
            deadline: 2m
        """)
    exercise = Exercise(load_scenario_text(text, "story.yaml"), 3)
    events = play_out(exercise, policy_for(exercise.scenario, 3, {"D-1": "warn"}))
    opened = having(events, "decision_opened", decision="D-1")
    assert len(opened) == len({e.incident for e in opened}) > 3
    made = having(events, "decision_made", decision="D-1")
    assert {(e.incident, e.option, e.by) for e in made} == {
        (e.incident, "warn", "policy") for e in opened}
    warned = {e.incident for e in having(events, "action_taken", action="warn")}
    assert warned <= {e.incident for e in opened} and len(warned) >= 3  # unless gone by then


def test_weighted_policy_mixes_options_reproducibly():
    """Weights 1:1 over many contacts take both options, the same way for the same seed."""
    text = world(STREAM.replace("until: 100m", "until: 118m").replace(
        "{min: 5m, mode: 10m, max: 20m}", "{min: 1m, mode: 2m, max: 4m}"), """
        decisions:
          - id: D-1
            when: {event: detected}
            cell: bp
            prompt: A contact.
            options: [{id: watch, text: Watch.}, {id: warn, text: Warn.}]
            default: watch
            deadline: 2m
        policy:
          D-1: {watch: 1, warn: 1}
        """)

    def options(seed):
        exercise = Exercise(load_scenario_text(text, "story.yaml"), seed)
        made = having(play_out(exercise, policy_for(exercise.scenario, seed)), "decision_made")
        return [(e.incident, e.option, e.by) for e in made]

    first = options(8)
    assert first == options(8)
    assert {o for _, o, _ in first} == {"watch", "warn"} and {b for *_, b in first} == {"policy"}


def test_policy_naming_an_unknown_option_is_refused_at_its_line():
    """`policy: {D-1: wacth}` names no option of D-1: refused with a suggestion."""
    text = world("""
        decisions:
          - {id: D-1, at: 5m, cell: bp, prompt: Go?, options: [{id: watch, text: W.}], default: watch, deadline: 2m}
        policy:
          D-1: wacth
        """)
    with pytest.raises(ScenarioError, match=r"story.yaml:\d+:\d+: policy.D-1: unknown option "
                                            r"'wacth' — did you mean 'watch'\?"):
        load_scenario_text(text, "story.yaml")


VARIANTS = """
variants:
  - id: delegated
    text: Field agents hold the mitigation authority without headquarters' approval.
    set:
      authorities.mitigate.approval: null
  - id: desk
    text: A bilateral desk answers in 2 minutes.
    set:
      channels.3.latency: 2m
    add:
      orders:
        - {id: tell-partner, agency: bp, when: {event: detected}, do: [{notify: partner}]}
"""


def test_variant_changes_one_policy_and_nothing_else():
    """Without the approval step, bp's disrupt in the strip happens at once, unapproved-free."""
    base = load_scenario_text(world(VARIANTS), "story.yaml")
    delegated = load_scenario_text(world(VARIANTS), "story.yaml", "delegated")
    assert base.authorities[1].approval is not None and delegated.authorities[1].approval is None
    assert delegated.agencies == base.agencies and delegated.zones == base.zones
    desk = load_scenario_text(world(VARIANTS), "story.yaml", "desk")
    assert desk.channels[3].latency == 2.0 and [o.id for o in desk.orders] == ["tell-partner"]


def test_variant_error_points_at_the_variants_own_line():
    """A bad value in a variant is reported at the variant's line, named as that variant."""
    text = world(VARIANTS.replace("latency: 2m", "latency: soon"))
    line = text.splitlines().index("      channels.3.latency: soon") + 1
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(text, "story.yaml")
    [problem] = raised.value.diagnostics
    assert problem.line == line and "in variant 'desk'" in problem.message
    assert "'soon' is not a duration" in problem.message


def test_variant_breaking_a_check_across_fields_points_at_its_own_line():
    """The variant's `at_least` passes the objective's `at_most`: the count as a whole is
    wrong, and it is the variant's line that made it so."""
    text = world(VARIANTS.replace("      channels.3.latency: 2m\n",
                                  "      objectives.O-1.count.at_least: 9\n"),
                 "objectives:\n  - {id: O-1, text: Few., count: {of: {event: violation}, "
                 "at_most: 5}}\n")
    line = text.splitlines().index("      objectives.O-1.count.at_least: 9") + 1
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(text, "story.yaml")
    [problem] = raised.value.diagnostics
    assert (problem.line, problem.path) == (line, "objectives[0].count")
    assert problem.message == ("in variant 'desk': at_least is more than at_most, so no run "
                               "can meet it — swap or correct them")


def test_variant_path_to_nothing_is_refused_with_a_suggestion():
    """`authorities.mitgate` names no authority: did you mean 'mitigate'?"""
    text = world(VARIANTS.replace("authorities.mitigate.approval", "authorities.mitgate.approval"))
    with pytest.raises(ScenarioError, match="in variant 'delegated': unknown item 'mitgate' — "
                                            "did you mean 'mitigate'"):
        load_scenario_text(text, "story.yaml")


def test_unknown_variant_is_named():
    """Asking for a variant the file does not have lists the ones it has."""
    with pytest.raises(ScenarioError, match="unknown variant 'delegate' — did you mean"):
        load_scenario_text(WORLD + VARIANTS, "story.yaml", "delegate")


def test_steps_that_take_no_time_happen_in_the_order_written():
    """`[assume_lead, {act: observe}, {notify: sheriff}]`: the lead, then the act, in one
    instant; the notice follows over the channel."""
    text = world("""
        orders:
          - id: lead-then-watch
            agency: bp
            when: {event: zone_entered, zone: strip}
            do: [assume_lead, {act: observe}, {notify: sheriff}]
        """)
    events = run(text)
    lead, = having(events, "lead_assigned", agency="bp")
    act, = having(events, "action_taken", agency="bp", action="observe")
    notice, = having(events, "notified", from_="bp", to="sheriff")
    assert lead.t == act.t and lead.seq < act.seq < notice.seq and notice.t > act.t


def test_policy_answers_at_the_end_of_the_instant_and_its_journal_replays_without_it(tmp_path):
    """c1 is detected at 5m, opening D-1; the MSEL's inject due at 5m is delivered before the
    policy takes D-1, and D-2 (opened by that choice, at the same instant) is taken after it.
    Both answers are journaled as the policy's commands, and the journal replays to the same
    events with no policy at all."""
    text = world("""
        injects:
          - {id: M-1, at: 5m, to: bp, text: A light over the river.}
        decisions:
          - id: D-1
            when: {event: detected}
            cell: tf
            prompt: A contact.
            options: [{id: watch, text: Watch.}, {id: lead, text: Lead., do: [assume_lead]}]
            default: watch
            deadline: 5m
          - id: D-2
            when: {event: decision_made, decision: D-1}
            cell: tf
            prompt: Tell the partner?
            options: [{id: wait, text: Wait.}, {id: tell, text: Tell., do: [{notify: bp}]}]
            default: wait
            deadline: 5m
        policy: {D-1: lead, D-2: tell}
        """)
    scenario = load_scenario_text(text, "story.yaml")
    path = str(tmp_path / "run.sqlite")
    events = play_out(Exercise(scenario, 1, Journal.create(path, text, 1)),
                      policy_for(scenario, 1))
    at_five = [(e.kind, getattr(e, "decision", None)) for e in events if e.t == 5.0]
    assert at_five.index(("inject_delivered", None)) < at_five.index(("decision_made", "D-1"))
    assert at_five[-3:] == [("decision_made", "D-1"), ("decision_opened", "D-2"),
                            ("decision_made", "D-2")]
    assert having(events, "lead_assigned", incident="c1", agency="tf")[0].t == 8.0  # respond 3m
    journal = Journal.open(path, readonly=True)
    records = journal.commands()
    assert [(r.t, r.command.decision, r.command.option, r.command.by) for r in records] == [
        (5.0, "D-1", "lead", "policy"), (5.0, "D-2", "tell", "policy")]
    replayed: list = []
    exercise = replay(scenario, 1, records, replayed)
    replayed += exercise.run()
    assert [ev.encode(e) for e in replayed] == [ev.encode(e) for e in journal.events()]
    journal.close()
