"""What the home page's to-do list and the "who is slipping" pages collect from the apps.

The core may not import the feature apps, so each app registers, from ``AppConfig.ready``, a
function that answers for all the teams or collaboratives at once (a fixed number of queries,
however many there are), as ``restore.register`` does for Deleted items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .models import Team


@dataclass(frozen=True)
class ToDo:
    """One thing a person should do: what, where, by when, and the link that does it."""

    text: str
    link: str
    collaborative: Any = None
    due_on: date | None = None
    is_overdue: bool = False
    kind: str = ""


@dataclass(frozen=True)
class Signal:
    """One cell of a team's row on "My teams": ``column`` names the column (its heading is
    ``heading``), ``text`` is what the cell says, ``link`` where it leads. When the signal
    says the team is slipping, ``slipping`` is the reason in words and ``weight`` how much it
    counts in the order (worst first); ``sort`` lets the column be ordered."""

    column: str
    heading: Any
    text: str
    link: str = ""
    slipping: str = ""
    weight: int = 0
    sort: Any = None


# to_do(user, accesses) -> [ToDo]; accesses: {collaborative id: Access} of the person's
# collaboratives, already loaded.
ToDoProvider = Callable[[Any, dict[int, Any]], list[ToDo]]
# signals(collaborative, teams, access) -> {team id: [Signal]}
SignalProvider = Callable[[Any, list[Team], Any], dict[int, list[Signal]]]

_TO_DO: dict[str, ToDoProvider] = {}
_SIGNALS: dict[str, SignalProvider] = {}


def register_to_do(name: str, provider: ToDoProvider) -> None:
    if _TO_DO.get(name, provider) is not provider:
        raise ValueError(f"to-do provider {name!r} is registered already")
    _TO_DO[name] = provider


def register_signals(name: str, provider: SignalProvider) -> None:
    if _SIGNALS.get(name, provider) is not provider:
        raise ValueError(f"signal provider {name!r} is registered already")
    _SIGNALS[name] = provider


def to_do_providers() -> list[tuple[str, ToDoProvider]]:
    return list(_TO_DO.items())


def signal_providers() -> list[tuple[str, SignalProvider]]:
    return list(_SIGNALS.items())
