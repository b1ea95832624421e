"""Run and control charts as Vega-Lite specifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from convene.spc import Assessment

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
INK = "#1f3b5c"
LIMIT = "#6c757d"
SIGNAL = "#b45309"  # amber, dark enough for 3:1 against white
GOAL = "#2f7d32"
EXCLUDED = "#9aa0a6"
NOTE = "#6f42c1"  # violet, apart from the signals' amber; 4.5:1 against white
CYCLE = "#00695c"  # teal, apart from notes, phases and signals; 6:1 against white
CYCLE_LABEL_WIDTH = 90  # pixels of a cycle's title on the chart; the tooltip has all of it
# Okabe-Ito hues, told apart with colour-vision deficiencies, darkened where needed so every
# line keeps at least 4.5:1 against white. Shapes tell the groups apart as well.
GROUP_COLOURS = ["#0072B2", "#B35000", "#007A5A", "#A8508A", "#8F6300", "#000000"]
GROUP_SHAPES = ["circle", "square", "triangle-up", "diamond", "triangle-down", "cross"]
# Weekly periods get a tick at their starts up to this many weeks, month ticks beyond.
WEEK_TICKS_UP_TO = 16


# d3's time locale for Spanish: the axes' and tooltips' month and day names (Vega's
# ``config.locale``; vl-convert draws files with it too).
SPANISH_TIME = {
    "dateTime": "%A, %e de %B de %Y, %X",
    "date": "%d/%m/%Y",
    "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
    "shortDays": ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"],
    "months": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "shortMonths": [
        "ene",
        "feb",
        "mar",
        "abr",
        "may",
        "jun",
        "jul",
        "ago",
        "sep",
        "oct",
        "nov",
        "dic",
    ],
}
TIME_LOCALES = {"es": SPANISH_TIME}


def chart_config() -> dict[str, Any]:
    """Every chart's ``config``: the font, no frame, and month names in the reader's language."""
    config: dict[str, Any] = {"font": "system-ui, sans-serif", "view": {"stroke": None}}
    time = TIME_LOCALES.get((get_language() or "en").split("-")[0])
    if time:
        config["locale"] = {"time": time}
    return config


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
    phases: Sequence[dict[str, Any]] = (),
    ticks: int = 12,
    cycles: Sequence[dict[str, Any]] = (),
    cycle_titles: bool = True,
) -> dict[str, Any]:
    """A run or control chart: values, centre line (dashed amber when runs signal), limits,
    goal, shaded baseline, excluded points hollow and grey, special-cause points amber.

    ``phases`` (``{"x", "label", "reason"}``) are where new phases start: a vertical line
    each, its reason in the tooltip. A point with a note (a row's ``note``) carries a marker
    above it, the note in its tooltip. ``cycles`` (``{"x", "title", "label", "dates"}``) are
    PDSA cycles: a dotted teal line at their period, a square on the plot's top edge and the
    title beside it (not on a small chart: ``cycle_titles``), the decision (``label``) and
    dates in the tooltip.
    """
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
        x_enc = {"field": "x", **_time_axis(rows[0]["x"], rows[-1]["x"], len(rows), ticks)}
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
    # No centre line without a centre (too few points yet): Vega warns of an infinite extent.
    if any(row["cl"] is not None for row in rows):
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
    if phases:
        layers.append(_phase_rules(phases))
    if cycles:
        layers += cycle_layers(cycles, titles=cycle_titles)
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
    if any(row["note"] and row["y"] is not None for row in rows):
        layers.append(_note_markers(x_enc, tooltip))
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
        "config": chart_config(),
    }


def share_y_scale(specs: Sequence[dict[str, Any]], percent: bool = False) -> None:
    """Give control charts drawn side by side (small multiples) one y-scale: from the lowest
    to the highest value, limit or goal of any of them, so that a higher line is a higher
    value; a proportion stays within 0 to 100 %."""
    seen = [
        value
        for spec in specs
        for source in [spec.get("data", {}), *(layer.get("data", {}) for layer in spec["layer"])]
        for row in source.get("values", [])
        for field in ("y", "cl", "lcl", "ucl", "partial", "goal")
        if isinstance(value := row.get(field), int | float) and not isinstance(value, bool)
    ]
    if not seen:
        return
    low, high = _padded(min(seen), max(seen))
    if percent:
        low, high = max(low, 0.0), min(high, 100.0)
    for spec in specs:
        for layer in spec["layer"]:
            y = layer.get("encoding", {}).get("y", {})
            if "axis" in y:  # the values' line: the one layer that speaks for the scale
                y["scale"] = {"domain": [low, high], "nice": False}


def _phase_rules(phases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A vertical line where each new phase starts, its period and reason in the tooltip."""
    return {
        "data": {"values": list(phases)},
        "mark": {"type": "rule", "color": INK, "strokeDash": [6, 3], "strokeWidth": 1.5},
        "encoding": {
            "x": {"field": "x", "type": "temporal"},
            "tooltip": [
                {"field": "label", "type": "nominal", "title": _("new phase from")},
                {"field": "reason", "type": "nominal", "title": _("reason")},
            ],
        },
    }


def cycle_layers(cycles: Sequence[dict[str, Any]], titles: bool = True) -> list[dict[str, Any]]:
    """PDSA cycles at their periods: a dotted line, a square on the top edge, the title beside.

    Two cycles in a row have their titles on two lines (``slot``), so that neighbours do not
    write over each other; the title is cut to ``CYCLE_LABEL_WIDTH`` pixels on the chart.
    """
    values = [{**cycle, "slot": index % 2} for index, cycle in enumerate(cycles)]
    tooltip = [
        {"field": "title", "type": "nominal", "title": _("PDSA cycle")},
        {"field": "label", "type": "nominal", "title": _("decision")},
        {"field": "dates", "type": "nominal", "title": _("dates")},
    ]
    x = {"field": "x", "type": "temporal"}
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": values},
            "mark": {"type": "rule", "color": CYCLE, "strokeDash": [2, 3], "strokeWidth": 1.25},
            "encoding": {"x": x, "tooltip": tooltip},
        },
        {
            "data": {"values": values},
            "mark": {
                "type": "point",
                "shape": "square",
                "filled": True,
                "size": 45,
                "color": CYCLE,
                "opacity": 1,
            },
            "encoding": {"x": x, "y": {"value": 0}, "tooltip": tooltip},
        },
    ]
    for slot in (0, 1) if titles else ():
        if not any(value["slot"] == slot for value in values):
            continue  # a layer without data draws an unnamed empty group
        layers.append(
            {
                "data": {"values": values},
                "transform": [{"filter": f"datum.slot == {slot}"}],
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "middle",
                    "dx": 6,
                    "dy": 10 + 11 * slot,  # under the top edge, clear of a goal line there
                    "fontSize": 9,
                    "color": CYCLE,
                    "limit": CYCLE_LABEL_WIDTH,
                },
                "encoding": {
                    "x": x,
                    "y": {"value": 0},
                    "text": {"field": "title"},
                    "tooltip": tooltip,
                },
            }
        )
    return layers


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


