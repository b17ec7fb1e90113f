"""The MSEL round trip: `tabletop msel` writes a scenario's injects in HSEEP's columns to a
workbook or a CSV, and `tabletop msel import` merges a planner's edits back — new rows,
changed times, triggers and texts, deleted rows — changing only the lines it must."""

import pytest
from conftest import LIBRARY, ROOT, SHARED_EXAMPLE, having, world
from msel_support import (
    HEADERS,
    add_row,
    copy,
    delete_row,
    edit,
    export,
    rows,
    scenario_file,
    tabletop_ok,
)

from sim.engine import Exercise
from sim.loader import load_scenario
from sim.timeline import tplus


def imported(msel, scenario) -> str:
    return tabletop_ok("msel", "import", msel, "--into", scenario)


def test_export_has_the_doctrine_columns_and_a_row_per_inject_in_time_order(tmp_path):
    """Number, scenario and wall-clock time, from, to, method, type, text, expected action,
    objectives, controller notes — plus the trigger and the effects."""
    msel = export(copy(SHARED_EXAMPLE, tmp_path))
    assert HEADERS == ["No.", "Scenario time", "Wall clock", "Trigger", "From", "To", "Method",
                       "Type", "Inject text", "Expected action", "Objectives",
                       "Controller notes", "Effects (edit in the scenario file)"]
    table = rows(msel)
    assert [r["No."] for r in table] == ["M-01", "M-02", "M-03", "M-04"]
    assert table[1] == {
        "No.": "M-02", "Scenario time": "T+12m", "Wall clock": "02:12", "Trigger": None,
        "From": "sim-cell", "To": "bp-sector", "Method": "radio", "Type": "standard",
        "Inject text": "Agents on the river road report being watched from across the water.",
        "Expected action": "The sector names a lead and informs the partner.",
        "Objectives": "O-1, O-5", "Controller notes": None,
        "Effects (edit in the scenario file)": None}
    assert table[3]["Effects (edit in the scenario file)"] == (
        "channel bp-sector – partner-guard down for 20m")


def test_a_triggered_inject_shows_its_trigger_and_its_time_in_a_default_run(tmp_path):
    """M-03 fires five minutes after the sector takes the lead: when that is depends on the
    run, so the MSEL gives the trigger and the time a default run (seed 1) gave."""
    msel = export(copy(SHARED_EXAMPLE, tmp_path))
    events = Exercise(load_scenario(str(SHARED_EXAMPLE)), 1).run()
    [fired] = having(events, "inject_delivered", inject="M-03")
    row = rows(msel)[2]
    assert row["Trigger"] == "when {event: lead_assigned, incident: watcher} + 5m"
    assert row["Scenario time"] == f"{tplus(fired.t)} in a default run"


def test_a_held_inject_is_marked_as_the_controllers_to_fire(tmp_path):
    """An inject with neither `at` nor `when` waits for the controller: last, with no time."""
    scenario = scenario_file(tmp_path, world("""
injects:
  - {id: M-1, at: 10m, to: bp, text: Agents report a light over the river.}
  - {id: M-2, to: bp, text: Held for the controller., type: contingency}
"""))
    table = rows(export(scenario))
    assert [(r["No."], r["Scenario time"], r["Wall clock"]) for r in table] == [
        ("M-1", "T+10m", "02:10"), ("M-2", "held: the controller fires it", None)]


def test_export_of_a_variant_or_a_set_value_is_the_msel_of_that_scenario(tmp_path):
    """`msel --set` (and `--variant`): the MSEL as the exercise will run it."""
    out = tmp_path / "msel.csv"
    watcher = ROOT / "scenarios" / "watcher-across-the-river.yaml"
    tabletop_ok("msel", watcher, "-o", out, "--set", "injects.M-01.at=7m")
    [first] = [row for row in rows(out) if row["No."] == "M-01"]
    assert (first["Scenario time"], first["Wall clock"]) == ("T+7m", "21:07")
    tabletop_ok("msel", watcher, "-o", out)
    [first] = [row for row in rows(out) if row["No."] == "M-01"]
    assert first["Scenario time"] == "T+5m"


def test_csv_holds_the_same_rows_as_the_workbook(tmp_path):
    """The same MSEL as comma-separated text (empty cells as empty strings)."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    as_csv = rows(export(scenario, "msel.csv"))
    as_xlsx = [{k: v or "" for k, v in row.items()} for row in rows(export(scenario))]
    assert as_csv == as_xlsx


@pytest.mark.parametrize("source", [*LIBRARY, SHARED_EXAMPLE],
                         ids=[p.stem for p in [*LIBRARY, SHARED_EXAMPLE]])
def test_round_trip_of_every_bundled_scenario_changes_nothing(tmp_path, source):
    """Export, then import the untouched workbook: not a byte of the scenario changes."""
    scenario = copy(source, tmp_path)
    assert "nothing to change" in imported(export(scenario), scenario)
    assert scenario.read_bytes() == source.read_bytes()


def test_round_trip_through_csv_changes_nothing(tmp_path):
    """The same through a CSV file."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    assert "nothing to change" in imported(export(scenario, "msel.csv"), scenario)
    assert scenario.read_bytes() == SHARED_EXAMPLE.read_bytes()


