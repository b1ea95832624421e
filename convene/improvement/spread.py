"""The spread matrix: which change ideas travel across the teams, and which die.

Rows are the change ideas (the collaborative's driver-diagram ideas, then the change
package's key changes, then each team's own ideas), columns the teams the viewer may see, and
each cell the latest state of that team's testing of that idea with its number of cycles.

What counts where:

- a cycle counts for the idea it tests (``idea``) and for the key change it names
  (``key_change``);
- a cycle testing a driver-diagram idea that puts key changes into practice
  (``DriverNode.key_changes``) counts for those key changes too: the idea is how the
  collaborative chose to practise them, so a team testing it is testing them;
- a cycle linked to a team's own node of the diagram, or naming its idea in its own words
  only, counts in "Teams' own ideas", a row per team and idea.

The state of a cell is its latest cycle's (by end date, then start date, then creation):
"testing" while it is planned, doing or studying; once done, its decision (adopt, adapt,
abandon), "testing" still when no decision is recorded. Row totals count every team of the
collaborative, whatever the viewer sees of each; columns are the teams the sharing setting
shows the viewer (``labelled_teams``), and their cells link to the ramp of the latest cycle
only where the viewer may read that cycle.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext, ngettext

from convene.collaboratives.access import Access
from convene.collaboratives.overview import labelled_teams

from .access import readable_team_ids, sees_shared_cycles
from .diagram import change_ideas
from .models import DriverNode, KeyChange, PDSACycle

NOT_TESTED, TESTING = "none", "testing"
ADOPTED, ADAPTED, ABANDONED = "adopted", "adapted", "abandoned"
STATES = (ADOPTED, ADAPTED, ABANDONED, TESTING, NOT_TESTED)
DECIDED = {
    PDSACycle.Decision.ADOPT: ADOPTED,
    PDSACycle.Decision.ADAPT: ADAPTED,
    PDSACycle.Decision.ABANDON: ABANDONED,
}
OWN_TEXT_LIMIT = 120  # characters of a team's own idea shown as a row's name


def state_names() -> dict[str, str]:
    return {
        ADOPTED: gettext("Adopted"),
        ADAPTED: gettext("Adapted"),
        ABANDONED: gettext("Abandoned"),
        TESTING: gettext("Testing"),
        NOT_TESTED: gettext("Not tested"),
    }


@dataclass
class CycleFacts:
    """What the matrix needs of a cycle: plain values from one query."""

    pk: int
    team_id: int
    idea_id: int | None
    idea_team_id: int | None
    idea_text: str
    key_change_id: int | None
    own_idea: str
    status: str
    decision: str
    starts_on: date | None
    ends_on: date | None
    is_shared: bool

    @property
    def order(self) -> tuple[date, date, int]:
        return (self.ends_on or self.starts_on or date.min, self.starts_on or date.min, self.pk)


def cell_state(cycles: list[CycleFacts]) -> str:
    """The state of one team's testing of one idea, from its cycles."""
    if not cycles:
        return NOT_TESTED
    latest = max(cycles, key=lambda cycle: cycle.order)
    if latest.status != PDSACycle.Status.DONE:
        return TESTING
    return DECIDED.get(latest.decision, TESTING)  # type: ignore[call-overload]


@dataclass
class Cell:
    state: str
    name: str
    cycles: int = 0
    ramp_cycle_id: int | None = None  # the latest cycle, where the viewer may read it


@dataclass
class Row:
    key: str
    name: str
    group: str  # the primary and secondary driver, or the concept
    cells: list[Cell]
    counts: dict[str, int] = field(default_factory=dict)  # every team's states, counted
    team_count: int = 0
    cycle_count: int = 0  # every team's cycles

    @property
    def total(self) -> str:
        """ "Adopted by 4 of 9 teams", and the other states that occur."""
        names = state_names()
        parts = [
            ngettext(
                "%(state)s by %(count)s of %(teams)s team",
                "%(state)s by %(count)s of %(teams)s teams",
                self.team_count,
            )
            % {"state": names[state], "count": self.counts[state], "teams": self.team_count}
            for state in (ADOPTED, ADAPTED, ABANDONED, TESTING)
            if self.counts.get(state)
        ]
        return "; ".join(parts) or gettext("Not tested by any team")


