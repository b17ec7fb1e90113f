"""A broken rule never stops an action: it happens, and a violation records the rule —
authority, jurisdiction, approval, deconfliction."""

from conftest import having, run, world

from sim import commands as cmd


def rules_broken(events, agency):
    return [e.rule for e in having(events, "violation", agency=agency)]


def test_acting_across_the_line_breaks_authority_and_jurisdiction():
    """bp disrupts in the partner's territory: the action is taken and both rules are broken."""
    events = run(world(), moves=[(6.0, cmd.Act(agency="bp", incident="c1", action="disrupt"))])
    assert [(e.t, e.zone) for e in having(events, "action_taken", agency="bp")] == [(8.0, "far")]
    assert rules_broken(events, "bp") == ["authority", "jurisdiction"]


def test_remote_action_is_exempt_from_jurisdiction():
    """Observing across the boundary is lawful from home soil: no violation."""
    events = run(world(), moves=[(6.0, cmd.Act(agency="tf", incident="c1", action="observe"))])
    assert having(events, "action_taken", action="observe")
    assert rules_broken(events, "tf") == []


def test_action_waits_for_approval_when_its_authority_names_an_approver():
    """In the strip, bp's disrupt needs hq's approval, which takes 10 minutes."""
    events = run(world(), moves=[(21.0, cmd.Act(agency="bp", incident="c1", action="disrupt"))])
    assert [e.t for e in having(events, "approval_requested", by="hq")] == [23.0]
    assert [e.t for e in having(events, "approval_granted", by="hq")] == [33.0]
    assert [e.t for e in having(events, "action_taken")] == [33.0]
    assert rules_broken(events, "bp") == []


def test_forced_action_skips_approval_and_breaks_the_approval_rule():
    """The controller records bp acting at once, without waiting: an approval violation."""
    events = run(world(), moves=[(21.0, cmd.Act(agency="bp", incident="c1", action="disrupt",
                                                force=True))])
    assert not having(events, "approval_requested")
    assert [e.t for e in having(events, "action_taken")] == [23.0]
    assert rules_broken(events, "bp") == ["approval"]


def test_action_touching_airspace_without_coordination_breaks_deconfliction():
    """In town the airspace belongs to faa: acting without its grant is a deconfliction violation."""
    events = run(world(), moves=[(41.0, cmd.Act(agency="bp", incident="c1", action="disrupt",
                                                force=True))])
    assert rules_broken(events, "bp") == ["approval", "deconfliction"]
    [violation] = having(events, "violation", rule="deconfliction")
    assert "airspace in town is not deconflicted with faa" in violation.detail


def test_action_during_traffic_breaks_deconfliction_even_with_a_grant():
    """A grant does not make acting safe while traffic is active in the zone."""
    text = world("""
        injects:
          - {id: M-1, at: 49m, to: faa, text: Air ambulance., effects: [{traffic: {zone: town, for: 10m}}]}
        """)
    events = run(text, moves=[
        (40.0, cmd.Coordinate(agency="bp", incident="c1", with_="faa", domain="airspace")),
        (50.0, cmd.Act(agency="bp", incident="c1", action="disrupt", force=True))])
    assert [e.t for e in having(events, "coordination_granted")] == [48.0]
    details = [e.detail for e in having(events, "violation", rule="deconfliction")]
    assert details == ["traffic is active in town"]


# The strip lies beside the partner's side and the town; bp may jam in the strip, and a
# jamming spills over into the zones beside it, where the partner owns the spectrum.
SPILLING = {
    "  - {id: disrupt, touches: [airspace]}\n":
        "  - {id: disrupt, touches: [airspace]}\n  - {id: jam, touches: [spectrum], spills: true}\n"
        "  - {id: listen, touches: [spectrum]}\n",
    "allows: [observe, warn]": "allows: [observe, warn, jam, listen]",
    "{id: far, kind: foreign, jurisdiction: [partner]}":
        "{id: far, kind: foreign, jurisdiction: [partner], coordination: {spectrum: partner}}",
    "{id: strip, kind: border, jurisdiction: [bp, tf]}":
        "{id: strip, kind: border, jurisdiction: [bp, tf], adjacent: [far, town]}",
}


def test_a_spilling_action_needs_the_grant_of_the_owner_beside_it():
    """bp jams in the strip; across the line the spectrum is the partner's, so the jamming
    breaks deconfliction there, and the violation says where it spilled from."""
    events = run(world(replace=SPILLING),
                 moves=[(21.0, cmd.Act(agency="bp", incident="c1", action="jam"))])
    assert [e.zone for e in having(events, "action_taken", action="jam")] == ["strip"]
    details = [e.detail for e in having(events, "violation", rule="deconfliction")]
    assert details == ["spectrum in far is not deconflicted with partner "
                       "(spilling over from strip)"]


