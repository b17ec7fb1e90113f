"""Every `tabletop` command explains itself: `--help` works and shows an example to copy.

The commands are read from the app itself, so a command added later is checked too.
"""

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from sim.cli import app


def command_paths(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command's words, e.g. ('validate',) or ('msel', 'export'): the commands inside a
    group, not the group itself (its help lists them, each with its own example)."""
    paths = []
    for name, command in sorted(group.commands.items()):
        if getattr(command, "commands", None):  # a group (typer may vendor its own click)
            paths += command_paths(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


COMMANDS = command_paths(typer.main.get_command(app))


def test_the_cli_has_its_basic_commands():
    """The scenario author's commands are there (so the list below is not empty by mistake)."""
    assert {("validate",), ("schema",)} <= set(COMMANDS)


@pytest.mark.parametrize("words", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_command_help_shows_an_example(words):
    """`tabletop … --help` exits 0 and its text holds an 'Example:' line."""
    result = CliRunner().invoke(app, [*words, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.stdout, f"add 'Example: tabletop {' '.join(words)} …' to its " \
                                        "docstring"
