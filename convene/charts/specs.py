"""Run and control charts as Vega-Lite specifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from convene.spc import Assessment

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
INK = "#1f3b5c"
LIMIT = "#6c757d"
SIGNAL = "#b45309"  # amber, dark enough for 3:1 against white
GOAL = "#2f7d32"
EXCLUDED = "#9aa0a6"
# Okabe-Ito hues, told apart with colour-vision deficiencies, darkened where needed so every
# line keeps at least 4.5:1 against white. Shapes tell the groups apart as well.
GROUP_COLOURS = ["#0072B2", "#B35000", "#007A5A", "#A8508A", "#8F6300", "#000000"]
GROUP_SHAPES = ["circle", "square", "triangle-up", "diamond", "triangle-down", "cross"]
# Weekly periods get a tick at their starts up to this many weeks, month ticks beyond.
WEEK_TICKS_UP_TO = 16


def chart_date(day: Any) -> Any:
    """A period's date as charts take it: local midnight ("2025-01-01T00:00").

    A bare "2025-01-01" is read by browsers as midnight UTC, which west of Greenwich is the
    evening before: January's point would be labelled December. Without an offset the time is
    local wherever the chart is drawn, in the browser and on the server alike.
    """
    if isinstance(day, dt.date) and not isinstance(day, dt.datetime):
        return f"{day.isoformat()}T00:00"
    if isinstance(day, str) and len(day) == 10:
        return f"{day}T00:00"
    return day


def _period_tooltip(rows: Sequence[dict[str, Any]], field: str = "x") -> dict[str, Any]:
    """The period in a tooltip: its own label where the rows carry one (localised, and a week
    shows its day), else the month of its date."""
    if rows and "label" in rows[0]:
        return {"field": "label", "type": "nominal", "title": _("period")}
    return {"field": field, "type": "temporal", "title": _("period"), "format": "%B %Y"}


def chart_rows(result: Assessment, notes: dict[Any, str] | None = None) -> list[dict[str, Any]]:
    """The engine's points as plain rows: what the chart draws and what its table shows.

    Which points are signals is the engine's word, by the rule set it was given.
    """
    notes = notes or {}
    rows = []
    for point in result.points:
        rows.append(
            {
                "x": chart_date(point["x"]),
                "y": point["y"],
                "n": point["n"],
                "cl": point["cl"],
                "lcl": point["lcl"],
                "ucl": point["ucl"],
                "part": point["part"],
                "baseline": bool(point["baseline"]),
                "include": bool(point["include"]),
                "signal": bool(point["signal"]),
                "runs_signal": bool(point["runs_signal"]),
                "note": notes.get(point["x"], ""),
            }
        )
    return rows


def control_chart(
    rows: Sequence[dict[str, Any]],
    *,
    title: str,
    y_title: str,
    goal: float | None = None,
    percent: bool = False,
    subtitle: str = "",
    height: int = 220,
) -> dict[str, Any]:
    """A run or control chart: values, centre line (dashed amber when runs signal), limits,
    goal, shaded baseline, excluded points hollow and grey, special-cause points amber."""
    y_axis: dict[str, Any] = {"title": y_title}
    if percent:
        y_axis["format"] = ".0f"
    x_enc: dict[str, Any] = {
        "field": "x",
        "type": "temporal",
        "title": None,
        "axis": {"format": "%b %y"},
    }
    if rows:
        # The periods' starts, as ISO dates: the same ticks and span as the chart by group.
        x_enc = {"field": "x", **_time_axis(rows[0]["x"], rows[-1]["x"], len(rows))}
    has_limits = any(row["ucl"] is not None for row in rows)
    runs = any(row["runs_signal"] for row in rows)
    layers: list[dict[str, Any]] = []
    baseline = [row["x"] for row in rows if row["baseline"]]
    if baseline and len(baseline) < len(rows):
        layers.append(
            {
                "data": {"values": [{"start": baseline[0], "end": baseline[-1]}]},
                "mark": {"type": "rect", "color": "#e9ecef"},
                "encoding": {
                    "x": {"field": "start", "type": "temporal"},
                    "x2": {"field": "end"},
                },
            }
        )
    if has_limits:
        for field in ("ucl", "lcl"):
            layers.append(
                {
                    "mark": {
                        "type": "line",
                        "interpolate": "step",
                        "color": LIMIT,
                        "strokeDash": [4, 3],
                        "strokeWidth": 1,
                    },
                    "encoding": {
                        "x": x_enc,
                        "y": {"field": field, "type": "quantitative"},
                        "detail": {"field": "part"},
                    },
                }
            )
    layers.append(
        {
            "mark": {
                "type": "line",
                "interpolate": "step",
                "color": SIGNAL if runs else LIMIT,
                "strokeWidth": 1.5,
                **({"strokeDash": [8, 4]} if runs else {}),
            },
            "encoding": {
                "x": x_enc,
                "y": {"field": "cl", "type": "quantitative"},
                "detail": {"field": "part"},
            },
        }
    )
    if goal is not None:
        layers.append(
            {
                "data": {"values": [{"goal": goal}]},
                "mark": {"type": "rule", "color": GOAL, "strokeDash": [2, 2]},
                "encoding": {"y": {"field": "goal", "type": "quantitative"}},
            }
        )
    layers.append(
        {
            "mark": {"type": "line", "color": INK, "strokeWidth": 1.5},
            "encoding": {
                "x": x_enc,
                "y": {"field": "y", "type": "quantitative", "axis": y_axis},
                "detail": {"field": "part"},
            },
        }
    )
    tooltip = [
        _period_tooltip(rows),
        {"field": "y", "type": "quantitative", "title": y_title, "format": ".1f"},
        {"field": "note", "type": "nominal", "title": _("note")},
    ]
    # A roll-up's rows say how many teams reported each period ("teams", "partial").
    teams_tip = {"field": "teams", "type": "nominal", "title": _("reported")}
    if rows and "teams" in rows[0]:
        tooltip.append(teams_tip)
    layers.append(
        {
            "mark": {"type": "point", "filled": True, "size": 45},
            "encoding": {
                "x": x_enc,
                "y": {"field": "y", "type": "quantitative"},
                "color": {
                    "condition": [
                        {"test": "!datum.include", "value": EXCLUDED},
                        {"test": "datum.signal", "value": SIGNAL},
                    ],
                    "value": INK,
                },
                "shape": {
                    "condition": {"test": "datum.signal", "value": "diamond"},
                    "value": "circle",
                },
                "size": {"condition": {"test": "datum.signal", "value": 110}, "value": 45},
                "opacity": {"condition": {"test": "!datum.include", "value": 0.6}, "value": 1},
                "tooltip": tooltip,
            },
        }
    )
    if any(row.get("partial") is not None for row in rows):
        layers.append(_incomplete_layer(x_enc, y_title, teams_tip, _period_tooltip(rows)))
    heading = {"title": {"text": title, **({"subtitle": subtitle} if subtitle else {})}}
    return {
        "$schema": SCHEMA,
        **(heading if title else {}),
        "width": "container",
        "height": height,
        "data": {"values": list(rows)},
        "layer": layers,
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}},
    }


def _incomplete_layer(
    x_enc: dict[str, Any], y_title: str, teams_tip: dict[str, Any], period_tip: dict[str, Any]
) -> dict[str, Any]:
    """A roll-up's periods that not every team has reported yet: hollow rings, off the line.

    Not an exclusion (grey, decided by a person): the engine never saw these figures, so
    they carry no limit, run or signal; the tooltip says how many teams reported.
    """
    return {
        "transform": [{"filter": "datum.partial != null"}],
        "mark": {"type": "point", "filled": False, "size": 80, "strokeWidth": 2},
        "encoding": {
            "x": x_enc,
            "y": {"field": "partial", "type": "quantitative"},
            "color": {"value": INK},
            "tooltip": [
                period_tip,
                {"field": "partial", "type": "quantitative", "title": y_title, "format": ".1f"},
                {**teams_tip, "title": _("incomplete: reported")},
            ],
        },
    }


def funnel_chart(
    result: Any, *, title: str, y_title: str, x_title: str, height: int = 260
) -> dict[str, Any]:
    """Units against their denominators, with the result's two limits narrowing as n grows."""
    curve = result.curve()
    inner, outer = result.levels
    units = [
        {
            "label": str(unit["label"]),
            "n": unit["n"],
            "value": unit["value"],
            "outside": bool(unit["outside"]),
        }
        for unit in result.units
        if unit["value"] is not None and unit["n"]
    ]
    x_enc = {
        "field": "n",
        "type": "quantitative",
        "title": x_title,
        "scale": {"zero": False},
        "axis": {"format": ",.0f"},
    }
    layers: list[dict[str, Any]] = []
    for field, dash in (
        (f"ucl_{outer}", [4, 3]),
        (f"lcl_{outer}", [4, 3]),
        (f"ucl_{inner}", [1, 3]),
        (f"lcl_{inner}", [1, 3]),
    ):
        layers.append(
            {
                "data": {"values": curve},
                "mark": {"type": "line", "color": LIMIT, "strokeDash": dash, "strokeWidth": 1},
                "encoding": {"x": x_enc, "y": {"field": field, "type": "quantitative"}},
            }
        )
    if result.centre is not None:
        layers.append(
            {
                "data": {"values": [{"centre": result.centre}]},
                "mark": {"type": "rule", "color": LIMIT},
                "encoding": {"y": {"field": "centre", "type": "quantitative"}},
            }
        )
    point_encoding = {
        "x": x_enc,
        "y": {"field": "value", "type": "quantitative", "title": y_title},
        "color": {"condition": {"test": "datum.outside", "value": SIGNAL}, "value": INK},
        "tooltip": [
            {"field": "label", "type": "nominal", "title": _("team")},
            {"field": "value", "type": "quantitative", "format": ".1f", "title": y_title},
            {"field": "n", "type": "quantitative", "title": x_title},
        ],
    }
    layers.append(
        {
            "data": {"values": units},
            "mark": {"type": "point", "filled": True, "size": 60},
            "encoding": point_encoding,
        }
    )
    layers.append(
        {
            "data": {"values": units},
            "mark": {"type": "text", "dx": 6, "align": "left", "fontSize": 10, "color": INK},
            # Only units outside the limits are named on the plot: with many teams the labels
            # would pile up. Every unit is named in its tooltip.
            "transform": [{"filter": "datum.outside"}],
            "encoding": {
                "x": x_enc,
                "y": {"field": "value", "type": "quantitative"},
                "text": {"field": "label"},
            },
        }
    )
    return {
        "$schema": SCHEMA,
        "title": {"text": title},
        "width": "container",
        "height": height,
        "layer": layers,
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}},
    }


