"""The time axis of the control chart: month ticks, each month named once, as the other charts."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest

from convene.charts.render import to_svg
from convene.charts.specs import chart_rows, control_chart, strata_chart
from convene.spc import assess


def _months(count: int) -> list[date]:
    """Monthly period starts from January 2025."""
    return [date(2025 + i // 12, i % 12 + 1, 1) for i in range(count)]


def _weeks(count: int, first: date = date(2025, 11, 5)) -> list[date]:
    return [first + timedelta(weeks=i) for i in range(count)]


def _chart(starts: list[date]) -> dict:
    figures = [50.0 + (i * 7) % 11 for i in range(len(starts))]
    result = assess(figures, x=starts, chart="i", direction="up", freeze=len(starts) // 2)
    return control_chart(chart_rows(result), title="Blood pressure control", y_title="%", goal=60)


def _x_encodings(spec: dict) -> list[dict]:
    return [
        layer["encoding"]["x"]
        for layer in spec["layer"]
        if layer["encoding"].get("x", {}).get("field") == "x"
    ]


def _x_labels(svg: str) -> list[str]:
    """Every label of the time axis, those Vega hides to avoid overlaps too."""
    labels = []
    for group in re.findall(r'role-axis-label".*?</g>', svg, re.S):
        labels += re.findall(r"<text[^>]*>([^<]*)</text>", group)
    return [label for label in labels if not re.fullmatch(r"[\d.]+", label)]  # not the y axis


def test_the_control_chart_ticks_months_on_the_span_of_its_periods() -> None:
    encodings = _x_encodings(_chart(_months(24)))
    assert len(encodings) == 5  # upper and lower limits, centre line, line, points
    for x in encodings:
        assert x["axis"] == {"format": "%b %y", "tickCount": {"interval": "month", "step": 2}}
        assert x["scale"] == {"domain": ["2025-01-01T00:00", "2026-12-01T00:00"]}
        assert x["type"] == "temporal"
        assert x["title"] is None


def test_the_control_chart_lines_up_with_the_chart_by_group() -> None:
    starts = _months(24)
    dates = [start.isoformat() for start in starts]
    groups = strata_chart([], groups=["A", "B"], dates=dates, y_title="%")
    x = _x_encodings(_chart(starts))[0]
    assert x == groups["encoding"]["x"]


@pytest.mark.parametrize(
    ("months", "step"), [(6, 1), (12, 1), (13, 2), (24, 2), (30, 3), (60, 6), (100, 12)]
)
def test_month_ticks_are_a_dozen_at_most_and_evenly_spaced(months: int, step: int) -> None:
    x = _x_encodings(_chart(_months(months)))[0]
    assert x["axis"]["tickCount"] == {"interval": "month", "step": step}
    assert 12 % step == 0  # every fifth month would be Jan, Jun, Nov, Jan


def test_a_hundred_days_of_weekly_periods_are_ticked_on_the_periods_starts() -> None:
    x = _x_encodings(_chart(_weeks(10)))[0]
    assert x["axis"] == {
        "format": "%-d %b",
        "values": [f"{start}T00:00" for start in _weeks(10)],
    }
    x = _x_encodings(_chart(_weeks(15)))[0]
    assert x["axis"]["values"] == [f"{start}T00:00" for start in _weeks(15)[::2]]


def test_a_long_run_of_weekly_periods_gets_month_ticks() -> None:
    x = _x_encodings(_chart(_weeks(40, first=date(2025, 3, 3))))[0]
    # March to December: ten months, one tick each, not one every four months.
    assert x["axis"] == {"format": "%b %y", "tickCount": {"interval": "month", "step": 1}}


def test_a_chart_without_periods_still_has_a_time_axis() -> None:
    spec = control_chart([], title="", y_title="%")
    x = {"field": "x", "type": "temporal", "title": None, "axis": {"format": "%b %y"}}
    assert all(encoding == x for encoding in _x_encodings(spec))


@pytest.mark.parametrize(
    ("starts", "most"),
    [(_months(24), 12), (_months(6), 6), (_weeks(10), 10)],
    ids=["24 months", "6 months", "10 weeks"],
)
def test_the_drawn_axis_names_each_period_once(starts: list[date], most: int) -> None:
    labels = _x_labels(to_svg(_chart(starts)))
    assert labels, "no time axis labels found"
    assert [label for label, count in Counter(labels).items() if count > 1] == []
    assert len(labels) <= most


def test_a_small_chart_names_few_months_and_none_twice() -> None:
    """A small multiple is a third of the page wide: four month labels, level, not a dozen."""
    starts = _months(22)
    figures = [50.0 + (i * 7) % 11 for i in range(len(starts))]
    result = assess(figures, x=starts, chart="i", direction="up", freeze=11)
    spec = control_chart(chart_rows(result), title="", y_title="%", height=120, ticks=4)
    assert "title" not in spec  # the card's heading names the team, once
    labels = _x_labels(to_svg({**spec, "width": 300}))
    assert 2 <= len(labels) <= 4, labels
    assert len(set(labels)) == len(labels), labels


def test_months_are_named_in_the_readers_language() -> None:
    from django.utils import translation

    with translation.override("es"):
        svg = to_svg(_chart(_months(12)))
    labels = _x_labels(svg)
    assert "ene 25" in labels and "abr 25" in labels, labels
    with translation.override("en"):
        assert "Jan 25" in _x_labels(to_svg(_chart(_months(12))))
