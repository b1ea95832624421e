"""Server-side rendering of the same specifications the browser draws."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

# What XML 1.0, and so SVG, cannot hold: C0 control characters but tab, newline and carriage
# return, lone surrogates, U+FFFE and U+FFFF. vl-convert refuses them in a PNG and aborts the
# whole process when it measures a title holding one; a note or a name stored before forms
# took them out must not do either.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value: Any) -> Any:
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {key: _xml_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_xml_safe(item) for item in value]
    return value


def with_fixed_width(spec: dict[str, Any], width: int = 640) -> dict[str, Any]:
    # "container" width means nothing without a page; give files a real width.
    return {**spec, "width": width}


def _for_files(spec: dict[str, Any]) -> str:
    return json.dumps(_xml_safe(with_fixed_width(spec)))


def to_svg(spec: dict[str, Any], title: str = "", sentences: Sequence[str] = ()) -> str:
    """The chart as SVG, named for whoever opens the file without the page around it: its
    ``<title>`` is the chart's title, its ``<desc>`` the sentences that say what it shows."""
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(_for_files(spec))
    return with_title(svg, title, sentences)


def with_title(svg: str, title: str, sentences: Sequence[str] = ()) -> str:
    """``svg`` with a ``<title>`` and a ``<desc>`` as the root element's first children."""
    named = ""
    if title:
        named += f"<title>{escape(NOT_XML.sub('', title))}</title>"
    desc = " ".join(sentence for sentence in sentences if sentence)
    if desc:
        named += f"<desc>{escape(NOT_XML.sub('', desc))}</desc>"
    if not named:
        return svg
    end = svg.index(">", svg.index("<svg")) + 1
    return svg[:end] + named + svg[end:]


def to_png(spec: dict[str, Any], scale: float = 2) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(_for_files(spec), scale=scale)