@dataclass
class Group:
    title: str
    rows: list[Row]


@dataclass
class TeamTotal:
    cycles: int = 0
    adopted: int = 0  # ideas (rows) the team adopted
    tested: int = 0  # ideas the team tested at all


@dataclass
class SpreadMatrix:
    teams: list[Any]  # labelled teams: the columns
    groups: list[Group]
    team_totals: list[TeamTotal]
    team_count: int
    states: dict[str, str]

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]


def _cycles(access: Access) -> list[CycleFacts]:
    rows = (
        PDSACycle.objects.filter(
            collaborative=access.collaborative,
            team__deleted_at__isnull=True,
        )
        .order_by()
        .values_list(
            "pk",
            "team_id",
            "idea_id",
            "idea__team_id",
            "idea__text",
            "key_change_id",
            "own_idea",
            "status",
            "decision",
            "starts_on",
            "ends_on",
            "is_shared",
        )
    )
    return [CycleFacts(*row[:4], row[4] or "", *row[5:]) for row in rows]


def _ideas(access: Access) -> list[DriverNode]:
    """The collaborative's change ideas (depth 2), in the diagram's order, drivers alive."""
    return list(change_ideas(access.collaborative.pk))


def _key_changes(access: Access) -> list[KeyChange]:
    return list(
        KeyChange.objects.filter(
            concept__collaborative=access.collaborative, concept__deleted_at__isnull=True
        )
        .select_related("concept")
        .order_by("concept__position", "concept__pk", "position", "pk")
    )


def _idea_key_changes(ideas: list[DriverNode]) -> dict[int, list[int]]:
    """{idea id: ids of the key changes it puts into practice}, in one query."""
    links = DriverNode.key_changes.through.objects.filter(
        drivernode_id__in=[idea.pk for idea in ideas]
    ).values_list("drivernode_id", "keychange_id")
    found: dict[int, list[int]] = defaultdict(list)
    for idea_id, key_change_id in links:
        found[idea_id].append(key_change_id)
    return found


def own_idea_name(cycle: CycleFacts) -> str:
    text = cycle.idea_text if cycle.idea_id else cycle.own_idea
    text = " ".join(text.split())
    if len(text) > OWN_TEXT_LIMIT:
        text = text[: OWN_TEXT_LIMIT - 1].rstrip() + "…"
    return text


def spread_matrix(access: Access) -> SpreadMatrix:
    """The matrix as this person may see it (a handful of queries, however many cycles)."""
    teams = labelled_teams(access)
    all_team_ids = list(access.collaborative.teams.values_list("pk", flat=True))
    ideas, key_changes = _ideas(access), _key_changes(access)
    links = _idea_key_changes(ideas)
    cycles = _cycles(access)
    # {row key: {team id: [cycles]}}
    tested: dict[str, dict[int, list[CycleFacts]]] = defaultdict(lambda: defaultdict(list))
    own: dict[tuple[int, str], list[CycleFacts]] = defaultdict(list)
    live_ideas = {idea.pk for idea in ideas}
    for cycle in cycles:
        counted = False
        if cycle.idea_id in live_ideas:
            tested[f"idea-{cycle.idea_id}"][cycle.team_id].append(cycle)
            for key_change_id in links.get(cycle.idea_id, []):
                if key_change_id != cycle.key_change_id:
                    tested[f"kc-{key_change_id}"][cycle.team_id].append(cycle)
            counted = True
        if cycle.key_change_id:
            tested[f"kc-{cycle.key_change_id}"][cycle.team_id].append(cycle)
            counted = True
        if not counted and (cycle.idea_team_id or cycle.own_idea.strip()):
            own[(cycle.team_id, own_idea_name(cycle).casefold())].append(cycle)
    reader = _Reader(access)
    states = state_names()
    groups = [
        Group(
            gettext("Change ideas of the driver diagram"),
            [
                _row(
                    f"idea-{idea.pk}",
                    idea.text,
                    f"{idea.parent.parent.text} › {idea.parent.text}",
                    tested[f"idea-{idea.pk}"],
                    teams,
                    all_team_ids,
                    reader,
                    states,
                )
                for idea in ideas
            ],
        ),
        Group(
            gettext("Key changes of the change package"),
            [
                _row(
                    f"kc-{kc.pk}",
                    kc.name,
                    kc.concept.name,
                    tested[f"kc-{kc.pk}"],
                    teams,
                    all_team_ids,
                    reader,
                    states,
                )
                for kc in key_changes
            ],
        ),
        Group(gettext("Teams' own ideas"), _own_rows(own, teams, all_team_ids, reader, states)),
    ]
    groups = [group for group in groups if group.rows]
    return SpreadMatrix(
        teams, groups, _team_totals(groups, teams, cycles), len(all_team_ids), states
    )


