"""Lookups of measures objects, through the collaborative's policy."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from convene.collaboratives.access import Access, collaborative_for, team_for

from .models import Metric, Stratification


def metric_for(
    request: HttpRequest, collaborative_id: int, metric_id: int, action: str = "view_measures"
) -> tuple[Metric, Access]:
    collaborative, access = collaborative_for(request, collaborative_id, action)
    metric = (
        Metric.objects.filter(pk=metric_id, collaborative=collaborative, team__isnull=True)
        .select_related("stratification")
        .first()
    )
    if metric is None:
        raise Http404
    metric.collaborative = collaborative
    return metric, access


def team_metric_for(
    request: HttpRequest,
    collaborative_id: int,
    team_id: int,
    metric_id: int,
    action: str = "view_team_data",
) -> tuple[Metric, Access]:
    """A metric of the team's own, if the person may do ``action`` on the team."""
    team, access = team_for(request, collaborative_id, team_id, action)
    metric = Metric.objects.filter(pk=metric_id, team=team).first()
    if metric is None:
        raise Http404
    metric.collaborative = team.collaborative
    metric.team = team
    return metric, access


def metric_in(team: Any, metric_id: int) -> Metric:
    """A metric ``team`` reports, shared or its own, for a team already looked up."""
    metric = Metric.objects.filter(pk=metric_id, collaborative_id=team.collaborative_id).first()
    if metric is None or (metric.team_id and metric.team_id != team.pk):
        raise Http404
    return metric


def stratification_for(
    request: HttpRequest, collaborative_id: int, stratification_id: int
) -> tuple[Stratification, Access]:
    collaborative, access = collaborative_for(request, collaborative_id, "edit_measures")
    stratification = Stratification.objects.filter(
        pk=stratification_id, collaborative=collaborative
    ).first()
    if stratification is None:
        raise Http404
    return stratification, access
