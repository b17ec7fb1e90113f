"""`tabletop run` tells a facilitator in a screenful what happened and which objectives were
met; a run stopped with `--until` and resumed equals one full run; a bad `--decide` or a bad
scenario is refused with exit 2 and a message that says where and what to write."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from datetime import datetime, timedelta

import pytest
from cli_support import TABLETOP, as_at_a_terminal, refusal, tabletop
from conftest import ROOT, SHARED_EXAMPLE
from library_support import EXERCISES, scenario_at
from typer.testing import CliRunner

from sim.cli import app

needs_reference = pytest.mark.skipif(not SHARED_EXAMPLE.exists(),
                                     reason="the shared reference scenario is not checked out")
TIMELINE_LINE = re.compile(r"^(\d\d:\d\d) +T\+(\d+m|\d+h\d\dm)  \S")
RESULT_LINE = re.compile(r"^  (\S+) +(MET|NOT MET) +\S")


def tabletop_in_process(*args: object) -> str:
    """What a successful command prints on stdout (run in this process, through the app)."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def clock_and_minutes(text: str) -> tuple[str, int]:
    """The wall-clock label of a timeline line, and its T+ time in whole minutes."""
    label, since = TIMELINE_LINE.match(text).groups()
    hours, _, minutes = since.rstrip("m").rpartition("h")
    return label, int(hours or 0) * 60 + int(minutes)


def timeline_and_results(output: str) -> tuple[list[str], dict[str, bool]]:
    """The timeline lines of a run's report, and each objective's result (met or not)."""
    _, *rest = output.splitlines()  # the title line, then the timeline
    timeline = rest[: rest.index("")] if "" in rest else rest
    results = {m[1]: m[2] == "MET" for m in map(RESULT_LINE.match, rest) if m}
    return timeline, results


@pytest.mark.parametrize("scenario_path", EXERCISES, ids=lambda path: path.stem)
def test_run_prints_a_wall_clock_timeline_and_every_objective(scenario_path):
    """Every timeline line reads `HH:MM T+…  sentence`, its clock label is the scenario's
    start plus the T+ time, and every objective gets a result."""
    scenario = scenario_at(scenario_path)
    output = tabletop_in_process("run", scenario_path, "--seed", 3)
    assert output.startswith(f"{scenario.title} — seed 3\n")
    timeline, results = timeline_and_results(output)
    assert timeline and "  Exercise ends (" in timeline[-1]
    label = str(scenario.clock.start)
    start = datetime.fromisoformat(label if "T" in label else f"2000-01-01T{label}")
    for text in timeline:
        label, minutes = clock_and_minutes(text)
        assert label == (start + timedelta(minutes=minutes)).strftime("%H:%M"), text
    assert list(results) == [o.id for o in scenario.objectives]


@needs_reference
def test_reference_timeline_reads_as_the_facilitator_expects():
    """The reference run shows the contact's crossing and detection at their wall-clock times."""
    output = tabletop_in_process("run", SHARED_EXAMPLE, "--seed", 3)
    lines = output.splitlines()
    assert "02:00     T+0m  Exercise starts: Watcher across the river" in lines
    assert "02:05     T+5m  task-force detects watcher in far-bank" in lines
    assert "03:05  T+1h05m  watcher enters county-town" in lines
    assert "Objectives" in lines


@needs_reference
def test_acting_across_the_line_breaks_jurisdiction_and_leaves_the_partner_uninformed():
    """`D-1=act-across`: the sector disrupts over partner territory (a jurisdiction
    violation, O-2), names no lead (O-1, and O-4 once the contact is on our side) and never
    informs the partner (O-5); nothing touches the town's airspace (O-3 met). None of this
    depends on the seed; seed 1 stands for all."""
    output = tabletop_in_process("run", SHARED_EXAMPLE, "--seed", 1, "--decide", "D-1=act-across")
    assert "VIOLATION (jurisdiction): bp-sector has no jurisdiction in far-bank" in output
    _, results = timeline_and_results(output)
    assert results == {"O-1": False, "O-2": False, "O-3": True, "O-4": False, "O-5": False}


@needs_reference
def test_acting_at_once_over_the_town_breaks_deconfliction():
    """`D-2=act-now`: with seed 7 the sector's approval comes at T+1h17m, before the contact
    leaves at T+1h30m, so it disrupts in the town without the regulator's deconfliction
    (O-3 not met). D-1 is left to its default at its deadline (T+18m), so no lead is named
    within 10 minutes of detection at T+5m (O-1 not met); nothing is done abroad (O-2 met)."""
    output = tabletop_in_process("run", SHARED_EXAMPLE, "--seed", 7, "--decide", "D-2=act-now")
    assert "takes action 'disrupt' on watcher in county-town" in output
    _, results = timeline_and_results(output)
    assert (results["O-1"], results["O-2"], results["O-3"]) == (False, True, False)


