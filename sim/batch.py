"""Many seeded runs of a scenario and its policy variants, on any `concurrent.futures` executor.

Run i of every variant uses seed i (common random numbers), so two variants meet the same
arrivals, routes and latencies wherever the policy they differ in does not intervene, and
their difference can be read seed by seed. `base` names the scenario as written. Only the
scenario's text, its name, a variant id, the seeds and the fixed choices travel to a
worker (`run_seeds`, a chunk of seeds per task to keep the overhead per task low); the
worker parses the text itself and sends back plain rows (`sim.batch_rows`). Rows come back
in variant order, then seed order, whichever executor ran them and in whatever order the
tasks finished, so the same batch gives the same rows on one process, many or a cluster.
"""

from __future__ import annotations

import csv
import functools
import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, as_completed

from sim import __version__
from sim.batch_rows import Row, measures
from sim.engine import Exercise
from sim.errors import TabletopError
from sim.executors import InProcess
from sim.headless import choice_problem, play_out, policy_for
from sim.loader import load_scenario_text, scenario_hash
from sim.references import unknown
from sim.scenario import Scenario

BASE = "base"  # the scenario as written, without any variant applied
MAX_CHUNK = 25  # seeds per task, at most


class BatchError(TabletopError):
    """A batch asked for something the scenario does not have, or results not writable."""


def run_one(scenario_text: str, name: str, variant: str | None, seed: int,
            choices: dict[str, str] | None = None) -> Row:
    """One headless run of a variant (None or 'base': the scenario as written) as a row."""
    return run_seeds(scenario_text, name, variant, (seed,), choices)[0]


def run_seeds(scenario_text: str, name: str, variant: str | None, seeds: Sequence[int],
              choices: dict[str, str] | None = None) -> list[Row]:
    """A worker's task: several seeds of one variant, as rows in seed order."""
    label = variant or BASE
    scenario = _parsed(scenario_text, name, None if label == BASE else label)
    identity = {"scenario_hash": scenario_hash(scenario_text), "tabletop_version": __version__}
    rows = []
    for seed in seeds:
        events = play_out(Exercise(scenario, seed), policy_for(scenario, seed, choices))
        rows.append({"variant": label, "seed": seed, **identity, **measures(scenario, events)})
    return rows


@functools.lru_cache(maxsize=8)
def _parsed(scenario_text: str, name: str, variant: str | None) -> Scenario:
    """The scenario, parsed once per worker process: a worker's later tasks reuse it (a
    `Scenario` is frozen), which matters when a run takes less time than parsing."""
    return load_scenario_text(scenario_text, name, variant)


def variants_to_run(scenario: Scenario, asked: Sequence[str] = ()) -> list[str]:
    """The variants asked for, in that order; by default `base` and then every variant of
    the file. The first is the one the others are compared with."""
    declared = [v.id for v in scenario.variants]
    if BASE in declared:
        raise BatchError(f"the scenario declares a variant named '{BASE}', which batches "
                         "keep for the scenario as written — rename that variant")
    for name in asked:
        if name != BASE and name not in declared:
            raise BatchError(unknown("variant", name, [BASE, *declared]))
    if len(set(asked)) != len(asked):
        raise BatchError("a variant is named twice — name each once")
    return list(asked) or [BASE, *declared]


def check_choices(scenario: Scenario, choices: dict[str, str]) -> None:
    """Refuse a fixed choice that names no decision, or no option of its decision."""
    for decision_id, option in choices.items():
        problem = choice_problem(scenario, decision_id, option)
        if problem:
            raise BatchError(f"decision {decision_id}: {problem}")


def chunk_size(runs: int) -> int:
    """Seeds per task: about eight tasks per variant (for balance and a lively progress
    bar), never more than `MAX_CHUNK` seeds."""
    return max(1, min(MAX_CHUNK, math.ceil(runs / 8)))


def batch(scenario_text: str, name: str, variants: Sequence[str] = (), runs: int = 1,
          executor: Executor | None = None, choices: dict[str, str] | None = None,
          progress: Callable[[int], None] | None = None) -> list[Row]:
    """Run seeds 1..`runs` of every variant on `executor` (in this process if None) and
    return the rows in variant order, then seed order. `progress` is told how many runs
    have just finished, as each task ends. The scenario (every variant) and the choices are
    checked here first, so a mistake is reported once, at its line, before any work."""
    if runs < 1:
        raise BatchError(f"{runs} runs: a batch needs at least one run")
    scenario = load_scenario_text(scenario_text, name)
    names = variants_to_run(scenario, variants)
    check_choices(scenario, choices or {})
    executor = executor or InProcess()
    size = chunk_size(runs)
    seeds = list(range(1, runs + 1))
    tasks = [(variant, seeds[i:i + size]) for variant in names for i in range(0, runs, size)]
    chunks: list[list[Row] | None] = [None] * len(tasks)
    position: dict[Future, int] = {}

    def collect(future: Future) -> None:
        chunks[position[future]] = rows = future.result()
        if progress is not None:
            progress(len(rows))

    try:
        for n, (variant, part) in enumerate(tasks):
            future = executor.submit(run_seeds, scenario_text, name, variant, part, choices)
            position[future] = n
            if future.done():  # run at once (in this process): report it now, not at the end
                collect(future)
        for future in as_completed([f for f, n in position.items() if chunks[n] is None]):
            collect(future)
    finally:
        for future in position:
            future.cancel()
    return [row for chunk in chunks for row in chunk]


def check_writable(path: str) -> None:
    """Refuse, before any run, a results file that could not be written after them all: in
    a folder that does not exist or that this user may not write, or a folder itself."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise BatchError(f"cannot write {path}: the folder {folder} does not exist — create "
                         "it first, or choose another file")
    if os.path.isdir(path):
        raise BatchError(f"cannot write {path}: it is a folder — name a file in it, e.g. "
                         f"{os.path.join(path, 'results.csv')}")
    if not os.access(folder, os.W_OK):
        raise BatchError(f"cannot write {path}: you may not write in {folder} — choose "
                         "another folder")


def write_csv(rows: Sequence[Row], path: str) -> None:
    """One line per run, the columns in row order; an empty cell where nothing was measured."""
    try:
        with open(path, "w", newline="", encoding="utf-8") as out:
            # a variant may add objectives: every column any row has, in order of appearance
            columns = list(dict.fromkeys(column for row in rows for column in row))
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    except OSError as error:
        raise BatchError(f"cannot write the results to {path} ({error.strerror}) — choose a "
                         "file in a folder that exists and that you may write to") from None
