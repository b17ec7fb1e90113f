"""Every id a scenario uses must name something it declares: duplicate ids, dangling
references, impossible paths and filters that can never match are each reported at the
value that is wrong, with a "did you mean" when a declared id is close."""

import pytest
from loader_support import AGENCIES, problems, refused_by_cli, story, write

from sim.loader import load_scenario

BRIDGE = """\
zones:
  - {id: bridge, kind: border-strip, jurisdiction: [border-agency]}
  - {id: town, kind: urban, jurisdiction: [county-sheriff]}
"""

DRONE = """\
incidents:
  - id: drone
    path: [{zone: bridge, at: 5m}, {zone: town, at: 30m}]
    leaves: 60m
"""


@pytest.mark.parametrize(("section", "item", "what"), [
    ("actions", "{id: observe}", "action"),
    ("zones", "{id: bridge, kind: border-strip}", "zone"),
    ("authorities", "{id: watch, allows: [], in: []}", "authority"),
    ("injects", "{id: M-1, to: border-agency, text: Lights on the bridge.}", "inject"),
    ("objectives", "{id: O-1, text: No violations., never: {event: violation}}", "objective"),
])
def test_id_declared_twice_in_a_section_is_reported_at_the_second(tmp_path, section, item,
                                                                   what):
    """Two items of one kind with the same id: the second is named, with where the first is."""
    path = write(tmp_path, story(f"""\
        {section}:
          - {item}
          - {item}
        """, AGENCIES))
    item_id = item.split(",")[0].removeprefix("{id: ").removesuffix("}")
    assert problems(path) == [f"{path}:3:10: {section}[1].id: {what} id '{item_id}' is used "
                              f"twice (first at {section}[0]) — rename one"]


def test_agency_declared_twice_is_reported_at_the_second(tmp_path):
    """Two cells both called county-sheriff."""
    path = write(tmp_path, story("""\
        agencies:
          - {id: county-sheriff}
          - {id: border-agency}
          - {id: county-sheriff}
        """))
    assert problems(path) == [f"{path}:4:10: agencies[2].id: agency id 'county-sheriff' is used "
                              "twice (first at agencies[0]) — rename one"]


def test_incident_and_decision_declared_twice_are_both_reported(tmp_path):
    """Duplicates in two sections of one file come out together."""
    path = write(tmp_path, story("""\
        incidents:
          - {id: drone, path: [{zone: bridge, at: 5m}], leaves: 60m}
          - {id: drone, path: [{zone: bridge, at: 9m}], leaves: 60m}
        decisions:
          - {id: D-1, at: 8m, cell: border-agency, prompt: Lead?, default: go,
             options: [{id: go, text: Go.}], deadline: 5m}
          - {id: D-1, at: 9m, cell: border-agency, prompt: Lead?, default: go,
             options: [{id: go, text: Go.}, {id: go, text: Go again.}], deadline: 5m}
        """, BRIDGE, AGENCIES))
    assert problems(path) == [
        f"{path}:3:10: incidents[1].id: incident id 'drone' is used twice (first at "
        "incidents[0]) — rename one",
        f"{path}:7:10: decisions[1].id: decision id 'D-1' is used twice (first at "
        "decisions[0]) — rename one",
        f"{path}:8:42: decisions[1].options[1].id: option id 'go' is used twice in this "
        "decision — rename one",
    ]


def test_misspelt_agency_is_named_with_the_one_it_meant(tmp_path):
    """The decision's cell is `border-agncy`: did you mean border-agency?"""
    path = write(tmp_path, story("""\
        decisions:
          - id: D-1
            at: 8m
            cell: border-agncy
            prompt: Who leads?
            options: [{id: lead, text: Take the lead.}]
            default: lead
            deadline: 10m
        """, AGENCIES))
    expected = (f"{path}:4:11: decisions[0].cell: unknown agency 'border-agncy' — did you mean "
                "'border-agency'?")
    assert problems(path) == [expected]
    assert refused_by_cli(path) == [expected]


def test_agency_nothing_like_any_declared_one_lists_the_known_ones(tmp_path):
    """An inject to `coast-guard`, who is not in this exercise."""
    path = write(tmp_path, story("""\
        injects:
          - {id: M-1, at: 5m, to: [border-agency, coast-guard], text: A boat is seen.}
        """, AGENCIES))
    assert problems(path) == [f"{path}:2:43: injects[0].to[1]: unknown agency 'coast-guard' — "
                              "known: border-agency, county-sheriff"]


def test_misspelt_zone_in_an_incident_path_is_reported(tmp_path):
    """The drone's path runs through `twon`."""
    path = write(tmp_path, story("""\
        incidents:
          - id: drone
            path: [{zone: bridge, at: 5m}, {zone: twon, at: 30m}]
            leaves: 60m
        """, BRIDGE, AGENCIES))
    assert problems(path) == [f"{path}:3:43: incidents[0].path[1].zone: unknown zone 'twon' — "
                              "did you mean 'town'?"]


