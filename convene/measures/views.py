from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from convene.collaboratives.access import Access, collaborative_for, planned_by, team_for
from convene.collaboratives.models import Collaborative, Team
from convene.lib.versioning import fresh_copy, refreshed_form, save_if_unchanged

from .access import chart_phase_in, metric_in, schedule_of, stratification_in
from .forms import (
    ChartPhaseForm,
    MetricForm,
    RemoveChartPhaseForm,
    ScheduleForm,
    StratificationForm,
)
from .library import LIBRARY, library_fields
from .models import ChartPhase, Metric, ReportingPeriod, ReportingSchedule, Stratum
from .owed import reportable_periods


@login_required
def metric_list(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "view_measures")
    metrics = collaborative.metrics.filter(team__isnull=True).select_related("stratification")
    schedule = ReportingSchedule.objects.filter(collaborative=collaborative).first()
    return render(
        request,
        "measures/metric_list.html",
        {
            "collaborative": collaborative,
            "access": access,
            "metrics": metrics,
            "schedule": schedule,
            "period_count": collaborative.periods.count(),
            "stratifications": collaborative.stratifications.prefetch_related("strata"),
        },
    )


@login_required
def metric_detail(request: HttpRequest, collaborative_id: int, metric_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "view_measures")
    metric = metric_in(collaborative, metric_id)
    return _render_metric(request, access, metric, access.can("edit_measures"))


@login_required
def team_metric_detail(
    request: HttpRequest, collaborative_id: int, team_id: int, metric_id: int
) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "view_team_data")
    metric = metric_in(team, metric_id, own=True)
    return _render_metric(request, access, metric, access.can("add_team_metric", metric.team))


def _render_metric(
    request: HttpRequest, access: Access, metric: Metric, can_edit: bool
) -> HttpResponse:
    return render(
        request,
        "measures/metric_detail.html",
        {
            "collaborative": metric.collaborative,
            "access": access,
            "metric": metric,
            "team": metric.team,
            "can_edit": can_edit,
            "key_changes": metric.key_changes.filter(concept__deleted_at__isnull=True)
            .select_related("concept")
            .order_by("concept__position", "concept__pk", "position", "pk"),
        },
    )


def _starting_values(request: HttpRequest, collaborative: Collaborative) -> dict:
    """Fields to start a new metric from: a library entry or an earlier collaborative's metric."""
    key = request.GET.get("library")
    if key in LIBRARY:
        return library_fields(key)
    copy_id = request.GET.get("copy")
    if copy_id and copy_id.isdigit():
        source = _copyable_metrics(request, collaborative).filter(pk=copy_id).first()
        if source is not None:
            return source.definition()
    return {}


def _copyable_metrics(request: HttpRequest, collaborative: Collaborative):
    """Shared metrics of the other collaboratives this person plans or hosts."""
    metrics = Metric.objects.filter(team__isnull=True, collaborative__in=planned_by(request.user))
    return (
        metrics.exclude(collaborative=collaborative)
        .select_related("collaborative")
        .order_by("collaborative__name", "position")
        .distinct()
    )


@login_required
def new_metric(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "edit_measures")
    return _add_metric(request, access, initial=_starting_values(request, collaborative))


@login_required
def new_team_metric(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "add_team_metric")
    return _add_metric(request, access, team=team)


def _add_metric(
    request: HttpRequest, access: Access, team: Team | None = None, initial: dict | None = None
) -> HttpResponse:
    """A new metric: a shared one of the collaborative, or, with ``team``, the team's own."""
    collaborative = access.collaborative
    form = MetricForm(request.POST or None, initial=initial, collaborative=collaborative, team=team)
    if request.method == "POST" and form.is_valid():
        form.instance.position = collaborative.metrics.count()
        metric = form.save()
        messages.success(request, _("Metric “%(name)s” added.") % {"name": metric.name})
        return _after_metric_saved(metric)
    return render(
        request,
        "measures/metric_form.html",
        {"collaborative": collaborative, "access": access, "form": form, "team": team},
    )


def _after_metric_saved(metric: Metric) -> HttpResponse:
    # A team goes back to its grid, where the new metric's column waits for figures.
    if metric.team_id:
        return redirect("reporting:team-data", metric.collaborative_id, metric.team_id)
    return redirect("measures:metric", metric.collaborative_id, metric.pk)


@login_required
def edit_metric(request: HttpRequest, collaborative_id: int, metric_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "edit_measures")
    return _edit_metric(request, access, metric_in(collaborative, metric_id))


@login_required
def edit_team_metric(
    request: HttpRequest, collaborative_id: int, team_id: int, metric_id: int
) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "add_team_metric")
    return _edit_metric(request, access, metric_in(team, metric_id, own=True))


