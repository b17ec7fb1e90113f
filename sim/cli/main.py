"""The entry point: run the CLI, turning every error a person can cause into a line on
stderr and exit code 2 — never a traceback."""

from __future__ import annotations

import importlib
import os
import sys

import click
import typer

from sim.cli.app import app
from sim.errors import Interrupted, ScenarioError, TabletopError

INTERRUPTED = 130  # the exit code of a command stopped by Ctrl-C (128 + SIGINT)

# Importing a command module registers its commands; the help lists them in this order.
COMMAND_MODULES = ("planning", "runs", "console", "after_action")
for _module in COMMAND_MODULES:
    importlib.import_module(f"sim.cli.{_module}")


def main() -> None:
    """Entry point: run the CLI, turning every error a person can cause into exit code 2."""
    try:
        code = app(standalone_mode=False)  # a command's `typer.Exit(n)` comes back as n
        if code == INTERRUPTED:  # typer's answer to Ctrl-C
            print("tabletop: interrupted", file=sys.stderr)
        if isinstance(code, int) and code:
            sys.exit(code)
    except Interrupted as stopped:
        print(f"tabletop: {stopped}", file=sys.stderr)
        sys.exit(INTERRUPTED)
    except TabletopError as error:
        print(f"tabletop: {error}" if not isinstance(error, ScenarioError) else str(error),
              file=sys.stderr)
        sys.exit(2)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except (click.ClickException, typer.TyperException) as error:  # typer may vendor click
        error.show()
        sys.exit(2)
    except (click.exceptions.Abort, typer.Abort, KeyboardInterrupt):
        print("tabletop: interrupted", file=sys.stderr)
        sys.exit(INTERRUPTED)
    except BrokenPipeError:  # `tabletop export … | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