def _note_markers(x_enc: dict[str, Any], tooltip: list[dict[str, Any]]) -> dict[str, Any]:
    """A marker above every point with a note: the note is in its tooltip (and the table)."""
    return {
        "transform": [{"filter": "datum.note && datum.y != null"}],
        "mark": {
            "type": "point",
            "shape": "triangle-down",
            "filled": True,
            "size": 90,
            "color": NOTE,
            "yOffset": -14,
            "opacity": 1,
        },
        "encoding": {
            "x": x_enc,
            "y": {"field": "y", "type": "quantitative"},
            "tooltip": tooltip,
        },
    }


# Where the funnel's labels go, in pixels: the narrowest plot the funnel is shown at (phones
# get the ranked chart), the height of a line of text, and the width of a character at 10 px.
LABEL_PLOT_WIDTH = 540
LABEL_LINE = 13
LABEL_CHAR = 6.2
LABEL_GAP = 7
MAX_LABELS = 12  # beyond this many teams outside the limits, the list under the chart names them


def _funnel_units(result: Any, side_names: dict[int, str]) -> list[dict[str, Any]]:
    outer = result.levels[1]
    return [
        {
            "label": str(unit["label"]),
            "n": unit["n"],
            "value": unit["value"],
            "lcl": unit[f"lcl_{outer}"],
            "ucl": unit[f"ucl_{outer}"],
            "outside": bool(unit["outside"]),
            "finding": side_names.get(unit[f"side_{outer}"], ""),
        }
        for unit in result.units
        if unit["value"] is not None and unit["n"]
    ]


def _padded(low: float, high: float, share: float = 0.05) -> list[float]:
    pad = (high - low) * share or abs(high) * share or 1.0
    return [low - pad, high + pad]


