"""A team's reporting: the grid of numbers, the period report, submission and history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from convene.collaboratives.access import collaborative_for, team_for
from convene.measures.access import metric_in
from convene.measures.entry import check_entry
from convene.measures.models import Metric, ReportingPeriod, ReportingSchedule, Stratum
from convene.measures.owed import metrics_for, strata_of
from convene.trials.models import TrialRun
from convene.trials.trial import reporting_closed, trial_rule, waiting_count, why_closed

from .entry import save_entry
from .forms import NarrativeForm
from .grid import Cell, history_of, team_grid
from .models import Feedback, ProgressScore, Report, ReportRevision, Value
from .progress import progress_forms
from .transfer import (
    COLUMNS,
    MAX_UPLOAD_BYTES,
    UploadError,
    export_csv,
    export_xlsx,
    import_figures,
    read_rows,
    team_template,
)


def _period_of(team: Any, period_id: int) -> ReportingPeriod:
    return get_object_or_404(ReportingPeriod, pk=period_id, collaborative_id=team.collaborative_id)


def _is_locked(team: Any, period: ReportingPeriod) -> bool:
    return Report.objects.filter(team=team, period=period, status=Report.Status.SUBMITTED).exists()


@login_required
def team_data(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "view_team_data")
    metrics, rows = team_grid(team)
    may_enter_data = access.can("enter_team_data", team)
    rule, trial = trial_rule(team), TrialRun.objects.filter(team=team).first()
    closed = why_closed(rule, trial.status if trial else None) if may_enter_data else ""
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
            "trial": trial,
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
    period = _period_of(team, period_id)
    if metric.stratification_id:
        raise PermissionDenied  # strata are entered on the period's page
    value = Value.objects.filter(team=team, metric=metric, period=period, stratum=None).first()
    numerator = request.POST.get("numerator")
    denominator = request.POST.get("denominator") if metric.has_denominator else None
    state, message = "saved", ""
    if closed := reporting_closed(team):
        state, message = "error", closed
    elif _is_locked(team, period):
        state, message = "error", _("This period is submitted and locked.")
    else:
        check = check_entry(metric, numerator, denominator, history_of(team, metric, period))
        if check.incomplete:
            state = "waiting"
        elif check.errors:
            state, message = "error", " ".join(check.errors)
        elif check.warning and request.POST.get("confirm") != "1":
            state, message = "confirm", check.warning
        else:
            version = request.POST.get("version")
            expected = int(version) if version and version.isdigit() else None
            value, saved = save_entry(
                team=team,
                metric=metric,
                period=period,
                stratum=None,
                check=check,
                by=request.user,
                expected_version=expected,
            )
            if not saved:
                state = "conflict"
                message = _(
                    "Someone else changed this figure. The saved figures are shown; "
                    "enter yours again if they should replace them."
                )
    cell = Cell(metric, period, value, locked=_is_locked(team, period))
    context = {
        "cell": cell,
        "team": team,
        "collaborative": team.collaborative,
        "state": state,
        "message": message,
        "numerator": numerator,
        "denominator": denominator,
    }
    if request.htmx:
        return render(request, "reporting/_cell_status.html", context)
    level = messages.success if state == "saved" else messages.error
    level(request, message or _("Saved."))
    return redirect("reporting:team-data", collaborative_id, team_id)


def report_of(team: Any, period: ReportingPeriod) -> Report:
    """The team's report of the period, or an unsaved draft when there is none yet."""
    return Report.objects.filter(team=team, period=period).first() or Report(
        team=team, period=period
    )


def may_enter(access: Any, team: Any, report: Report) -> bool:
    """Whether this person may change the period's figures, narrative and own score."""
    return access.can("enter_team_data", team) and not report.is_locked


