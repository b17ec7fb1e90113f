"""The core stays headless: importing the engine, loader and journal, or asking the CLI for
help, never loads Textual, and the import-linter contract in pyproject.toml holds."""

import os
import subprocess
import sys

from conftest import ROOT

BIN = os.path.dirname(sys.executable)


def python(code: str) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter of the project's virtualenv (nothing preloaded)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def test_core_modules_do_not_load_textual():
    """A headless run (batch, CI, a policy study) imports the core without the console."""
    done = python("import sys, sim.engine, sim.loader, sim.journal\n"
                  "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui')))")
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


def test_cli_help_does_not_load_textual():
    """`tabletop --help` loads the CLI only: the console is imported inside `play`."""
    done = python("import sys\n"
                  "from sim.cli import main\n"
                  "sys.argv = ['tabletop', '--help']\n"
                  "try:\n"
                  "    main()\n"
                  "except SystemExit as done:\n"
                  "    assert done.code in (0, None), done.code\n"
                  "print([m for m in sys.modules if m.split('.')[0] in ('textual', 'tui')],\n"
                  "      file=sys.stderr)")
    assert done.returncode == 0, done.stderr
    assert "Usage: tabletop" in done.stdout
    assert done.stderr.strip() == "[]"


def test_import_contract_is_kept():
    """`lint-imports` checks that nothing under sim/ but the CLI imports textual or tui."""
    done = subprocess.run([os.path.join(BIN, "lint-imports")], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
