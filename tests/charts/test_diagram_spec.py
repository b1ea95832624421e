"""The driver diagram's Vega specification (``charts/diagram.py``), drawn by vl-convert."""

from __future__ import annotations

import re

import vl_convert

from convene.charts.diagram import (
    COLUMN_WIDTH,
    LINE_HEIGHT,
    diagram_spec,
    leaves,
    sentences,
    wrap,
)

AIM = (
    "By June 2027, 70% of adults with hypertension in our clinics have blood pressure under 140/90."
)


def _nodes(primaries: int, secondaries: int = 2, ideas: int = 2) -> list[dict]:
    nodes, next_id = [], 1
    for p in range(primaries):
        primary = next_id
        nodes.append({"id": primary, "parent": None, "text": f"Primary {p}", "kind": "primary"})
        next_id += 1
        for s in range(secondaries):
            secondary = next_id
            nodes.append(
                {
                    "id": secondary,
                    "parent": primary,
                    "text": f"Secondary {p}.{s}",
                    "kind": "secondary",
                }
            )
            next_id += 1
            for i in range(ideas):
                nodes.append(
                    {
                        "id": next_id,
                        "parent": secondary,
                        "text": f"Idea {p}.{s}.{i}",
                        "kind": "idea",
                        "own": i == 1,
                    }
                )
                next_id += 1
    return nodes


def _scenegraph_items(spec: dict) -> list[dict]:
    """Every drawn item of the rendered scene, flattened."""
    found = []

    def walk(item):
        if isinstance(item, dict):
            if "items" in item:
                for child in item["items"]:
                    walk(child)
            if "marktype" in item:
                for child in item.get("items", []):
                    child["_mark"] = item["marktype"]
                    child["_name"] = item.get("name")
            found.append(item)
        elif isinstance(item, list):
            for child in item:
                walk(child)

    walk(vl_convert.vega_to_scenegraph(spec)["scenegraph"])
    return found


def test_every_node_is_in_the_tree_data_under_the_aim():
    nodes = _nodes(3)
    spec = diagram_spec(AIM, nodes)
    values = spec["data"][0]["values"]
    assert values[0]["id"] == 0 and values[0]["kind"] == "aim" and values[0]["parent"] is None
    assert [v["id"] for v in values[1:]] == [n["id"] for n in nodes]
    assert all(v["parent"] == 0 for v in values if v["kind"] == "primary")
    transforms = [t["type"] for t in spec["data"][0]["transform"]]
    assert transforms[:2] == ["stratify", "tree"]
    assert [t["type"] for t in spec["data"][1]["transform"]] == ["treelinks", "linkpath"]
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega/")
    assert spec["background"] == "white"


def test_each_kind_is_drawn_in_its_own_column():
    spec = diagram_spec(AIM, _nodes(2))
    boxes = [i for i in _scenegraph_items(spec) if i.get("_name") == "boxes"]
    assert len(boxes) == 1 + 2 * (1 + 2 * (1 + 2))
    columns = {}
    for box in boxes:
        columns.setdefault(round(box["x"] / COLUMN_WIDTH), set()).add(box["fill"])
    # Column 0 the aim, 1 the primary drivers, 2 the secondary, 3 the ideas (a team's own: white).
    assert columns == {
        0: {"#1f3b5c"},
        1: {"#dce8f5"},
        2: {"#e3f1e1"},
        3: {"#fdf1d8", "#ffffff"},
    }


def test_boxes_of_a_column_never_overlap_at_45_nodes():
    nodes = _nodes(3, secondaries=3, ideas=4)  # 3 + 9 + 36 = 48 boxes
    assert len(nodes) >= 45
    spec = diagram_spec(AIM, nodes)
    assert spec["height"] >= leaves(nodes) * (LINE_HEIGHT + 16)
    boxes = [i for i in _scenegraph_items(spec) if i.get("_name") == "boxes"]
    by_column: dict[int, list[tuple[float, float]]] = {}
    for box in boxes:
        by_column.setdefault(round(box["x"] / COLUMN_WIDTH), []).append(
            (box["y"], box["y"] + box["height"])
        )
    for spans in by_column.values():
        spans.sort()
        for (_top, bottom), (next_top, _bottom) in zip(spans, spans[1:], strict=False):
            assert next_top > bottom, spans
    assert all(box["y"] >= 0 and box["y"] + box["height"] <= spec["height"] for box in boxes)


def test_the_drawing_grows_with_the_leaves():
    small = diagram_spec(AIM, _nodes(1))["height"]
    large = diagram_spec(AIM, _nodes(6))["height"]
    assert large > 5 * small * 0.8


def test_long_texts_wrap_and_are_cut_with_an_ellipsis():
    lines = wrap("word " * 60)
    assert len(lines) == 4 and lines[-1].endswith("…")
    assert all(len(line) <= 30 for line in lines)
    assert wrap("") == [""]


def test_the_svg_holds_the_texts_the_headings_and_the_legend():
    nodes = _nodes(1)
    svg = vl_convert.vega_to_svg(diagram_spec(AIM, nodes, "Dashed boxes: our own"))
    for text in ("Aim", "Primary drivers", "Secondary drivers", "Change ideas", "Idea 0.1.1"):
        assert f">{text}<" in svg
    assert "Dashed boxes: our own" in svg
    assert re.search(r'stroke-dasharray="6,3"', svg)


def test_an_empty_diagram_still_draws_the_aim():
    spec = diagram_spec("", [])
    svg = vl_convert.vega_to_svg(spec)
    assert "No aim statement yet" in svg


def test_sentences_name_the_aim_and_the_counts():
    assert sentences("Fewer falls.", {"primary": 2, "secondary": 3, "idea": 5}) == [
        "Aim: Fewer falls.",
        "2 primary drivers, 3 secondary drivers and 5 change ideas.",
    ]
