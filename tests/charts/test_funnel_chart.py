"""The funnel plot as drawn: every team outside the limits named once, no label over another
or cut at the edge, every team in a tooltip; and the ranked form for phones."""

from __future__ import annotations

import re

from convene.charts.render import to_svg
from convene.charts.specs import funnel_chart, ranked_chart
from convene.spc import funnel

SIDES = {1: "Better than the others", -1: "Worse than the others", 0: "within the limits"}
CHAR = 5.5  # the width of a character of the 10 px labels, at least
LINE = 10  # their height

# Twelve clinics: four large ones above the others and close to one another (their labels
# would pile up beside them, and the largest is at the right edge), two small ones far below.
CLINICS = {
    "Eastside clinic": (900, 0.52),
    "Valley clinic": (1000, 0.40),
    "Hilltop clinic": (1100, 0.395),
    "Riverside clinic": (4000, 0.52),
    "Harbour clinic": (5000, 0.515),
    "Mill clinic": (6000, 0.51),
    "Park clinic": (7000, 0.515),
    "Orchard clinic": (8000, 0.51),
    "Northgate community health centre": (9600, 0.548),
    "Southgate clinic": (9700, 0.549),
    "Westgate clinic": (9800, 0.55),
    "Eastgate clinic": (9900, 0.547),
}


def _result():
    labels = list(CLINICS)
    n = [size for size, _share in CLINICS.values()]
    y = [round(size * share) for size, share in CLINICS.values()]
    return funnel(y, n, chart="p", labels=labels, multiply=100, direction="up")


def _spec(result):
    return funnel_chart(
        result,
        title="Teams compared, August 2026 to October 2026",
        subtitle=["Plain limits", "Dotted lines: 2σ limits; dashed lines: 3σ limits"],
        y_title="%",
        x_title="denominator",
        side_names=SIDES,
    )


def _labels(svg: str) -> list[tuple[str, float, float, float]]:
    """Each text mark drawn in the plot: its text, left and right edge, and middle (absolute)."""
    plot_x, plot_y = map(
        float, re.search(r'transform="translate\(([\d.]+),([\d.]+)\)"', svg).groups()
    )
    labels = []
    for attributes, text in re.findall(r"<text([^>]*text mark[^>]*)>([^<]*)</text>", svg):
        anchor = re.search(r'text-anchor="(\w+)"', attributes).group(1)
        x, y = map(float, re.search(r"translate\(([-\d.]+),([-\d.]+)\)", attributes).groups())
        x += plot_x
        width = len(text) * CHAR
        left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
        labels.append((text, left, left + width, y + plot_y))
    return labels


def test_every_team_outside_is_named_once_and_no_label_covers_another_or_is_cut():
    result = _result()
    assert len(result.outside) == 7  # the four large clinics, three others below
    svg = to_svg(_spec(result))
    width = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
    labels = _labels(svg)
    assert sorted(text for text, *_ in labels) == sorted(result.outside)
    for text, left, right, _middle in labels:
        assert left >= 0 and right <= width, f"{text} is cut at the edge"
    for i, (text, left, right, middle) in enumerate(labels):
        for other, o_left, o_right, o_middle in labels[i + 1 :]:
            covers = left < o_right and o_left < right and abs(middle - o_middle) < LINE
            assert not covers, f"{text} covers {other}"


def test_every_team_has_a_tooltip():
    """Kept from before: only the teams outside the limits are labelled, all have a tooltip."""
    svg = to_svg(_spec(_result()))
    points = re.findall(r'<path aria-label="([^"]*)"[^>]*aria-roledescription="point"', svg)
    assert sorted(re.search(r"team: ([^;]*)", label).group(1) for label in points) == sorted(
        CLINICS
    )


def test_the_ranked_form_lists_every_team_by_value_with_its_limits():
    result = _result()
    spec = ranked_chart(
        result, title="Teams ranked", subtitle=["Plain limits"], x_title="%", side_names=SIDES
    )
    svg = to_svg(spec)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    rows = [
        text
        for text in texts
        if text.rstrip("…") and any(name.startswith(text.rstrip("…")) for name in CLINICS)
    ]
    by_value = sorted(
        CLINICS, key=lambda name: -round(CLINICS[name][0] * CLINICS[name][1]) / CLINICS[name][0]
    )
    assert len(rows) == len(CLINICS)
    assert all(name.startswith(row.rstrip("…")) for row, name in zip(rows, by_value, strict=True))
    limits = [(u["lcl"], u["ucl"]) for u in spec["data"]["values"]]
    assert all(lcl < ucl for lcl, ucl in limits)
    assert spec["height"] == 24 * len(CLINICS)  # a row per team, however many there are


def test_no_layer_is_left_empty_when_no_team_is_outside():
    """An empty layer draws an unnamed group that axe-core reports (svg-img-alt)."""
    result = funnel([50, 60, 70], [100, 120, 140], chart="p", labels=["A", "B", "C"])
    assert result.outside == []
    layers = _spec(result)["layer"]
    assert all(layer.get("data", {}).get("values", True) for layer in layers)
    assert [layer["mark"]["type"] for layer in layers][-2:] == ["rule", "point"]
