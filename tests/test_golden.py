"""Golden runs: every bundled scenario, run with seed 42 and its defaults, gives the
committed journal dump line for line. A change in the engine's behaviour shows up here
as a readable diff; regenerate only on purpose, with `pytest --update-golden`."""

import collections

import pytest
from conftest import LIBRARY, ROOT

from sim.engine import Exercise
from sim.evaluate import evaluate
from sim.headless import play_out, policy_for
from sim.journal import canonical_lines
from sim.loader import load_scenario

GOLDEN = ROOT / "tests" / "golden"
SHOWN = 400  # events dumped in full; a year-long scenario is summarised past this


def dump(path) -> str:
    """The canonical text of a seed-42 run: events, counts by kind, objective results."""
    scenario = load_scenario(str(path))
    exercise = Exercise(scenario, 42)
    events = play_out(exercise, policy_for(scenario, 42))
    counts = collections.Counter(e.kind for e in events)
    lines = list(canonical_lines(events[:SHOWN]))
    if len(events) > SHOWN:
        lines.append(f"… {len(events) - SHOWN} more events")
    lines += [f"count {kind} {n}" for kind, n in sorted(counts.items())]
    lines += [f"objective {r.objective.id} {'met' if r.met else 'not met'} {list(r.evidence)[:20]}"
              for r in evaluate(scenario, events)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_bundled_scenario_matches_its_golden_run(path, request):
    """The seed-42 run of each bundled scenario is exactly the committed one."""
    golden = GOLDEN / f"{path.stem}.golden"
    text = dump(path)
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden run for {path.name}: run pytest --update-golden"
    assert text == golden.read_text(encoding="utf-8"), (
        f"{path.name} no longer runs as its golden file says; if the change is intended, "
        "read the diff and regenerate with pytest --update-golden")