@login_required
def period_report(
    request: HttpRequest, collaborative_id: int, team_id: int, period_id: int
) -> HttpResponse:
    """One period: every metric (by strata where defined), notes, exclusions, the narrative."""
    team, access = team_for(request, collaborative_id, team_id, "view_team_data")
    period = _period_of(team, period_id)
    report = report_of(team, period)
    can_enter = may_enter(access, team, report)
    lines = _lines(team, period)
    form = NarrativeForm(instance=report, prefix="report")
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied
        if closed := reporting_closed(team):
            messages.error(request, closed)
            return redirect("reporting:period-report", collaborative_id, team_id, period_id)
        form = NarrativeForm(request.POST, instance=report, prefix="report")
        outcome = _save_period(request, team, period, report, form, lines)
        if outcome is not None:
            return outcome
    return render_period(
        request,
        team,
        access,
        period,
        report,
        {"lines": lines, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def render_period(
    request: HttpRequest,
    team: Any,
    access: Any,
    period: ReportingPeriod,
    report: Report,
    extra: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """The period page; ``extra`` holds bound forms when a save was refused."""
    can_enter = may_enter(access, team, report)
    closed = reporting_closed(team) if can_enter else ""
    context = {
        "collaborative": team.collaborative,
        "team": team,
        "access": access,
        "period": period,
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
                ProgressScore.Rater.TEAM: can_enter,
                ProgressScore.Rater.COACH: access.can("give_feedback", team),
            },
            bound=extra.pop("progress_form", None),
        ),
        **extra,
    }
    if "lines" not in context:
        context["lines"] = _lines(team, period)
    if "form" not in context:
        context["form"] = NarrativeForm(instance=report, prefix="report")
    return render(request, "reporting/period_report.html", context, status=status)


def _lines(team: Any, period: ReportingPeriod) -> list[dict[str, Any]]:
    """One line per metric, or per stratum of a stratified metric, with its stored value."""
    metrics = metrics_for(team)
    values = {
        (v.metric_id, v.stratum_id): v
        for v in Value.objects.filter(team=team, period=period).select_related("stratum")
    }
    strata = strata_of(metrics)
    lines = []
    for metric in metrics:
        groups = strata.get(metric.stratification_id, []) if metric.stratification_id else []
        for stratum in groups or [None]:
            value = values.get((metric.pk, stratum.pk if stratum else None))
            lines.append(_line(metric, stratum, value))
        if groups:
            lines.append(_total_line(metric, lines[-len(groups) :]))
    return lines


def _line(metric: Metric, stratum: Stratum | None, value: Value | None) -> dict[str, Any]:
    return {
        "key": f"{metric.pk}-{stratum.pk if stratum else 0}",
        "metric": metric,
        "stratum": stratum,
        "value": value,
        "numerator": value.numerator if value else "",
        "denominator": value.denominator if value else "",
        "note": value.note if value else "",
        "is_excluded": value.is_excluded if value else False,
        "exclusion_reason": value.exclusion_reason if value else "",
        "errors": [],
        "warning": "",
    }


def _total_line(metric: Metric, strata_lines: list[dict[str, Any]]) -> dict[str, Any]:
    """The read-only total of a stratified metric: always the sum of its strata."""
    stored = [line["value"] for line in strata_lines if line["value"] is not None]
    numerators = [v.numerator for v in stored if v.numerator is not None]
    denominators = [v.denominator for v in stored if v.denominator is not None]
    return {
        "key": f"{metric.pk}-total",
        "metric": metric,
        "is_total": True,
        "numerator": sum(numerators) if numerators else "",
        "denominator": sum(denominators) if denominators else "",
    }


def _save_period(
    request: HttpRequest,
    team: Any,
    period: ReportingPeriod,
    report: Report,
    form: NarrativeForm,
    lines: list[dict[str, Any]],
) -> HttpResponse | None:
    """Check every line; save all or nothing. Returns a redirect, or None to re-render."""
    post = request.POST
    confirmed = post.get("confirm_unusual") == "1"
    checks = []
    problems = False
    for line in lines:
        if line.get("is_total"):
            continue
        key = line["key"]
        line["numerator"] = post.get(f"n-{key}", "")
        line["denominator"] = post.get(f"d-{key}", "")
        line["note"] = post.get(f"note-{key}", "")[:300]
        line["is_excluded"] = post.get(f"x-{key}") == "on"
        line["exclusion_reason"] = post.get(f"why-{key}", "")[:300]
        metric = line["metric"]
        check = check_entry(
            metric,
            line["numerator"],
            line["denominator"] if metric.has_denominator else None,
            history_of(team, metric, period) if line["stratum"] is None else [],
        )
        line["errors"] = list(check.errors)
        if line["is_excluded"] and not line["exclusion_reason"].strip():
            line["errors"].append(_("Say why the value is excluded."))
        line["warning"] = check.warning
        problems |= bool(line["errors"]) or (bool(check.warning) and not confirmed)
        checks.append(check)
    if not form.is_valid() or problems:
        if any(line["warning"] for line in lines) and not any(line["errors"] for line in lines):
            messages.warning(request, _("Some figures look unusual. Check them, then confirm."))
        else:
            messages.error(request, _("Nothing was saved: please correct the marked figures."))
        return None
    submitting = post.get("action") == "submit"
    reason = post.get("reason", "")[:300]
    with transaction.atomic():
        entered = [line for line in lines if not line.get("is_total")]
        for line, check in zip(entered, checks, strict=True):
            value, _saved = save_entry(
                team=team,
                metric=line["metric"],
                period=period,
                stratum=line["stratum"],
                check=check,
                by=request.user,
                expected_version=None,
                reason=reason,
            )
            if value is not None:
                _save_annotations(value, line, request.user, reason)
        _save_narrative(report, form, request.user)
        if submitting:
            schedule = ReportingSchedule.objects.filter(
                collaborative_id=team.collaborative_id
            ).first()
            report.submit(request.user, schedule)
    if submitting:
        note = _("Report submitted late.") if report.is_late else _("Report submitted.")
        messages.success(request, note)
    else:
        messages.success(request, _("Draft saved."))
    return redirect("reporting:period-report", team.collaborative_id, team.pk, period.pk)


def _save_annotations(value: Value, line: dict[str, Any], by: Any, reason: str) -> None:
    fields = {
        "note": line["note"],
        "is_excluded": line["is_excluded"],
        "exclusion_reason": line["exclusion_reason"] if line["is_excluded"] else "",
    }
    if any(getattr(value, key) != new for key, new in fields.items()):
        value.revise(by, reason, **fields)


def _save_narrative(report: Report, form: NarrativeForm, by: Any) -> None:
    if report.pk and form.has_changed():
        old = Report.objects.get(pk=report.pk)
        ReportRevision.objects.create(
            report=report,
            narrative={name: getattr(old, name) for name in Report.NARRATIVE},
            replaced_by=by,
        )
    form.save()


@require_POST
@login_required
def reopen_report(
    request: HttpRequest, collaborative_id: int, team_id: int, period_id: int
) -> HttpResponse:
    team, _access = team_for(request, collaborative_id, team_id, "reopen_report")
    report = get_object_or_404(
        Report, team=team, period=_period_of(team, period_id), status=Report.Status.SUBMITTED
    )
    report.reopen(request.user)
    messages.success(request, _("The period is open again for this team."))
    return redirect("reporting:period-report", collaborative_id, team_id, period_id)


@login_required
def value_history(
    request: HttpRequest, collaborative_id: int, team_id: int, value_id: int
) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "view_team_data")
    value = get_object_or_404(
        Value.objects.select_related("metric", "period", "stratum", "updated_by"),
        pk=value_id,
        team=team,
    )
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
            problem = _("The file is larger than 5 MB.")
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
    report = get_object_or_404(
        Report, team=team, period=_period_of(team, period_id), status=Report.Status.SUBMITTED
    )
    text = request.POST.get("text", "").strip()
    if not text:
        messages.error(request, _("Write the feedback before sending it."))
    else:
        Feedback.objects.create(report=report, author=request.user, text=text[:5000])
        messages.success(request, _("Feedback sent to the team."))
    return redirect("reporting:period-report", collaborative_id, team_id, period_id)


@login_required
def export_figures(request: HttpRequest, collaborative_id: int, fmt: str) -> HttpResponse:
    """Every team's figures, for the host's own analysis."""
    collaborative, _access = collaborative_for(request, collaborative_id, "export_data")
    name = slugify(collaborative.name) or "collaborative"
    if fmt == "csv":
        response = HttpResponse(export_csv(collaborative), content_type="text/csv")
    elif fmt == "xlsx":
        response = HttpResponse(
            export_xlsx(collaborative),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}-figures.{fmt}"'
    return response


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
        .order_by("-submitted_at")
    )
    if not access.can("give_feedback") and not access.sees_all_teams:
        reports = reports.filter(team_id__in=access.coached_team_ids)
    return render(
        request,
        "reporting/feedback_queue.html",
        {
            "collaborative": collaborative,
            "access": access,
            "reports": reports[:200],
            "trials_waiting": waiting_count(collaborative, access),
        },
    )
