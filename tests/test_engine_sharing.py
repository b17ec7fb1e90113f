"""Sharing data: a `share` step passes a piece of data over a channel; data with `recipients`
that reaches another agency breaks the sharing rule when it arrives — and, like every rule,
never stops it."""

from __future__ import annotations

import pytest
from conftest import having, run, world
from loader_support import problems, write

from sim import commands as cmd
from sim.engine import Exercise, Refused
from sim.evaluate import evaluate
from sim.loader import load_scenario_text

DATA = """
data:
  - {id: raw-track, name: Raw track data, recipients: [bp, hq]}
  - {id: product, name: An analytic product}
"""


def deciding(data: str, *options: tuple[str, str]) -> str:
    """The mini world with `data` and D-1 for bp at 4m, two minutes to decide; each option
    an (id, steps) pair, the first the default."""
    listed = "".join(f"\n      - {{id: {o}, text: {o}., do: [{steps}]}}" for o, steps in options)
    return world(data, f"""
decisions:
  - id: D-1
    at: 4m
    cell: bp
    prompt: Who gets the track?
    options:{listed}
    default: {options[0][0]}
    deadline: 2m
""")


def shared(to: str, data: str, at: float = 6.0) -> list:
    """bp shares `data` about c1 with `to` at `at`, in the mini world with DATA."""
    return run(world(DATA), moves=[(at, cmd.Share(agency="bp", incident="c1", data=data,
                                                  to=to))])


def test_data_reaches_a_listed_recipient_over_the_channel_without_a_violation():
    """bp responds in 2m, the bp–hq channel takes 1m: hq has the raw track at 9m."""
    events = shared("hq", "raw-track")
    [arrived] = having(events, "data_shared")
    assert (arrived.t, arrived.from_, arrived.to, arrived.data, arrived.incident) == (
        9.0, "bp", "hq", "raw-track", "c1")
    assert not having(events, "violation")


def test_data_reaching_an_agency_it_may_not_go_to_breaks_the_sharing_rule_on_arrival():
    """The partner is not a recipient of the raw track: it still gets it (at 6+2+10 = 18m),
    and the violation is recorded then, where the contact is."""
    events = shared("partner", "raw-track")
    [violation] = having(events, "violation")
    assert (violation.t, violation.rule, violation.agency, violation.action, violation.zone) == (
        18.0, "sharing", "bp", "raw-track", "far")
    assert violation.detail == "raw-track reached partner, but may go only to bp, hq"
    assert [e.t for e in having(events, "data_shared", to="partner")] == [18.0]
    assert violation.seq < having(events, "data_shared")[0].seq


def test_data_without_recipients_may_go_to_anyone():
    events = shared("partner", "product")
    assert having(events, "data_shared", to="partner", data="product")
    assert not having(events, "violation")


def test_data_that_cannot_be_sent_discloses_nothing():
    """No channel joins tf and the sheriff: undeliverable, and no sharing violation."""
    events = run(world(DATA), moves=[(6.0, cmd.Share(agency="tf", incident="c1",
                                                     data="raw-track", to="sheriff"))])
    assert [(e.to, e.message) for e in having(events, "message_undeliverable")] == [
        ("sheriff", "raw-track")]
    assert not having(events, "violation") and not having(events, "data_shared")


def test_a_share_step_in_a_decision_runs_as_the_command_does():
    """The same share as a decision's option gives the same facts as the controller's move."""
    events = run(deciding(DATA, ("partner", "{share: raw-track, with: partner, incident: c1}")))
    assert [(e.rule, e.t) for e in having(events, "violation")] == [("sharing", 18.0)]


def test_an_objective_watching_the_sharing_rule_is_broken_by_the_disclosure_only():
    """Met when the raw track goes to hq, not met — with the violation as evidence — when it
    goes to the partner."""
    text = world(DATA, """
        objectives:
          - id: O-1
            text: Raw data stays with those it may go to.
            never: {event: violation, rule: sharing}
        """)
    scenario = load_scenario_text(text, "story.yaml")
    for to, met in (("hq", True), ("partner", False)):
        events = run(text, moves=[(6.0, cmd.Share(agency="bp", incident="c1",
                                                  data="raw-track", to=to))])
        [result] = evaluate(scenario, events)
        assert result.met is met
        assert result.evidence == tuple(e.seq for e in having(events, "violation"))


@pytest.mark.parametrize(("command", "said"), [
    (cmd.Share(agency="bp", incident="c1", data="raw-trak", to="hq"),
     "unknown data 'raw-trak' — did you mean 'raw-track'?"),
    (cmd.Share(agency="bp", incident="c1", data="raw-track", to="hqq"),
     "unknown agency 'hqq' — did you mean 'hq'?"),
])
def test_a_share_naming_nothing_is_refused(command, said):
    exercise = Exercise(load_scenario_text(world(DATA), "story.yaml"), 1)
    exercise.advance_to(6.0)
    assert exercise.submit(command) == Refused(said)


def test_data_and_share_steps_are_checked_at_their_lines(tmp_path):
    text = deciding("data: [{id: raw-track, recipients: [bp, hqq]}]\n",
                    ("a", "{share: raw-trak, with: partner, incident: c1}"),
                    ("b", "{share: raw-track, with: partnr, incident: c1}"))
    found = problems(write(tmp_path, text))
    lines = text.splitlines()

    def at(fragment: str) -> int:
        return next(n for n, line in enumerate(lines, start=1) if fragment in line)

    assert any(f":{at('hqq')}:" in p and "unknown agency 'hqq' — did you mean 'hq'?" in p
               for p in found), found
    assert any(f":{at('raw-trak')}:" in p and "unknown data 'raw-trak'" in p
               for p in found), found
    assert any(f":{at('partnr')}:" in p and "unknown agency 'partnr'" in p
               for p in found), found
