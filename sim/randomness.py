"""Latencies drawn from per-entity random streams.

Every entity (an agency's responses, a channel, an approval, a stream of incidents) has
its own `random.Random(f"{seed}:{entity}")` — seeded from a string, never `hash()` — so a
choice in one place never shifts the draws of another (common random numbers)."""

from __future__ import annotations

import functools
import hashlib
import math
import random
from typing import Any

from sim.values import Lognormal, Triangular

Z90 = 1.2815515655446004  # the standard normal's 90th percentile


@functools.cache
def lognormal_parameters(median: float, p90: float) -> tuple[float, float]:
    """(mu, sigma) of the lognormal through a median and a 90th percentile."""
    return math.log(median), (math.log(p90) - math.log(median)) / Z90


def draw(latency: Any, rng: random.Random) -> float:
    """One sample of a latency: fixed minutes, lognormal through (median, p90), or triangular.
    (Dispatch on the exact type: `isinstance` on a pydantic model costs more than the draw.)"""
    kind = type(latency)
    if kind is Lognormal:
        mu, sigma = lognormal_parameters(latency.median, latency.p90)
        return rng.lognormvariate(mu, sigma) if sigma else latency.median
    if kind is Triangular:
        return rng.triangular(latency.min, latency.max, latency.mode)
    return float(latency)


def fixed_uniform(*names: object) -> float:
    """A uniform number in [0, 1) fixed by names alone — for a draw that must not depend on
    anything else that happened (a policy's pick at one decision instance). One hash, not
    a seeded stream: seeding a `Random` from a string costs more than the pick itself."""
    digest = hashlib.blake2b(":".join(map(str, names)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0 ** 64
