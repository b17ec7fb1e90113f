"""A batch's statistics: each variant's mean with a 95% interval, and each variant's
difference from the first one, paired by seed.

Only the standard library's `statistics`. For a measure, an interval is mean ± t·s/√n,
where t is Student's 0.975 quantile with n − 1 degrees of freedom, read from a table below
30 runs, and the normal quantile (1.96) from 30 runs on (the t quantile is then within 4% of
it). An objective met or not (`met_O-1`, 1 or 0) is a share of runs, and gets a score
interval instead: Wilson's for a share, Newcombe's square-and-add for a paired difference
of shares (Newcombe 1998, method 10, as Fagerland, Lydersen and Laake recommend). Both stay
within the possible values, and neither claims certainty when every run agrees: met in 0
of 4 runs is a share of 0 to 0.49, not of exactly 0.

Paired differences use the runs of both variants with the same seed, which saw the same
arrivals and latencies (common random numbers), so the interval of a difference is
narrower than the two intervals side by side suggest. A run without a value for a
measure (a median over no handoffs) is left out of that measure, and out of its pairs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist, fmean, stdev

from sim.batch_rows import IDENTITY, MET, Row

NORMAL_975 = NormalDist().inv_cdf(0.975)  # 1.95996…
T_975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
         2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
         2.060, 2.056, 2.052, 2.048)  # Student's t, 0.975 quantile, 1 to 28 degrees of freedom


@dataclass(frozen=True)
class Estimate:
    """A mean and its 95% interval (no interval from a single value)."""

    mean: float
    low: float | None
    high: float | None
    n: int

    @property
    def excludes_zero(self) -> bool:
        return self.low is not None and (self.low > 0 or self.high < 0)


def t_975(n: int) -> float:
    """The multiplier of the standard error for a 95% interval from n values (n ≥ 2)."""
    return NORMAL_975 if n >= 30 else T_975[n - 2]


def estimate(values: Sequence[float]) -> Estimate | None:
    """The mean of the values with its 95% interval; None when there are none."""
    if not values:
        return None
    mean = fmean(values)
    if len(values) == 1:
        return Estimate(mean, None, None, 1)
    half = t_975(len(values)) * stdev(values, mean) / math.sqrt(len(values))
    return Estimate(mean, mean - half, mean + half, len(values))


def share(values: Sequence[int]) -> Estimate | None:
    """The share of runs with a 1 (an objective met), with Wilson's score interval; None
    when there are no runs."""
    if not values:
        return None
    low, high = _wilson(sum(values), len(values))
    return Estimate(fmean(values), low, high, len(values))


def paired_share_difference(pairs: Sequence[tuple[int, int]]) -> Estimate | None:
    """(variant − reference) of a share over runs paired by seed — `pairs` holds (reference,
    variant), each 1 or 0 — with Newcombe's square-and-add interval: each share's Wilson
    interval, combined through the correlation of the pairs (Newcombe's corrected phi)."""
    n = len(pairs)
    if not n:
        return None
    both = sum(1 for ref, var in pairs if ref and var)
    only_ref = sum(1 for ref, var in pairs if ref and not var)
    only_var = sum(1 for ref, var in pairs if var and not ref)
    neither = n - both - only_ref - only_var
    p_ref, p_var = (both + only_ref) / n, (both + only_var) / n
    l_ref, u_ref = _wilson(both + only_ref, n)
    l_var, u_var = _wilson(both + only_var, n)
    margins = (both + only_ref) * (only_var + neither) * (both + only_var) * (only_ref + neither)
    agreement = both * neither - only_ref * only_var
    if margins == 0 or 0 <= agreement <= n / 2:
        phi = 0.0
    else:
        phi = (agreement - n / 2 if agreement > 0 else agreement) / math.sqrt(margins)
    difference = p_var - p_ref
    down, up = p_var - l_var, u_ref - p_ref  # how far each share may go toward a lower D
    low = difference - math.sqrt(down ** 2 - 2 * phi * down * up + up ** 2)
    down, up = u_var - p_var, p_ref - l_ref  # … and toward a higher one
    high = difference + math.sqrt(down ** 2 - 2 * phi * down * up + up ** 2)
    return Estimate(difference, low, high, n)


def _wilson(successes: int, n: int) -> tuple[float, float]:
    """Wilson's 95% score interval of a share of `successes` in `n`."""
    z2 = NORMAL_975 ** 2
    p = successes / n
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = NORMAL_975 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # the interval holds the share and lies in [0, 1]: rounding may not say otherwise
    # the interval holds the share and lies in [0, 1]: rounding may not say otherwise
    return min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half))


def measure_columns(rows: Sequence[Row]) -> list[str]:
    """The measures in the rows (every column but the run's identity), in row order."""
    return [c for c in dict.fromkeys(c for row in rows for c in row) if c not in IDENTITY]


def variant_order(rows: Sequence[Row]) -> list[str]:
    """The variants in the order the rows give them; the first is the reference."""
    return list(dict.fromkeys(str(row["variant"]) for row in rows))


def summarize(rows: Sequence[Row]) -> dict[str, dict[str, Estimate | None]]:
    """Variant → measure → mean with its 95% interval."""
    columns = measure_columns(rows)
    return {variant: {c: (share if c.startswith(MET) else estimate)(
                [r[c] for r in rows if r["variant"] == variant and r.get(c) is not None])
                      for c in columns}
            for variant in variant_order(rows)}


