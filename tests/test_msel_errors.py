"""A planner's mistakes in an edited MSEL are reported as FILE:ROW:COLUMN with what is wrong
and how to fix it; `tabletop msel import` exits 2 and leaves the scenario untouched."""

from cli_support import refusal, tabletop
from conftest import SHARED_EXAMPLE, world
from msel_support import add_row, copy, edit, export, scenario_file, write_csv


def refused(msel, scenario) -> list[str]:
    """The lines of a refused import, after checking the scenario was not touched."""
    before = scenario.read_bytes()
    lines = refusal(tabletop("msel", "import", msel, "--into", scenario)).splitlines()
    assert scenario.read_bytes() == before
    return lines


def test_a_malformed_time_is_reported_at_its_row_and_column(tmp_path):
    """M-02 sits on row 3; its scenario time is column B."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    msel = export(scenario)
    edit(msel, "M-02", Scenario_time="T+1x")
    assert refused(msel, scenario) == [
        f"tabletop: {msel}:3:B: 'T+1x' is not a scenario time — write T+35m, 1h05m or 90s, "
        "or 'held' for an inject the controller fires"]


def test_an_unknown_agency_is_reported_at_its_cell_with_the_one_meant(tmp_path):
    """The scenario would not load with 'bp-sectr' as a recipient: the import says where."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    msel = export(scenario)
    edit(msel, "M-04", To="bp-sectr")
    assert refused(msel, scenario) == [
        f"tabletop: {msel}:5:F: unknown agency 'bp-sectr' — did you mean 'bp-sector'?"]


def test_every_bad_row_is_reported_at_once(tmp_path):
    """A row without a number, a number used twice, a trigger that does not parse, a time
    given to a triggered inject, edited effects and an unknown type: all listed."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    msel = export(scenario)
    edit(msel, "M-03", Scenario_time="T+40m")
    edit(msel, "M-04", **{"Effects (edit in the scenario file)": "nothing"})
    edit(msel, "M-01", Trigger="when lead_assigned")
    add_row(msel, Inject_text="A row nobody numbered.", To="bp-sector")
    add_row(msel, **{"No.": "M-02", "Inject_text": "A second M-02.", "To": "bp-sector"})
    lines = refused(msel, scenario)
    assert lines[0] == f"tabletop: {msel}: 5 problems, nothing was changed:"
    assert lines[1:] == [
        f"{msel}:2:D: 'when lead_assigned' is not a trigger (it does not read as a trigger) — "
        "write when {event: zone_entered, incident: c1} + 5m, or clear it to fire at a time",
        f"{msel}:4:B: this inject fires on its trigger, so 'T+40m' cannot be its time — clear "
        "the Trigger cell to fire it at this time instead",
        f"{msel}:5:M: effects cannot be changed in the MSEL — restore the cell (or clear it for "
        "a new inject) and change effects in the scenario file",
        f"{msel}:6:A: the inject has no number — give it one that is not used yet, such as M-05",
        f"{msel}:7:A: inject M-02 is also on row 3 — give one of them another number"]


def test_a_wrong_type_is_reported_in_the_formats_words(tmp_path):
    """The inject type is one of four words."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    msel = export(scenario)
    edit(msel, "M-02", Type="urgent")
    assert refused(msel, scenario) == [
        f"tabletop: {msel}:3:H: 'urgent' is not one of: 'standard', 'contingency', 'adaptive' "
        "or 'complexity'"]


def test_a_deletion_that_would_break_the_scenario_is_refused(tmp_path):
    """D-1 opens when M-1 is delivered: deleting M-1 would leave it waiting for nothing."""
    scenario = scenario_file(tmp_path, world("""
injects:
  - {id: M-1, at: 10m, to: bp, text: Agents report a light.}
  - {id: M-2, at: 20m, to: bp, text: It is still there.}
decisions:
  - id: D-1
    when: {event: inject_delivered, inject: M-1}
    cell: bp
    prompt: Lead?
    options: [{id: lead, text: Lead., do: [{assume_lead: c1}]}]
    default: lead
    deadline: 5m
"""))
    msel = write_csv(tmp_path / "msel.csv", [
        {"No.": "M-2", "Scenario time": "T+20m", "To": "bp", "Inject text": "It is still there."}])
    [line] = refused(msel, scenario)
    assert line == (f"tabletop: {msel}:1:A: the merge would break {scenario} at "
                    "decisions[0].when.inject: unknown inject 'M-1' — did you mean 'M-2'?")


def test_a_file_that_is_no_msel_is_refused_with_the_way_to_get_one(tmp_path):
    """A spreadsheet without the MSEL's header row, or a file of another kind."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    stray = tmp_path / "notes.csv"
    stray.write_text("Name,Phone\nAna,555\n", encoding="utf-8")
    assert refused(stray, scenario) == [
        f"tabletop: {stray}:1:A: no header row with 'No.' and 'Inject text' columns in the "
        "first 10 rows — start from an exported MSEL (tabletop msel SCENARIO -o msel.xlsx)"]
    fake = tmp_path / "msel.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    assert "it is not an .xlsx workbook" in refused(fake, scenario)[0]
    assert "an MSEL is a .xlsx or .csv file" in refusal(
        tabletop("msel", scenario, "-o", tmp_path / "msel.ods"))


def test_a_command_line_missing_its_file_is_a_usage_error_not_a_traceback(tmp_path):
    """Forgetting `-o` or `--into` is explained on stderr with exit 2."""
    scenario = copy(SHARED_EXAMPLE, tmp_path)
    assert "Missing option '-o' / '--output'" in refusal(tabletop("msel", scenario))
    assert "Missing option '--into'" in refusal(tabletop("msel", "import", "msel.xlsx"))
