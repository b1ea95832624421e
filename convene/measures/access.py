"""Lookups of measures objects, through the collaborative's policy.

A view first looks up the collaborative or team through ``convene.collaboratives.access``,
which checks what the person may do there, then the metric or strata inside it from here.
"""

from __future__ import annotations

from django.http import Http404

from convene.collaboratives.models import Collaborative, Team

from .models import ChartPhase, Metric, ReportingSchedule, Stratification


def metric_in(parent: Collaborative | Team, metric_id: int, own: bool = False) -> Metric:
    """A metric of a collaborative (a shared one) or of a team (shared or, with ``own``, only
    the team's own), in a parent the view has already looked up and checked; 404 otherwise."""
    if isinstance(parent, Team):
        metric = (
            Metric.objects.filter(pk=metric_id, collaborative_id=parent.collaborative_id)
            .select_related("stratification")
            .first()
        )
        mine = metric is not None and metric.team_id == parent.pk
        shared = metric is not None and metric.team_id is None
        if not (mine or (shared and not own)):
            raise Http404
        metric.collaborative = parent.collaborative
        if mine:
            metric.team = parent
        return metric
    metric = (
        Metric.objects.filter(pk=metric_id, collaborative=parent, team__isnull=True)
        .select_related("stratification")
        .first()
    )
    if metric is None:
        raise Http404
    metric.collaborative = parent
    return metric


def stratification_in(collaborative: Collaborative, stratification_id: int) -> Stratification:
    stratification = Stratification.objects.filter(
        pk=stratification_id, collaborative=collaborative
    ).first()
    if stratification is None:
        raise Http404
    return stratification


def schedule_of(collaborative: Collaborative) -> ReportingSchedule | None:
    """The collaborative's reporting schedule as stored now, or None before it is set up."""
    return ReportingSchedule.objects.filter(collaborative=collaborative).first()


def chart_phase_in(parent: Collaborative | Team, metric: Metric, phase_id: int) -> ChartPhase:
    """A live phase of a team's chart of ``metric`` (``parent`` a team) or of the roll-up
    (``parent`` the collaborative), the parent and metric looked up and checked already."""
    phases = ChartPhase.objects.filter(pk=phase_id, metric=metric)
    if isinstance(parent, Team):
        phase = phases.filter(team=parent).first()
    else:
        phase = phases.filter(collaborative=parent, team__isnull=True).first()
    if phase is None:
        raise Http404
    return phase
