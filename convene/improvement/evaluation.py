"""Counts of the teams' testing, for the evaluation: on the dashboard and in the export.

Cycles per team per month (by the month their start date falls in, over the collaborative's
months), cycles completed (status done), the mix of decisions, and the ideas tested most
(by the number of teams testing them, then cycles). One query reads every cycle.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.formats import date_format

from convene.collaboratives.models import Collaborative

from .models import PDSACycle

TOP_IDEAS = 5


def month_starts(collaborative: Collaborative) -> list[date]:
    """The first day of every month of the collaborative, from its start to its end."""
    months = []
    day = collaborative.start_on.replace(day=1)
    while day <= collaborative.end_on:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


@dataclass
class TeamMonths:
    team_id: int
    label: str
    by_month: list[int]
    total: int
    completed: int


@dataclass
class Idea:
    name: str
    teams: int
    cycles: int


@dataclass
class TestingCounts:
    months: list[date]
    total: int = 0
    completed: int = 0
    decisions: dict[str, int] = field(default_factory=dict)  # adopt, adapt, abandon
    by_month: list[int] = field(default_factory=list)  # every team's cycles, month by month
    teams: list[TeamMonths] = field(default_factory=list)  # the teams the viewer may see
    ideas: list[Idea] = field(default_factory=list)
    teams_testing: int = 0

    @property
    def month_labels(self) -> list[str]:
        return [date_format(month, "M y") for month in self.months]

    @property
    def decision_rows(self) -> list[tuple[str, int]]:
        return [
            (str(label), self.decisions.get(value, 0))
            for value, label in PDSACycle.Decision.choices
        ]

    @property
    def shown_count(self) -> int:
        """The months up to the latest with a cycle (the rest of a long collaborative is
        empty so far), at least one."""
        return max((i for i, n in enumerate(self.by_month) if n), default=0) + 1

    @property
    def shown_slice(self) -> str:
        return f":{self.shown_count}"

    @property
    def shown_months(self) -> list[tuple[str, int]]:
        return list(zip(self.month_labels, self.by_month, strict=True))[: self.shown_count]


def _cycle_rows(collaborative: Collaborative) -> list[dict[str, Any]]:
    return list(
        PDSACycle.objects.filter(collaborative=collaborative, team__deleted_at__isnull=True)
        .order_by()
        .values(
            "team_id",
            "starts_on",
            "status",
            "decision",
            "idea_id",
            "idea__text",
            "idea__team_id",
            "key_change_id",
            "key_change__name",
        )
    )


def _idea_key(cycle: dict[str, Any]) -> tuple[str, str] | None:
    """The collaborative's idea or key change a cycle tests; None for a team's own idea (its
    own words stay out of counts others read)."""
    if cycle["idea_id"] and not cycle["idea__team_id"]:
        return (f"idea-{cycle['idea_id']}", cycle["idea__text"])
    if cycle["key_change_id"]:
        return (f"kc-{cycle['key_change_id']}", cycle["key_change__name"])
    return None


def per_team_month(
    collaborative: Collaborative, cycles: list[dict[str, Any]] | None = None
) -> tuple[list[date], dict[int, list[list[int]]]]:
    """{team id: per month [started, completed, adopt, adapt, abandon]} over the months."""
    months = month_starts(collaborative)
    index = {month: i for i, month in enumerate(months)}
    found: dict[int, list[list[int]]] = defaultdict(lambda: [[0] * 5 for _ in months])
    for cycle in _cycle_rows(collaborative) if cycles is None else cycles:
        day = cycle["starts_on"]
        at = index.get(day.replace(day=1)) if day else None
        if at is None:
            continue
        slot = found[cycle["team_id"]][at]
        slot[0] += 1
        if cycle["status"] == PDSACycle.Status.DONE:
            slot[1] += 1
        for k, decision in enumerate(("adopt", "adapt", "abandon"), start=2):
            slot[k] += cycle["decision"] == decision
    return months, dict(found)


def testing_counts(collaborative: Collaborative, teams: list[Any]) -> TestingCounts:
    """The counts over every team; ``teams`` (labelled, ``labelled_teams``) are the ones the
    viewer may see a row of, under their labels."""
    cycles = _cycle_rows(collaborative)
    months, by_team = per_team_month(collaborative, cycles)
    counts = TestingCounts(months)
    counts.total = len(cycles)
    counts.completed = sum(cycle["status"] == PDSACycle.Status.DONE for cycle in cycles)
    counts.decisions = dict(Counter(cycle["decision"] for cycle in cycles if cycle["decision"]))
    counts.by_month = [sum(slots[i][0] for slots in by_team.values()) for i in range(len(months))]
    counts.teams_testing = len({cycle["team_id"] for cycle in cycles})
    per_team = Counter(cycle["team_id"] for cycle in cycles)
    done = Counter(cycle["team_id"] for cycle in cycles if cycle["status"] == "done")
    for team in teams:
        slots = by_team.get(team.pk, [[0] * 5 for _ in months])
        counts.teams.append(
            TeamMonths(
                team.pk, str(team.label), [s[0] for s in slots], per_team[team.pk], done[team.pk]
            )
        )
    ideas: dict[str, tuple[str, set[int], int]] = {}
    for cycle in cycles:
        key = _idea_key(cycle)
        if key is None:
            continue
        name, testing, n = ideas.get(key[0], (key[1], set(), 0))
        ideas[key[0]] = (name, testing | {cycle["team_id"]}, n + 1)
    ranked = sorted(ideas.values(), key=lambda item: (-len(item[1]), -item[2], item[0].lower()))
    counts.ideas = [Idea(name, len(testing), n) for name, testing, n in ranked[:TOP_IDEAS]]
    return counts
