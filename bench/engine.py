"""Benchmark: the engine against bare SimPy, measured in the same run.

(a) bare SimPy: processes yielding timeouts, SimPy events per second;
(b) the engine on a generated year along a border (by default 60,000 incidents — about
    the yearly number of incursions reported on the southern border — across 40 zones and
    12 agencies), journal on disk: load time, run time, events/s.
The ratio compares the engine's time per SimPy step with bare SimPy's time per step: what
our processes, rules, state fold and journal cost on top of SimPy's own scheduling. The
time per journal event is printed too. Run: `python bench/engine.py [--incidents N]`.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time

import simpy

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from sim.engine import Exercise  # noqa: E402
from sim.journal import Journal  # noqa: E402
from sim.loader import load_scenario_text  # noqa: E402

MINUTES_PER_YEAR = 365 * 24 * 60


def bare_simpy(processes: int = 2000, steps: int = 500) -> tuple[int, float]:
    """SimPy events per second for processes that only yield timeouts."""
    env = simpy.Environment()
    rng = random.Random(1)

    def ticker(env: simpy.Environment, delays: list[float]):
        for delay in delays:
            yield env.timeout(delay)

    for _ in range(processes):
        env.process(ticker(env, [rng.expovariate(1.0) for _ in range(steps)]))
    count, began = 0, time.perf_counter()
    while env.peek() != float("inf"):
        env.step()
        count += 1
    return count, time.perf_counter() - began


def year_scenario(incidents: int, zones: int = 40, agencies: int = 12, seed: int = 7) -> str:
    """YAML for a year of incursions along a border strip of `zones` sectors."""
    rng = random.Random(seed)
    agency_ids = [f"agency-{n:02d}" for n in range(agencies)]
    lines = ["tabletop: 1", "id: bench-year", "title: A year along the border",
             "clock: {start: 2026-01-01T00:00, duration: %dm}" % (MINUTES_PER_YEAR + 1440),
             "actions: [{id: observe, remote: true}]", "zones:"]
    for z in range(zones):
        holders = ", ".join(agency_ids[(z + k) % agencies] for k in range(2))
        kind = "foreign" if z % 4 == 0 else "border-strip"
        lines.append(f"  - {{id: z{z:02d}, kind: {kind}, jurisdiction: [{holders}]}}")
    lines += ["authorities: [{id: watch, allows: [observe], in: [foreign, border-strip]}]",
              "agencies:"]
    lines += [f"  - {{id: {a}, authorities: [watch], capacity: 20, respond: 5m}}"
              for a in agency_ids]
    lines.append("incidents:")
    gap = MINUTES_PER_YEAR / incidents
    for n in range(incidents):
        at = n * gap + rng.uniform(0, gap / 2)
        first = rng.randrange(0, zones - 3)
        path = ", ".join(f"{{zone: z{first + k:02d}, at: {at + 20 * k:.2f}}}" for k in range(3))
        lines.append(f"  - {{id: i{n}, path: [{path}], leaves: {at + 75:.2f}, "
                     f"detected_by: {agency_ids[first % agencies]}}}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=60_000)
    args = parser.parse_args()

    steps, bare = bare_simpy()
    bare_per_step = bare / steps
    print(f"bare SimPy: {steps:,} events in {bare:.2f} s = {steps / bare:,.0f} events/s")

    text = year_scenario(args.incidents)
    began = time.perf_counter()
    scenario = load_scenario_text(text, "bench-year.yaml")
    load = time.perf_counter() - began
    with tempfile.TemporaryDirectory() as scratch:
        journal = os.path.join(scratch, "year.sqlite")
        began = time.perf_counter()
        exercise = Exercise(scenario, 1, Journal.create(journal, text, 1))
        exercise.run()
        exercise.flush()
        run = time.perf_counter() - began
        size = os.path.getsize(journal)
    events, engine_steps = exercise.state.seq, exercise.steps
    print(f"year: {len(scenario.incidents):,} incidents, {len(scenario.zones)} zones, "
          f"{len(scenario.agencies)} agencies")
    print(f"load: {load:.2f} s; run (with journal, {size / 1e6:.0f} MB): {run:.2f} s; "
          f"total {load + run:.2f} s")
    print(f"engine: {engine_steps:,} SimPy steps, {events:,} journal events, "
          f"{events / run:,.0f} journal events/s")
    print(f"per journal event: {run / events * 1e6:.2f} µs vs bare SimPy {bare_per_step * 1e6:.2f} "
          f"µs per event (x{run / events / bare_per_step:.1f})")
    print(f"ratio: {run / engine_steps / bare_per_step:.2f}")


if __name__ == "__main__":
    main()
