"""An imported MSEL edits the scenario file the way its planner wrote it: flow-style injects
stay on their line, Windows line endings stay, a deleted inject takes its own comment with
it, a multi-line text becomes a literal block, and a file without injects gets a section."""

from conftest import world
from msel_support import export, rows, scenario_file, write_csv

from sim.loader import load_scenario
from sim.msel_merge import import_msel

FLOW = """
injects:
  - {id: M-1, at: 10m, to: bp, text: Agents report a light over the river.}
  # The air ambulance: traffic over the town for half an hour.
  - id: M-2
    at: 45m          # when the contact is over town
    to: [faa, sheriff]
    text: An air ambulance asks to cross the town.
    effects: [{traffic: {zone: town, for: 30m}}]
  # Held for the controller.
  - {id: M-3, to: bp, text: Held for the controller.}
"""


def msel_of(tmp_path, text: str, edits: dict[str, dict[str, str]] | None = None,
            drop: tuple[str, ...] = (), add: tuple[dict, ...] = ()):
    """The scenario written to a file, and a CSV MSEL of it with the edits made."""
    scenario = scenario_file(tmp_path, text)
    table = [r for r in rows(export(scenario, "msel.csv")) if r["No."] not in drop]
    for row in table:
        row.update((edits or {}).get(row["No."], {}))
    return scenario, write_csv(tmp_path / "edited.csv", [*table, *add])


def test_a_flow_style_inject_is_edited_on_its_own_line(tmp_path):
    """M-1's new time and notes go inside its braces; the rest of the file is unchanged."""
    scenario, msel = msel_of(tmp_path, world(FLOW), {
        "M-1": {"Scenario time": "T+15m", "Controller notes": "Read it slowly."}})
    import_msel(str(msel), str(scenario))
    assert scenario.read_text() == world(FLOW).replace(
        "{id: M-1, at: 10m, to: bp, text: Agents report a light over the river.}",
        "{id: M-1, at: 15m, to: bp, text: Agents report a light over the river., "
        "notes: Read it slowly.}")


def test_a_deleted_inject_takes_its_comment_and_leaves_the_others(tmp_path):
    """Deleting M-2 removes its comment line and its end-of-line comment; M-3's stays."""
    scenario, msel = msel_of(tmp_path, world(FLOW), drop=("M-2",))
    [change] = import_msel(str(msel), str(scenario))
    assert str(change) == "M-2: deleted (was T+45m)"
    assert scenario.read_text() == world("""
injects:
  - {id: M-1, at: 10m, to: bp, text: Agents report a light over the river.}
  # Held for the controller.
  - {id: M-3, to: bp, text: Held for the controller.}
""")


def test_a_new_inject_after_flow_style_ones_is_written_in_flow_style(tmp_path):
    """A row added after a list written one brace per inject is written the same way."""
    scenario, msel = msel_of(tmp_path, world(FLOW), add=({
        "No.": "M-4", "Scenario time": "T+50m", "To": "sheriff",
        "Inject text": "Residents call about a buzzing noise."},))
    import_msel(str(msel), str(scenario))
    assert scenario.read_text().endswith(
        "  - {id: M-3, to: bp, text: Held for the controller.}\n"
        "  - {id: M-4, at: 50m, to: sheriff, text: Residents call about a buzzing noise.}\n")


def test_windows_line_endings_are_kept(tmp_path):
    """A CRLF file edited in two places, one of them a multi-line text: CRLF throughout."""
    text = world(FLOW).replace("\n", "\r\n")
    scenario, msel = msel_of(tmp_path, text, {
        "M-2": {"Scenario time": "T+50m", "Inject text": "An air ambulance asks to cross.\n"
                "It is on a critical transfer."}})
    import_msel(str(msel), str(scenario))
    data = scenario.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert b"    at: 50m          # when the contact is over town\r\n" in data
    assert b"    text: |-\r\n      An air ambulance asks to cross.\r\n" \
           b"      It is on a critical transfer.\r\n" in data
    assert load_scenario(str(scenario)).injects[1].text == (
        "An air ambulance asks to cross.\nIt is on a critical transfer.")


def test_a_scenario_without_injects_gets_its_first_one(tmp_path):
    """No `injects:` section yet: the new row creates it at the end of the file."""
    scenario, msel = msel_of(tmp_path, world(), add=({
        "No.": "M-01", "Scenario time": "5m", "To": "bp", "From": "sim-cell",
        "Inject text": "Radar: a slow contact."},))
    import_msel(str(msel), str(scenario))
    assert scenario.read_text() == world() + (
        "injects:\n  - id: M-01\n    at: 5m\n    from: sim-cell\n    to: bp\n"
        "    text: 'Radar: a slow contact.'\n")


def test_deleting_every_inject_leaves_an_empty_list(tmp_path):
    """The file still loads: `injects: []`."""
    scenario, msel = msel_of(tmp_path, world(FLOW), drop=("M-1", "M-2", "M-3"))
    assert len(import_msel(str(msel), str(scenario))) == 3
    assert scenario.read_text() == world("\ninjects: []\n")
    assert load_scenario(str(scenario)).injects == ()


BLOCK = """
injects:
  - id: M-1
    at: 10m
    to:
      - bp
      - tf
    text: >-
      Agents report a light
      over the river.
    notes:
"""


def test_block_lists_folded_texts_and_empty_keys_are_edited_in_their_own_style(tmp_path):
    """A block list of recipients stays a block list, a folded text gives way to the new
    line, and a `notes:` left empty gets its value after the colon."""
    scenario, msel = msel_of(tmp_path, world(BLOCK), {"M-1": {
        "To": "bp, sheriff", "Inject text": "A light over the river.",
        "Controller notes": "Ask who saw it first."}})
    import_msel(str(msel), str(scenario))
    assert scenario.read_text() == world("""
injects:
  - id: M-1
    at: 10m
    to:
      - bp
      - sheriff
    text: A light over the river.
    notes: Ask who saw it first.
""")