def test_authority_names_an_unknown_zone_kind_and_an_unknown_action(tmp_path):
    """`border-stirp` is no zone kind and `disrupts` no action; a zone id is fine too."""
    path = write(tmp_path, story("""\
        actions: [{id: observe}, {id: disrupt}]
        authorities:
          - {id: mitigation, allows: [disrupts], in: [bridge, border-stirp]}
        """, BRIDGE, AGENCIES))
    assert problems(path) == [
        f"{path}:3:31: authorities[0].allows[0]: unknown action 'disrupts' — did you mean "
        "'disrupt'?",
        f"{path}:3:55: authorities[0].in[1]: unknown zone kind 'border-stirp' — did you mean "
        "'border-strip'?",
    ]


def test_unknown_incident_and_action_in_decision_steps(tmp_path):
    """The option assumes the lead of `dron` and acts with `disrup`."""
    path = write(tmp_path, story("""\
        decisions:
          - id: D-1
            at: 8m
            cell: border-agency
            prompt: Who leads?
            options:
              - id: lead
                text: Take the lead and act.
                do:
                  - {assume_lead: dron}
                  - {act: disrup, incident: drone}
            default: lead
            deadline: 10m
        actions: [{id: disrupt}]
        """, BRIDGE, DRONE, AGENCIES))
    assert problems(path) == [
        f"{path}:10:27: decisions[0].options[0].do[0].assume_lead: unknown incident 'dron' — "
        "did you mean 'drone'?",
        f"{path}:11:19: decisions[0].options[0].do[1].act: unknown action 'disrup' — did you "
        "mean 'disrupt'?",
    ]


def test_default_must_be_one_of_the_decisions_options(tmp_path):
    """`default: leed` is not among the options lead and pass."""
    path = write(tmp_path, story("""\
        decisions:
          - id: D-1
            at: 8m
            cell: border-agency
            prompt: Who leads?
            options: [{id: lead, text: Take the lead.}, {id: pass, text: Let it go.}]
            default: leed
            deadline: 10m
        """, AGENCIES))
    assert problems(path) == [f"{path}:7:14: decisions[0].default: unknown option 'leed' — did "
                              "you mean 'lead'?"]


def test_inject_serving_an_unknown_objective_is_reported(tmp_path):
    """M-1 says it serves O-7, which the evaluation guide does not have."""
    path = write(tmp_path, story("""\
        injects:
          - {id: M-1, at: 5m, to: border-agency, text: Lights., objectives: [O-1, O-7]}
        objectives:
          - {id: O-1, text: No violations., never: {event: violation}}
        """, AGENCIES))
    assert problems(path) == [f"{path}:2:75: injects[0].objectives[1]: unknown objective 'O-7' "
                              "— did you mean 'O-1'?"]


def test_effects_name_a_known_zone_agency_and_a_channel_that_exists(tmp_path):
    """Traffic in `twon`, withdrawal of `sherif`, and an outage of a channel nobody declared."""
    path = write(tmp_path, story("""\
        injects:
          - id: M-1
            at: 5m
            to: border-agency
            text: Things go wrong at once.
            effects:
              - {traffic: {zone: twon, for: 30m}}
              - {withdraw: {agency: sherif}}
              - {channel_down: {between: [border-agency, county-sheriff]}}
        channels:
          - {between: [border-agency, aviation]}
        """, BRIDGE, AGENCIES, "  - {id: aviation}\n"))
    assert problems(path) == [
        f"{path}:7:26: injects[0].effects[0].traffic.zone: unknown zone 'twon' — did you mean "
        "'town'?",
        f"{path}:8:29: injects[0].effects[1].withdraw.agency: unknown agency 'sherif' — did you "
        "mean 'county-sheriff'?",
        f"{path}:9:34: injects[0].effects[2].channel_down.between: no channel connects "
        "border-agency and county-sheriff — name agencies that share a channel",
    ]


def test_path_times_must_increase(tmp_path):
    """The drone cannot enter town at the moment it appears at the bridge."""
    path = write(tmp_path, story("""\
        incidents:
          - id: drone
            path: [{zone: bridge, at: 5m}, {zone: town, at: 5m}]
            leaves: 60m
        """, BRIDGE, AGENCIES))
    assert problems(path) == [f"{path}:3:53: incidents[0].path[1].at: this step is not later "
                              "than the one before — path times must increase"]


def test_incident_must_leave_after_entering_its_last_zone(tmp_path):
    """Leaving at 20 minutes, before reaching town at 30, is impossible."""
    path = write(tmp_path, story("""\
        incidents:
          - id: drone
            path: [{zone: bridge, at: 5m}, {zone: town, at: 30m}]
            leaves: 20m
        """, BRIDGE, AGENCIES))
    assert problems(path) == [f"{path}:4:13: incidents[0].leaves: the incident must leave after "
                              "it enters its last zone — make 'leaves' later"]


def test_filter_on_an_unknown_event_suggests_the_event_meant(tmp_path):
    """`detcted` is no event the journal records."""
    path = write(tmp_path, story("""\
        objectives:
          - id: O-1
            text: A lead within 10 minutes of detection.
            within:
              from: {event: detcted, incident: drone}
              to: {event: lead_assigned, incident: drone}
              limit: 10m
        """, BRIDGE, DRONE, AGENCIES))
    assert problems(path) == [f"{path}:5:21: objectives[0].within.from.event: unknown event "
                              "'detcted' — did you mean 'detected'?"]


