"""Funnel plots that allow for overdispersion: the automatic choice, the limits a chart draws,
what a funnel says about its units, and properties of the limits."""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convene.spc import explain, funnel
from convene.spc.funnel import LEVELS, FunnelResult

CASES = Path(__file__).resolve().parent / "reference" / "funnel" / "cases"
METHODS = [
    ("p", "plain", None),
    ("p", "laney", None),
    ("p", "spiegelhalter", "arcsine"),
    ("u", "plain", None),
    ("u", "laney", None),
    ("u", "spiegelhalter", "sqrt"),
    ("u", "spiegelhalter", "log"),
]


def _case(name: str) -> tuple[list[float], list[float], list[str]]:
    with (CASES / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return (
        [float(r["numerator"]) for r in rows],
        [float(r["denominator"]) for r in rows],
        [r["unit"] for r in rows],
    )


def test_auto_widens_the_limits_when_the_units_differ_more_than_chance() -> None:
    y, n, labels = _case("prop_large_n_overdispersed")
    plain = funnel(y, n, labels=labels)
    assert len(plain.outside) == 17  # of 22 trusts "outside the 3-sigma limits"
    res = funnel(y, n, labels=labels, method="auto", direction="down")
    assert (res.requested, res.method, res.transform) == ("auto", "spiegelhalter", "arcsine")
    assert res.adjusted and res.tau2 and res.tau2 > 0
    assert res.phi is not None and round(res.phi, 2) == 50.75
    assert res.levels == ("95", "998")
    assert (res.above, res.below) == (["Trust L"], ["Trust D"])
    assert res.outside == ["Trust D", "Trust L"]  # unit order
    sentences = explain(res, direction="down")
    assert sentences[0] == (
        "Random-effects funnel (Spiegelhalter): the limits allow for overdispersion, "
        "φ = 50.7, τ² = 0.000582."
    )
    assert (
        "Trust L is above the upper 99.8 % limit: special cause variation. "
        + ("Worse than expected.")
        in sentences
    )
    assert "Trust S is below the lower 95 % limit: a possible outlier. Better than expected." in (
        sentences
    )


def test_auto_keeps_plain_limits_without_overdispersion_and_says_so() -> None:
    y, n, labels = _case("prop_no_overdispersion")
    res = funnel(y, n, labels=labels, method="auto")
    assert (res.method, res.tau2, res.adjusted) == ("plain", 0.0, False)
    assert res.phi is not None and round(res.phi, 3) == 0.881
    plain = funnel(y, n, labels=labels, levels=("95", "998"))
    assert [u["lcl_95"] for u in res.units] == [u["lcl_95"] for u in plain.units]
    assert (res.above, res.below) == ([], [])
    assert explain(res)[0] == "No overdispersion (φ = 0.881): the limits are not widened."


def test_laney_names_its_sigma_z() -> None:
    y, n, labels = _case("rate_overdispersed")
    res = funnel(y, n, chart="u", labels=labels, method="laney")
    assert res.levels == ("2sigma", "3sigma") and res.adjusted
    assert explain(res)[0] == "Laney's funnel: the limits are multiplied by σz = 3.21."
    assert res.above == ["Hospital O"] and res.below == []


def test_laney_sigma_z_below_one_narrows_the_limits() -> None:
    # Less spread than chance gives: σz is not floored at 1, so the limits are narrower.
    y, n = [49, 101, 150, 199], [1000, 2000, 3000, 4000]
    laney = funnel(y, n, method="laney")
    plain = funnel(y, n)
    assert laney.sigma_z is not None and laney.sigma_z < 1
    for lu, pu in zip(laney.units, plain.units, strict=True):
        assert pu["lcl_3sigma"] < lu["lcl_3sigma"] < lu["ucl_3sigma"] < pu["ucl_3sigma"]


def test_the_square_root_rate_funnel_does_not_flag_a_tiny_unit_for_having_no_events() -> None:
    y, n, labels = _case("rate_overdispersed")
    default = funnel(y, n, chart="u", labels=labels, method="spiegelhalter", multiply=1000)
    assert default.transform == "sqrt"
    assert default.below == ["Hospital G"] and default.above == ["Hospital O"]
    shmi = funnel(y, n, chart="u", labels=labels, method="spiegelhalter", transform="log")
    assert shmi.below == ["Hospital G", "Hospital L"]  # 0 events in 205 patient-days
    assert shmi.k == 16 and default.k == 19


def test_a_small_units_arcsine_limits_do_not_fold_back() -> None:
    # Centre 2 %, a unit of 10: θ0 − q·s is below 0; sin² would fold it back to a lower limit
    # of 11 %, far above the centre, and flag the unit's 0 %. Clamped, the lower limit is 0.
    res = funnel([0, 20, 25], [10, 1000, 1000], method="spiegelhalter", labels=list("ABC"))
    small = res.units[0]
    assert small["lcl_998"] == 0 and small["lcl_95"] == 0 and small["side_998"] == 0
    assert res.below == []
    # The same near 1: the upper limit is 1, not folded below the centre.
    high = funnel([10, 980, 975], [10, 1000, 1000], method="spiegelhalter").units[0]
    assert high["ucl_998"] == 1 and high["side_998"] == 0


def test_a_unit_without_a_denominator_is_left_out_of_phi() -> None:
    y, n, labels = _case("prop_large_n_overdispersed")
    full = funnel(y, n, labels=labels, method="spiegelhalter")
    gap = funnel(y[:3] + [None] + y[3:], n[:3] + [0] + n[3:], method="spiegelhalter")
    assert gap.phi == full.phi and gap.tau2 == full.tau2
    assert gap.units[3]["value"] is None and gap.units[3]["z"] is None
    assert [u["z"] for u in gap.units[:3] + gap.units[4:]] == [u["z"] for u in full.units]


@pytest.mark.parametrize(("chart", "method", "transform"), METHODS)
def test_the_curve_draws_each_units_limits(chart: str, method: str, transform: str) -> None:
    y, n, labels = _case("rate_overdispersed" if chart == "u" else "prop_small_n_zero")
    res = funnel(y, n, chart=chart, labels=labels, method=method, transform=transform)
    curve = res.curve(40)
    assert len(curve) == 40
    smallest = min(res.units, key=lambda u: u["n"])
    largest = max(res.units, key=lambda u: u["n"])
    for row, unit in ((curve[0], smallest), (curve[-1], largest)):
        assert math.isclose(row["n"] or 0, unit["n"])
        for level in LEVELS:
            for side in ("lcl", "ucl"):
                want = unit[f"{side}_{level}"]
                assert math.isclose(row[f"{side}_{level}"] or 0, want, abs_tol=1e-12)
    for before, after in zip(curve, curve[1:], strict=False):
        for level in LEVELS:
            assert (before[f"lcl_{level}"] or 0) <= (after[f"lcl_{level}"] or 0) + 1e-12
            assert (before[f"ucl_{level}"] or 0) >= (after[f"ucl_{level}"] or 0) - 1e-12


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="method must be one of"):
        funnel([1, 2], [10, 20], method="random")
    with pytest.raises(ValueError, match="does not fit a p funnel"):
        funnel([1, 2], [10, 20], method="spiegelhalter", transform="log")
    with pytest.raises(ValueError, match="levels must be two of"):
        funnel([1, 2], [10, 20], levels=("95", "99"))