def paired_differences(rows: Sequence[Row]) -> dict[str, dict[str, Estimate | None]]:
    """Each variant after the first → measure → mean of (variant − first) over the seeds
    both ran, with its 95% interval."""
    columns = measure_columns(rows)
    first, *others = variant_order(rows)
    by_seed = {v: {r["seed"]: r for r in rows if r["variant"] == v} for v in [first, *others]}
    differences = {}
    for variant in others:
        runs = [(by_seed[first][seed], row) for seed, row in by_seed[variant].items()
                if seed in by_seed[first]]
        differences[variant] = {}
        for c in columns:
            pairs = [(a[c], b[c]) for a, b in runs
                     if a.get(c) is not None and b.get(c) is not None]
            differences[variant][c] = (paired_share_difference(pairs) if c.startswith(MET)
                                       else estimate([b - a for a, b in pairs]))
    return differences


def render(rows: Sequence[Row]) -> str:
    """The summary table and the paired differences, as text for a terminal."""
    variants = variant_order(rows)
    runs = {v: sum(1 for r in rows if r["variant"] == v) for v in variants}
    counted = (f"{runs[variants[0]]} runs per variant" if len(set(runs.values())) == 1
               else ", ".join(f"{v}: {n} runs" for v, n in runs.items()))
    short = headings(variants)
    text = "".join(f"{line}\n" for line in [*every_run(rows), *legend(variants, short)]) + _table(
        f"Summary ({counted}): mean [95% interval]", summarize(rows), short.__getitem__)
    if len(variants) > 1:
        text += "\n\n" + _table(
            f"Difference from {short[variants[0]]}, paired by seed: mean [95% interval]; "
            "* the interval excludes 0", paired_differences(rows),
            lambda v: f"{short[v]} − {short[variants[0]]}", star=True)
    return text


def every_run(rows: Sequence[Row]) -> list[str]:
    """The terms every run shared, beside its variant, a line each: the fixed choices and
    `--set` values (the same in every row of a batch: resume refuses rows made on other
    terms)."""
    first = rows[0] if rows else {}
    return [f"{said} in every run: {first[column]}"
            for column, said in (("decide", "Chosen"), ("set", "Set")) if first.get(column)]


HEADING_WIDTH = 20  # a longer variant name (a sweep's, mostly) is shortened: see `headings`


def headings(variants: list[str]) -> dict[str, str]:
    """Each variant's column heading: its name; or, when a name is too long for a column,
    its value when the names are one sweep's values (`40m` for `channels.bilateral
    liaison.latency=40m`), else its number — the `legend` says what they stand for."""
    if all(len(v) <= HEADING_WIDTH for v in variants):
        return {v: v for v in variants}
    path = swept_path(variants)
    if path is not None:
        values = {v: v[len(path) + 1:] for v in variants}
        if all(len(value) <= HEADING_WIDTH for value in values.values()):
            return values
    return {v: f"[{n}]" for n, v in enumerate(variants, start=1)}


def swept_path(variants: list[str]) -> str | None:
    """The path every variant's name sets, when the names are one sweep's `PATH=VALUE`s
    and nothing else (no variant of the file, no second sweep)."""
    paths = {v.partition("=")[0] for v in variants}
    if len(paths) == 1 and all("=" in v and "; " not in v for v in variants):
        return paths.pop()
    return None


def legend(variants: list[str], short: dict[str, str]) -> list[str]:
    """What the column headings stand for, when they are not the names: the swept path, or
    each numbered name; the reference named."""
    if all(short[v] == v for v in variants):
        return []
    path = swept_path(variants)
    if path is not None and all(short[v] == v[len(path) + 1:] for v in variants):
        return [f"{path}: each column is one value ({short[variants[0]]}: the reference)"]
    return [f"{short[v]} {v}{' (the reference)' if n == 0 else ''}"
            for n, v in enumerate(variants)]


def _table(title: str, estimates: dict[str, dict[str, Estimate | None]], heading,
           star: bool = False) -> str:
    columns = list(estimates)
    measures = list(next(iter(estimates.values())))
    cells = [[_cell(estimates[v][m], star) for v in columns] for m in measures]
    head = [heading(v) for v in columns]
    first = max(len("measure"), *(len(m) for m in measures))
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(head)]
    lines = [title, "  ".join(["measure".ljust(first), *(h.rjust(w) for h, w in
                                                          zip(head, widths, strict=True))])]
    for measure, row in zip(measures, cells, strict=True):
        lines.append("  ".join([measure.ljust(first), *(c.rjust(w) for c, w in
                                                        zip(row, widths, strict=True))]))
    return "\n".join(lines)


def _cell(value: Estimate | None, star: bool) -> str:
    if value is None:
        return "—"
    if value.low is None:
        return _number(value.mean)
    mark = "*" if star and value.excludes_zero else " " if star else ""
    return f"{_number(value.mean)} [{_number(value.low)}, {_number(value.high)}]{mark}"


def _number(x: float) -> str:
    """Three or four significant figures, never an exponent."""
    size = abs(x)
    return f"{x:.0f}" if size >= 100 else f"{x:.1f}" if size >= 10 else f"{x:.2f}"
