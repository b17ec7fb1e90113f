"""Every scenario we ship, and the format's reference example, passes `tabletop validate`."""

import os
import subprocess
import sys

import pytest
from conftest import LIBRARY, ROOT, SHARED_EXAMPLE
from loader_support import validate

TABLETOP = os.path.join(os.path.dirname(sys.executable), "tabletop")


def test_the_library_is_not_empty():
    """The bundled library holds scenarios (else the checks below would check nothing)."""
    assert LIBRARY, f"no scenarios in {ROOT / 'scenarios'}"


@pytest.mark.parametrize("scenario", LIBRARY, ids=[p.name for p in LIBRARY])
def test_bundled_scenario_validates(scenario):
    """`tabletop validate` accepts the file and prints its one-line summary."""
    result = validate(str(scenario))
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    assert result.stdout.startswith(f"{scenario}: ok — ")


@pytest.mark.skipif(not SHARED_EXAMPLE.exists(), reason="../shared is not checked out here")
def test_reference_example_validates_as_written():
    """Every key of the format's reference example is accepted as written."""
    result = validate(str(SHARED_EXAMPLE))
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    assert result.stdout == (f"{SHARED_EXAMPLE}: ok — 6 agencies, 3 zones, 1 incident, "
                             "4 injects, 2 decisions, 5 objectives\n")


def test_installed_command_validates_the_whole_library_at_once():
    """The real `tabletop` console script, as a planner runs it: one line per file, exit 0."""
    done = subprocess.run([TABLETOP, "validate", *map(str, LIBRARY)], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    assert [line.split(": ok — ")[0] for line in done.stdout.splitlines()] == list(
        map(str, LIBRARY))
