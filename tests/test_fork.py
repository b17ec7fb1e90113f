"""Forking an exercise at a decision, and comparing two runs: the same option replays the
original exactly; another option leaves everything before the decision as it was."""

import xml.etree.ElementTree as ET

import pytest
from cli_support import refusal, tabletop
from conftest import DECISION_AT_THE_LINE, world
from typer.testing import CliRunner

from sim import commands as cmd
from sim.cli import app
from sim.compare import compare, render_text
from sim.engine import Accepted, Exercise
from sim.fork import fork_journal
from sim.headless import play_out
from sim.journal import Journal, canonical_lines
from sim.loader import load_scenario_text

# c1 enters the town at 40m, c2 at 45m; D-1 opens at 6m, D-2 once per incident in the town.
TEXT = world(DECISION_AT_THE_LINE + """\
  - id: D-2
    when: {event: zone_entered, zone: town}
    cell: bp
    prompt: A contact is over the town.
    options:
      - {id: hold, text: Hold.}
      - {id: act-now, text: Act at once., do: [{act: disrupt}]}
    default: hold
    deadline: 5m
  - id: D-3
    at: 3h
    cell: bp
    prompt: Never reached.
    options: [{id: wait, text: Wait.}]
    default: wait
    deadline: 5m
objectives:
  - id: O-1
    text: A lead is named within 10 minutes of detection.
    within:
      from: {event: detected, incident: c1}
      to: {event: lead_assigned, incident: c1}
      limit: 10m
  - id: O-2
    text: Nobody acts across the line.
    never: {event: violation, rule: jurisdiction}
""", replace={"    detected_by: tf\n": """    detected_by: tf
  - id: c2
    path: [{zone: far, at: 10m}, {zone: strip, at: 25m}, {zone: town, at: 45m}]
    leaves: 65m
    detected_by: tf
"""})


def events_of(path: str) -> list[str]:
    journal = Journal.open(path, readonly=True)
    try:
        return list(canonical_lines(journal.events()))
    finally:
        journal.close()


def played(tmp_path, moves=(), name="ex.sqlite") -> str:
    """A journal as the console writes it: each (sim time, command[, seat]) entered by a
    person, at the console or at a player cells' seat."""
    path = str(tmp_path / name)
    exercise = Exercise(load_scenario_text(TEXT, "s.yaml"), 5, Journal.create(path, TEXT, 5))
    for t, command, *seat in moves:
        exercise.advance_to(t)
        assert isinstance(exercise.submit(command, *seat), Accepted)
    play_out(exercise)
    exercise.journal.close()
    return path


