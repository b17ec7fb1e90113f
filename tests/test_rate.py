"""Proposed HSEEP ratings follow the documented rule, and an evaluator's rating is
journaled with who and why; overriding the proposal needs a reason."""

import sqlite3

from cli_support import refusal, tabletop
from conftest import DECISION_AT_THE_LINE, run, world
from typer.testing import CliRunner

from sim import commands as cmd
from sim.cli import app
from sim.loader import load_scenario_text
from sim.rating import proposals

# D-1 opens at 6m for bp: leading (bp leads from 8m) or acting across the line.
DECISION = DECISION_AT_THE_LINE


def scenario(objectives: str):
    return world(DECISION + objectives)


def rated(objectives: str, moves=()) -> dict[str, str]:
    text = scenario(objectives)
    events = run(text, moves=moves)
    return {k: p.rating for k, p in proposals(load_scenario_text(text, "s.yaml"), events).items()}


LEAD_WITHIN = """
objectives:
  - id: O-1
    text: A lead is named soon after detection.
    within:
      from: {event: detected, incident: c1}
      to: {event: lead_assigned, incident: c1}
      limit: %s
"""
WATCH = [(6.0, cmd.Decide(decision="D-1", option="watch"))]


def test_met_with_margin_and_nothing_along_the_way_is_p():
    """Lead named 3 minutes after detection, of 10 allowed, with no violation: P."""
    assert rated(LEAD_WITHIN % "10m", WATCH) == {"O-1": "P"}


def test_met_in_the_last_quarter_of_the_limit_is_s():
    """The same 3 minutes against a 3.5-minute limit leaves too little to spare: S."""
    assert rated(LEAD_WITHIN % "3.5m", WATCH) == {"O-1": "S"}


def test_met_with_a_violation_along_the_way_is_m():
    """bp warns across the line (a jurisdiction violation at 7m) before it leads at 8m: M."""
    moves = [(5.0, cmd.Act(agency="bp", incident="c1", action="warn")), *WATCH]
    assert rated(LEAD_WITHIN % "10m", moves) == {"O-1": "M"}


def test_not_met_is_u():
    """Acting across the line instead of leading: no lead is ever named, so U."""
    moves = [(6.0, cmd.Decide(decision="D-1", option="act-across"))]
    assert rated(LEAD_WITHIN % "10m", moves) == {"O-1": "U"}


def test_a_lead_gap_along_the_way_is_s_and_only_the_named_rule_counts():
    """'No deconfliction violation' is met although a jurisdiction rule was broken (another
    rule); the lead gap in the partner's zone still makes it S."""
    objectives = """
objectives:
  - id: O-2
    text: Nothing touches the town's airspace before it is deconflicted.
    never: {event: violation, rule: deconfliction}
"""
    moves = [(5.0, cmd.Act(agency="bp", incident="c1", action="warn"))]
    assert rated(objectives, moves) == {"O-2": "S"}


def journal(tmp_path, *options: str) -> str:
    """A headless run of the scenario, journaled, leading at once: O-1 is proposed P."""
    path = tmp_path / "scenario.yaml"
    path.write_text(scenario(LEAD_WITHIN % "10m"))
    journal = str(tmp_path / "ex.sqlite")
    result = CliRunner().invoke(app, ["run", str(path), "--journal", journal, "--summary",
                                       "--decide", "D-1=watch", *options])
    assert result.exit_code == 0, result.output
    return journal


def ratings_in(path: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT kind, payload FROM commands WHERE kind = 'rate'").fetchall()


def test_rate_journals_the_evaluators_confirmation(tmp_path):
    """Confirming the proposal needs no reason; the Rate command lands in the journal."""
    path = journal(tmp_path)
    result = CliRunner().invoke(app, ["rate", path, "O-1", "P", "--by", "Dana"])
    assert result.exit_code == 0, result.output
    assert "Dana confirmed the proposed rating of O-1 (P)" in result.output
    assert len(ratings_in(path)) == 1


def test_an_override_without_a_reason_is_refused(tmp_path):
    """Overriding P with S and no --why exits 2, says what to add, and journals nothing."""
    path = journal(tmp_path)
    message = refusal(tabletop("rate", path, "O-1", "S", "--by", "Dana"))
    assert "the proposed rating is P; overriding it with S needs a reason" in message
    assert "add --why" in message
    assert ratings_in(path) == []


def test_an_override_with_a_reason_is_shown_in_the_report_with_the_proposal(tmp_path):
    """The report shows the proposed P, and Dana's S with her reason."""
    path = journal(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["rate", path, "O-1", "s", "--by", "Dana",
                               "--why", "the lead was named but not told to the partner"]
                         ).exit_code == 0
    report = runner.invoke(app, ["report", path]).output
    row = next(line for line in report.splitlines() if line.startswith("| **O-1**"))
    assert "**P** Performed without challenges" in row
    assert "**S** overridden by Dana: “the lead was named but not told to the partner”" in row


def test_rating_an_unknown_objective_or_with_a_non_hseep_rating_exits_2(tmp_path):
    """O-9 does not exist and X is not P, S, M or U: both are refused with the fix."""
    path = journal(tmp_path)
    unknown = refusal(tabletop("rate", path, "O-9", "P", "--by", "Dana"))
    wrong = refusal(tabletop("rate", path, "O-1", "X", "--by", "Dana"))
    assert "no objective 'O-9'" in unknown and "O-1" in unknown
    assert "use P, S, M or U" in wrong


def test_an_exercise_that_has_not_ended_cannot_be_rated_yet(tmp_path):
    """Stopped at T+5m, before D-1 even opens: a proposal would weigh half an exercise, so
    the rating is refused with how to end it, and nothing is journaled."""
    path = journal(tmp_path, "--until", "5m")
    message = refusal(tabletop("rate", path, "O-1", "P", "--by", "Dana"))
    assert "the exercise has not ended, so its objectives cannot be rated yet" in message
    assert "tabletop resume FILE" in message
    assert ratings_in(path) == []
