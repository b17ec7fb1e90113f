"""`--set PATH=VALUE` on `run` and `play`: a value put into the scenario for one exercise,
kept in its journal, so that resume, report, review and fork see the scenario it ran."""

from __future__ import annotations

import json

import pytest
from cli_support import refusal, tabletop
from conftest import ROOT

from sim.aar import gather
from sim.fork import fork_journal
from sim.journal import Journal, ran_as
from sim.variants import Setting
from tui.app import make_console
from tui.sessions import ConsoleProblem
from tui.widgets.clock import ClockBar

WATCHER = ROOT / "scenarios" / "watcher-across-the-river.yaml"
BAND = ROOT / "scenarios" / "quiet-on-the-shared-band.yaml"
LIAISON = "channels.bilateral liaison.latency"


def objective(output: str, objective_id: str) -> str:
    """'MET' or 'NOT MET' for an objective, as the run printed it."""
    line = next(line for line in output.splitlines() if line.strip().startswith(objective_id))
    return "NOT MET" if "NOT MET" in line else "MET"


@pytest.mark.parametrize(("latency", "met"), [("5m", "MET"), ("1h", "NOT MET")])
def test_a_set_value_changes_the_run_and_its_heading_names_it(latency, met):
    """The partner, told at once (D-1 lead-and-tell), hears before the crossing at T+55m
    over a 5-minute liaison, and not over a one-hour one."""
    result = tabletop("run", WATCHER, "--decide", "D-1=lead-and-tell", "--set",
                      f"{LIAISON}={latency}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].endswith(f"— variant {LIAISON}={latency}")
    assert objective(result.stdout, "O-2") == met


def test_the_journal_keeps_the_settings_and_everything_after_honours_them(tmp_path):
    """Stopped midway and resumed, the run ends as an uninterrupted one; the report names
    the settings; a fork runs with them too."""
    whole, part = tmp_path / "whole.sqlite", tmp_path / "part.sqlite"
    args = ("run", WATCHER, "--decide", "D-1=lead-and-tell", "--set", f"{LIAISON}=1h")
    assert tabletop(*args, "--journal", whole).returncode == 0
    assert tabletop(*args, "--journal", part, "--until", "30m").returncode == 0
    assert tabletop("resume", part).returncode == 0
    exported = [tabletop("export", p, "--jsonl").stdout for p in (whole, part)]
    assert exported[0] == exported[1]

    journal = Journal.open(str(whole), readonly=True)
    try:
        assert json.loads(journal.meta["settings"]) == [[LIAISON, "1h"]]
        assert journal.scenario().channels[2].latency == 60.0
    finally:
        journal.close()
    assert gather(str(whole)).overview.variant == f"{LIAISON}=1h"
    fork = fork_journal(str(whole), "D-1", "lead-and-ask", str(tmp_path / "fork.sqlite"))
    forked = Journal.open(fork.path, readonly=True)
    try:
        assert ran_as(forked.meta) == f"{LIAISON}=1h"
    finally:
        forked.close()


@pytest.mark.parametrize(("sets", "place", "said"), [
    ((f"{LIAISON}=5x",), "--set:1:36:", f"with {LIAISON}=5x: '5x' is not a duration"),
    (("agencies.border-agency.capacity=2", "channels.bilateral liason.latency=5m"), "--set:2:1:",
     "unknown item 'bilateral liason' — did you mean 'bilateral liaison'?"),
    ((f"{LIAISON}=5m", f"{LIAISON}=9m"), "--set:2:1:", f"'{LIAISON}' is set twice"),
    ((LIAISON,), "--set:1:1:", "is not PATH=VALUE"),
])
def test_a_set_value_that_does_not_fit_is_refused_at_its_column(tmp_path, sets, place, said):
    journal = tmp_path / "never.sqlite"
    message = refusal(tabletop("run", WATCHER, "--journal", journal,
                               *(a for s in sets for a in ("--set", s))))
    assert message.startswith(place), message
    assert said in message
    assert not journal.exists()


def test_a_set_list_value_needs_no_double_brackets():
    """`--set` gives one value: `[a, b]` is a list put at the path, not two values."""
    result = tabletop("run", WATCHER, "--set", "zones.ranch-road.jurisdiction=[county-sheriff]")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].endswith(
        "— variant zones.ranch-road.jurisdiction=[county-sheriff]")


async def test_play_starts_a_variant_with_settings_and_reopening_it_otherwise_is_refused(
        tmp_path):
    """`play --variant --set` journals both and the clock bar names them; the console
    reopens the journal as it ran, and refuses to reopen it as another policy."""
    path = tmp_path / "band.sqlite"
    app = make_console(str(BAND), str(path), 3, variant="era-a",
                       settings=[Setting(LIAISON, "5m")])
    [liaison] = [c for c in app.session.scenario.channels if c.name == "bilateral liaison"]
    assert liaison.latency == 5.0
    async with app.run_test(size=(140, 30)) as pilot:
        bar = app.query_one(ClockBar)
        assert f"Quiet on the shared band — variant era-a; {LIAISON}=5m" in "".join(
            segment.text for segment in bar.render_lines(bar.region)[0])
        await pilot.press("q")
    app.session.close()
    reopened = make_console(None, str(path))
    assert ran_as(reopened.session.exercise.journal.meta) == f"era-a; {LIAISON}=5m"
    reopened.session.close()
    with pytest.raises(ConsoleProblem, match="was played as era-a; "):
        make_console(str(BAND), str(path), variant="era-a")


def test_play_with_a_variant_needs_a_scenario(tmp_path):
    message = refusal(tabletop("play", "--journal", tmp_path / "x.sqlite", "--variant", "era-a"))
    assert "--variant and --set start a new exercise: name its scenario" in message
