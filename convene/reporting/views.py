"""A team's reporting: the grid of numbers, the period report, submission and history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from convene.collaboratives.access import collaborative_for, team_for
from convene.collaboratives.models import Team
from convene.lib.sheets import too_large
from convene.measures.access import metric_in
from convene.measures.owed import owes
from convene.trials.access import trial_in
from convene.trials.trial import reporting_closed, trial_rule, waiting_count, why_closed

from . import events
from .access import report_in, value_in
from .entry import enter_cell
from .exports import export_csv, export_xlsx, team_template
from .forms import CellForm, FeedbackForm, PeriodEntry
from .grid import Cell, team_grid
from .models import Feedback, ProgressScore, Report
from .progress import progress_forms
from .transfer import COLUMNS, MAX_UPLOAD_BYTES, UploadError, import_figures, read_rows


@login_required
def team_data(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "view_team_data")
    trial = trial_in(team)
    metrics, rows = team_grid(team)
    may_enter_data = access.can("enter_team_data", team)
    rule = trial_rule(team)
    closed = why_closed(rule, trial.status if trial.pk else None) if may_enter_data else ""
    return render(
        request,
        "reporting/team_data.html",
        {
            "collaborative": team.collaborative,
            "team": team,
            "access": access,
            "metrics": metrics,
            "rows": list(reversed(rows)),
            "can_enter": may_enter_data and not closed,
            "can_add_metric": access.can("add_team_metric", team),
            "reporting_closed": closed,
            "trial": trial if trial.pk else None,  # None while the team has not started it
            "trial_rule": rule,
        },
    )


@require_POST
@login_required
def save_cell(
    request: HttpRequest, collaborative_id: int, team_id: int, metric_id: int, period_id: int
) -> HttpResponse:
    """Save one grid cell. Answers htmx with the cell's status; others go back to the grid."""
    team, _access = team_for(request, collaborative_id, team_id, "enter_team_data")
    metric = metric_in(team, metric_id)
    report = report_in(team, period_id)
    if metric.stratification_id:
        raise PermissionDenied  # strata are entered on the period's page
    form = CellForm(request.POST)
    form.is_valid()  # every field is optional: what was sent is read as typed
    sent = form.cleaned_data
    denominator = sent["denominator"] if metric.has_denominator else None
    entry = enter_cell(
        report,
        metric,
        sent["numerator"],
        denominator,
        confirmed=sent["confirm"],
        expected_version=sent["version"],
        by=request.user,
    )
    if request.htmx:
        context = {
            "cell": Cell(metric, report.period, entry.value, locked=entry.locked),
            "team": team,
            "collaborative": team.collaborative,
            "state": entry.state,
            "message": entry.message,
            "numerator": sent["numerator"],
            "denominator": denominator,
        }
        return render(request, "reporting/_cell_status.html", context)
    level = messages.success if entry.state == "saved" else messages.error
    level(request, entry.message or _("Saved."))
    return redirect("reporting:team-data", collaborative_id, team_id)


STALE_PERIOD = gettext_lazy(
    "Nothing was saved: someone else saved this period while you were working on it. What "
    "you typed is kept below, and what they saved is marked; check it, then save again."
)


def may_enter(access: Any, team: Team, report: Report) -> bool:
    """Whether this person may change the period's figures, narrative and own score."""
    return access.can("enter_team_data", team) and not report.is_locked


@login_required
def period_report(
    request: HttpRequest, collaborative_id: int, team_id: int, period_id: int
) -> HttpResponse:
    """One period: every metric (by strata where defined), notes, exclusions, the narrative."""
    team, access = team_for(request, collaborative_id, team_id, "view_team_data")
    report = report_in(team, period_id)
    if request.method != "POST":
        return render_period(request, report, access)
    if not may_enter(access, team, report):
        raise PermissionDenied
    if closed := reporting_closed(team):
        messages.error(request, closed)
        return redirect("reporting:period-report", collaborative_id, team_id, period_id)
    entry = PeriodEntry(request.POST, report=report)
    if entry.is_valid():
        if not entry.save(request.user):
            messages.error(request, STALE_PERIOD)
            report = report_in(team, period_id)
            return render_period(request, report, access, entry=entry.refreshed(report), status=409)
        if not entry.submitting:
            messages.success(request, _("Draft saved."))
        elif report.is_late:
            messages.success(request, _("Report submitted late."))
        else:
            messages.success(request, _("Report submitted."))
        return redirect("reporting:period-report", collaborative_id, team_id, period_id)
    if entry.needs_confirmation:
        messages.warning(request, _("Some figures look unusual. Check them, then confirm."))
    else:
        messages.error(request, _("Nothing was saved: please correct the marked figures."))
    return render_period(request, report, access, entry=entry, status=400)


