"""Anhøj's runs analysis: thresholds and a vectorised test over many series.

A *run* is a sequence of consecutive useful points on the same side of the centre line; a
*crossing* is a change of side between two consecutive useful points. Points exactly on the
centre line, and missing values, are not useful: they neither break nor extend a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "RunsStats",
    "anhoej_thresholds",
    "longest_run_max",
    "longest_run_sides",
    "longest_segment",
    "n_crossings_min",
    "runs_analysis",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


def longest_run_max(n_useful: int) -> int:
    """Largest run length that is still random for ``n_useful`` useful points.

    ``round(log2(n)) + 3``. Computed exactly on integers: round(log2 n) = k exactly when
    2^(2k-1) <= n^2 < 2^(2k+1), i.e. k is half the bit length of n^2. This avoids any
    floating-point doubt near the .5 boundary (which log2 of an integer never hits anyway).
    """
    if n_useful < 1:
        raise ValueError(f"n_useful must be at least 1, got {n_useful}")
    return (n_useful * n_useful).bit_length() // 2 + 3


@lru_cache(maxsize=4096)
def n_crossings_min(n_useful: int) -> int:
    """Fewest crossings that are still random for ``n_useful`` useful points.

    The 5 % quantile of Binomial(n_useful - 1, 0.5): the smallest k with P(X <= k) >= 0.05,
    i.e. 20 * sum_{i<=k} C(m, i) >= 2^m with m = n_useful - 1, evaluated in exact integers
    so that no floating-point fuzz can move a threshold.
    """
    if n_useful < 1:
        raise ValueError(f"n_useful must be at least 1, got {n_useful}")
    m = n_useful - 1
    total = 1 << m
    coef = 1
    acc = 0
    for k in range(m + 1):
        acc += coef
        if 20 * acc >= total:
            return k
        coef = coef * (m - k) // (k + 1)
    return m  # pragma: no cover - the loop always returns (acc reaches total)


def anhoej_thresholds(n_useful: int) -> tuple[int, int]:
    """Return ``(longest_run_max, n_crossings_min)`` for ``n_useful`` useful points."""
    return longest_run_max(n_useful), n_crossings_min(n_useful)


@lru_cache(maxsize=64)
def _threshold_tables(size: int) -> tuple[IntArray, IntArray]:
    """Threshold lookup arrays indexed by n_useful = 0..size (index 0 is a placeholder)."""
    lr = np.zeros(size + 1, dtype=np.int64)
    nc = np.zeros(size + 1, dtype=np.int64)
    for k in range(1, size + 1):
        lr[k] = longest_run_max(k)
        nc[k] = n_crossings_min(k)
    lr.flags.writeable = False
    nc.flags.writeable = False
    return lr, nc


@dataclass(frozen=True)
class RunsStats:
    """Runs statistics for S series (1-D arrays of length S; NaN where n_useful is 0)."""

    n_obs: IntArray
    n_useful: IntArray
    longest_run: FloatArray
    longest_run_max: FloatArray
    n_crossings: FloatArray
    n_crossings_min: FloatArray
    runs_signal: BoolArray


def runs_analysis(y: FloatArray, cl: FloatArray, include: BoolArray) -> RunsStats:
    """Anhøj's rules for each row of ``y`` (S x L) against the centre line ``cl`` (S x L).

    ``include`` (length L) selects the points that take part; all of them are tested, baseline
    or not. Fully vectorised: the cost is a handful of passes over the S x L array, and the
    memory is a few arrays of that size.
    """
    s_count, length = y.shape
    with np.errstate(invalid="ignore"):
        sign = np.sign(y - cl)
    sign = np.where(include[None, :], sign, np.nan)
    useful = np.isfinite(sign) & (sign != 0)
    s0 = np.where(useful, sign, 0.0)
    n_useful = useful.sum(axis=1).astype(np.int64)
    n_obs = np.full(s_count, int(include.sum()), dtype=np.int64)
    new_run, counts = _runs(s0, useful)
    n_runs = new_run.sum(axis=1)
    longest = counts.max(axis=1) if counts.size else np.zeros(s_count, dtype=np.int64)

    has = n_useful > 0
    lr_tab, nc_tab = _threshold_tables(max(length, 1))
    lr_max = lr_tab[n_useful]
    nc_min = nc_tab[n_useful]
    n_cross = n_runs - 1
    signal = has & ((longest > lr_max) | (n_cross < nc_min))

    def na(a: NDArray[np.int64]) -> FloatArray:
        return np.where(has, a.astype(np.float64), np.nan)

    return RunsStats(
        n_obs=n_obs,
        n_useful=n_useful,
        longest_run=na(longest),
        longest_run_max=na(lr_max),
        n_crossings=na(n_cross),
        n_crossings_min=na(nc_min),
        runs_signal=signal,
    )


def _runs(s0: FloatArray, useful: BoolArray) -> tuple[BoolArray, IntArray]:
    """Where each run starts, and the useful points of each row's runs (S x L, in order).

    ``s0`` is each point's side (+1/-1, 0 where not useful); ``useful`` marks the points that
    take part. Skipped points neither break nor extend a run.
    """
    s_count, length = s0.shape
    # Sign of the previous useful point, carried forward over skipped points.
    pos = np.where(useful, np.arange(length)[None, :], -1)
    last = np.maximum.accumulate(pos, axis=1) if length else pos
    prev = np.empty_like(last)
    prev[:, :1] = -1
    prev[:, 1:] = last[:, :-1]
    prev_sign = np.where(prev >= 0, np.take_along_axis(s0, np.maximum(prev, 0), axis=1), 0.0)
    new_run = useful & (prev_sign != s0)
    run_id = np.cumsum(new_run, axis=1) - 1
    flat = (np.arange(s_count)[:, None] * max(length, 1) + run_id)[useful]
    counts = np.bincount(flat, minlength=s_count * max(length, 1)).reshape(s_count, -1)
    return new_run, counts


def longest_run_sides(y: FloatArray, cl: FloatArray, include: BoolArray) -> IntArray:
    """The side of each row's longest run (+1 above, -1 below, 0 without runs), vectorised.

    What :func:`longest_segment` says of each row of ``y`` (S x L) against ``cl`` (S x L):
    longest by useful points, the first of equally long runs.
    """
    s_count, length = y.shape
    with np.errstate(invalid="ignore"):
        d = y - cl
    useful = include[None, :] & np.isfinite(d) & (d != 0)
    s0 = np.where(useful, np.sign(np.where(useful, d, 0.0)), 0.0)
    new_run, counts = _runs(s0, useful)
    if not counts.size:
        return np.zeros(s_count, dtype=np.int64)
    longest = counts.argmax(axis=1)  # the first of the longest
    # Each run's side, read where it starts.
    starts = np.zeros((s_count, max(length, 1)))
    rows, cols = np.nonzero(new_run)
    starts[rows, np.cumsum(new_run, axis=1)[rows, cols] - 1] = s0[rows, cols]
    side = starts[np.arange(s_count), longest]
    return np.where(counts.max(axis=1) > 0, side, 0).astype(np.int64)


def run_segments(y: FloatArray, cl: FloatArray, include: BoolArray) -> list[tuple[int, int, int]]:
    """Runs of one series as ``(first_position, last_position, side)`` with side +1/-1.

    Positions are indices into ``y``; skipped points (on the centre line, missing or excluded)
    inside a run do not break it. Used for explanations, not for the statistics.
    """
    segments: list[tuple[int, int, int]] = []
    for i in range(len(y)):
        if not include[i]:
            continue
        d = y[i] - cl[i]
        if not np.isfinite(d) or d == 0:
            continue
        side = 1 if d > 0 else -1
        if segments and segments[-1][2] == side:
            first, _, _ = segments[-1]
            segments[-1] = (first, i, side)
        else:
            segments.append((i, i, side))
    return segments


def longest_segment(
    y: FloatArray, cl: FloatArray, include: BoolArray
) -> tuple[int, int, int] | None:
    """The longest run of one series as ``(first, last, side)``, or None without runs.

    Longest by number of useful points, not by span: skipped points do not count.
    """
    segments = run_segments(y, cl, include)
    if not segments:
        return None
    counts = [
        sum(
            1 for q in range(a, b + 1) if include[q] and np.isfinite(y[q] - cl[q]) and y[q] != cl[q]
        )
        for a, b, _ in segments
    ]
    return segments[int(np.argmax(counts))]