def _edit_metric(request: HttpRequest, access: Access, metric: Metric) -> HttpResponse:
    kwargs = {"collaborative": metric.collaborative, "team": metric.team}
    form = MetricForm(request.POST or None, instance=metric, **kwargs)
    if request.method == "POST" and form.is_valid():
        fields = [name for name in form.fields if name not in {"version", "key_changes"}]
        form.save(commit=False)
        if save_if_unchanged(metric, form.cleaned_data["version"] or 0, fields):
            form.save_m2m()
            messages.success(request, _("Metric saved."))
            return _after_metric_saved(metric)
        form = refreshed_form(
            MetricForm,
            request.POST,
            fresh_copy(metric),
            _(
                "Someone else saved this metric while you were editing. Your text is kept "
                "below; compare it with the saved definition, then save again."
            ),
            **kwargs,
        )
    return render(
        request,
        "measures/metric_form.html",
        {
            "collaborative": metric.collaborative,
            "access": access,
            "form": form,
            "metric": metric,
            "team": metric.team,
        },
    )


@require_POST
@login_required
def delete_metric(request: HttpRequest, collaborative_id: int, metric_id: int) -> HttpResponse:
    collaborative, _access = collaborative_for(request, collaborative_id, "edit_measures")
    _delete_metric(request, metric_in(collaborative, metric_id))
    return redirect("measures:metrics", collaborative_id)


@require_POST
@login_required
def delete_team_metric(
    request: HttpRequest, collaborative_id: int, team_id: int, metric_id: int
) -> HttpResponse:
    team, _access = team_for(request, collaborative_id, team_id, "add_team_metric")
    _delete_metric(request, metric_in(team, metric_id, own=True))
    return redirect("reporting:team-data", collaborative_id, team_id)


def _delete_metric(request: HttpRequest, metric: Metric) -> None:
    metric.soft_delete(request.user)
    messages.success(
        request,
        _("Metric “%(name)s” is deleted. A host admin can restore it from Deleted items.")
        % {"name": metric.name},
    )


@login_required
def metric_library(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "edit_measures")
    entries = [(key, entry) for key, entry in LIBRARY.items()]
    return render(
        request,
        "measures/library.html",
        {
            "collaborative": collaborative,
            "access": access,
            "entries": entries,
            "earlier": _copyable_metrics(request, collaborative)[:200],
        },
    )


def _default_schedule(collaborative: Collaborative) -> ReportingSchedule:
    # Six baseline months before the start, the usual pattern when teams report history.
    start = collaborative.start_on
    month = start.month - 6
    year = start.year + (month - 1) // 12
    first = date(year, (month - 1) % 12 + 1, 1)
    return ReportingSchedule(collaborative=collaborative, first_period_on=first)


def _edited() -> str:
    return _(
        "Someone else saved changes while you were editing. Your text is kept below; "
        "compare it with the saved version, then save again."
    )


@login_required
def edit_schedule(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "view_measures")
    schedule = schedule_of(collaborative) or _default_schedule(collaborative)
    form = ScheduleForm(request.POST or None, instance=schedule)
    saved = None  # what a colleague saved meanwhile, when they did
    if request.method == "POST":
        if not access.can("edit_measures"):
            raise PermissionDenied
        if form.is_valid():
            if form.save_unless_changed():
                messages.success(request, _("Reporting schedule saved."))
                return redirect("measures:schedule", collaborative.pk)
            saved = schedule_of(collaborative)  # set up or changed by a colleague meanwhile
            form = refreshed_form(ScheduleForm, request.POST, fresh_copy(saved), _edited())
    return render(
        request,
        "measures/schedule.html",
        {
            "collaborative": collaborative,
            "access": access,
            "form": form,
            "periods": collaborative.periods.all(),
            "schedule": schedule if schedule.pk else None,
            "saved": saved,
        },
        status=409 if saved else 400 if form.errors else 200,
    )


@login_required
def new_stratification(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "edit_measures")
    form = StratificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.collaborative = collaborative
            stratification = form.save()
            for position, name in enumerate(form.cleaned_data["strata"]):
                Stratum.objects.create(stratification=stratification, name=name, position=position)
        messages.success(request, _("Strata “%(name)s” added.") % {"name": stratification.name})
        return redirect("measures:metrics", collaborative.pk)
    return render(
        request,
        "measures/stratification_form.html",
        {"collaborative": collaborative, "access": access, "form": form},
    )


@require_POST
@login_required
def delete_stratification(
    request: HttpRequest, collaborative_id: int, stratification_id: int
) -> HttpResponse:
    collaborative, _access = collaborative_for(request, collaborative_id, "edit_measures")
    stratification = stratification_in(collaborative, stratification_id)
    stratification.soft_delete(request.user)
    messages.success(request, _("Strata deleted. A host admin can restore them."))
    return redirect("measures:metrics", collaborative_id)


# ---------------------------------------------------------------- phases of a chart
# A team's chart of a metric (its leads and the host start phases), or the collaborative's
# roll-up of a shared metric (the host and the planning group): ``team`` is None for the latter.


def _chart_url(collaborative: Collaborative, team: Team | None, metric: Metric) -> str:
    if team is None:
        url = reverse("dashboards:dashboard", args=[collaborative.pk])
        return f"{url}#metric-{metric.pk}"
    url = reverse("dashboards:team-dashboard", args=[collaborative.pk, team.pk])
    return f"{url}#chart-{metric.pk}-title"


