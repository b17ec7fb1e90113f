"""The compiled hot path: a module older than its source is refused, and a built checkout
runs every module setup.py compiles from its C extension."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tomllib
from importlib.machinery import EXTENSION_SUFFIXES

import pytest
from conftest import ROOT

from sim.compiled import (
    SAME_BUILD_S,
    check_fresh,
    compiled_modules,
    how_the_engine_runs,
    stale_modules,
)

SUFFIX = EXTENSION_SUFFIXES[0]
needs_compiled = pytest.mark.skipif(not compiled_modules(), reason="the engine runs as plain "
                                    "Python here (TABLETOP_INTERPRETED)")


def package(tmp_path, **ages: float):
    """A package whose modules' sources are `age` seconds newer than their extensions."""
    for name, age in ages.items():
        (tmp_path / f"{name}.py").write_text("")
        (tmp_path / f"{name}{SUFFIX}").write_bytes(b"")
        os.utime(tmp_path / f"{name}{SUFFIX}", (1_000_000, 1_000_000))
        os.utime(tmp_path / f"{name}.py", (1_000_000 + age, 1_000_000 + age))
    return tmp_path


def test_a_source_edited_after_the_build_is_named_and_refused(tmp_path):
    where = package(tmp_path, engine=60.0, state=0.0, rules=-5.0)
    assert stale_modules(where) == ["engine"]
    with pytest.raises(ImportError, match=r"sim/engine\.py changed after the engine was "
                                          r"compiled: run `make setup`"):
        check_fresh(where)


def test_files_unpacked_together_from_a_wheel_are_not_stale(tmp_path):
    where = package(tmp_path, engine=SAME_BUILD_S / 2)
    (tmp_path / f"hot_path__mypyc{SUFFIX}").write_bytes(b"")  # shared code, no source
    assert set(compiled_modules(where)) == {"engine"}
    assert stale_modules(where) == []
    check_fresh(where)


def test_a_benchmark_says_whether_the_engine_ran_compiled(tmp_path):
    assert how_the_engine_runs(tmp_path) == "the engine runs as plain Python (nothing compiled)"
    where = package(tmp_path, state=0.0, engine=0.0)
    assert how_the_engine_runs(where) == "the engine runs compiled with mypyc (engine, state)"


@needs_compiled
def test_an_edit_after_the_build_stops_the_cli_with_the_remedy(tmp_path):
    """The guard runs as `sim` is imported, before anything runs the old code."""
    module = next(iter(compiled_modules()))
    copy = tmp_path / "sim"
    subprocess.run(["cp", "-a", str(ROOT / "sim"), str(copy)], check=True)
    source = copy / f"{module}.py"
    later = compiled_modules()[module].stat().st_mtime + 60
    os.utime(source, (later, later))
    done = subprocess.run([sys.executable, "-c", "import sim.engine"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert f"sim/{module}.py changed after the engine was compiled" in done.stderr


@needs_compiled
def test_a_built_checkout_runs_the_whole_hot_path_compiled():
    """`make setup` compiles what setup.py names; all of it, or the benchmark's figures are
    not the engine's. (Skipped where the engine was installed as plain Python.)"""
    with open(ROOT / "pyproject.toml", "rb") as file:
        tool = tomllib.load(file)["tool"]
    hot = {path.removeprefix("sim/").removesuffix(".py") for path in tool["mypy"]["files"]
           if path not in tool["tabletop"]["interpreted"]}
    assert {"engine", "agencies", "scenery", "state"} <= hot
    assert set(compiled_modules()) == hot
    for name in hot:
        assert importlib.import_module(f"sim.{name}").__file__.endswith(SUFFIX)


JOURNALED = """
import hashlib, sqlite3, sys
from sim.compiled import how_the_engine_runs
from sim.headless import play_out, policy_for
from sim.session import start
path, journal = sys.argv[1], sys.argv[2]
exercise = start(open(path).read(), path, 4, journal)
play_out(exercise, policy_for(exercise.scenario, 4), until=60 * 1440)
rows = sqlite3.connect(journal).execute(
    "SELECT seq, t, kind, payload FROM events UNION ALL "
    "SELECT n, t, kind, payload || ifnull(refused, '') FROM commands").fetchall()
print(how_the_engine_runs())
print(len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
"""


@needs_compiled
def test_compiled_and_plain_python_journal_the_same_events_and_commands(tmp_path):
    """The compiled build is an optimisation, never another engine: 60 days of the bundled
    year, played by its policy, journal byte for byte what the plain sources journal."""
    plain = tmp_path / "plain"
    shutil.copytree(ROOT / "sim", plain / "sim", ignore=shutil.ignore_patterns(
        "__pycache__", *(f"*{suffix}" for suffix in EXTENSION_SUFFIXES)))
    scenario = str(ROOT / "scenarios" / "year-along-the-border.yaml")
    runs = {}
    for build, pythonpath in (("compiled", ""), ("plain", str(plain))):
        done = subprocess.run(
            [sys.executable, "-c", JOURNALED, scenario, str(tmp_path / f"{build}.sqlite")],
            capture_output=True, text=True, cwd=tmp_path, timeout=300,
            env={**os.environ, "PYTHONPATH": pythonpath})
        assert done.returncode == 0, done.stderr
        runs[build] = done.stdout.splitlines()
    assert runs["compiled"][0].startswith("the engine runs compiled with mypyc (agencies")
    assert runs["plain"][0] == "the engine runs as plain Python (nothing compiled)"
    count = int(runs["plain"][1].split()[0])
    assert count > 10_000
    assert runs["compiled"][1] == runs["plain"][1]
