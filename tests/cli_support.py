"""Running `tabletop` as a facilitator does — the installed command in its own process — and
checking that it refuses the way a person should see it: exit 2, a message on stderr, no
traceback."""

from __future__ import annotations

import pathlib
import subprocess
import sys

TABLETOP = pathlib.Path(sys.executable).with_name("tabletop")


def tabletop(*args: object, wrapper: tuple[str, ...] = (),
             **options) -> subprocess.CompletedProcess[str]:
    """Run the command line in a separate interpreter (its own process, its own hash salt),
    inside `wrapper` (a command that ends by running its arguments) when given."""
    return subprocess.run([*wrapper, str(TABLETOP), *map(str, args)], capture_output=True,
                          text=True, timeout=300, **options)


def refusal(result: subprocess.CompletedProcess[str]) -> str:
    """The message of a refused command line, once checked: exit 2, nothing on stdout, no
    traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout == ""
    return result.stderr


def one_line_naming(result: subprocess.CompletedProcess[str], path: object) -> str:
    """The one-line refusal of a command about a file, checked to name that file."""
    message = refusal(result)
    assert len(message.strip().splitlines()) == 1, message
    assert str(path) in message, message
    return message
