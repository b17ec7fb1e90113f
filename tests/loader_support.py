"""Helpers for the loader's stories: write a scenario, read back its problems, run the CLI.

`story(text)` puts the scenario's header (version, id, title, clock) *after* the test's
own YAML, so the line numbers a test asserts are counted from the first line it wrote.
"""

from __future__ import annotations

import pathlib
import textwrap

from typer.testing import CliRunner, Result

from sim.cli import app
from sim.errors import ScenarioError
from sim.loader import load_scenario

HEADER = """\
tabletop: 1
id: bridge-night
title: A night at the bridge
clock: {start: "22:00", duration: 2h}
"""

# Two cells and a bridge: enough world for most stories to hang their mistake on.
AGENCIES = """\
agencies:
  - {id: border-agency, respond: 4m}
  - {id: county-sheriff, respond: 8m}
"""


def story(text: str, *sections: str) -> str:
    """The test's YAML (dedented), more sections, then the header every scenario needs."""
    return textwrap.dedent(text) + "".join(sections) + HEADER


def write(tmp_path: pathlib.Path, text: str, name: str = "story.yaml") -> pathlib.Path:
    """Write scenario text to a file in the test's own directory."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: pathlib.Path) -> list[str]:
    """Every problem the loader reports for a file, one `FILE:LINE:COL: path: message` each."""
    try:
        load_scenario(str(path))
    except ScenarioError as error:
        return [str(d).splitlines()[0] for d in error.diagnostics]
    raise AssertionError(f"{path} loaded without a problem")


def validate(*args: str) -> Result:
    """`tabletop validate ARGS…` through the real CLI app."""
    return CliRunner().invoke(app, ["validate", *args])


def refused_by_cli(path: pathlib.Path) -> list[str]:
    """The lines `tabletop validate` prints for a bad file, after checking it fails cleanly."""
    result = validate(str(path))
    assert result.exit_code == 2, result.output
    assert not result.exception or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return result.stderr.splitlines()
