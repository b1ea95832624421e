"""IHI run-chart rules, NHS Making Data Count rules and icons, the funnel helper."""

from __future__ import annotations

import math

import pytest

from convene.spc import funnel, ihi_rules, ihi_runs_limits, nhs_xmr

# ------------------------------------------------------------------------------------- IHI


@pytest.mark.parametrize(
    ("n", "limits"),
    [(10, (3, 9)), (15, (5, 12)), (16, (5, 13)), (20, (7, 15)), (24, (8, 18))]
    + [(30, (11, 21)), (60, (24, 38))],
)
def test_ihi_runs_limits(n: int, limits: tuple[int, int]) -> None:
    assert ihi_runs_limits(n) == limits


def test_ihi_runs_limits_are_symmetric_tails() -> None:
    # With an even split the run-count distribution is symmetric about n/2 + 1.
    for n in range(4, 80, 2):
        lo, hi = ihi_runs_limits(n)
        assert lo + hi == n + 2, n


def test_ihi_shift_uses_the_median() -> None:
    res = ihi_rules([1, 2, 1, 2, 1, 2, 3, 8, 8, 3.0, 8, 8, 8, 8, 8, 8], direction="up")
    assert res.median == 5.5
    shifts = [(s.side, s.length, s.assessment) for s in res.signals if s.rule == "shift"]
    assert shifts == [(-1, 7, "deterioration"), (1, 6, "improvement")]


def test_ihi_shift_counts_useful_points_only() -> None:
    # Points on the centre line neither break nor extend a shift.
    y = [1.0, 1, 1, 1, 1, 1, 4, 6, 6, 6, 4, 6, 6, 6]
    res = ihi_rules(y, cl=4.0, direction="down")
    shift = next(s for s in res.signals if s.rule == "shift" and s.side == 1)
    assert (shift.first, shift.last, shift.length) == (7, 13, 6)
    assert shift.assessment == "deterioration"
    low = next(s for s in res.signals if s.rule == "shift" and s.side == -1)
    assert low.length == 6 and low.assessment == "improvement"
    six = ihi_rules([1.0, 1, 1, 1, 1, 4, 1, 6, 6], cl=4.0)
    assert [s.length for s in six.signals if s.rule == "shift"] == [6]
    five = ihi_rules([1.0, 1, 1, 4, 1, 1, 6, 6], cl=4.0)
    assert not any(s.rule == "shift" for s in five.signals)


def test_ihi_trend_ties_neither_make_nor_break() -> None:
    res = ihi_rules([1.0, 2, 2, 3, 4, 4, 5, 0, 9, 0, 9])
    trend = next(s for s in res.signals if s.rule == "trend")
    assert trend.length == 5 and trend.side == 1
    assert res.trend_points[:7] == [True] * 7
    none = ihi_rules([1.0, 2, 2, 3, 4, 4, 1])  # only 4 distinct rising values
    assert not any(s.rule == "trend" for s in none.signals)


def test_ihi_runs_too_few_and_too_many() -> None:
    few = ihi_rules([1.0] * 10 + [9.0] * 10)
    assert few.too_few_runs and few.n_runs == 2 and few.runs_lower == 7
    many = ihi_rules([1.0, 9.0] * 10)
    assert many.too_many_runs and many.n_runs == 20 and many.runs_upper == 15
    ok = ihi_rules([1.0, 9, 9, 1, 1, 9, 1, 9, 9, 1, 9, 1, 1, 9, 1, 9, 9, 1, 1, 9])
    assert not ok.too_few_runs and not ok.too_many_runs


# ------------------------------------------------------------------------------------- NHS


BASE = [10.0, 12, 9, 11, 10, 13, 8, 11, 10, 12, 9, 11, 10, 12, 9, 11]


def test_nhs_limits_and_common_cause() -> None:
    res = nhs_xmr(BASE, direction="up", target=30)
    p = res.points[0]
    mean = sum(BASE) / len(BASE)
    mrs = [abs(a - b) for a, b in zip(BASE[1:], BASE[:-1], strict=True)]
    amr = sum(mrs) / len(mrs)
    kept = [m for m in mrs if m < 3.267 * amr]
    amr = sum(kept) / len(kept)
    assert math.isclose(p["mean"], mean)
    assert math.isclose(p["upl"], mean + 2.66 * amr)
    assert math.isclose(p["near_upl"], mean + 2 / 3 * 2.66 * amr)
    assert res.variation_icon == "common_cause"
    assert res.assurance_icon == "consistent_fail"  # target above the upper limit, up is good
    assert nhs_xmr(BASE, direction="down", target=30).assurance_icon == "consistent_pass"
    assert nhs_xmr(BASE, direction="up", target=0).assurance_icon == "consistent_pass"
    assert nhs_xmr(BASE, direction="up", target=10.5).assurance_icon == "inconsistent"
    assert nhs_xmr(BASE, target=10.5).assurance_icon is None  # needs a direction
    assert nhs_xmr(BASE, direction="up").assurance_icon is None  # needs a target