def place_labels(
    units: list[dict[str, Any]], x_domain: list[float], y_domain: list[float], height: int
) -> list[dict[str, Any]]:
    """Labels for the units outside the limits, placed so that none overlaps another.

    Each label sits beside its point, to the right of it, or to its left in the right part of
    the plot, so none is cut at the edge. A label that would cover another label or a point
    (judged on the narrowest plot the funnel is drawn at; a wider plot only moves labels
    apart) is moved up or down to the nearest free line, and a thin line then leads from
    its point to it. A label keeps ``value`` (its point) and gets ``label_y``, where its text
    is drawn, and ``align``.
    """
    outside = sorted((u for u in units if u["outside"]), key=lambda u: -u["value"])
    if len(outside) > MAX_LABELS:
        return []
    (x0, x1), (y0, y1) = x_domain, y_domain

    def at(unit: dict[str, Any]) -> tuple[float, float]:
        x = (unit["n"] - x0) / (x1 - x0) * LABEL_PLOT_WIDTH
        return x, (y1 - unit["value"]) / (y1 - y0) * height

    # Left, right and middle (pixels from the top) of what a label must not cover: the points
    # first, then each label placed.
    placed = [(x - 5, x + 5, y) for x, y in map(at, units)]
    labels = []
    for unit in outside:
        x, y = at(unit)
        width = len(unit["label"]) * LABEL_CHAR
        right = x > LABEL_PLOT_WIDTH * 0.55
        left_edge = x - LABEL_GAP - width if right else x + LABEL_GAP
        box = (left_edge, left_edge + width)
        middle = _free_line(y, box, placed, height)
        placed.append((*box, middle))
        labels.append(
            {
                **unit,
                "label_y": y1 - middle / height * (y1 - y0),
                "align": "right" if right else "left",
            }
        )
    return labels


def _free_line(
    y: float, box: tuple[float, float], placed: list[tuple[float, float, float]], height: int
) -> float:
    """The nearest height to ``y`` (within the plot) where a label over ``box`` covers none."""
    top, bottom = LABEL_LINE / 2, height - LABEL_LINE / 2
    lines = int(height // LABEL_LINE)
    for step in range(2 * lines + 1):
        middle = y + (step + 1) // 2 * LABEL_LINE * (1 if step % 2 else -1)
        if not top <= middle <= bottom:
            continue
        if not any(
            box[0] < right and left < box[1] and abs(middle - other) < LABEL_LINE
            for left, right, other in placed
        ):
            return middle
    return min(max(y, top), bottom)


def funnel_chart(
    result: Any,
    *,
    title: str,
    subtitle: Sequence[str],
    y_title: str,
    x_title: str,
    side_names: dict[int, str],
    height: int = 280,
) -> dict[str, Any]:
    """Units against their denominators, with the result's two limits narrowing as n grows.

    The units outside the outer limits are named beside their points (see ``place_labels``);
    every unit is named in its tooltip. ``side_names`` words a unit's side (+1 above, -1
    below, 0 inside) for the tooltip, in terms of the metric's direction.
    """
    curve = result.curve()
    inner, outer = result.levels
    units = _funnel_units(result, side_names)
    ns = [unit["n"] for unit in units]
    ys = [unit["value"] for unit in units]
    ys += [row[f"{side}_{outer}"] for row in curve for side in ("lcl", "ucl")]
    ys = [y for y in ys if y is not None] + ([result.centre] if result.centre is not None else [])
    x_domain, y_domain = _padded(min(ns), max(ns)), _padded(min(ys), max(ys))
    x_enc = {
        "field": "n",
        "type": "quantitative",
        "title": x_title,
        "scale": {"domain": x_domain, "nice": False, "zero": False},
        "axis": {"format": ",.0f"},
    }
    y_scale = {"domain": y_domain, "nice": False, "zero": False}
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
                "encoding": {
                    "x": x_enc,
                    "y": {"field": field, "type": "quantitative", "scale": y_scale},
                },
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
    layers.append(
        {
            "data": {"values": units},
            "mark": {"type": "point", "filled": True, "size": 60},
            "encoding": {
                "x": x_enc,
                "y": {"field": "value", "type": "quantitative", "title": y_title, "scale": y_scale},
                "color": {"condition": {"test": "datum.outside", "value": SIGNAL}, "value": INK},
                "tooltip": _funnel_tooltip(y_title, x_title),
            },
        }
    )
    labels = place_labels(units, x_domain, y_domain, height)
    moved = (y_domain[1] - y_domain[0]) * 4 / height  # 4 px: a label beside its point
    leaders = [label for label in labels if abs(label["label_y"] - label["value"]) > moved]
    layers.append(
        {
            "data": {"values": leaders},
            "mark": {"type": "rule", "color": LIMIT, "strokeWidth": 0.75},
            "encoding": {
                "x": x_enc,
                "y": {"field": "value", "type": "quantitative"},
                "y2": {"field": "label_y"},
            },
        }
    )
    for align, dx in (("left", LABEL_GAP), ("right", -LABEL_GAP)):
        aligned = [label for label in labels if label["align"] == align]
        layers.append(
            {
                "data": {"values": aligned},
                "mark": {
                    "type": "text",
                    "align": align,
                    "baseline": "middle",
                    "dx": dx,
                    "fontSize": 10,
                    "color": INK,
                    "clip": False,
                },
                "encoding": {
                    "x": x_enc,
                    "y": {"field": "label_y", "type": "quantitative"},
                    "text": {"field": "label"},
                    "tooltip": _funnel_tooltip(y_title, x_title),
                },
            }
        )
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "subtitle": list(subtitle), "anchor": "start"},
        "width": "container",
        "height": height,
        # A layer without data draws an empty group that screen readers meet unnamed.
        "layer": [layer for layer in layers if layer.get("data", {}).get("values", True)],
        "config": chart_config(),
    }


