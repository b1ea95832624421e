"""Server-side rendering of the same specifications the browser draws."""

from __future__ import annotations

import json
import re
from typing import Any

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


def to_svg(spec: dict[str, Any]) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(_for_files(spec))


def to_png(spec: dict[str, Any], scale: float = 2) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(_for_files(spec), scale=scale)
