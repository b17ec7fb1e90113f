"""Incidents move along their paths, are detected, and open lead gaps where nobody with
jurisdiction leads them."""

from conftest import having, run, world

from sim import commands as cmd


def test_incident_enters_each_zone_at_its_time_and_leaves():
    """The contact enters far, strip and town at 5, 20 and 40 minutes and is gone at 60."""
    events = run(world())
    assert [(e.t, e.zone) for e in having(events, "zone_entered")] == [
        (5.0, "far"), (20.0, "strip"), (40.0, "town")]
    assert [e.t for e in having(events, "incident_left")] == [60.0]
    assert events[0].kind == "exercise_started" and events[-1].kind == "exercise_ended"
    assert events[-1].t == 120.0


def test_detected_by_the_first_agency_present():
    """With the military sensor withdrawn, the next listed agency detects the contact."""
    text = world("""
        injects:
          - {id: M-1, at: 1m, to: tf, text: Sensor reassigned., effects: [{withdraw: {agency: tf}}]}
        """, replace={"detected_by: tf": "detected_by: [tf, bp]"})
    events = run(text)
    assert [(e.by, e.t) for e in having(events, "detected")] == [("bp", 5.0)]


def test_undetected_until_an_agency_acts_on_it():
    """Nobody watching: the contact is first detected by the agency that acts on it."""
    text = world(replace={"    detected_by: tf\n": ""})
    events = run(text, moves=[(25.0, cmd.Act(agency="tf", incident="c1", action="observe"))])
    assert all(e.t >= 28.0 for e in having(events, "lead_gap"))
    detected = having(events, "detected")
    assert [(e.by, e.t, e.zone) for e in detected] == [("tf", 28.0, "strip")]


def test_lead_gap_opens_on_detection_and_closes_when_a_lead_with_jurisdiction_takes_over():
    """No lead in the partner's zone is a gap there; bp leading in the strip closes it."""
    events = run(world(), moves=[(10.0, cmd.AssumeLead(agency="bp", incident="c1"))])
    gaps = [(e.kind, e.t, e.zone) for e in events if e.kind.startswith("lead_gap")]
    assert gaps == [("lead_gap", 5.0, "far"), ("lead_gap_closed", 20.0, "far")]
    assert [(e.agency, e.t) for e in having(events, "lead_assigned")] == [("bp", 12.0)]


def test_a_lead_without_jurisdiction_in_the_new_zone_opens_a_gap():
    """tf leads in the strip but has no jurisdiction in town: a gap opens there until it leaves."""
    events = run(world(), moves=[(21.0, cmd.AssumeLead(agency="tf", incident="c1"))])
    gaps = [(e.kind, e.t, e.zone) for e in events if e.kind.startswith("lead_gap")]
    assert gaps == [("lead_gap", 5.0, "far"), ("lead_gap_closed", 20.0, "far"),
                    ("lead_gap", 20.0, "strip"), ("lead_gap_closed", 24.0, "strip"),
                    ("lead_gap", 40.0, "town"), ("lead_gap_closed", 60.0, "town")]
