"""Ramps: PDSA cycles that build on one another, from the first small test to the full scale.

A team's cycles are read once and walked in Python, so a ramp costs one query however long it
is. Each cycle points to the one it builds on (``builds_on``); the ramp of a cycle is the whole
tree it sits in, from its root. A cycle that is deleted (or that the reader may not see) is
passed over: the cycles built on it hang from the one it built on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from .models import PDSACycle


@dataclass
class RampStep:
    """One cycle in a ramp: how deep it sits and what it builds on (among those shown)."""

    cycle: PDSACycle
    depth: int
    parent: PDSACycle | None
    children: list[RampStep] = field(default_factory=list)


def _order(cycle: PDSACycle) -> tuple[date, int]:
    return (cycle.starts_on or date.max, cycle.pk)


def team_cycles(team_id: int) -> list[PDSACycle]:
    """Every cycle of the team, deleted ones too (to walk past them): one query."""
    return list(PDSACycle.all_objects.filter(team_id=team_id).select_related("idea", "key_change"))


def forest(
    cycles: Iterable[PDSACycle], shown: Callable[[PDSACycle], bool] | None = None
) -> list[list[RampStep]]:
    """The ramps among ``cycles`` (one team's, deleted ones included): each a list of steps in
    order, root first, depth first, a cycle's next cycles by start date then id. Cycles that
    are deleted or not ``shown`` are left out and their next cycles moved up to their place.
    Ramps are ordered by their root's start date, then id.
    """
    by_pk = {cycle.pk: cycle for cycle in cycles}

    def visible(cycle: PDSACycle) -> bool:
        return cycle.deleted_at is None and (shown is None or shown(cycle))

    def shown_parent(cycle: PDSACycle) -> PDSACycle | None:
        seen = {cycle.pk}
        parent = by_pk.get(cycle.builds_on_id) if cycle.builds_on_id else None
        while parent is not None and not visible(parent):
            if parent.pk in seen:  # a loop written past the form: treat as a root
                return None
            seen.add(parent.pk)
            parent = by_pk.get(parent.builds_on_id) if parent.builds_on_id else None
        return parent

    children: dict[int | None, list[PDSACycle]] = {}
    for cycle in by_pk.values():
        if visible(cycle):
            parent = shown_parent(cycle)
            children.setdefault(parent.pk if parent else None, []).append(cycle)
    for siblings in children.values():
        siblings.sort(key=_order)

    def walk(cycle: PDSACycle, depth: int, parent: PDSACycle | None, out: list[RampStep]) -> None:
        step = RampStep(cycle, depth, parent)
        out.append(step)
        for child in children.get(cycle.pk, []):
            before = len(out)
            walk(child, depth + 1, cycle, out)
            step.children.append(out[before])

    ramps = []
    for root in children.get(None, []):
        steps: list[RampStep] = []
        walk(root, 0, None, steps)
        ramps.append(steps)
    return ramps


def ramp_of(
    cycle: PDSACycle,
    cycles: Iterable[PDSACycle] | None = None,
    shown: Callable[[PDSACycle], bool] | None = None,
) -> list[RampStep]:
    """The ramp ``cycle`` belongs to, root first (see ``forest``); ``cycles`` are the team's
    cycles when the caller has them already, else they are read in one query."""
    if cycles is None:
        cycles = team_cycles(cycle.team_id)
    for steps in forest(cycles, shown):
        if any(step.cycle.pk == cycle.pk for step in steps):
            return steps
    return []


def scale_path(steps: list[RampStep], cycle: PDSACycle) -> list[RampStep]:
    """The line of the ramp through ``cycle``: its ancestors, itself, and then, from it, the
    newest next cycle each time. The scale growing along it is what the ramp shows."""
    by_pk = {step.cycle.pk: step for step in steps}
    current = by_pk.get(cycle.pk)
    if current is None:
        return []
    path = [current]
    while path[0].parent is not None:
        path.insert(0, by_pk[path[0].parent.pk])
    while current.children:
        current = current.children[-1]
        path.append(current)
    return path


def descendants(cycle_pk: int, cycles: Iterable[PDSACycle]) -> set[int]:
    """The ids of every cycle building on ``cycle_pk``, directly or not (deleted ones too)."""
    next_of: dict[int, list[int]] = {}
    for cycle in cycles:
        if cycle.builds_on_id:
            next_of.setdefault(cycle.builds_on_id, []).append(cycle.pk)
    found: set[int] = set()
    stack = [cycle_pk]
    while stack:
        for child in next_of.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


_NUMBER = re.compile(r"^\s*(\d+)\s+(\S.*)$")


def next_scale(scale: str) -> str:
    """A suggestion for the cycle that builds on one at ``scale``: a ramp grows, e.g.
    "1 patient" → "5 patients", "5 patients" → "20 patients"; nothing when the scale is words."""
    match = _NUMBER.match(scale or "")
    if not match:
        return ""
    number, unit = int(match.group(1)), match.group(2).strip()
    if number == 1:
        plural = unit if unit.endswith("s") else f"{unit}s"
        return f"5 {plural}"
    return f"{number * 4} {unit}"
