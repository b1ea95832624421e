"""What a collaborative's Deleted items page can restore.

Each app registers its soft-deletable models from its ``AppConfig.ready``, with the path
from the model to its collaborative, so this app never needs to know the apps above it.
"""

from __future__ import annotations

from typing import Any

_REGISTRY: dict[str, tuple[Any, str]] = {}


def register(kind: str, model: Any, path: str) -> None:
    """Offer deleted ``model`` rows for restoring; ``path`` leads from a row to its collaborative
    (``"collaborative"`` or ``"team__collaborative"``). ``kind`` names it in URLs."""
    if _REGISTRY.get(kind, (model, path)) != (model, path):
        raise ValueError(f"{kind!r} is registered already for {_REGISTRY[kind][0].__name__}")
    _REGISTRY[kind] = (model, path)


def registered() -> list[tuple[str, Any, str]]:
    """Every kind with its model and path, in the order the apps registered them."""
    return [(kind, model, path) for kind, (model, path) in _REGISTRY.items()]


def lookup(kind: str) -> tuple[Any, str] | None:
    return _REGISTRY.get(kind)
