"""Benchmark of the chart engine: one ``qic_many`` call per chart type.

For 10,000 series x 36 monthly points of each chart type, prints the wall time of a single
``qic_many`` call (limits plus Anhøj's runs analysis) and its peak traced memory, and checks
that peak memory grows linearly with the number of series. Run from the repository root:

    .venv/bin/python bench/spc.py
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from convene.spc import qic_many  # noqa: E402

SERIES = 10_000
PERIODS = 36
SUBGROUP = 5
GOAL_P_SECONDS = 0.5


def make_inputs(chart: str, series: int, rng: np.random.Generator) -> tuple[Any, Any]:
    """Realistic random inputs for one chart type."""
    shape = (series, PERIODS)
    if chart in ("p", "pp"):
        n = rng.integers(20, 200, size=shape).astype(float)
        return rng.binomial(n.astype(int), 0.3).astype(float), n
    if chart in ("u", "up"):
        n = rng.uniform(500, 5000, size=shape)
        return rng.poisson(n * 0.01).astype(float), n
    if chart == "ip":
        n = rng.integers(10_000, 200_000, size=shape).astype(float)
        return rng.binomial(n.astype(int), 0.9).astype(float), n
    if chart == "c":
        return rng.poisson(8, size=shape).astype(float), None
    if chart == "g":
        return rng.geometric(0.05, size=shape).astype(float), None
    if chart == "t":
        return rng.weibull(1.2, size=shape) * 30 + 0.1, None
    if chart in ("xbar", "s"):
        return rng.normal(10, 2, size=(*shape, SUBGROUP)), None
    return rng.normal(50, 5, size=shape), None


def measure(chart: str, series: int) -> tuple[float, float]:
    """Seconds and peak MiB of one qic_many call (inputs built outside the measurement)."""
    rng = np.random.default_rng(2024)
    y, n = make_inputs(chart, series, rng)
    qic_many(y[:10], None if n is None else n[:10], chart=chart)  # warm caches
    tracemalloc.start()
    start = time.perf_counter()
    qic_many(y, n, chart=chart)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20


def main() -> int:
    charts = ("run", "i", "mr", "t", "xbar", "s", "p", "pp", "c", "u", "up", "g", "ip")
    input_mib = SERIES * PERIODS * 8 / 2**20
    print(f"qic_many, {SERIES:,} series x {PERIODS} points (one float64 input {input_mib:.1f} MiB)")
    print(f"{'chart':>6} {'time (s)':>10} {'peak MiB':>10} {'MiB @ 2x':>10} {'ratio':>6}")
    p_time = float("nan")
    for chart in charts:
        seconds, peak = measure(chart, SERIES)
        _, peak2 = measure(chart, 2 * SERIES)
        if chart == "p":
            p_time = seconds
        print(f"{chart:>6} {seconds:>10.3f} {peak:>10.1f} {peak2:>10.1f} {peak2 / peak:>6.2f}")
    rate = SERIES / p_time
    print(
        f"P chart with Anhøj's rules: {p_time:.3f} s for {SERIES:,} series "
        f"({rate:,.0f} series/s; qicharts2 ~19 series/s at 52 ms each: "
        f"{rate * 0.052:,.0f}x); goal < {GOAL_P_SECONDS} s: "
        f"{'met' if p_time < GOAL_P_SECONDS else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