def test_nhs_outside_limits_and_icons() -> None:
    res = nhs_xmr([*BASE, 40.0], direction="up")
    assert res.points[-1]["outside"] and res.variation_icon == "improvement_high"
    assert nhs_xmr([*BASE, 40.0], direction="down").variation_icon == "concern_high"
    assert nhs_xmr([*BASE, -20.0]).variation_icon == "neutral_low"


def test_nhs_trend_of_seven() -> None:
    y = [*BASE, 8, 9, 10, 11, 12, 13, 14]
    res = nhs_xmr(y, direction="down")
    assert all(p["trend"] for p in res.points[-7:])
    assert not res.points[-8]["trend"]
    assert res.variation_icon == "concern_high"
    broken = nhs_xmr([*BASE, 8, 9, 10, 10, 11, 12, 13], direction="down")
    assert not any(p["trend"] for p in broken.points)


def test_nhs_two_in_three_close_to_limit() -> None:
    res0 = nhs_xmr(BASE)
    near = res0.points[0]["near_upl"]
    upl = res0.points[0]["upl"]
    close = (near + upl) / 2
    # BASE's mean is 10.5: the middle point just above it, on it, just below it.
    res = nhs_xmr([*BASE, close, 10.6, close], fix_after_n_points=16)
    assert [p["two_in_three"] for p in res.points[-3:]] == [True, False, True]
    assert not res.points[-2]["special_cause"]
    # All three must be on one side of the mean (NHSRplotthedots 0.2.2).
    for middle in (10.5, 10.4):
        res = nhs_xmr([*BASE, close, middle, close], fix_after_n_points=16)
        assert not any(p["special_cause"] for p in res.points[-3:])


def test_nhs_run_of_seven_broken_by_mean() -> None:
    base = [10.0, 12.0] * 8  # mean 11
    res = nhs_xmr([*base, 11.5] * 1 + [11.5] * 6, fix_after_n_points=16, direction="up")
    assert all(p["run"] for p in res.points[-7:])
    broken = nhs_xmr([*base, 11.5, 11.5, 11.5, 11.0, 11.5, 11.5, 11.5], fix_after_n_points=16)
    assert not any(p["run"] for p in broken.points)


def test_nhs_rebase_and_warning() -> None:
    res = nhs_xmr(BASE + [v + 20 for v in BASE], rebase=[16])
    assert {p["group"] for p in res.points} == {1, 2}
    assert res.points[0]["mean"] != res.points[-1]["mean"]
    assert nhs_xmr(BASE[:8]).warnings
    with pytest.raises(ValueError, match="at least 12"):
        nhs_xmr(BASE, fix_after_n_points=5)


# ---------------------------------------------------------------------------------- funnel


def test_funnel_pooled_centre_and_limits() -> None:
    y = [5, 20, 90, 30]
    n = [50, 100, 300, 100]
    res = funnel(y, n, chart="p", labels=["A", "B", "C", "D"], direction="up")
    c = sum(y) / sum(n)
    assert math.isclose(res.centre or 0, c)
    lo, hi = res.limits(100, 3)
    sd = math.sqrt(c * (1 - c) / 100)
    assert math.isclose(lo or 0, c - 3 * sd) and math.isclose(hi or 0, c + 3 * sd)
    units = {u["label"]: u for u in res.units}
    assert units["A"]["side_2sigma"] == -1 and units["A"]["assessment"] == "worse"
    assert res.outside == [u["label"] for u in res.units if u["side_3sigma"]]
    assert len(res.curve(10)) == 10


def test_funnel_u_rates_and_bad_input() -> None:
    res = funnel([3, 4, 30], [1000, 1200, 1500], chart="u", multiply=1000)
    assert math.isclose(res.centre or 0, 37 / 3700 * 1000)
    assert res.units[2]["outside"] and res.units[2]["side"] == 1
    zero = funnel([1, 2], [0, 10], chart="u")
    assert zero.units[0]["value"] is None and math.isclose(zero.centre or 0, 0.2)
    with pytest.raises(ValueError, match="position 1: numerator 12 is larger"):
        funnel([1, 12], [10, 10])
    with pytest.raises(ValueError, match="same length"):
        funnel([1, 2], [10])
