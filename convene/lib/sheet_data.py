"""A spreadsheet's sheets as plain data, and the sheets other apps add to the host's export.

``Sheet`` and ``Column`` are what every spreadsheet and CSV file of ours is made of; the
writers (``reporting.exports``) write them. They live here, importing no app, so that an app
``reporting`` may not import (``improvement``) can still describe sheets of its own, and
offer them to the host's export from its ``AppConfig.ready`` (``register_export``), as apps
offer deleted rows to ``collaboratives.restore``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    name: str
    width: int = 12


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]


# A builder takes a collaborative and returns its sheet.
Builder = Callable[[Any], Sheet]
_EXPORTS: list[Builder] = []


def register_export(builder: Builder) -> None:
    """Add ``builder``'s sheet to the host's export, after the figures' own sheets."""
    if builder not in _EXPORTS:
        _EXPORTS.append(builder)


def registered_exports() -> list[Builder]:
    """The builders apps registered, in the order they did."""
    return list(_EXPORTS)