@needs_reference
def test_monitoring_then_coordinating_first_meets_every_objective():
    """`D-1=monitor` + `D-2=coordinate-first` is the model answer: no action abroad (O-2),
    the regulator deconflicts before the sector disrupts (O-3). With seed 16 the approval
    also comes in time for the disrupt to happen (T+1h26m), the lead is named within 10
    minutes and the liaison reaches the partner before the crossing: all five are met."""
    output = tabletop_in_process("run", SHARED_EXAMPLE, "--seed", 16,
                                 "--decide", "D-1=monitor", "--decide", "D-2=coordinate-first")
    granted = output.index("aviation-authority deconflicts airspace in county-town")
    assert output.index("bp-sector takes action 'disrupt' on watcher in county-town") > granted
    _, results = timeline_and_results(output)
    assert results == {"O-1": True, "O-2": True, "O-3": True, "O-4": True, "O-5": True}


@needs_reference
def test_run_until_then_resume_equals_one_full_run(tmp_path):
    """Stopping at 45 minutes and resuming prints and journals exactly what one full run does."""
    choices = ("--seed", 4, "--decide", "D-1=ask-partner", "--decide", "D-2=coordinate-first")
    part, full = tmp_path / "part.sqlite", tmp_path / "full.sqlite"
    stopped = tabletop_in_process("run", SHARED_EXAMPLE, *choices, "--journal", part,
                                  "--until", "45m")
    assert "Stopped at T+45m" in stopped
    assert max(clock_and_minutes(t)[1] for t in timeline_and_results(stopped)[0]) <= 45
    resumed = tabletop_in_process("resume", part)
    assert resumed == tabletop_in_process("run", SHARED_EXAMPLE, *choices, "--journal", full)
    assert (tabletop_in_process("export", part, "--jsonl")
            == tabletop_in_process("export", full, "--jsonl"))


@needs_reference
@pytest.mark.parametrize(("pair", "message"), [
    ("D-3=monitor", "--decide D-3=monitor: unknown decision 'D-3' — did you mean 'D-2'?"),
    ("D-1=monitr", "--decide D-1=monitr: unknown option 'monitr' — did you mean 'monitor'?"),
    ("D-1", "--decide D-1: write DECISION=OPTION"),
], ids=["decision", "option", "no-option"])
def test_unknown_decision_or_option_is_refused_with_a_suggestion(pair, message):
    """A mistyped `--decide` exits 2 before anything runs, suggesting the nearest id."""
    assert message in refusal(tabletop("run", SHARED_EXAMPLE, "--decide", pair))


@needs_reference
@pytest.mark.parametrize(("original", "mistake", "message"), [
    ("    deadline: 10m", "    deadline: soon", "decisions[0].deadline: 'soon' is not a duration"),
    ("    cell: bp-sector", "    cell: bp-sectr", "did you mean 'bp-sector'?"),
], ids=["bad-duration", "unknown-agency"])
def test_bad_scenario_is_refused_at_its_line_and_column(tmp_path, original, mistake, message):
    """A scenario with a mistake exits 2 naming FILE:LINE:COL of the mistake and the fix."""
    text = SHARED_EXAMPLE.read_text()
    before, _, _ = text.partition(original)
    line = before.count("\n") + 1
    column = len(mistake.split(": ")[0]) + len(": ") + 1  # where the value starts
    path = tmp_path / "river-watch.yaml"
    path.write_text(text.replace(original, mistake, 1))
    first = refusal(tabletop("run", path)).splitlines()[0]
    assert first.startswith(f"{path}:{line}:{column}: ") and message in first


def test_ctrl_c_says_the_run_was_interrupted_without_a_traceback():
    """Ctrl-C in a run with no journal to keep: one line, exit 130 (128 + SIGINT)."""
    year = ROOT / "scenarios" / "year-along-the-border.yaml"
    with subprocess.Popen([str(TABLETOP), "run", str(year), "--summary",
                           "--set", "clock.duration=3650d"],  # ten years: over 5 s compiled
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          preexec_fn=as_at_a_terminal) as running:
        time.sleep(1.0)  # under way
        assert running.poll() is None, "the run ended before Ctrl-C"
        running.send_signal(signal.SIGINT)
        said = running.stderr.read()
    assert running.returncode == 130
    assert said == "tabletop: interrupted\n"
