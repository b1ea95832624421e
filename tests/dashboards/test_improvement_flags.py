"""The fast count of improving teams agrees with the one-chart path, series by series."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from convene.dashboards.team import Phase, Series, chart_for, improvement_flags
from convene.measures.models import Metric, ReportingPeriod

MONTHS = [date(2024 + (m // 12), m % 12 + 1, 1) for m in range(25)]
PERIODS = [
    ReportingPeriod(starts_on=start, ends_on=end - timedelta(days=1), is_baseline=m < 6)
    for m, (start, end) in enumerate(zip(MONTHS, MONTHS[1:], strict=False))
]

KINDS = {
    "p": Metric.Kind.PROPORTION,
    "u": Metric.Kind.RATE,
    "c": Metric.Kind.COUNT,
    "i": Metric.Kind.CONTINUOUS,
    "run": Metric.Kind.PROPORTION,
}


@st.composite
def team_series(draw, metric: Metric, length: int) -> Series:
    level = draw(st.integers(20, 60))
    shift = draw(st.integers(-25, 25))
    change_at = draw(st.integers(0, length))
    noise = draw(st.lists(st.integers(-8, 8), min_size=length, max_size=length))
    gaps = draw(st.sets(st.integers(0, length - 1), max_size=4))
    # An occasional outlier, in the baseline or after it, on either side.
    spikes = draw(
        st.dictionaries(st.integers(0, length - 1), st.sampled_from([-35, 35]), max_size=2)
    )
    numerators: list[float | None] = []
    denominators: list[float | None] = []
    for i in range(length):
        if i in gaps:
            numerators.append(None)
            denominators.append(None)
            continue
        value = max(0, level + noise[i] + spikes.get(i, 0) + (shift if i >= change_at else 0))
        numerators.append(float(min(value, 100)))
        denominators.append(100.0 if metric.has_denominator else None)
    excluded = draw(st.sets(st.integers(0, length - 1), max_size=2)) if draw(st.booleans()) else []
    series = Series(metric, PERIODS[:length], numerators, denominators, sorted(excluded))
    # Now and then a team has started new phases of its chart (before, at or after the
    # baseline's end): such a series is judged on its own.
    if draw(st.integers(0, 3)) == 0:
        starts = draw(st.sets(st.integers(1, length - 1), min_size=1, max_size=2))
        series.phases = [Phase(i, PERIODS[i].label, "") for i in sorted(starts)]
    return series


@st.composite
def collaboratives(draw):
    chart = draw(st.sampled_from(sorted(KINDS)))
    metric = Metric(kind=KINDS[chart], chart=chart, direction=draw(st.sampled_from(["up", "down"])))
    length = draw(st.integers(8, len(PERIODS)))
    teams = draw(st.lists(team_series(metric, length), min_size=1, max_size=6))
    rules = draw(st.sampled_from(["anhoej", "anhoej", "ihi", "nhs"]))
    return teams, rules


@settings(max_examples=150)
@given(collaboratives())
def test_fast_flags_match_each_chart(case):
    teams, rules = case
    expected = [chart_for(series, rules=rules).improving for series in teams]
    assert improvement_flags(teams, rules) == expected


def test_a_clear_shift_up_counts_only_where_up_is_better():
    up = Metric(kind=Metric.Kind.PROPORTION, chart="p", direction="up")
    rising = [40.0] * 6 + [70.0] * 10
    flat = [float(v) for v in (40, 42, 39, 41, 40, 38, 41, 40, 42, 39, 41, 40, 39, 42, 40, 41)]
    series = [
        Series(up, PERIODS[:16], rising, [100.0] * 16),
        Series(up, PERIODS[:16], flat, [100.0] * 16),
        Series(up, PERIODS[:16], [None] * 16, [None] * 16),
    ]
    assert improvement_flags(series, "anhoej") == [True, False, False]
    down = Metric(kind=Metric.Kind.PROPORTION, chart="p", direction="down")
    for s in series:
        s.metric = down
    assert improvement_flags(series, "anhoej") == [False, False, False]
