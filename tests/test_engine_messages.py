"""Handoffs, notifications, requests and coordination travel over channels, take the time
they take, and are answered by the receiving agency after its response time."""

import typing

from conftest import having, run, world

from sim import commands as cmd
from sim.agencies import _STARTS
from sim.steps import Act, Step


def test_handoff_accepted_when_the_receiver_has_jurisdiction_and_capacity():
    """bp (leading from 12m) hands off at 41m: 2m respond + 3m channel + 5m sheriff's answer."""
    events = run(world(), moves=[(10.0, cmd.AssumeLead(agency="bp", incident="c1")),
                                 (41.0, cmd.HandOff(agency="bp", incident="c1", to="sheriff"))])
    assert [e.t for e in having(events, "handoff_requested", to="sheriff")] == [43.0]
    assert [e.t for e in having(events, "handoff_accepted", to="sheriff")] == [51.0]
    assert [(e.agency, e.t) for e in having(events, "lead_assigned")] == [
        ("bp", 12.0), ("sheriff", 51.0)]


def test_handoff_declined_without_jurisdiction_and_the_lead_stays():
    """The sheriff has no jurisdiction in the strip: declined with that reason, bp keeps it."""
    events = run(world(), moves=[(10.0, cmd.AssumeLead(agency="bp", incident="c1")),
                                 (21.0, cmd.HandOff(agency="bp", incident="c1", to="sheriff"))])
    [declined] = having(events, "handoff_declined")
    assert declined.t == 31.0 and "no jurisdiction in strip" in declined.reason
    assert [e.agency for e in having(events, "lead_assigned")] == ["bp"]


def test_handoff_declined_at_capacity():
    """The sheriff (capacity 1) already leads another contact, so it declines."""
    text = world(replace={"incidents:\n": "incidents:\n  - {id: c0, path: [{zone: town, at: 1m}],"
                                          " leaves: 100m, detected_by: sheriff}\n"})
    events = run(text, moves=[(2.0, cmd.AssumeLead(agency="sheriff", incident="c0")),
                              (10.0, cmd.AssumeLead(agency="bp", incident="c1")),
                              (41.0, cmd.HandOff(agency="bp", incident="c1", to="sheriff"))])
    [declined] = having(events, "handoff_declined", incident="c1")
    assert "at capacity (1/1" in declined.reason


def test_notification_waits_while_the_channel_is_down():
    """The liaison is down 0–30m: bp's notice sent at 8m arrives at 30 + 10 minutes."""
    text = world("""
        injects:
          - {id: M-1, at: 0m, to: bp, text: Line down., effects: [{channel_down: {between: [bp, partner], for: 30m}}]}
        """)
    events = run(text, moves=[(6.0, cmd.Notify(agency="bp", incident="c1", to="partner"))])
    assert [(e.t, e.from_, e.to) for e in having(events, "notified")] == [(40.0, "bp", "partner")]


def test_message_with_no_channel_is_undeliverable():
    """tf and the partner share no channel: the notice cannot be sent, and that is recorded."""
    events = run(world(), moves=[(6.0, cmd.Notify(agency="tf", incident="c1", to="partner"))])
    assert [(e.t, e.to) for e in having(events, "message_undeliverable")] == [(9.0, "partner")]
    assert not having(events, "notified")


def test_request_makes_the_other_agency_act_under_its_own_rules():
    """bp asks the partner to disrupt: 2 + 10 + 6 minutes later the contact has crossed into
    the strip, where the partner holds neither authority nor jurisdiction."""
    events = run(world(), moves=[(5.0, cmd.Request(agency="bp", incident="c1", by="partner",
                                                   action="disrupt"))])
    assert [(e.t, e.to, e.action) for e in having(events, "action_requested")] == [
        (7.0, "partner", "disrupt")]
    assert [(e.t, e.agency, e.zone) for e in having(events, "action_taken")] == [
        (23.0, "partner", "strip")]
    assert [e.rule for e in having(events, "violation", agency="partner")] == [
        "authority", "jurisdiction"]


def test_coordination_is_granted_after_traffic_ends_and_the_action_waits_for_it():
    """In town, faa grants only once the air ambulance is through; bp acts after the grant."""
    text = world("""
        injects:
          - {id: M-1, at: 41m, to: faa, text: Air ambulance., effects: [{traffic: {zone: town, for: 10m}}]}
        decisions:
          - id: D-1
            at: 40m
            cell: bp
            prompt: Act in town?
            options:
              - id: coordinate-first
                text: Coordinate, then act.
                do:
                  - {coordinate: {with: faa, domain: airspace, incident: c1}}
                  - {act: disrupt, incident: c1, after: coordinated}
            default: coordinate-first
            deadline: 1m
        """)
    events = run(text)
    assert [e.t for e in having(events, "coordination_requested")] == [43.0]
    assert [(e.t, e.zone) for e in having(events, "coordination_granted")] == [(51.0, "town")]
    [approval] = having(events, "approval_granted")
    assert approval.t == 61.0 or approval.t > 51.0
    assert not having(events, "violation", rule="deconfliction")


def test_an_agency_knows_how_to_start_every_kind_of_step():
    """Steps are started by their exact type; a new kind of step needs a start of its own."""
    kinds = {typing.get_args(option)[0] for option in typing.get_args(typing.get_args(Step)[0])}
    assert kinds == set(_STARTS) | {Act}
