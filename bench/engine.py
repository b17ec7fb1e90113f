"""Benchmark: the engine against bare SimPy, measured in the same run.

(a) bare SimPy: processes yielding timeouts, SimPy events per second — as many processes
    as the engine keeps events pending, so that both sides work on a heap of one size;
(b) the engine on a generated year along a border (by default 60,000 incidents — about
    the yearly number of incursions reported on the southern border — arriving as a stream
    across 40 zones, 12 agencies playing standing orders), journal on disk: load time, run
    time, events/s.
The ratio (last line) is the engine's time per journal event (a fact: a contact entering
a zone, a lead taken, a violation) over bare SimPy's time per event. A SimPy step of the
engine makes about 1.5 journal events, so the time per SimPy step is printed too: it is
what our processes, rules, triggers, state fold and journal add to each step.
The two sides run in turn (`--repeats` times each, so drift through the day reaches both
alike) and each side of the ratio is its fastest run: on a shared machine noise only adds
time. Run: `python bench/engine.py [--incidents N]`.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import cycle, islice
from typing import TypeVar

import simpy

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from sim.compiled import how_the_engine_runs  # noqa: E402
from sim.engine import Exercise  # noqa: E402
from sim.journal import Journal  # noqa: E402
from sim.loader import load_scenario_text  # noqa: E402

T = TypeVar("T")


PENDING = 16  # the baseline's processes: about as many timeouts as the engine keeps pending


def bare_simpy(processes: int = PENDING, events: int = 1_000_000) -> tuple[int, float]:
    """SimPy events per second for processes that only yield timeouts, their delays cycled
    from one shared table. As many processes as the engine keeps events pending (11 on
    average in the generated year, 17 in the bundled one), so both sides pay for a heap of
    the same size: 2000 processes with a million delays of their own, the first baseline,
    measured SimPy's heap and cache misses rather than its cost per event: it read 1.4 to
    2 times as slow, and swung more with the machine."""
    env = simpy.Environment()
    rng = random.Random(1)
    table = [rng.expovariate(1.0) for _ in range(1009)]

    def ticker(env: simpy.Environment, start: int, count: int):
        for delay in islice(cycle(table), start, start + count):
            yield env.timeout(delay)

    for n in range(processes):
        env.process(ticker(env, n * 61, events // processes))
    count, began = 0, time.perf_counter()
    while env.peek() != float("inf"):
        env.step()
        count += 1
    return count, time.perf_counter() - began


def alongside_bare_simpy(measure: Callable[[], T], repeats: int) -> tuple[tuple[int, float],
                                                                           list[T]]:
    """Bare SimPy and `measure`, in turn, `repeats` times: bare SimPy's fastest run (events,
    seconds) and every run of `measure`. In turn, so that the machine's drift through the
    day reaches both sides of a ratio alike; fastest, since noise only ever adds time."""
    bare, measured = [], []
    for _ in range(repeats):
        bare.append(bare_simpy())
        measured.append(measure())
    return min(bare, key=lambda run: run[1]), measured


def year_scenario(incidents: int, zones: int = 40, agencies: int = 12) -> str:
    """YAML for a year along a border of `zones` zones (partner side, border strip, town in
    turn) with `incidents` contacts arriving as one stream and standing orders playing the
    agencies: the sector leads on detection and tells the partner, the lead hands off to
    the town's police on entering a town."""
    ids = [f"agency-{n:02d}" for n in range(agencies)]
    kinds = ("foreign", "border-strip", "urban")
    lines = ["tabletop: 1", "id: bench-year", "title: A year along the border",
             "clock: {start: 2026-01-01T00:00, duration: 366d}",
             "actions: [{id: observe, remote: true}, {id: warn}]", "zones:"]
    for z in range(zones):
        holders = ", ".join(ids[(z + k) % agencies] for k in range(2))
        lines.append(f"  - {{id: z{z:02d}, kind: {kinds[z % 3]}, jurisdiction: [{holders}]}}")
    lines += ["authorities: [{id: watch, allows: [observe, warn], in: [foreign, border-strip, "
              "urban]}]", "agencies:"]
    lines += [f"  - {{id: {a}, authorities: [watch], capacity: 50, respond: {{median: 4m, "
              f"p90: 12m}}}}" for a in ids]
    lines += ["channels:", f"  - {{between: [{', '.join(ids)}], latency: {{median: 2m, p90: 6m}}}}"]
    every = 366 * 1440 / incidents
    lines += ["streams:", "  - id: contacts", f"    every: {{median: {every * 0.8:.3f}m, "
              f"p90: {every * 2:.3f}m}}", "    detected_by: agency-00", "    routes:"]
    for start in range(0, zones - 2, 3):
        stops = ", ".join(f"{{zone: z{start + k:02d}, dwell: {{median: 15m, p90: 30m}}}}"
                          for k in range(3))
        lines.append(f"      - {{path: [{stops}]}}")
    lines.append("orders:")
    for z in range(1, zones, 3):
        lead = ids[z % agencies]
        lines.append(f"  - {{id: lead-{z}, agency: {lead}, when: {{event: zone_entered, zone: "
                     f"z{z:02d}}}, do: [assume_lead, {{notify: {ids[(z + 1) % agencies]}}}]}}")
    for z in range(2, zones, 3):
        lines.append(f"  - {{id: town-{z}, agency: lead, when: {{event: zone_entered, zone: "
                     f"z{z:02d}}}, do: [{{handoff: {{to: {ids[(z + 1) % agencies]}}}}}]}}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=60_000)
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs of the year, each after one of bare SimPy (default 3)")
    args = parser.parse_args()

    text = year_scenario(args.incidents)
    began = time.perf_counter()
    scenario = load_scenario_text(text, "bench-year.yaml")
    load = time.perf_counter() - began

    def year() -> tuple[float, Exercise, int]:
        with tempfile.TemporaryDirectory() as scratch:
            journal = os.path.join(scratch, "year.sqlite")
            began = time.perf_counter()
            exercise = Exercise(scenario, 1, Journal.create(journal, text, 1))
            exercise.run()
            exercise.flush()
            return time.perf_counter() - began, exercise, os.path.getsize(journal)

    (steps, bare), years = alongside_bare_simpy(year, args.repeats)
    bare_per_step = bare / steps
    print(how_the_engine_runs())
    print(f"bare SimPy (fastest of {args.repeats}, {PENDING} processes): {steps:,} events in "
          f"{bare:.2f} s = {steps / bare:,.0f} events/s")
    runs = [seconds for seconds, _, _ in years]
    run, exercise, size = min(years, key=lambda measured: measured[0])
    events, engine_steps = exercise.state.seq, exercise.steps
    print(f"year: {len(exercise.state.incidents):,} incidents, {len(scenario.zones)} zones, "
          f"{len(scenario.agencies)} agencies")
    print(f"load: {load:.2f} s; run (with journal, {size / 1e6:.0f} MB, fastest of "
          f"{args.repeats}: {', '.join(f'{r:.2f}' for r in runs)}): {run:.2f} s; "
          f"total {load + run:.2f} s")
    print(f"engine: {engine_steps:,} SimPy steps, {events:,} journal events, "
          f"{events / run:,.0f} journal events/s")
    print(f"per SimPy step: {run / engine_steps * 1e6:.2f} µs "
          f"(x{run / engine_steps / bare_per_step:.1f} bare SimPy's)")
    print(f"per journal event: {run / events * 1e6:.2f} µs vs bare SimPy {bare_per_step * 1e6:.2f} "
          "µs per event")
    print(f"ratio: {run / events / bare_per_step:.2f}")


if __name__ == "__main__":
    main()
