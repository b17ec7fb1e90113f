"""Latencies drawn from per-entity random streams.

Every entity (an agency's responses, a channel, an approval, a stream of incidents) has
its own `random.Random(f"{seed}:{entity}")` — seeded from a string, never `hash()` — so a
choice in one place never shifts the draws of another (common random numbers)."""

from __future__ import annotations

import math
import random
from typing import Any

from sim.values import Lognormal, Triangular

Z90 = 1.2815515655446004  # the standard normal's 90th percentile


def draw(latency: Any, rng: random.Random) -> float:
    """One sample of a latency: fixed minutes, lognormal through (median, p90), or triangular."""
    if isinstance(latency, Lognormal):
        if latency.p90 == latency.median:
            return latency.median
        return rng.lognormvariate(math.log(latency.median),
                                  (math.log(latency.p90) - math.log(latency.median)) / Z90)
    if isinstance(latency, Triangular):
        return rng.triangular(latency.min, latency.max, latency.mode)
    return float(latency)
