"""Small helpers shared by the rule modules (not part of the public API)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

_UP = ("up", "increase", "higher", "high", "+")
_DOWN = ("down", "decrease", "lower", "low", "-")


def direction_sign(direction: str | None) -> int:
    """+1 when higher is better, -1 when lower is better, 0 when neutral/unknown."""
    if direction is None:
        return 0
    d = str(direction).strip().lower()
    if d in _UP:
        return 1
    if d in _DOWN:
        return -1
    if d in ("", "neutral", "none"):
        return 0
    raise ValueError(f"direction must be 'up', 'down' or None, got {direction!r}")


def float_array(values: Sequence[object] | NDArray[np.float64], name: str) -> FloatArray:
    """A sequence of numbers (None/NaN = missing) as a float array, naming bad positions."""
    seq = values.tolist() if isinstance(values, np.ndarray) else list(values)
    out = np.empty(len(seq), dtype=np.float64)
    for i, v in enumerate(seq):
        if v is None:
            out[i] = np.nan
        elif isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise ValueError(f"{name} at position {i}: {v!r} is not a number")
        else:
            f = float(v)
            if math.isinf(f):
                raise ValueError(f"{name} at position {i}: infinite values are not allowed")
            out[i] = f
    return out


def assessment(side: int, sign: int, good: str, bad: str) -> str | None:
    """Label a deviation on ``side`` (+1 high, -1 low) given the improvement direction."""
    if sign == 0 or side == 0:
        return None
    return good if side == sign else bad
