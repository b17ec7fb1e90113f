"""Benchmark: analysis at scale, against bare SimPy measured in the same run.

(a) bare SimPy: processes yielding timeouts, events per second (`bench/engine.py`'s
    `bare_simpy`, the same baseline the engine benchmark uses: as many processes as the
    engine keeps events pending; fastest of 3 runs, each before one run of (b), so drift
    through the day reaches both sides alike);
(b) a year along the border (`scenarios/year-along-the-border.yaml`: ~12,000 incidents
    from six streams, standing orders, a policy answering the per-contact decisions),
    played as one batch run plays it (headless, no journal; fastest of 3): wall time,
    journal events per second, and the time per journal event over bare SimPy's;
(c) batch throughput of a short bundled scenario in runs/s on 1 and 2 worker processes
    (each pool started and warmed up before the clock starts), the two measured in turn
    `--rounds` times, the fastest of each: the speed-up. Every round is printed: on this
    shared 2-core machine even two copies of bare SimPy side by side were seen to run from
    1.4 to 2.1 times as fast as one, within minutes.
The last line is `ratio: R`, R being (b)'s time per journal event over bare SimPy's.
Run: `python bench/batch.py [--runs N] [--scenario FILE]`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, wait

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))

from engine import PENDING, alongside_bare_simpy  # noqa: E402

from sim.batch import BASE, Arm, batch, run_seeds  # noqa: E402
from sim.compiled import how_the_engine_runs  # noqa: E402
from sim.engine import Exercise  # noqa: E402
from sim.headless import play_out, policy_for  # noqa: E402
from sim.loader import load_scenario_text  # noqa: E402

YEAR = os.path.join(HERE, "..", "scenarios", "year-along-the-border.yaml")
SHORT = os.path.join(HERE, "..", "scenarios", "watcher-across-the-river.yaml")


def year_run(path: str) -> tuple[int, int, int, float, float]:
    """Incidents, journal events and SimPy steps of seed 1 of the year, its load and run
    time in seconds."""
    with open(path, encoding="utf-8") as source:
        text = source.read()
    began = time.perf_counter()
    scenario = load_scenario_text(text, path)
    load = time.perf_counter() - began
    exercise = Exercise(scenario, 1)
    began = time.perf_counter()
    play_out(exercise, policy_for(scenario, 1))
    run = time.perf_counter() - began
    incidents = len(exercise.state.incidents)
    return incidents, exercise.state.seq, exercise.steps, load, run


def throughput(path: str, runs: int, processes: int) -> float:
    """Runs per second of a batch of the scenario's base on a warmed-up process pool."""
    with open(path, encoding="utf-8") as source:
        text = source.read()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        wait([pool.submit(run_seeds, text, path, Arm(BASE), (n,)) for n in range(processes)])
        began = time.perf_counter()
        rows = batch(text, path, ["base"], runs, pool)
        took = time.perf_counter() - began
    assert len(rows) == runs
    return runs / took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5000,
                        help="runs of the short scenario per pool size (default 5000)")
    parser.add_argument("--scenario", default=SHORT, help="the short scenario to batch")
    parser.add_argument("--rounds", type=int, default=3,
                        help="batches on 1 and on 2 processes, in turn (default 3)")
    args = parser.parse_args()

    (steps, bare), years = alongside_bare_simpy(lambda: year_run(YEAR), 3)
    bare_per_event = bare / steps
    print(how_the_engine_runs())
    print(f"bare SimPy (fastest of 3, {PENDING} processes): {steps:,} events in {bare:.2f} s = "
          f"{steps / bare:,.0f} events/s")

    incidents, events, engine_steps, load, run = min(years, key=lambda measured: measured[-1])
    print(f"year: {incidents:,} incidents; load {load:.2f} s; one year run {run:.2f} s "
          f"(wall, fastest of 3, headless as in a batch, no journal)")
    print(f"year: {events:,} journal events, {engine_steps:,} SimPy steps, "
          f"{events / run:,.0f} journal events/s")
    per_event = run / events
    print(f"per journal event: {per_event * 1e6:.2f} µs vs bare SimPy "
          f"{bare_per_event * 1e6:.2f} µs per event")

    name = os.path.basename(args.scenario)
    rounds = [(throughput(args.scenario, args.runs, 1), throughput(args.scenario, args.runs, 2))
              for _ in range(args.rounds)]
    print(f"batch of {name}, {args.runs:,} runs, 1 and 2 processes in turn: " + "; ".join(
        f"{one:,.0f} and {two:,.0f}" for one, two in rounds) + " runs/s")
    one, two = (max(column) for column in zip(*rounds, strict=True))
    print(f"batch, fastest of {args.rounds}: 1 process {one:,.0f} runs/s, 2 processes "
          f"{two:,.0f} runs/s, speed-up x{two / one:.2f}")
    print(f"ratio: {per_event / bare_per_event:.2f}")


if __name__ == "__main__":
    main()