def _funnel_tooltip(value_title: str, n_title: str) -> list[dict[str, Any]]:
    return [
        {"field": "label", "type": "nominal", "title": _("team")},
        {"field": "value", "type": "quantitative", "format": ".1f", "title": value_title},
        {"field": "n", "type": "quantitative", "format": ",.0f", "title": n_title},
        {"field": "lcl", "type": "quantitative", "format": ".1f", "title": _("lower limit")},
        {"field": "ucl", "type": "quantitative", "format": ".1f", "title": _("upper limit")},
        {"field": "finding", "type": "nominal", "title": _("compared")},
    ]


def ranked_chart(
    result: Any,
    *,
    title: str | Sequence[str],
    subtitle: Sequence[str],
    x_title: str,
    side_names: dict[int, str],
    step: int = 24,
) -> dict[str, Any]:
    """The funnel's units ranked by value, each with its own outer limits: readable on a phone.

    Teams are rows, highest value first; a grey bar spans each team's limits, the dot is its
    value (amber when outside them), the vertical rule the pooled centre.
    """
    units = _funnel_units(result, side_names)
    y_enc = {
        "field": "label",
        "type": "nominal",
        "title": None,
        "sort": {"field": "value", "order": "descending"},
        "axis": {"labelLimit": 130},
    }
    values = [u["value"] for u in units]
    values += [u[side] for u in units for side in ("lcl", "ucl") if u[side] is not None]
    x_enc = {
        "field": "value",
        "type": "quantitative",
        "title": x_title,
        "scale": {"domain": _padded(min(values), max(values)), "nice": False, "zero": False},
    }
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "rule", "color": "#c4c8cc", "strokeWidth": 6},
            "encoding": {
                "y": y_enc,
                "x": {**x_enc, "field": "lcl"},
                "x2": {"field": "ucl"},
            },
        },
    ]
    if result.centre is not None:
        layers.append(
            {
                "data": {"values": [{"centre": result.centre}]},
                "mark": {"type": "rule", "color": LIMIT, "strokeDash": [4, 3]},
                "encoding": {"x": {"field": "centre", "type": "quantitative"}},
            }
        )
    layers.append(
        {
            "mark": {"type": "point", "filled": True, "size": 70},
            "encoding": {
                "y": y_enc,
                "x": x_enc,
                "color": {"condition": {"test": "datum.outside", "value": SIGNAL}, "value": INK},
                "tooltip": _funnel_tooltip(x_title, _("denominator")),
            },
        }
    )
    return {
        "$schema": SCHEMA,
        "title": {
            "text": title if isinstance(title, str) else list(title),
            "subtitle": list(subtitle),
            "anchor": "start",
        },
        "width": "container",
        # A row per team as a fixed height: a height by step ({"step": step}) beside a width
        # that fits its container has Vega warn "Dropping fit-y".
        "height": step * max(len(units), 1),
        "data": {"values": units},
        "layer": layers,
        "config": chart_config(),
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
        "config": chart_config(),
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


def _time_axis(first: str, last: str, periods: int, ticks: int = 12) -> dict[str, Any]:
    """Month ticks, ``ticks`` at most (a dozen; fewer on a small chart, where a dozen labels
    would run into each other): the default ticks repeat a month's label mid-month.

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
        step = -(-weeks // ticks)
        values = [chart_date(start + dt.timedelta(weeks=w)) for w in range(0, weeks, step)]
        axis = {"format": "%-d %b", "values": values}
    else:
        # Months spanned, not periods: 52 weekly periods are a year, not four. The step
        # divides a year, or the ticks fall unevenly (every fifth month: Jan, Jun, Nov, Jan).
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        step = next((step for step in (1, 2, 3, 4, 6, 12) if months <= ticks * step), 24)
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
        "config": chart_config(),
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
    # The bars span the periods already; a domain as well, which x2 takes unparsed, has Vega
    # warn of conflicting domains and of an infinite extent.
    del x_enc["scale"]
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
        "config": chart_config(),
    }
