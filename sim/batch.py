"""Many seeded runs of a scenario and its policy variants, on any `concurrent.futures` executor.

Run i of every variant uses seed i (common random numbers), so two variants meet the same
arrivals, routes and latencies wherever the policy they differ in does not intervene, and
their difference can be read seed by seed. `base` names the scenario as written. What a
batch compares are arms: a variant, or each combination of `--sweep` values put into a
variant (`sim.sweeps`). Only the scenario's text, its name, an arm (a variant id and the
values put in), the seeds and the fixed choices travel to a worker (`run_seeds`, a chunk of
seeds per task to keep the overhead per task low); the worker parses the text itself and
sends back plain rows (`sim.batch_rows`). Rows come back in arm order, then seed order,
whichever executor ran them and in whatever order the tasks finished, so the same batch
gives the same rows on one process, many or a cluster.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass

from sim import __version__
from sim.batch_rows import Row, measures
from sim.engine import Exercise
from sim.errors import ScenarioError, TabletopError
from sim.executors import InProcess
from sim.headless import choice_problem, play_out, policy_for
from sim.loader import load_scenario_text, scenario_hash
from sim.references import unknown
from sim.scenario import Scenario
from sim.sweeps import SWEEP, Sweep, combinations, with_excerpts
from sim.variants import Setting, run_label

BASE = "base"  # the scenario as written, without any variant applied
MAX_CHUNK = 25  # seeds per task, at most


class BatchError(TabletopError):
    """A batch asked for something the scenario does not have, or results not writable."""


@dataclass(frozen=True)
class Arm:
    """What one column of a batch runs: a variant of the file (None: the scenario as written)
    with a sweep's values put in; `label` names its rows — `desk`, `channels.bilateral
    liaison.latency=5m`, `desk; agencies.bp-sector.capacity=2`. The values `--set` puts in
    every arm (`fixed`) go in first and are not part of the label: the rows' `set` column
    names them."""

    label: str
    variant: str | None = None
    settings: tuple[Setting, ...] = ()
    fixed: tuple[Setting, ...] = ()

    @property
    def values(self) -> tuple[Setting, ...]:
        """Every value put into the variant, those of `--set` first."""
        return (*self.fixed, *self.settings)


def arms(variants: Sequence[str], sweeps: Sequence[Sweep] = (),
         fixed: Sequence[Setting] = ()) -> list[Arm]:
    """Each variant (`base` or a variant id) with each combination of the sweeps' values,
    and the `fixed` values in all of them."""
    out = []
    for variant in variants:
        chosen = None if variant == BASE else variant
        for settings in combinations(sweeps):
            out.append(Arm(run_label(chosen, settings) or BASE, chosen, settings, tuple(fixed)))
    return out


def run_seeds(scenario_text: str, name: str, arm: Arm, seeds: Sequence[int],
              choices: dict[str, str] | None = None) -> list[Row]:
    """A worker's task: several seeds of one arm, as rows in seed order."""
    scenario = _parsed(scenario_text, name, arm)
    identity = run_identity(scenario_text, choices, arm.fixed)
    rows = []
    for seed in seeds:
        events = play_out(Exercise(scenario, seed), policy_for(scenario, seed, choices))
        rows.append({"variant": arm.label, "seed": seed, **identity,
                     **measures(scenario, events)})
    return rows


def run_identity(scenario_text: str, choices: dict[str, str] | None,
                 fixed: Sequence[Setting] = ()) -> Row:
    """What a run's measures depend on besides its variant and seed: the scenario's text,
    the tabletop that ran it, the fixed choices (as `D-1=watch D-2=act`) and the values
    `--set` put in every run (as `agencies.bp-sector.capacity=2; …`)."""
    return {"scenario_hash": scenario_hash(scenario_text), "tabletop_version": __version__,
            "decide": " ".join(f"{d}={o}" for d, o in sorted((choices or {}).items())),
            "set": run_label(None, fixed)}


_PARSED: dict[tuple[str, str, str | None, str], Scenario] = {}
PARSED_KEPT = 32  # parsed arms a worker keeps: two variants swept over 4 × 4 values


def _parsed(scenario_text: str, name: str, arm: Arm) -> Scenario:
    """The arm's scenario, parsed once per worker process: a worker's later tasks reuse it
    (a `Scenario` is frozen), which matters when a run takes less time than parsing. Kept
    by the values themselves, as JSON, not by the label, which shows 5 and '5' alike."""
    key = (scenario_text, name, arm.variant, json.dumps([[s.path, s.value]
                                                          for s in arm.values]))
    if key not in _PARSED:
        if len(_PARSED) >= PARSED_KEPT:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[key] = load_scenario_text(scenario_text, name, arm.variant, arm.values)
    return _PARSED[key]


def variants_to_run(scenario: Scenario, asked: Sequence[str] = (),
                    sweeping: bool = False) -> list[str]:
    """The variants asked for, in that order; by default `base` and then every variant of
    the file — or `base` alone when sweeping. The first is the one the others are compared
    with."""
    declared = [v.id for v in scenario.variants]
    if BASE in declared:
        raise BatchError(f"the scenario declares a variant named '{BASE}', which batches "
                         "keep for the scenario as written — rename that variant")
    for name in asked:
        if name != BASE and name not in declared:
            raise BatchError(unknown("variant", name, [BASE, *declared]))
    if len(set(asked)) != len(asked):
        raise BatchError("a variant is named twice — name each once")
    return list(asked) or [BASE, *([] if sweeping else declared)]


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


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a batch, with the rows of the runs finished by then (those given as
    done among them) in batch order: they can be kept, and the batch resumed from them."""

    def __init__(self, rows: list[Row], total: int):
        super().__init__()
        self.rows, self.total = rows, total


def planned(scenario_text: str, name: str, variants: Sequence[str] = (),
            sweeps: Sequence[Sweep] = (), fixed: Sequence[Setting] = ()) -> list[Arm]:
    """The arms of a batch, each checked: a sweep's value that does not fit the scenario (or
    a variant of it) is reported at its column in the --sweep option, before any work. A
    path both swept and set is refused: which of its values would run?"""
    for sweep in sweeps:
        if any(setting.path == sweep.path for setting in fixed):
            raise BatchError(f"'{sweep.path}' is both swept and set — sweep it, or set it, "
                             "not both")
    scenario = _parsed(scenario_text, name, Arm(BASE))
    planned = arms(variants_to_run(scenario, variants, bool(sweeps)), sweeps, fixed)
    try:
        for arm in planned:
            _parsed(scenario_text, name, arm)
    except ScenarioError as error:
        raise with_excerpts(error, SWEEP, [sweep.option for sweep in sweeps]) from None
    return planned


def batch(scenario_text: str, name: str, variants: Sequence[str] = (), runs: int = 1,
          executor: Executor | None = None, choices: dict[str, str] | None = None,
          progress: Callable[[int], None] | None = None, done: Sequence[Row] = (),
          sweeps: Sequence[Sweep] = (), fixed: Sequence[Setting] = ()) -> list[Row]:
    """Run seeds 1..`runs` of every arm (each variant, with each combination of the sweeps'
    values and the `fixed` ones of `--set`) on `executor` (in this process if None) and
    return the rows in arm order, then seed order. `progress` is told how many runs have
    just finished, as each task ends. `done` holds the rows of runs made before (read back
    from an interrupted batch's file): they are not run again, and are returned among the
    others. The scenario (every variant and value) and the choices are checked here first,
    so a mistake is reported once, at its line, before any work."""
    if runs < 1:
        raise BatchError(f"{runs} runs: a batch needs at least one run")
    plan = planned(scenario_text, name, variants, sweeps, fixed)
    check_choices(_parsed(scenario_text, name, Arm(BASE, fixed=tuple(fixed))), choices or {})
    executor = executor or InProcess()
    size = chunk_size(runs)
    made = {(row["variant"], row["seed"]) for row in done}
    tasks = []
    for arm in plan:
        todo = [seed for seed in range(1, runs + 1) if (arm.label, seed) not in made]
        tasks += [(arm, todo[i:i + size]) for i in range(0, len(todo), size)]
    names = [arm.label for arm in plan]
    chunks: list[list[Row] | None] = [None] * len(tasks)
    position: dict[Future, int] = {}

    def collect(future: Future) -> None:
        chunks[position[future]] = rows = future.result()
        if progress is not None:
            progress(len(rows))

    try:
        for n, (arm, part) in enumerate(tasks):
            future = executor.submit(run_seeds, scenario_text, name, arm, part, choices)
            position[future] = n
            if future.done():  # run at once (in this process): report it now, not at the end
                collect(future)
        for future in as_completed([f for f, n in position.items() if chunks[n] is None]):
            collect(future)
    except KeyboardInterrupt:
        # The executor's shutdown cancels what is left: cancelling here too races Dask,
        # which may be handing a result to the very future cancelled (and logs that).
        for future, n in position.items():  # finished while the interrupt was on its way
            if chunks[n] is None and future.done() and not future.cancelled() \
                    and future.exception() is None:
                chunks[n] = future.result()
        raise BatchInterrupted(_in_order(done, chunks, names), runs * len(names)) from None
    except BaseException:
        for future in position:  # a task failed: the rest are not wanted
            future.cancel()
        raise
    return _in_order(done, chunks, names)


def _in_order(done: Sequence[Row], chunks: list[list[Row] | None],
              variants: list[str]) -> list[Row]:
    """The rows made before and those of the chunks finished, by variant, then seed."""
    rank = {variant: n for n, variant in enumerate(variants)}
    rows = [*done, *(row for chunk in chunks if chunk for row in chunk)]
    return sorted(rows, key=lambda row: (rank[row["variant"]], row["seed"]))