def test_an_edited_time_moves_the_inject(tmp_path):
    """M-02 moved from T+12m to T+20m: one line of the file changes, and the inject is
    delivered at the new time."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    msel = export(scenario)
    edit(msel, "M-02", Scenario_time="T+20m")
    assert "M-02: timing T+12m → T+20m" in imported(msel, scenario)
    before, after = SHARED_EXAMPLE.read_text().splitlines(), scenario.read_text().splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ("    at: 12m", "    at: 20m")]
    events = Exercise(load_scenario(str(scenario)), 1).run()
    assert [e.t for e in having(events, "inject_delivered", inject="M-02")] == [20.0]


def test_a_wall_clock_time_counts_when_the_scenario_time_is_cleared(tmp_path):
    """The planner works in wall-clock time: M-04 at 03:00 is T+1h00m (the exercise starts
    at 02:00). A wall clock left as exported never undoes a scenario-time edit."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    msel = export(scenario)
    edit(msel, "M-04", Scenario_time=None, Wall_clock="03:00")
    edit(msel, "M-02", Scenario_time="T+15m")
    said = imported(msel, scenario)
    assert "M-04: timing T+50m → T+1h00m" in said and "M-02: timing T+12m → T+15m" in said
    assert [i.at for i in load_scenario(str(scenario)).injects] == [5.0, 15.0, None, 60.0]
    assert "nothing to change" in imported(msel, scenario)


def test_new_changed_and_deleted_rows_are_merged_and_each_reported(tmp_path):
    """A row deleted, a text and a trigger changed, a row added: each change is reported,
    every comment of the file survives, and importing again changes nothing."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    msel = export(scenario)
    delete_row(msel, "M-01")
    edit(msel, "M-02", Inject_text="Agents on the river road see a light across the water.")
    edit(msel, "M-03", Trigger="when {event: lead_assigned, incident: watcher} + 7m")
    add_row(msel, **{"No.": "M-05", "Scenario_time": "T+1h", "To": "task-force, bp-sector",
                     "Type": "Contingency", "Inject_text": "The partner asks: who leads now?",
                     "Objectives": "O-5"})
    said = imported(msel, scenario).splitlines()
    assert said[1:] == [
        "  M-01: deleted (was T+5m)",
        "  M-02: inject text now 'Agents on the river road see a light across the water.'",
        "  M-03: timing when {event: lead_assigned, incident: watcher} + 5m → "
        "when {event: lead_assigned, incident: watcher} + 7m",
        "  M-05: new inject, T+1h00m to task-force, bp-sector"]
    text = scenario.read_text()
    comments = [line for line in SHARED_EXAMPLE.read_text().splitlines()
                if line.lstrip().startswith("#") or "  # " in line]
    assert comments and all(line in text.splitlines() for line in comments)
    assert "  - id: M-05\n    at: 1h00m\n    to: [task-force, bp-sector]\n    type: contingency\n" \
           "    text: 'The partner asks: who leads now?'\n    objectives: [O-5]\n" in text
    injects = {i.id: i for i in load_scenario(str(scenario)).injects}
    assert list(injects) == ["M-02", "M-03", "M-04", "M-05"]
    assert injects["M-03"].delay == 7.0
    assert "nothing to change" in imported(msel, scenario)


def test_a_triggered_inject_can_be_given_a_fixed_time(tmp_path):
    """Clearing M-03's trigger and writing T+30m replaces its `when` and `delay` with `at`."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    msel = export(scenario)
    edit(msel, "M-03", Trigger=None, Scenario_time="T+30m")
    assert "M-03: timing when {event: lead_assigned, incident: watcher} + 5m → T+30m" in \
        imported(msel, scenario)
    m03 = load_scenario(str(scenario)).injects[2]
    assert (m03.at, m03.when, m03.delay) == (30.0, None, 0.0)
    assert "  - id: M-03\n    at: 30m\n    to: aviation-authority\n" in scenario.read_text()


def test_a_dry_run_reports_and_writes_nothing(tmp_path):
    """`--dry-run` says what would change and leaves the file as it was."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    msel = export(scenario)
    edit(msel, "M-02", Scenario_time="T+20m")
    said = tabletop_ok("msel", "import", msel, "--into", scenario, "--dry-run")
    assert said.startswith("Would change") and "M-02: timing T+12m → T+20m" in said
    assert scenario.read_bytes() == SHARED_EXAMPLE.read_bytes()


def test_export_has_both_spellings(tmp_path):
    """`tabletop msel SCENARIO -o F` is `tabletop msel export SCENARIO -o F`."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    tabletop_ok("msel", "export", scenario, "-o", tmp_path / "long.csv")
    tabletop_ok("msel", scenario, "-o", tmp_path / "short.csv")
    assert (tmp_path / "long.csv").read_bytes() == (tmp_path / "short.csv").read_bytes()
