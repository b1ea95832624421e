"""What a team reports: its metrics, their groups and the periods it owes.

Every place that lists a team's figures (the grid, the period page, spreadsheets, the trial
run, dashboards) asks here, so they agree on what is owed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q

from convene.collaboratives.models import Team

from .models import Metric, ReportingPeriod, Stratum


def metrics_for(team: Team) -> list[Metric]:
    """The shared metrics of the collaborative and the team's own, in their order."""
    return list(
        Metric.objects.filter(collaborative_id=team.collaborative_id)
        .filter(Q(team__isnull=True) | Q(team=team))
        .select_related("stratification")  # named by the dashboard's by-group charts
        # Shared metrics first, then the team's own, whichever way the database sorts NULL.
        .order_by(F("team_id").asc(nulls_first=True), "position", "pk")
    )


def strata_of(metrics: list[Metric]) -> dict[int, list[Stratum]]:
    """The groups of each stratification the metrics use, in their order: {id: [strata]}."""
    strata: dict[int, list[Stratum]] = {}
    used = {m.stratification_id for m in metrics if m.stratification_id}
    for stratum in Stratum.objects.filter(stratification_id__in=used):
        strata.setdefault(stratum.stratification_id, []).append(stratum)
    return strata


def reportable_periods(team: Team) -> list[ReportingPeriod]:
    """Periods that have begun: teams report on the past, not the future."""
    today = team.collaborative.today()
    return list(
        ReportingPeriod.objects.filter(collaborative_id=team.collaborative_id, starts_on__lte=today)
    )


# What a team owes for a period (``owes``): a report it must send, baseline history the host
# asked for (counted apart: never missing, never late), or nothing.
OWED = "owed"
HISTORY = "history"


def owes(team: Team, period: ReportingPeriod) -> str | None:
    """``OWED``, ``HISTORY`` or None: the one rule every count of owed reports follows.

    A team owes every period from the one it joined in (the period that holds ``joined_on``)
    onwards. Before that, it is asked for baseline history from ``history_from`` on when the
    host set that date; when the host did not, a team that joined by the collaborative's start
    is asked for every earlier period (the schedule starts before the collaborative so that
    teams report their history) and a team that joined later for none.
    """
    if period.ends_on >= team.joined_on:
        return OWED
    if team.history_from is not None:
        return HISTORY if period.ends_on >= team.history_from else None
    return HISTORY if team.joined_on <= team.collaborative.start_on else None


def owing_teams(
    teams: Iterable[Team], periods: Iterable[ReportingPeriod]
) -> dict[int, dict[int, str | None]]:
    """``owes`` for every team and period, without a query: {period id: {team id: owed}}.

    The teams' collaborative must be loaded with them (it is when they come from
    ``collaborative.teams``).
    """
    teams = list(teams)
    return {period.pk: {team.pk: owes(team, period) for team in teams} for period in periods}