def headless(tmp_path, *decide: str) -> str:
    """A journal of `tabletop run --decide …`: a policy answers as decisions open."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text(TEXT)
    path = str(tmp_path / "ex.sqlite")
    args = ["run", str(scenario), "--journal", path, "--seed", "5", "--summary"]
    result = CliRunner().invoke(app, args + [f"--decide={d}" for d in decide])
    assert result.exit_code == 0, result.output
    return path


LATE_PLAYER = [(9.0, cmd.Decide(decision="D-1", option="watch")),
               (30.0, cmd.Note(text="lead looks settled", author="eva")),
               (41.0, cmd.Decide(decision="D-2", option="act-now", incident="c1"))]


def kind_at(lines: list[str], kind: str) -> int:
    return next(n for n, line in enumerate(lines) if f'"kind":"{kind}"' in line)


@pytest.mark.parametrize("make, option", [
    (lambda tmp: headless(tmp, "D-1=act-across"), "act-across"),
    (lambda tmp: headless(tmp), "watch"),
    (lambda tmp: played(tmp, LATE_PLAYER), "watch"),
], ids=["decided-by-policy", "left-to-default", "decided-late-by-a-player"])
def test_forking_with_the_option_already_taken_reproduces_the_original(tmp_path, make, option):
    """Whoever decided D-1, and whenever, taking the same option again changes nothing."""
    original = make(tmp_path)
    fork = fork_journal(original, "D-1", option)
    assert fork.was == option
    assert events_of(fork.path) == events_of(original)


def test_another_option_leaves_every_event_before_the_decision_as_it_was(tmp_path):
    """A player took D-1 at 9m; the fork acts across the line there instead: events up to
    that point are identical, the decision differs, and a jurisdiction violation follows."""
    original = played(tmp_path, LATE_PLAYER)
    fork = fork_journal(original, "D-1", "act-across")
    before, after = events_of(original), events_of(fork.path)
    k = kind_at(before, "decision_made")
    assert (fork.at, fork.where) == (9.0, "where it was decided")
    assert after[:k] == before[:k]
    assert '"option":"act-across"' in after[k] and '"t":9.0' in after[k]
    assert '"rule":"jurisdiction"' in "".join(after[k:])
    assert '"rule":"jurisdiction"' not in "".join(before)


def test_a_defaulted_decision_is_forked_as_it_opened(tmp_path):
    """D-1 defaulted at its 11m deadline; the fork takes the other option when it opened
    (6m), with everything up to the opening identical."""
    original = headless(tmp_path)
    fork = fork_journal(original, "D-1", "act-across")
    before, after = events_of(original), events_of(fork.path)
    k = kind_at(before, "decision_opened") + 1
    assert (fork.at, fork.where, fork.was) == (6.0, "as it opened", "watch")
    assert after[:k] == before[:k] and after[k] != before[k]
    assert '"kind":"decision_made"' in after[k] and '"t":6.0' in after[k]


def test_after_the_fork_later_decisions_keep_the_originals_choices(tmp_path):
    """The player's act-now on D-2 for c1 stands in the fork, taken as D-2 opens; c2's
    instance, left to its default in the original, defaults again."""
    fork = fork_journal(played(tmp_path, LATE_PLAYER), "D-1", "act-across")
    made = [line for line in events_of(fork.path) if '"decision":"D-2"' in line
            and '"kind":"decision_made"' in line]
    assert len(made) == 2
    assert '"incident":"c1"' in made[0] and '"option":"act-now"' in made[0]
    assert '"incident":"c2"' in made[1] and '"option":"hold"' in made[1]


def test_a_fork_keeps_the_seat_each_command_before_it_came_from(tmp_path):
    """Commands replayed into a fork keep their seat; the forked choice is the analyst's,
    from no seat."""
    fork = fork_journal(played(tmp_path, [
        (5.0, cmd.Note(text="who leads?", author="bp (player cell)"), "bp"),
        (9.0, cmd.Decide(decision="D-1", option="watch"), "bp")]), "D-1", "act-across")
    journal = Journal.open(fork.path, readonly=True)
    kept = [(r.command.kind, getattr(r.command, "option", None), r.seat)
            for r in journal.commands()]
    journal.close()
    assert kept[:2] == [("note", None, "bp"), ("decide", "act-across", None)]


def test_fork_on_the_command_line_names_the_new_journal_beside_the_original(tmp_path):
    """`tabletop fork` writes NAME.fork-D-X.sqlite, says so, and tells how to compare."""
    original = played(tmp_path, LATE_PLAYER)
    result = CliRunner().invoke(app, ["fork", original, "--at", "D-2@c2", "--option", "act-now"])
    assert result.exit_code == 0, result.output
    new = tmp_path / "ex.fork-D-2-c2-act-now.sqlite"
    assert "'act-now' instead of 'hold'" in result.output and str(new) in result.output
    assert f"tabletop compare {original} {new}" in result.output
    assert new.exists()


@pytest.mark.parametrize("args, message", [
    (["--at", "D-9", "--option", "watch"], "unknown decision 'D-9'"),
    (["--at", "D-1", "--option", "wach"], "did you mean 'watch'"),
    (["--at", "D-3", "--option", "wait"], "decision D-3 never opened"),
    (["--at", "D-2", "--option", "hold"], "say which, e.g. --at D-2@c1"),
], ids=["unknown-decision", "unknown-option", "never-opened", "several-instances"])
def test_fork_refuses_what_cannot_be_forked(tmp_path, args, message):
    """Each refusal exits 2 with the fix, and leaves no half-written journal behind."""
    original = played(tmp_path, LATE_PLAYER)
    assert message in refusal(tabletop("fork", original, *args))
    assert sorted(p.name for p in tmp_path.glob("*.sqlite")) == ["ex.sqlite"]


def test_fork_refuses_to_overwrite_a_journal(tmp_path):
    """-o naming an existing file exits 2 and leaves that file alone."""
    original = played(tmp_path)
    other = played(tmp_path, name="other.sqlite")
    before = events_of(other)
    assert "already exists" in refusal(tabletop("fork", original, "--at", "D-1", "--option",
                                                "watch", "-o", other))
    assert events_of(other) == before


def test_compare_shows_objectives_violations_gaps_and_where_the_runs_part(tmp_path):
    """Original against its act-across fork: O-2 flips, a jurisdiction violation appears,
    and the first difference is D-1's decision at 9m."""
    original = played(tmp_path, LATE_PLAYER)
    fork = fork_journal(original, "D-1", "act-across").path
    result = CliRunner().invoke(app, ["compare", original, fork])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    o2 = next(line for line in lines if " O-2 " in line)
    assert o2.split() == ["*", "O-2", "met", "(S)", "NOT", "MET", "(U)"]
    assert next(line for line in lines if " jurisdiction " in line).split() == [
        "*", "jurisdiction", "0", "1"]
    assert any("c1 in far" in line for line in lines)
    part = compare(original, fork).divergence
    assert part.a.text == "Decision D-1: bp takes 'watch'"
    assert part.b.text == "Decision D-1: bp takes 'act-across'"
    assert f"The timelines part at event #{part.seq}:" in result.output


def test_compare_of_a_run_with_itself_says_identical(tmp_path):
    """A journal and its same-option fork do not part anywhere."""
    original = played(tmp_path, LATE_PLAYER)
    fork = fork_journal(original, "D-1", "watch").path
    comparison = compare(original, fork)
    assert comparison.divergence is None
    assert not any(row.differs for row in comparison.objectives + comparison.violations)
    assert "The timelines are identical, event for event." in render_text(comparison)


def test_compare_as_html_is_a_well_formed_page(tmp_path):
    """--format html writes one parseable page with both lead charts inline."""
    original = played(tmp_path, LATE_PLAYER)
    fork = fork_journal(original, "D-1", "act-across").path
    page = tmp_path / "compare.html"
    result = CliRunner().invoke(app, ["compare", original, fork, "--format", "html",
                                      "-o", str(page)])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(page.read_text())
    assert len([e for e in root.iter() if e.tag.endswith("svg")]) == 2
    assert "Where the timelines part" in " ".join(root.itertext())