def test_filter_on_a_field_the_event_lacks_lists_its_fields(tmp_path):
    """`zone_entered` events carry an incident and a zone, not an agency."""
    path = write(tmp_path, story("""\
        injects:
          - id: M-1
            when: {event: zone_entered, zone: town, agency: county-sheriff}
            to: border-agency
            text: The drone is over the town.
        """, BRIDGE, AGENCIES))
    assert problems(path) == [f"{path}:3:53: injects[0].when.agency: 'zone_entered' events have "
                              "no field 'agency' — its fields are: incident, zone"]


def test_filter_values_must_be_declared_ids(tmp_path):
    """A filter on zone `twon` or decider `robot` could never match anything."""
    path = write(tmp_path, story("""\
        objectives:
          - id: O-1
            text: No lead gap on our side.
            never: {event: lead_gap, incident: drone, zone: [bridge, twon]}
          - id: O-2
            text: Every decision is taken by a player.
            never: {event: decision_made, by: robot}
        """, BRIDGE, DRONE, AGENCIES))
    assert problems(path) == [
        f"{path}:4:62: objectives[0].never.zone[1]: unknown zone 'twon' — did you mean 'town'?",
        f"{path}:7:39: objectives[1].never.by: unknown decider 'robot' — known: player, "
        "default, policy",
    ]


def test_inject_triggered_by_an_unknown_inject_is_reported(tmp_path):
    """M-2 follows M-10, but the MSEL has no M-10 (did the planner mean M-1?)."""
    path = write(tmp_path, story("""\
        injects:
          - {id: M-1, at: 5m, to: border-agency, text: Lights over the bridge.}
          - id: M-2
            when: {event: inject_delivered, inject: M-10}
            delay: 10m
            to: county-sheriff
            text: Residents call the sheriff about the lights.
        """, AGENCIES))
    assert problems(path) == [f"{path}:4:45: injects[1].when.inject: unknown inject 'M-10' — "
                              "did you mean 'M-1'?"]


def test_filter_names_one_event_not_a_list(tmp_path):
    """`event: [detected, lead_gap]` would never match: one filter per event name."""
    path = write(tmp_path, story("""\
        objectives:
          - {id: O-1, text: Nothing happens., never: {event: [detected, lead_gap]}}
        """, AGENCIES))
    assert problems(path) == [f"{path}:2:54: objectives[0].never.event: a filter matches one "
                              "event name — write 'event: <event name>', and one filter per "
                              "event"]


def test_step_outside_an_incident_trigger_must_name_its_incident(tmp_path):
    """A decision opened at a time has no incident to refer to: `notify` must name one."""
    path = write(tmp_path, story("""\
        decisions:
          - id: D-1
            at: 8m
            cell: border-agency
            prompt: Tell the sheriff?
            options: [{id: tell, text: Tell them., do: [{notify: county-sheriff}]}]
            default: tell
            deadline: 10m
        """, AGENCIES))
    assert problems(path) == [f"{path}:6:58: decisions[0].options[0].do[0].notify: say which "
                              "incident this step is about — add 'incident: <incident id>'"]


def test_decision_opened_by_an_incident_event_may_leave_the_incident_out(tmp_path):
    """Opened when the drone enters town, the steps are about that drone: the file is valid."""
    path = write(tmp_path, story("""\
        decisions:
          - id: D-1
            when: {event: zone_entered, incident: drone, zone: town}
            cell: border-agency
            prompt: Hand it to the sheriff?
            options: [{id: hand, text: Hand over., do: [{handoff: {to: county-sheriff}}]}]
            default: hand
            deadline: 10m
        authorities:
          - {id: watch, allows: [], in: [bridge]}
        """, BRIDGE, DRONE, AGENCIES))
    [step] = load_scenario(str(path)).decisions[0].options[0].do
    assert (step.handoff.to, step.incident) == ("county-sheriff", None)


def test_every_reference_problem_in_a_file_is_reported_at_once(tmp_path):
    """Three dangling references in three sections: three lines, in file order."""
    path = write(tmp_path, story("""\
        zones:
          - {id: bridge, kind: border-strip, jurisdiction: [border-agncy]}
        incidents:
          - {id: drone, path: [{zone: brigde, at: 5m}], leaves: 60m, detected_by: sherif}
        """, AGENCIES))
    expected = [
        f"{path}:2:53: zones[0].jurisdiction[0]: unknown agency 'border-agncy' — did you mean "
        "'border-agency'?",
        f"{path}:4:31: incidents[0].path[0].zone: unknown zone 'brigde' — did you mean "
        "'bridge'?",
        f"{path}:4:75: incidents[0].detected_by: unknown agency 'sherif' — did you mean "
        "'county-sheriff'?",
    ]
    assert problems(path) == expected
    assert refused_by_cli(path) == expected

