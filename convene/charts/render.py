"""Server-side rendering of the same specifications the browser draws."""

from __future__ import annotations

import json
from typing import Any


def with_fixed_width(spec: dict[str, Any], width: int = 640) -> dict[str, Any]:
    # "container" width means nothing without a page; give files a real width.
    return {**spec, "width": width}


def to_svg(spec: dict[str, Any]) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(json.dumps(with_fixed_width(spec)))


def to_png(spec: dict[str, Any], scale: float = 2) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(json.dumps(with_fixed_width(spec)), scale=scale)