def _chart_periods(collaborative: Collaborative, team: Team | None) -> list[ReportingPeriod]:
    if team is not None:
        return reportable_periods(team)
    return list(collaborative.periods.filter(starts_on__lte=collaborative.today()))


def _stale_phases() -> str:
    return _(
        "Someone else changed the phases of this chart while you were reading it. "
        "Here they are as saved now; add yours again if it is still needed."
    )


@login_required
def chart_phases(
    request: HttpRequest, collaborative_id: int, team_id: int, metric_id: int
) -> HttpResponse:
    """The phases of a team's chart and, for who may, the form that starts a new one.

    The team dashboard loads this under each chart (its body is cached for every viewer).
    """
    team, access = team_for(request, collaborative_id, team_id, "view_team_data")
    metric = metric_in(team, metric_id)
    return _phases(request, access, team, metric, access.can("manage_chart_phases", team))


@login_required
def rollup_phases(request: HttpRequest, collaborative_id: int, metric_id: int) -> HttpResponse:
    """The phases of the collaborative's roll-up of a shared metric, as ``chart_phases``."""
    collaborative, access = collaborative_for(request, collaborative_id, "view_dashboard")
    metric = metric_in(collaborative, metric_id)
    return _phases(request, access, None, metric, access.can("manage_rollup_phases"))


def _phases(
    request: HttpRequest, access: Access, team: Team | None, metric: Metric, may_manage: bool
) -> HttpResponse:
    collaborative = access.collaborative
    form = ChartPhaseForm(request.POST or None, periods=_chart_periods(collaborative, team))
    if request.method != "POST":
        return _render_phases(request, access, team, metric, form, may_manage)
    if not may_manage:
        raise PermissionDenied
    if not form.is_valid():
        return _render_phases(request, access, team, metric, form, may_manage, status=400)
    data = form.cleaned_data
    if ChartPhase.start(metric, team, data["period"], data["reason"], data["version"]):
        messages.success(
            request, _("A new phase starts in %(period)s.") % {"period": data["period"].label}
        )
        return redirect(_chart_url(collaborative, team, metric))
    # Refused: the form again on the phases as saved now, with what was typed.
    sent = request.POST.copy()
    sent["version"] = ChartPhase.version_of_chart(metric, team)
    form = ChartPhaseForm(sent, periods=_chart_periods(collaborative, team))
    form.is_valid()
    form.add_error(None, _stale_phases())
    return _render_phases(request, access, team, metric, form, may_manage, status=409)


def _render_phases(
    request: HttpRequest,
    access: Access,
    team: Team | None,
    metric: Metric,
    form: ChartPhaseForm,
    may_manage: bool,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    if not form.is_bound:
        form.initial["version"] = ChartPhase.version_of_chart(metric, team)
    collaborative = access.collaborative
    if team is None:
        add_url = reverse("measures:rollup-phases", args=[collaborative.pk, metric.pk])
    else:
        add_url = reverse("measures:chart-phases", args=[collaborative.pk, team.pk, metric.pk])
    context = {
        "collaborative": collaborative,
        "access": access,
        "team": team,
        "metric": metric,
        "phases": ChartPhase.of_chart(metric, team).select_related("period"),
        "form": form if may_manage else None,
        "add_url": add_url,
        "chart_url": _chart_url(collaborative, team, metric),
        "error": error,
    }
    fragment = request.headers.get("HX-Request") and request.method == "GET"
    template = "measures/_chart_phases.html" if fragment else "measures/chart_phases.html"
    return render(request, template, context, status=status)


@require_POST
@login_required
def remove_chart_phase(
    request: HttpRequest, collaborative_id: int, team_id: int, metric_id: int, phase_id: int
) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "manage_chart_phases")
    metric = metric_in(team, metric_id)
    return _remove_phase(request, access, team, metric, chart_phase_in(team, metric, phase_id))


@require_POST
@login_required
def remove_rollup_phase(
    request: HttpRequest, collaborative_id: int, metric_id: int, phase_id: int
) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "manage_rollup_phases")
    metric = metric_in(collaborative, metric_id)
    phase = chart_phase_in(collaborative, metric, phase_id)
    return _remove_phase(request, access, None, metric, phase)


def _remove_phase(
    request: HttpRequest, access: Access, team: Team | None, metric: Metric, phase: ChartPhase
) -> HttpResponse:
    form = RemoveChartPhaseForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else 0
    if phase.remove(request.user, version):
        messages.success(
            request,
            _("The phase from %(period)s is removed. A host admin can restore it.")
            % {"period": phase.period.label},
        )
        return redirect(_chart_url(access.collaborative, team, metric))
    form = ChartPhaseForm(periods=_chart_periods(access.collaborative, team))
    return _render_phases(
        request, access, team, metric, form, True, status=409, error=_stale_phases()
    )
