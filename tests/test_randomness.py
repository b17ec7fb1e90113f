"""Latency samplers: bound once to a stream, they draw what the standard library would draw
from it, and the lognormal passes through the median and p90 the scenario wrote."""

import math
import random
import statistics

from sim.randomness import Samplers, fixed_uniforms, sampler
from sim.values import Lognormal, Triangular


def test_lognormal_draws_the_standard_librarys_numbers_from_the_same_stream():
    latency = Lognormal(median=4.0, p90=12.0)
    ours, theirs = random.Random("7:agency:police"), random.Random("7:agency:police")
    sample = sampler(latency, ours)
    mu, sigma = math.log(4.0), (math.log(12.0) - math.log(4.0)) / 1.2815515655446004  # z90
    assert [sample() for _ in range(1000)] == [theirs.lognormvariate(mu, sigma)
                                               for _ in range(1000)]


def test_lognormal_passes_through_its_median_and_p90():
    sample = sampler(Lognormal(median=10.0, p90=40.0), random.Random(1))
    draws = sorted(sample() for _ in range(40_000))
    assert abs(statistics.median(draws) - 10.0) < 0.4
    assert abs(draws[int(0.9 * len(draws))] - 40.0) < 2.0


def test_triangular_and_fixed_latencies():
    rng, twin = random.Random(3), random.Random(3)
    sample = sampler(Triangular(min=1.0, mode=2.0, max=5.0), rng)
    assert [sample() for _ in range(50)] == [twin.triangular(1.0, 5.0, 2.0) for _ in range(50)]
    fixed = sampler(7.5, rng)
    assert [fixed() for _ in range(3)] == [7.5, 7.5, 7.5]
    assert sampler(Lognormal(median=3.0, p90=3.0), rng)() == 3.0  # no spread: the median


def test_samplers_bind_each_entity_once_to_its_own_stream():
    streams: dict[str, random.Random] = {}

    def stream(entity: str) -> random.Random:
        return streams.setdefault(entity, random.Random(entity))

    latencies = {"a": Lognormal(median=2.0, p90=5.0), "b": 4.0}
    samplers = Samplers(stream, lambda key: (f"agency:{key}", latencies[key]))
    first = samplers["a"]()
    assert samplers["a"] is samplers["a"] and set(streams) == {"agency:a"}
    assert samplers["b"]() == 4.0 and set(streams) == {"agency:a", "agency:b"}
    fresh = random.Random("agency:a")
    assert first == sampler(latencies["a"], fresh)()


def test_fixed_uniforms_depend_on_their_names_alone():
    """A policy's pick at a decision instance is the same whatever else happened, and
    another seed picks afresh."""
    seven, again, eight = (fixed_uniforms(seed, "policy") for seed in (7, 7, 8))
    keys = [f"D-1@contacts-{n}" for n in range(2000)]
    picks = [seven(k) for k in keys]
    assert picks == [again(k) for k in reversed(keys)][::-1]
    assert picks != [eight(k) for k in keys]
    assert all(0.0 <= u < 1.0 for u in picks) and abs(statistics.fmean(picks) - 0.5) < 0.03
