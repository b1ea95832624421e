"""PDSA cycles on a control chart: a dotted rule, a square on the top edge and the title."""

from __future__ import annotations

from datetime import date

from convene.charts.render import to_svg
from convene.charts.specs import CYCLE, chart_rows, control_chart
from convene.spc import assess

STARTS = [date(2025, 1 + i, 1) for i in range(10)]
CYCLES = [
    {"x": "2025-03-01T00:00", "title": "Repeat high readings", "label": "Adopt", "dates": "3 Mar"},
    {"x": "2025-04-01T00:00", "title": "Loan cuffs", "label": "Doing", "dates": "1 Apr"},
    {"x": "2025-06-01T00:00", "title": "Huddles", "label": "Abandon", "dates": "2 Jun"},
]


def _spec(**options):
    result = assess([50.0 + i % 3 for i in range(10)], x=STARTS, chart="i", direction="up")
    return control_chart(chart_rows(result), title="BP", y_title="%", **options)


def _cycle_layers(spec):
    return [layer for layer in spec["layer"] if layer.get("mark", {}).get("color") == CYCLE]


def test_no_cycles_no_cycle_layers():
    assert _cycle_layers(_spec()) == []


def test_each_cycle_is_drawn_at_its_period_with_its_decision_in_the_tooltip():
    layers = _cycle_layers(_spec(cycles=CYCLES))
    kinds = [layer["mark"]["type"] for layer in layers]
    assert kinds == ["rule", "point", "text", "text"]  # two lines of titles: neighbours apart
    rule = layers[0]
    assert [v["x"] for v in rule["data"]["values"]] == [c["x"] for c in CYCLES]
    assert rule["encoding"]["x"] == {"field": "x", "type": "temporal"}
    tooltip = {item["field"]: item["title"] for item in rule["encoding"]["tooltip"]}
    assert tooltip == {"title": "PDSA cycle", "label": "decision", "dates": "dates"}
    assert layers[1]["encoding"]["y"] == {"value": 0}  # on the plot's top edge
    # Titles alternate between two lines, cut to a width on the chart.
    assert [v["slot"] for v in rule["data"]["values"]] == [0, 1, 0]
    assert layers[2]["mark"]["limit"] > 0 and layers[3]["mark"]["dy"] > layers[2]["mark"]["dy"]


def test_a_small_chart_has_the_marks_without_titles():
    layers = _cycle_layers(_spec(cycles=CYCLES, cycle_titles=False))
    assert [layer["mark"]["type"] for layer in layers] == ["rule", "point"]


def test_one_cycle_draws_one_line_of_titles():
    layers = _cycle_layers(_spec(cycles=CYCLES[:1]))
    assert [layer["mark"]["type"] for layer in layers] == ["rule", "point", "text"]


def test_the_svg_file_carries_the_cycles_titles():
    svg = to_svg(_spec(cycles=CYCLES))
    assert "Repeat high readings" in svg or "Repeat high" in svg
    assert "Huddles" in svg
