"""Pre-flight runs a scenario over seeds and decision paths before the day and reports what
would go wrong: it finds the problems planted in tests/scenarios/planted-problems.yaml,
passes every bundled scenario, and gates CI through its exit code (1 problem, 0 clean,
2 bad input)."""

import pathlib

import pytest
from cli_support import refusal, tabletop
from conftest import LIBRARY, world

from sim.engine import Exercise
from sim.headless import fixed_choices, play_out
from sim.loader import load_scenario, load_scenario_text
from sim.preflight import Window, decision_paths, preflight

PLANTED = pathlib.Path(__file__).parent / "scenarios" / "planted-problems.yaml"


def findings(text_or_path, seeds: int = 3) -> dict[tuple[str, str], str]:
    """Pre-flight's findings as {(section, subject): text}."""
    scenario = (load_scenario(str(text_or_path)) if isinstance(text_or_path, pathlib.Path)
                else load_scenario_text(text_or_path, "story.yaml"))
    return {(f.section, f.subject): f.text for f in preflight(scenario, seeds).findings}


def test_each_planted_problem_is_found_and_nothing_sound_is_flagged():
    """Unreachable and always-met objectives, injects that never fire, decisions that never
    open or always time out, triggers that never match — and no word against the rest."""
    found = findings(PLANTED)
    problems = {key for key, text in found.items() if text.startswith("PROBLEM")}
    assert problems == {
        ("Objectives", "O-unreachable"), ("Objectives", "O-always"),
        ("Injects", "M-late"), ("Injects", "M-never"),
        ("Decisions", "D-away"), ("Decisions", "D-never"),
        ("Triggers", "M-never"), ("Triggers", "D-never")}
    assert "no run meets it" in found["Objectives", "O-unreachable"]
    assert "every run meets it" in found["Objectives", "O-always"]
    assert "after the end of the exercise" in found["Injects", "M-late"]
    assert "its trigger never matches" in found["Injects", "M-never"]
    assert "always times out" in found["Decisions", "D-away"]
    assert "never opens" in found["Decisions", "D-never"]
    assert found["Injects", "M-held"] == "held: the controller fires it"
    assert found["Objectives", "O-lead"].startswith("met in ")


def test_a_decision_times_out_only_when_its_cell_cannot_answer():
    """If the partner comes back before D-away opens, its players can answer: not flagged.
    (In the default-only runs every decision falls to its default; that alone is no
    problem.)"""
    text = PLANTED.read_text().replace("{withdraw: {agency: partner}}",
                                       "{withdraw: {agency: partner, for: 5m}}")
    found = findings(text)
    assert ("Decisions", "D-away") not in found
    assert ("Decisions", "D-1") not in found


def test_planted_scenario_fails_the_gate_with_a_readable_report():
    """`tabletop preflight` prints every section and the load, and exits 1."""
    result = tabletop("preflight", PLANTED, "--runs", "2")
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "10 runs: seeds 1..2, each with 4 decision paths and once with nobody answering" in out
    for heading in ("Objectives", "Injects", "Decisions", "Triggers", "Controller load"):
        assert f"\n{heading}" in out
    assert "peak: 3 in T+5m–T+10m" in out
    assert out.rstrip().endswith("Problems with 6 items: O-unreachable, O-always, M-late, "
                                 "M-never, D-away, D-never.")


# Not an exercise day but a year of contacts played by standing orders, for `tabletop batch`:
# one run takes seconds, and its objectives O-4 and O-6 are met in every run because they
# measure the standing orders, which no decision path changes. Pre-flight is not for it.
ANALYSIS = {"year-along-the-border"}
EXERCISES = [pytest.param(p, id=p.stem, marks=[pytest.mark.skip(reason="analysis at scale, "
                                                                  "not an exercise day")]
                          if p.stem in ANALYSIS else []) for p in LIBRARY]


@pytest.mark.parametrize("path", EXERCISES)
def test_every_bundled_scenario_passes(path):
    """A scenario in the library is ready for the day: pre-flight finds no problem."""
    report = preflight(load_scenario(str(path)), 3)
    assert report.runs > 3
    assert not report.problems, [f"{f.subject}: {f.text}" for f in report.problems]


def test_a_clean_scenario_passes_the_gate():
    """Exit 0 and 'No problems found.' for a bundled scenario."""
    result = tabletop("preflight", LIBRARY[0], "--runs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("No problems found.")


def test_preflight_of_a_set_value_checks_the_scenario_with_it():
    """Over a two-hour liaison the partner can never hear before the crossing: O-2 cannot be
    met, whatever the players decide, and the gate fails."""
    watcher = LIBRARY[0].parent / "watcher-across-the-river.yaml"
    result = tabletop("preflight", watcher, "--runs", "1", "--set",
                      "channels.bilateral liaison.latency=2h")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "O-2   PROBLEM: no run meets it" in result.stdout


def test_bad_input_exits_2():
    """A scenario file that is not there is bad input, not a finding."""
    assert "no-such-scenario.yaml" in refusal(tabletop("preflight", "no-such-scenario.yaml"))


def test_controller_load_counts_injects_and_decisions_per_five_minutes():
    """M-01 (T+5m), D-1 (T+6m) and M-02 (T+8m) share a window; D-away opens alone at T+20m."""
    report = preflight(load_scenario(str(PLANTED)), 1)
    assert report.load == [Window(5.0, 2, 1), Window(20.0, 0, 1)]
    assert report.peak == Window(5.0, 2, 1)


def test_paths_cover_every_option_and_are_sampled_past_the_limit():
    """Seven decisions of three options make 2,187 paths: 64 are run, every option among
    them, the same ones every time."""
    decisions = "decisions:\n" + "".join(f"""
  - id: D-{n}
    at: {n}m
    cell: bp
    prompt: Which?
    options: [{{id: a, text: A}}, {{id: b, text: B}}, {{id: c, text: C}}]
    default: a
    deadline: 5m
""" for n in range(1, 8))
    scenario = load_scenario_text(world(decisions), "many.yaml")
    paths, total = decision_paths(scenario)
    assert (len(paths), total) == (64, 3 ** 7)
    assert len({tuple(p.items()) for p in paths}) == 64
    assert {(d, o) for p in paths for d, o in p.items()} == {
        (f"D-{n}", o) for n in range(1, 8) for o in "abc"}
    assert decision_paths(scenario) == (paths, total)


def test_a_decision_opened_by_another_answer_is_answered_by_the_path_too():
    """D-2 opens the instant D-1 is decided; the path's choice for it is taken, not its
    default (otherwise pre-flight would never see D-2's other options)."""
    text = world("""
decisions:
  - id: D-1
    at: 5m
    cell: bp
    prompt: First?
    options: [{id: x, text: X}, {id: y, text: Y}]
    default: x
    deadline: 10m
  - id: D-2
    when: {event: decision_made, decision: D-1}
    cell: bp
    prompt: Then?
    options: [{id: p, text: P}, {id: q, text: Q}]
    default: p
    deadline: 10m
""")
    events = play_out(Exercise(load_scenario_text(text, "chain.yaml"), 1),
                      fixed_choices({"D-1": "y", "D-2": "q"}))
    made = [(e.decision, e.option, e.by, e.t) for e in events if e.kind == "decision_made"]
    assert made == [("D-1", "y", "policy", 5.0), ("D-2", "q", "policy", 5.0)]