class _Reader:
    """Whether the viewer may read a cycle, as ``may_read_cycle`` says, without a query."""

    def __init__(self, access: Access) -> None:
        self.team_ids = readable_team_ids(access)
        self.shared = sees_shared_cycles(access)

    def may_read(self, cycle: CycleFacts) -> bool:
        if self.team_ids is None or cycle.team_id in self.team_ids:
            return True
        return cycle.is_shared and self.shared


def _cell(cycles: list[CycleFacts], reader: _Reader, states: dict[str, str]) -> Cell:
    state = cell_state(cycles)
    cell = Cell(state, states[state], len(cycles))
    if cycles:
        latest = max(cycles, key=lambda cycle: cycle.order)
        cell.ramp_cycle_id = latest.pk if reader.may_read(latest) else None
    return cell


def _row(
    key: str,
    name: str,
    group: str,
    by_team: dict[int, list[CycleFacts]],
    teams: list[Any],
    all_team_ids: list[int],
    reader: _Reader,
    states: dict[str, str],
) -> Row:
    row = Row(key, name, group, [_cell(by_team.get(team.pk, []), reader, states) for team in teams])
    row.team_count = len(all_team_ids)
    counts = dict.fromkeys(STATES, 0)
    for team_id in all_team_ids:
        counts[cell_state(by_team.get(team_id, []))] += 1
    row.counts = counts
    row.cycle_count = sum(len(by_team.get(team_id, [])) for team_id in all_team_ids)
    return row


def _own_rows(
    own: dict[tuple[int, str], list[CycleFacts]],
    teams: list[Any],
    all_team_ids: list[int],
    reader: _Reader,
    states: dict[str, str],
) -> list[Row]:
    """A row per team and own idea, for the teams the viewer sees, from the cycles the viewer
    may read (a team's own words are not shown to others unless it shared them)."""
    rows = []
    for index, team in enumerate(teams):
        ideas = sorted(
            (text, cycles) for (team_id, text), cycles in own.items() if team_id == team.pk
        )
        for _text, cycles in ideas:
            readable = [cycle for cycle in cycles if reader.may_read(cycle)]
            if not readable:
                continue
            by_team = {team.pk: cycles}
            row = _row(
                f"own-{team.ref}-{index}-{len(rows)}",
                own_idea_name(readable[0]),
                str(team.label),
                by_team,
                teams,
                all_team_ids,
                reader,
                states,
            )
            rows.append(row)
    return rows


def _team_totals(
    groups: list[Group], teams: list[Any], cycles: list[CycleFacts]
) -> list[TeamTotal]:
    totals = [TeamTotal() for _team in teams]
    per_team: dict[int, int] = defaultdict(int)
    for cycle in cycles:
        per_team[cycle.team_id] += 1
    for total, team in zip(totals, teams, strict=True):
        total.cycles = per_team[team.pk]
    for group in groups:
        for row in group.rows:
            for total, cell in zip(totals, row.cells, strict=True):
                total.adopted += cell.state == ADOPTED
                total.tested += cell.state != NOT_TESTED
    return totals
