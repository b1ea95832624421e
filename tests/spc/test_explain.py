"""Plain-language explanations, their direction wording and the gettext hook."""

from __future__ import annotations

from convene.spc import explain, funnel, ihi_rules, nhs_xmr, qic

SHIFT = [10.0, 11, 9, 10, 11, 9, 14, 15, 14, 16, 15, 14, 15, 16, 14, 15, 16, 14]


def test_run_chart_shift_sentence_and_direction() -> None:
    res = qic(None, SHIFT, chart="run", cl=12)
    assert res.runs_signal
    up = explain(res, direction="up")
    assert any("points in a row above the median: a shift." in s for s in up)
    assert any("This is an improvement." in s for s in up)
    down = explain(res, direction="down")
    assert any("This is a deterioration." in s for s in down)
    neutral = explain(res)
    assert not any("improvement" in s or "deterioration" in s for s in neutral)


def test_exact_sentence_for_eight_above() -> None:
    y = [5.0, 1] * 5 + [5.0] * 8
    res = qic(None, y, chart="run", cl=3)
    assert "8 points in a row above the median: a shift." in explain(res)


def test_sigma_signal_and_no_signal() -> None:
    res = qic(None, [10.0, 11, 9, 10, 11, 9, 10, 40, 10, 11, 9, 10], chart="i")
    text = explain(res, direction="down")
    assert (
        "8: above the upper control limit, special cause variation. This is a deterioration."
        in text
    )
    calm = qic(None, [10.0, 11, 9, 10, 11, 9, 10, 11, 10, 9], chart="i")
    assert explain(calm) == ["No signal: the variation is consistent with common causes only."]


def test_phases_and_too_few_points() -> None:
    res = qic(None, [*SHIFT, 5.0], chart="i", part=[18])
    text = explain(res)
    assert any(s.startswith("Phase 2: Too few points") for s in text)


def test_gettext_is_applied_to_templates() -> None:
    seen: list[str] = []

    def fake_gettext(s: str) -> str:
        seen.append(s)
        return "»" + s

    res = qic(None, SHIFT, chart="run", cl=12)
    text = explain(res, direction="up", gettext=fake_gettext)
    assert any(s == "{count} points in a row above the median: a shift." for s in seen)
    assert all(s.startswith("»") for s in text)
    assert any("»This is an improvement." in s for s in text)


def test_ihi_nhs_and_funnel_explanations() -> None:
    ihi = explain(ihi_rules([1.0, 2, 3, 4, 5, 6, 3, 3], direction="up"))
    assert "6 points in a row going up: a trend. This is an improvement." in ihi
    nhs = explain(
        nhs_xmr([10.0, 12, 9, 11, 10, 13, 8, 11, 10, 12, 9, 11, 10, 40], direction="down", target=5)
    )
    assert "Special cause variation: a concern, with higher values." in nhs
    assert any(s.startswith("The target will not be met") for s in nhs)
    fun = explain(funnel([5, 20, 90, 30], [50, 100, 300, 100], labels=list("ABCD")), direction="up")
    assert any(s.startswith("A is below") and s.endswith("Worse than expected.") for s in fun)


def test_consecutive_points_outside_the_limits_share_one_sentence() -> None:
    import datetime as dt

    y = [10.0, 11, 9, 10, 11, 9, 10, 11, 10, 9, 10, 11, 30, 31, 32, 10]
    xs = [dt.date(2025, 1, 1) + dt.timedelta(days=31 * i) for i in range(len(y))]
    res = qic([x.replace(day=1) for x in xs], y, chart="i", freeze=12)
    text = explain(res, direction="up", format_x=lambda x: x.strftime("%B %Y"))
    assert (
        "January 2026 to March 2026: 3 points in a row above the upper control limit, "
        "special cause variation. This is an improvement."
    ) in text


def test_nhs_explanation_names_the_rule_that_decided_each_point() -> None:
    # NHSRplotthedots' reference case: the last 7 points rise strictly below the mean, a run
    # and a two-of-three below it as well; the trend decides, and higher is better.
    y = [119.0, 123, 118, 121, 117, 122, 120, 116, 123, 119, 121, 117, 122, 120, 118, 123, 123]
    nhs = explain(nhs_xmr([*y, 111.5, 112.5, 114, 115.5, 117, 118, 118.5], direction="up"))
    assert nhs == [
        "A trend: 7 or more points going steadily up or down.",
        "Special cause variation: an improvement, with higher values.",
    ]
