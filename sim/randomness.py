"""Latencies drawn from per-entity random streams.

Every entity (an agency's responses, a channel, an approval, a stream of incidents) has
its own `random.Random(f"{seed}:{entity}")` — seeded from a string, never `hash()` — so a
choice in one place never shifts the draws of another (common random numbers)."""

from __future__ import annotations

import functools
import hashlib
import math
import random
from collections.abc import Callable
from functools import partial
from itertools import repeat
from typing import Any

from sim.values import Lognormal, Triangular

Z90 = 1.2815515655446004  # the standard normal's 90th percentile


@functools.cache
def lognormal_parameters(median: float, p90: float) -> tuple[float, float]:
    """(mu, sigma) of the lognormal through a median and a 90th percentile."""
    return math.log(median), (math.log(p90) - math.log(median)) / Z90


def sampler(latency: Any, rng: random.Random) -> Callable[[], float]:
    """A latency's draws from one stream, bound once: fixed minutes, lognormal through
    (median, p90), or triangular. A year draws some 10^5 latencies, and looking up the
    form and its stream at every draw cost more than the draw itself. (Dispatch on the exact
    type: `isinstance` on a pydantic model is slow.)"""
    kind = type(latency)
    if kind is Lognormal:
        mu, sigma = lognormal_parameters(latency.median, latency.p90)
        if sigma:
            return partial(_lognormal, rng.random, mu, sigma)
        return repeat(latency.median).__next__
    if kind is Triangular:
        return partial(rng.triangular, latency.min, latency.max, latency.mode)
    return repeat(float(latency)).__next__


NORMAL_MAGIC = 4 * math.exp(-0.5) / math.sqrt(2.0)


def _lognormal(uniform: Callable[[], float], mu: float, sigma: float) -> float:
    """`random.lognormvariate(mu, sigma)`, the same numbers from the same stream (Kinderman
    and Monahan's ratio method, as CPython draws it) without its two layers of calls. Owning
    the method also keeps a seed's draws the same whatever Python runs it."""
    while True:
        u1 = uniform()
        u2 = 1.0 - uniform()
        z = NORMAL_MAGIC * (u1 - 0.5) / u2
        if z * z / 4.0 <= -math.log(u2):
            return math.exp(mu + z * sigma)


class Samplers(dict):
    """Samplers of one kind of entity by key, each bound on first use to its entity's stream:
    `bind(key)` names the stream and the latency."""

    def __init__(self, stream: Callable[[str], random.Random],
                 bind: Callable[[Any], tuple[str, Any]]):
        super().__init__()
        self.stream, self.bind = stream, bind

    def __missing__(self, key: Any) -> Callable[[], float]:
        entity, latency = self.bind(key)
        made = self[key] = sampler(latency, self.stream(entity))
        return made


def fixed_uniforms(*names: object) -> Callable[[str], float]:
    """Uniform numbers in [0, 1) fixed by names alone — `uniform(last)` depends on `names`
    and `last` and on nothing else that happened (a policy's pick at one decision instance).
    One hash each, not a seeded stream (seeding a `Random` costs more than the pick), its
    common start hashed once."""
    start = hashlib.blake2b(("".join(f"{name}:" for name in names)).encode(), digest_size=8)

    def uniform(last: str) -> float:
        digest = start.copy()
        digest.update(last.encode())
        return int.from_bytes(digest.digest(), "big") / 2.0 ** 64

    return uniform