def test_the_neighbours_grant_asked_from_where_the_action_is_taken_covers_the_spill():
    """bp asks the partner to deconflict the spectrum while the contact is in the strip
    (asked after bp's 2 minutes, granted after 10 on the line and the partner's 6): the
    jamming then breaks nothing."""
    events = run(world(replace=SPILLING), moves=[
        (20.0, cmd.Coordinate(agency="bp", incident="c1", with_="partner", domain="spectrum")),
        (37.0, cmd.Act(agency="bp", incident="c1", action="jam"))])
    assert [(e.t, e.zone) for e in having(events, "coordination_granted")] == [(38.0, "strip")]
    assert [(e.t, e.zone) for e in having(events, "action_taken", action="jam")] == [
        (39.0, "strip")]
    assert rules_broken(events, "bp") == []


def test_traffic_beside_the_zone_breaks_deconfliction_for_a_spilling_action_only():
    """Traffic over the town, next to the strip: jamming in the strip reaches it, listening
    (which touches the spectrum without spilling) does not."""
    text = world("""
        injects:
          - {id: M-1, at: 20m, to: faa, text: Air ambulance., effects: [{traffic: {zone: town, for: 30m}}]}
        """, replace=SPILLING)
    events = run(text, moves=[(21.0, cmd.Act(agency="bp", incident="c1", action="listen")),
                              (22.0, cmd.Act(agency="bp", incident="c1", action="jam"))])
    assert [e.action for e in having(events, "action_taken")] == ["listen", "jam"]
    assert [(e.action, e.detail) for e in having(events, "violation")] == [
        ("jam", "spectrum in far is not deconflicted with partner (spilling over from strip)"),
        ("jam", "traffic is active in town (spilling over from strip)")]


def test_an_owner_beside_the_zone_grants_only_once_its_own_traffic_has_ended():
    """faa owns the airspace over the town, beside the strip: asked from the strip, it waits
    for the town's traffic to end (at 50m) before it grants; the partner, whose side has
    no traffic, does not wait."""
    text = world("""
        injects:
          - {id: M-1, at: 20m, to: faa, text: Air ambulance., effects: [{traffic: {zone: town, for: 30m}}]}
        """, replace=SPILLING | {"coordination: {airspace: faa}": "coordination: {spectrum: faa}"})
    events = run(text, moves=[
        (20.0, cmd.Coordinate(agency="bp", incident="c1", with_="faa", domain="spectrum")),
        (20.0, cmd.Coordinate(agency="bp", incident="c1", with_="partner", domain="spectrum"))])
    assert [(e.with_, e.t) for e in having(events, "coordination_granted")] == [
        ("partner", 38.0), ("faa", 50.0)]


def test_assume_lead_waits_for_a_free_slot_at_capacity():
    """bp (capacity 1) leads c0 until it leaves at 30m; its lead of c1 starts only then."""
    text = world(replace={"incidents:\n": "incidents:\n  - {id: c0, path: [{zone: strip, at: 1m}],"
                                          " leaves: 30m, detected_by: bp}\n"})
    events = run(text, moves=[(1.0, cmd.AssumeLead(agency="bp", incident="c0")),
                              (6.0, cmd.AssumeLead(agency="bp", incident="c1"))])
    assert [(e.incident, e.t) for e in having(events, "lead_assigned")] == [
        ("c0", 3.0), ("c1", 30.0)]


def test_withdrawn_lead_leaves_a_gap_and_its_agency_does_not_act_until_it_returns():
    """tf leads in the strip, then withdraws for 15 minutes: a gap opens, and its action waits."""
    text = world("""
        injects:
          - {id: M-1, at: 25m, to: tf, text: Sensor reassigned., effects: [{withdraw: {agency: tf, for: 15m}}]}
        """)
    events = run(text, moves=[(20.0, cmd.AssumeLead(agency="tf", incident="c1")),
                              (24.0, cmd.Act(agency="tf", incident="c1", action="warn"))])
    gaps = [(e.kind, e.t, e.zone) for e in events if e.kind.startswith("lead_gap")]
    assert gaps[2:5] == [("lead_gap", 20.0, "strip"), ("lead_gap_closed", 23.0, "strip"),
                         ("lead_gap", 25.0, "strip")]
    assert [e.t for e in having(events, "action_taken", agency="tf")] == [40.0]  # on return