def progress_chart(
    rows: Sequence[dict[str, Any]], *, title: str, y_title: str, height: int = 200
) -> dict[str, Any]:
    """Scores on a fixed 0.5-5 scale over time, one line per rater (team, coach)."""
    x_enc = {"field": "x", "type": "temporal", "title": None, "axis": {"format": "%b %y"}}
    y_enc = {
        "field": "score",
        "type": "quantitative",
        "title": y_title,
        "scale": {"domain": [0, 5]},
        "axis": {"values": [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5], "format": ".1f"},
    }
    colour = {
        "field": "rater",
        "type": "nominal",
        "title": None,
        # Dark blue and dark orange: told apart without colour too (solid line vs dashes).
        "scale": {"range": [INK, SIGNAL]},
        "legend": {"orient": "bottom"},
    }
    return {
        "$schema": SCHEMA,
        "title": {"text": title},
        "width": "container",
        "height": height,
        "data": {"values": list(rows)},
        "layer": [
            {
                "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 1.5},
                "encoding": {
                    "x": x_enc,
                    "y": y_enc,
                    "color": colour,
                    "strokeDash": {"field": "rater", "type": "nominal", "legend": None},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 40},
                "encoding": {
                    "x": x_enc,
                    "y": y_enc,
                    "color": colour,
                    "shape": {"field": "rater", "type": "nominal", "legend": None},
                    "tooltip": [
                        _period_tooltip(rows),
                        {"field": "rater", "type": "nominal", "title": _("rated by")},
                        {"field": "score", "type": "quantitative", "format": ".1f"},
                    ],
                },
            },
        ],
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}},
    }


