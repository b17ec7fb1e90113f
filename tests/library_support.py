"""The scenarios the tests play, whatever files the library holds today: exercises (a few
hours of sim time, cheap enough to run by the dozen) and analysis scenarios (months of
incidents, seconds per run), so a test can take each at the pace it allows."""

from __future__ import annotations

import functools
import pathlib

from conftest import LIBRARY, SHARED_EXAMPLE

from sim.errors import TabletopError
from sim.loader import load_scenario
from sim.scenario import Scenario

DAY = 24 * 60  # minutes; a tabletop exercise fits in one, an analysis scenario does not


@functools.cache
def scenario_at(path: pathlib.Path) -> Scenario:
    """The scenario in a file, loaded once per test session."""
    return load_scenario(str(path))


def is_exercise(path: pathlib.Path) -> bool:
    """Whether a scenario lasts a day or less (a file that does not load counts as one, so
    the test that plays it reports the problem)."""
    try:
        return scenario_at(path).clock.duration <= DAY
    except TabletopError:
        return True


BUNDLED = [*([SHARED_EXAMPLE] if SHARED_EXAMPLE.exists() else []), *LIBRARY]
EXERCISES = [path for path in BUNDLED if is_exercise(path)]
ANALYSES = [path for path in BUNDLED if not is_exercise(path)]
