"""The kinds of notification and the periodic scans, registered by the apps that own them.

This app knows no feature app: reporting, trials, improvement (and later meetings, discussion)
register their kinds and scans from ``AppConfig.ready`` and call :func:`~.api.notify`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .models import Channel


@dataclass(frozen=True)
class Kind:
    """One kind: its name in URLs and rows, what people read in their preferences, and the
    channel it takes when a person has not chosen (``role_defaults`` by the role the person
    is told in, e.g. a coach hears of submitted reports in a digest)."""

    name: str
    label: Any  # a lazy translation
    description: Any = ""
    default: str = Channel.EMAIL
    role_defaults: dict[str, str] = field(default_factory=dict)

    def channel_for(self, role: str | None) -> str:
        if role is not None and role in self.role_defaults:
            return self.role_defaults[role]
        return self.default


_KINDS: dict[str, Kind] = {}
_SCANS: dict[str, Callable[[datetime], Any]] = {}


def register(kind: Kind) -> Kind:
    if _KINDS.get(kind.name, kind) != kind:
        raise ValueError(f"notification kind {kind.name!r} is registered already")
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind | None:
    return _KINDS.get(name)


def registered() -> list[Kind]:
    """Every kind, in the order the apps registered them."""
    return list(_KINDS.values())


def register_scan(name: str, scan: Callable[[datetime], Any]) -> None:
    """Run ``scan(now)`` on every periodic run (``manage.py notify``). A scan must be safe to
    run twice at once: it notifies through ``notify`` with a key per event and step."""
    if _SCANS.get(name, scan) is not scan:
        raise ValueError(f"scan {name!r} is registered already")
    _SCANS[name] = scan


def scans() -> list[tuple[str, Callable[[datetime], Any]]]:
    return list(_SCANS.items())