def _group_encodings(
    groups: Sequence[str], colours: Sequence[str] = GROUP_COLOURS
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Colour and shape by group, in the groups' own order, sharing one legend at the bottom."""
    legend = {"orient": "bottom", "title": None}
    common = {"field": "group", "type": "nominal", "sort": list(groups), "legend": legend}
    palette = [colours[i % len(colours)] for i in range(len(groups))]
    shapes = [GROUP_SHAPES[i % len(GROUP_SHAPES)] for i in range(len(groups))]
    colour = {**common, "scale": {"domain": list(groups), "range": palette}}
    shape = {**common, "scale": {"domain": list(groups), "range": shapes}}
    return colour, shape


def _time_axis(first: str, last: str, periods: int) -> dict[str, Any]:
    """Month ticks, a dozen at most: the default ticks repeat a month's label mid-month.

    ``first`` and ``last`` are ISO dates bounding ``periods`` periods. Weekly periods over a
    few months (a 100-day collaborative) would get two or three month ticks: they get a tick
    on the periods' own starts instead, a dozen at most, labelled with the day.
    """
    start, end = dt.date.fromisoformat(first[:10]), dt.date.fromisoformat(last[:10])
    days = (end - start).days
    weeks = days // 7 + 1
    # Weekly when the periods are under a fortnight apart on average (months are 28 days or
    # more), whether ``last`` is the last period's start or its end.
    weekly = days < 15 * max(periods - 1, 1)
    axis: dict[str, Any]
    if weekly and weeks <= WEEK_TICKS_UP_TO:
        step = -(-weeks // 12)
        values = [chart_date(start + dt.timedelta(weeks=w)) for w in range(0, weeks, step)]
        axis = {"format": "%-d %b", "values": values}
    else:
        # Months spanned, not periods: 52 weekly periods are a year, not four. The step
        # divides a year, or the ticks fall unevenly (every fifth month: Jan, Jun, Nov, Jan).
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        step = next((step for step in (1, 2, 3, 4, 6) if months <= 12 * step), 12)
        axis = {"format": "%b %y", "tickCount": {"interval": "month", "step": step}}
    return {
        "type": "temporal",
        "title": None,
        "scale": {"domain": [chart_date(first), chart_date(last)]},
        "axis": axis,
    }


def strata_chart(
    rows: Sequence[dict[str, Any]],
    *,
    groups: Sequence[str],
    dates: Sequence[str],
    y_title: str,
    percent: bool = False,
    height: int = 200,
) -> dict[str, Any]:
    """One line per group (stratum) over time, to show the gaps between groups.

    ``rows`` are ``{"x", "group", "y"}``, periods without a figure left out; ``dates`` are
    the starts of every period, so that the time axis lines up with the total's chart. No
    limits: the groups are compared with each other, not judged one by one.
    """
    colour, shape = _group_encodings(groups)
    x_enc = {"field": "x", **_time_axis(dates[0], dates[-1], len(dates))}
    y_enc = {
        "field": "y",
        "type": "quantitative",
        "title": y_title,
        "axis": {"format": ".0f"} if percent else {},
    }
    tooltip = [
        _period_tooltip(rows),
        {"field": "group", "type": "nominal", "title": _("group")},
        {"field": "y", "type": "quantitative", "title": y_title, "format": ".1f"},
    ]
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": height,
        "data": {"values": list(rows)},
        "encoding": {"x": x_enc, "y": y_enc, "color": colour},
        "layer": [
            {"mark": {"type": "line", "strokeWidth": 1.75}},
            {
                "mark": {"type": "point", "filled": True, "size": 50, "opacity": 1},
                "encoding": {"shape": shape, "tooltip": tooltip},
            },
        ],
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}},
    }


