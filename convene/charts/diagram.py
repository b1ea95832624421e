"""A driver diagram as a Vega specification: a tidy tree from the aim, left to right.

Vega, not Vega-Lite: Vega-Lite has no tree layout. The nodes come in as plain data (id, parent,
text, kind, whether a team added it); Vega's ``stratify`` and ``tree`` transforms place them,
``treelinks`` and ``linkpath`` draw the links. Each column is one level (aim, primary drivers,
secondary drivers, change ideas), and the drawing grows taller with the number of leaves, so a
diagram of forty or more boxes stays readable on screen and on paper. The browser draws it with
vega-embed; vl-convert draws the same specification into SVG, PNG and PDF files.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any, TypedDict

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SCHEMA = "https://vega.github.io/schema/vega/v6.json"
KINDS = ("aim", "primary", "secondary", "idea")
# Fill, outline and text per kind. Every text colour keeps at least 4.5:1 against its fill.
STYLE = {
    "aim": ("#1f3b5c", "#1f3b5c", "#ffffff"),
    "primary": ("#dce8f5", "#1f3b5c", "#10243a"),
    "secondary": ("#e3f1e1", "#2f6b35", "#15351a"),
    "idea": ("#fdf1d8", "#8a5a00", "#3d2800"),
}
OWN_STROKE = "#6f42c1"  # a team's own nodes: violet, dashed, on white
OWN_FILL = "#ffffff"
LINK = "#6c757d"
BOX_WIDTH = 210
COLUMN_WIDTH = 260
LINE_HEIGHT = 15
CHARS_PER_LINE = 30
MAX_LINES = 4
AIM_LINES = 9
PADDING = 8
GAP = 10  # at least this much white between two boxes of a column
TOP = 40  # room for the column headings


class Node(TypedDict, total=False):
    id: int
    parent: int | None
    text: str
    kind: str
    own: bool


def wrap(text: str, lines: int = MAX_LINES, width: int = CHARS_PER_LINE) -> list[str]:
    """``text`` in lines of at most ``width`` characters, the last one cut with an ellipsis
    when it runs over ``lines``."""
    wrapped = textwrap.wrap(" ".join(text.split()), width=width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return wrapped


def leaves(nodes: Sequence[Node]) -> int:
    parents = {node.get("parent") for node in nodes}
    return max(1, sum(1 for node in nodes if node["id"] not in parents))


def row_height(nodes: Sequence[Node]) -> int:
    tallest = max((len(wrap(node["text"])) for node in nodes), default=1)
    return tallest * LINE_HEIGHT + 2 * PADDING + GAP


def diagram_spec(aim: str, nodes: Sequence[Node], own_label: str = "") -> dict[str, Any]:
    """The Vega specification of a driver diagram.

    ``nodes`` are the boxes under the aim, each with ``id`` (not 0, which is the aim's),
    ``parent`` (None under the aim), ``text``, ``kind`` (primary, secondary or idea) and
    ``own`` (a team's own addition, drawn dashed). ``own_label`` says what the dashed boxes
    are, under the drawing; nothing is said when it is empty.
    """
    aim_lines = wrap(aim or _("No aim statement yet"), AIM_LINES)
    values = [_value(0, None, aim_lines, "aim", False)]
    for node in nodes:
        values.append(
            _value(
                node["id"],
                node.get("parent") or 0,
                wrap(node["text"]),
                node["kind"],
                node.get("own", False),
            )
        )
    row = row_height(nodes)
    aim_height = len(aim_lines) * LINE_HEIGHT + 2 * PADDING + GAP
    # The tidy tree spreads the leaves over the height: one row each keeps boxes apart.
    # d3's tidy tree leaves half a row above the first leaf and below the last.
    body = max(aim_height, row * leaves(nodes))
    legend = 28 if own_label and any(node.get("own") for node in nodes) else 0
    width = COLUMN_WIDTH * (len(KINDS) - 1) + BOX_WIDTH
    headings = [
        {"column": 0, "label": _("Aim")},
        {"column": 1, "label": _("Primary drivers")},
        {"column": 2, "label": _("Secondary drivers")},
        {"column": 3, "label": _("Change ideas")},
    ]
    return {
        "$schema": SCHEMA,
        "description": _("Driver diagram"),
        "background": "white",
        "padding": 12,
        "width": width,
        "height": TOP + body + legend,
        "autosize": "none",
        "signals": [
            {"name": "box", "value": BOX_WIDTH},
            {"name": "column", "value": COLUMN_WIDTH},
            {"name": "top", "value": TOP - GAP // 2},
        ],
        "data": [
            {
                "name": "tree",
                "values": values,
                "transform": [
                    {"type": "stratify", "key": "id", "parentKey": "parent"},
                    {
                        "type": "tree",
                        "method": "tidy",
                        "separation": False,
                        "size": [body, width],
                        "as": ["across", "down", "depth", "children"],
                    },
                    # Horizontal: the tree's breadth runs down the page, its depth across.
                    {"type": "formula", "as": "left", "expr": "datum.depth * column"},
                    {"type": "formula", "as": "middle", "expr": "top + datum.across"},
                    {"type": "formula", "as": "right", "expr": "datum.depth * column + box"},
                    {
                        "type": "formula",
                        "as": "boxHeight",
                        "expr": f"length(datum.lines) * {LINE_HEIGHT} + {2 * PADDING}",
                    },
                ],
            },
            {
                "name": "links",
                "source": "tree",
                "transform": [
                    {"type": "treelinks"},
                    {
                        "type": "linkpath",
                        "orient": "horizontal",
                        "shape": "diagonal",
                        "sourceX": "source.right",
                        "sourceY": "source.middle",
                        "targetX": "target.left",
                        "targetY": "target.middle",
                    },
                ],
            },
            {"name": "headings", "values": headings},
            {"name": "legend", "values": [{"label": own_label}] if legend else []},
        ],
        # The page names the drawing as a whole (role="img" and the sentences) and lists every box
        # in the outline below it; the marks themselves stay out of the accessibility tree.
        "marks": [
            {
                "type": "text",
                "aria": False,
                "from": {"data": "headings"},
                "encode": {
                    "enter": {
                        "x": {"signal": "datum.column * column"},
                        "y": {"value": 14},
                        "text": {"field": "label"},
                        "fontSize": {"value": 14},
                        "fontWeight": {"value": "bold"},
                        "fill": {"value": "#212529"},
                        "font": {"value": "sans-serif"},
                    }
                },
            },
            {
                "type": "path",
                "aria": False,
                "from": {"data": "links"},
                "encode": {
                    "enter": {
                        "path": {"field": "path"},
                        "stroke": {"value": LINK},
                        "strokeWidth": {"value": 1.5},
                    }
                },
            },
            {
                "type": "rect",
                "aria": False,
                "name": "boxes",
                "from": {"data": "tree"},
                "encode": {
                    "enter": {
                        "x": {"field": "left"},
                        "width": {"signal": "box"},
                        "y": {"signal": "datum.middle - datum.boxHeight / 2"},
                        "height": {"field": "boxHeight"},
                        "fill": {"field": "fill"},
                        "stroke": {"field": "stroke"},
                        "strokeWidth": {"signal": "datum.own ? 2 : 1.25"},
                        "strokeDash": {"signal": "datum.own ? [6, 3] : []"},
                        "cornerRadius": {"value": 4},
                        "tooltip": {"field": "tooltip"},
                    }
                },
            },
            {
                "type": "text",
                "aria": False,
                "from": {"data": "tree"},
                "encode": {
                    "enter": {
                        "x": {"signal": f"datum.left + {PADDING}"},
                        "y": {"signal": f"datum.middle - datum.boxHeight / 2 + {PADDING + 1}"},
                        "baseline": {"value": "top"},
                        "text": {"field": "lines"},
                        "lineHeight": {"value": LINE_HEIGHT},
                        "fontSize": {"value": 12},
                        "font": {"value": "sans-serif"},
                        "fontWeight": {"signal": "datum.kind === 'aim' ? 'bold' : 'normal'"},
                        "fill": {"field": "ink"},
                    }
                },
            },
            {
                "type": "text",
                "aria": False,
                "from": {"data": "legend"},
                "encode": {
                    "enter": {
                        "x": {"value": 0},
                        "y": {"signal": "height - 8"},
                        "text": {"field": "label"},
                        "fontSize": {"value": 12},
                        "font": {"value": "sans-serif"},
                        "fill": {"value": OWN_STROKE},
                    }
                },
            },
        ],
    }


def _value(
    node_id: int, parent: int | None, lines: list[str], kind: str, own: bool
) -> dict[str, Any]:
    fill, stroke, ink = STYLE[kind]
    if own:
        fill, stroke = OWN_FILL, OWN_STROKE
    return {
        "id": node_id,
        "parent": parent,
        "lines": lines,
        "tooltip": " ".join(lines),
        "kind": kind,
        "own": own,
        "fill": fill,
        "stroke": stroke,
        "ink": ink,
    }


def sentences(aim: str, counts: dict[str, int]) -> list[str]:
    """What the diagram shows, in words: for a file's ``<desc>`` and the page."""
    primary, secondary, ideas = (counts.get(kind, 0) for kind in ("primary", "secondary", "idea"))
    return [
        _("Aim: %(aim)s.") % {"aim": aim.rstrip(".")} if aim else "",
        _("%(primary)s, %(secondary)s and %(ideas)s.")
        % {
            "primary": ngettext("%(n)s primary driver", "%(n)s primary drivers", primary)
            % {"n": primary},
            "secondary": ngettext("%(n)s secondary driver", "%(n)s secondary drivers", secondary)
            % {"n": secondary},
            "ideas": ngettext("%(n)s change idea", "%(n)s change ideas", ideas) % {"n": ideas},
        },
    ]
