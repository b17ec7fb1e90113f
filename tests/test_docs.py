"""The planner's documents stay true to the code: the committed JSON Schema is what
`tabletop schema` prints (and accepts every valid scenario), and docs/scenario-format.md
names every key of the format and every event with its fields, with examples that load."""

import json
import re

import jsonschema
import pytest
from conftest import LIBRARY, ROOT, SHARED_EXAMPLE
from typer.testing import CliRunner

from sim.cli import app
from sim.events import EVENT_FIELDS
from sim.loader import format_models, load_scenario_text, yaml_keys
from sim.yamlsource import parse

SCHEMA_FILE = ROOT / "docs" / "scenario.schema.json"
FORMAT_DOC = ROOT / "docs" / "scenario-format.md"
REGENERATE = ".venv/bin/tabletop schema > docs/scenario.schema.json"


def generated_schema() -> str:
    """What `tabletop schema` prints now."""
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    return result.stdout


def yaml_examples() -> list[str]:
    """The YAML code blocks of the format reference (not the editor line, a lone comment)."""
    blocks = re.findall(r"```yaml\n(.*?)```", FORMAT_DOC.read_text(encoding="utf-8"), re.S)
    return [block for block in blocks if not block.startswith("#")]


def test_committed_schema_is_what_the_generator_prints():
    """docs/scenario.schema.json has not drifted from the models."""
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == generated_schema(), (
        f"docs/scenario.schema.json is out of date — regenerate it: {REGENERATE}")


@pytest.mark.parametrize("scenario", [*LIBRARY, SHARED_EXAMPLE],
                         ids=[p.name for p in [*LIBRARY, SHARED_EXAMPLE]])
def test_editors_accept_every_valid_scenario(scenario):
    """A planner's editor must not underline a file that `tabletop validate` accepts."""
    if not scenario.exists():
        pytest.skip("../shared is not checked out here")
    data = parse(scenario.read_text(encoding="utf-8"), str(scenario)).data
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text("utf-8")))
    assert [e.message for e in validator.iter_errors(data)] == []


@pytest.mark.parametrize(("mistake", "where"), [
    ({"capcity": 2}, "capcity"),
    ({"respond": "an hour"}, "an hour"),
])
def test_editors_underline_the_mistakes_validate_reports(mistake, where):
    """An unknown key or a bad duration in an agency is flagged by the schema too."""
    data = {"tabletop": 1, "id": "x", "title": "t", "clock": {"duration": "2h"},
            "agencies": [{"id": "border-agency", **mistake}]}
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text("utf-8")))
    assert any(where in error.message for error in validator.iter_errors(data))


def test_format_reference_names_every_key_of_the_format():
    """Each key of each model (by its YAML name) appears as `key` in the reference."""
    doc = FORMAT_DOC.read_text(encoding="utf-8")
    missing = [f"{model.__name__}.{key}" for model in format_models()
               for key in yaml_keys(model) if f"`{key}`" not in doc]
    assert missing == [], "document these keys in docs/scenario-format.md: " + ", ".join(missing)


def test_format_reference_lists_every_event_with_all_its_fields():
    """The event vocabulary has a line per event naming every one of its fields."""
    lines = FORMAT_DOC.read_text(encoding="utf-8").splitlines()
    missing = []
    for kind, fields in EVENT_FIELDS.items():
        row = next((line for line in lines if line.startswith(f"| `{kind}` |")), None)
        if row is None:
            missing.append(kind)
            continue
        missing += [f"{kind}.{field}" for field in fields if f"`{field}`" not in row]
    assert missing == [], ("add these to the event vocabulary in docs/scenario-format.md: "
                           + ", ".join(missing))


def test_format_reference_shows_the_editor_line_and_held_injects():
    """Planners learn how to get editor checks, and that an inject may wait for the controller."""
    doc = FORMAT_DOC.read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=../docs/scenario.schema.json" in doc
    assert "with neither `at` nor `when` it is never fired by the engine, only by the " \
           "controller" in " ".join(doc.split())


def test_format_reference_examples_are_valid_yaml_and_the_whole_one_loads():
    """Every example parses; the complete scenario in the reference validates."""
    examples = yaml_examples()
    assert len(examples) > 10
    for example in examples:
        parse(example, "docs/scenario-format.md")
    whole = [e for e in examples if e.startswith("tabletop: 1\n") and "agencies:" in e]
    assert [load_scenario_text(e, "docs/scenario-format.md").id for e in whole] == [
        "bridge-night"]