def reporting_chart(
    rows: Sequence[dict[str, Any]],
    *,
    groups: Sequence[str],
    dates: tuple[str, str],
    periods: int,
    y_title: str,
    height: int = 200,
) -> dict[str, Any]:
    """The share of teams that reported, period by period: on time and late, stacked.

    ``rows`` are ``{"start", "end", "group", "y0", "y1", "teams", "open"}``, one part of a
    bar per kind of report, drawn across the period; ``dates`` are the first period's start
    and the last one's end. Periods still open for reporting are only outlined: their bars
    may still grow.
    """
    colour, _shape = _group_encodings(groups, [INK, SIGNAL])
    x_enc = {"field": "start", **_time_axis(*dates, periods)}
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": height,
        "data": {"values": list(rows)},
        "mark": {"type": "rect"},
        "encoding": {
            "x": x_enc,
            "x2": {"field": "end"},
            "y": {
                "field": "y0",
                "type": "quantitative",
                "title": y_title,
                "scale": {"domain": [0, 100]},
                "axis": {"format": ".0f"},
            },
            "y2": {"field": "y1"},
            "fill": {**colour, "condition": {"test": "datum.open", "value": "#ffffff"}},
            "stroke": colour,
            # No outline for an empty part: it would draw a line across the bar.
            "strokeWidth": {"condition": {"test": "datum.y1 > datum.y0", "value": 1.5}, "value": 0},
            "tooltip": [
                _period_tooltip(rows, "start"),
                {"field": "group", "type": "nominal", "title": _("reports")},
                {"field": "teams", "type": "quantitative", "title": _("teams")},
            ],
        },
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}},
    }