def render_period(
    request: HttpRequest,
    report: Report,
    access: Any,
    *,
    entry: PeriodEntry | None = None,
    progress_form: tuple[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The period page; ``entry`` or ``progress_form`` hold what was typed when a save was
    refused."""
    team, period = report.team, report.period
    can_enter = may_enter(access, team, report)
    closed = reporting_closed(team) if can_enter else ""
    entry = entry or PeriodEntry(report=report)
    context = {
        "collaborative": team.collaborative,
        "team": team,
        "access": access,
        "period": period,
        "owed": owes(team, period),
        "report": report,
        "can_enter": can_enter and not closed,
        "reporting_closed": closed,
        "can_reopen": report.is_locked and access.can("reopen_report", team),
        "feedback": (
            report.feedback.select_related("author") if report.pk else Feedback.objects.none()
        ),
        "can_give_feedback": report.is_locked and access.can("give_feedback", team),
        "progress": progress_forms(
            team,
            period,
            may_rate={
                # Unsubmitted, the team's score is part of the report's form; submitted, the
                # team may still add or change it on its own.
                ProgressScore.Rater.TEAM: report.is_locked and access.can("enter_team_data", team),
                ProgressScore.Rater.COACH: access.can("give_feedback", team),
            },
            bound=progress_form,
        ),
        "rows": entry.lines.rows,
        "form": entry.narrative,
        "score_form": entry.score,
    }
    return render(request, "reporting/period_report.html", context, status=status)


@require_POST
@login_required
def reopen_report(
    request: HttpRequest, collaborative_id: int, team_id: int, period_id: int
) -> HttpResponse:
    team, _access = team_for(request, collaborative_id, team_id, "reopen_report")
    report = report_in(team, period_id, submitted=True)
    with transaction.atomic():
        report.reopen(request.user)
        events.report_reopened(report, request.user)
    messages.success(request, _("The period is open again for this team."))
    return redirect("reporting:period-report", collaborative_id, team_id, period_id)


@login_required
def value_history(
    request: HttpRequest, collaborative_id: int, team_id: int, value_id: int
) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "view_team_data")
    value = value_in(team, value_id)
    return render(
        request,
        "reporting/value_history.html",
        {
            "collaborative": team.collaborative,
            "team": team,
            "access": access,
            "value": value,
            "revisions": value.revisions.select_related("recorded_by", "replaced_by"),
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def team_template_file(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    """The team's figures as an XLSX to fill in, with the metric definitions beside them."""
    team, _access = team_for(request, collaborative_id, team_id, "view_team_data")
    response = HttpResponse(team_template(team), content_type=XLSX)
    name = slugify(team.name) or "team"
    response["Content-Disposition"] = f'attachment; filename="{name}-figures.xlsx"'
    return response


@login_required
def import_team_figures(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "enter_team_data")
    result, problem = None, ""
    closed = reporting_closed(team)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if closed:
            problem = closed
        elif upload is None:
            problem = _("Choose a file to upload.")
        elif upload.size > MAX_UPLOAD_BYTES:
            problem = str(too_large())
        else:
            try:
                rows = list(read_rows(upload.name, upload.read()))
                result = import_figures(team, rows, request.user)
            except UploadError as error:
                problem = str(error)
        if result and not result.errors:
            messages.success(
                request,
                _(
                    "File stored. New figures: %(created)s; changed: %(changed)s; "
                    "unchanged: %(unchanged)s."
                )
                % {
                    "created": result.created,
                    "changed": result.changed,
                    "unchanged": result.unchanged,
                },
            )
            return redirect("reporting:team-data", collaborative_id, team_id)
    return render(
        request,
        "reporting/import.html",
        {
            "collaborative": team.collaborative,
            "team": team,
            "access": access,
            "result": result,
            "problem": problem,
            "columns": COLUMNS,
            "reporting_closed": closed,
        },
        status=400 if problem or (result and result.errors) else 200,
    )


@require_POST
@login_required
def add_feedback(
    request: HttpRequest, collaborative_id: int, team_id: int, period_id: int
) -> HttpResponse:
    team, _access = team_for(request, collaborative_id, team_id, "give_feedback")
    report = report_in(team, period_id, submitted=True)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the feedback before sending it."))
    else:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                report=report, author=request.user, text=form.cleaned_data["text"]
            )
            events.feedback_given(feedback, request.user)
        messages.success(request, _("Feedback sent to the team."))
    return redirect("reporting:period-report", collaborative_id, team_id, period_id)


@login_required
def export_figures(request: HttpRequest, collaborative_id: int, fmt: str) -> HttpResponse:
    """Every team's figures, for the host's own analysis."""
    collaborative, _access = collaborative_for(request, collaborative_id, "export_data")
    name = slugify(collaborative.name) or "collaborative"
    if fmt == "csv":
        response = HttpResponse(export_csv(collaborative), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            export_xlsx(collaborative),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}-figures.{fmt}"'
    return response


def waiting(collaborative: Any, reports: list[Report]) -> list[Report]:
    """Mark each submitted report with the days it has waited, on the collaborative's clock."""
    today = collaborative.today()
    for report in reports:
        assert report.submitted_at is not None  # submitted
        report.days_waiting = (today - collaborative.local(report.submitted_at).date()).days
    return reports


@login_required
def feedback_queue(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    """Submitted reports that still await feedback: a coach sees those of their teams."""
    collaborative, access = collaborative_for(request, collaborative_id, "view_feedback_queue")
    reports = (
        Report.objects.filter(
            team__collaborative=collaborative,
            team__deleted_at__isnull=True,
            status=Report.Status.SUBMITTED,
        )
        .filter(~Exists(Feedback.objects.filter(report=OuterRef("pk"))))
        .select_related("team", "period", "submitted_by")
        .order_by("submitted_at", "pk")  # the longest waiting first
    )
    if not access.can("give_feedback") and not access.sees_all_teams:
        reports = reports.filter(team_id__in=access.coached_team_ids)
    return render(
        request,
        "reporting/feedback_queue.html",
        {
            "collaborative": collaborative,
            "access": access,
            "reports": waiting(collaborative, list(reports[:200])),
            "trials_waiting": waiting_count(collaborative, access),
        },
    )
