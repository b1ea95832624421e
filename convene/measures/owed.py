"""What a team reports: its metrics, their groups and the periods it owes.

Every place that lists a team's figures (the grid, the period page, spreadsheets, the trial
run, dashboards) asks here, so they agree on what is owed.
"""

from __future__ import annotations

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