def test_no_events_anywhere_gives_rates_no_random_effects() -> None:
    res = funnel([0, 0], [100, 200], chart="u", method="auto")
    assert res.method == "plain" and res.phi is None and res.outside == []


# ------------------------------------------------------------------------------ properties

UNITS = st.lists(
    st.tuples(st.integers(1, 5000), st.floats(0.02, 0.98)), min_size=3, max_size=12
).map(lambda units: ([max(1, round(n * p)) for n, p in units], [float(n) for n, _p in units]))


def _widths(res: FunnelResult, n: float) -> list[tuple[float, float]]:
    out = []
    for level in LEVELS:
        lo, hi = res.limits(n, level)
        assert lo is not None and hi is not None
        out.append((lo, hi))
    return out


@settings(max_examples=60, deadline=None)
@given(
    units=UNITS,
    n=st.floats(1, 1e5),
    taus=st.tuples(st.floats(0, 0.5), st.floats(0, 0.5)).map(sorted),
    which=st.sampled_from([m for m in METHODS if m[1] == "spiegelhalter"]),
)
def test_limits_widen_as_tau2_grows(units, n, taus, which) -> None:
    y, ns = units
    res = funnel(y, ns, chart=which[0], method="spiegelhalter", transform=which[2])
    assert res.centre
    narrow = _widths(dataclasses.replace(res, tau2=taus[0] ** 2), n)
    wide = _widths(dataclasses.replace(res, tau2=taus[1] ** 2), n)
    for (lo1, hi1), (lo2, hi2) in zip(narrow, wide, strict=True):
        assert lo2 <= lo1 + 1e-12 and hi2 >= hi1 - 1e-12


@settings(max_examples=60, deadline=None)
@given(units=UNITS, ns=st.tuples(st.floats(1, 1e5), st.floats(1, 1e5)).map(sorted))
def test_limits_narrow_as_n_grows_for_every_method(units, ns) -> None:
    y, n = units
    for chart, method, transform in METHODS:
        res = funnel(y, n, chart=chart, method=method, transform=transform)
        if not res.centre:
            continue
        for (lo1, hi1), (lo2, hi2) in zip(_widths(res, ns[0]), _widths(res, ns[1]), strict=True):
            assert lo1 <= lo2 + 1e-12 and hi1 >= hi2 - 1e-12
            assert lo2 <= res.centre <= hi2
